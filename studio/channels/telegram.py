"""Telegram bot: sendMessage with parse_mode MarkdownV2.

POST {"chat_id": <target>, "text": ..., "parse_mode": "MarkdownV2"} to
<api_base>/bot<bot_token>/sendMessage (settings "bot_token", optional "api_base", "message_thread_id",
"disable_web_page_preview"). Every MarkdownV2 special character _*[]()~`>#+-=|{}.! (and the backslash)
is escaped except in the markup we emit. Telegram allows 4096 characters after the markup is parsed.
A post's poster follows the text as a photo uploaded to sendPhoto (multipart/form-data).

Answers are {"ok": true, ...} or {"ok": false, "error_code": N, "description": ..., "parameters": {...}}:
429 (parameters.retry_after) and 5xx are transient, 400/401/403/404 and the rest permanent.
"""
from __future__ import annotations

from dataclasses import replace

from urllib3 import encode_multipart_formdata

from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult, Setting, after_text
from studio.channels.blocks import parse_blocks
from studio.channels.dialects import TelegramMarkdownV2, TelegramVisible, render_blocks
from studio.channels.http import Reply, classify_http, excerpt, post_json
from studio.channels.sizes import utf16_len

DEFAULT_API_BASE = "https://api.telegram.org"
TEXT_LIMIT_CHARS = 4096


PHOTO_LIMIT_BYTES = 10 * 1024 * 1024  # sendPhoto's limit for an uploaded file


class TelegramAdapter(ChannelAdapter):
    type = "telegram"
    label = "Telegram"
    sends_images = True
    settings_read = (Setting("bot_token", secret=True), Setting("api_base"), Setting("message_thread_id"),
                     Setting("disable_web_page_preview"))

    def render(self, markdown: str, settings: dict) -> Rendering:
        blocks = parse_blocks(markdown)
        text = render_blocks(blocks, TelegramMarkdownV2())
        # Telegram counts what the reader sees, in UTF-16 units (an emoji counts twice).
        visible = utf16_len(render_blocks(blocks, TelegramVisible()).strip())
        document: dict = {"text": text, "parse_mode": "MarkdownV2"}
        problem = ""
        if settings.get("message_thread_id"):
            try:
                document["message_thread_id"] = int(settings["message_thread_id"])
            except (TypeError, ValueError):
                problem = "Telegram 渠道的 message_thread_id 必须是整数"
        if settings.get("disable_web_page_preview"):
            document["link_preview_options"] = {"is_disabled": True}
        if not visible:
            problem = "正文为空"
        elif visible > TEXT_LIMIT_CHARS:
            problem = f"Telegram 消息超过 {TEXT_LIMIT_CHARS} 字（当前 {visible}）"
        return Rendering("MarkdownV2", text, (document,), visible, TEXT_LIMIT_CHARS, "字（UTF-16）", problem)

    def with_image(self, rendering: Rendering, image: bytes) -> Rendering:
        """The poster follows the text as a photo uploaded with sendPhoto."""
        if len(image) > PHOTO_LIMIT_BYTES:
            return replace(rendering, problem=f"海报超过 Telegram 图片上限 10 MB（当前 {len(image) / 1048576:.1f} MB）")
        photo = {"photo": image}
        if "message_thread_id" in rendering.documents[0]:
            photo["message_thread_id"] = rendering.documents[0]["message_thread_id"]
        return replace(rendering, documents=(rendering.documents[0], photo))

    def endpoint(self, target: str, settings: dict, method: str = "sendMessage") -> str:
        # The token sits in the path; api_base (a local Bot API server, a proxy) is the part a person types.
        base = str(settings.get("api_base") or DEFAULT_API_BASE).strip().rstrip("/")
        return f"{base}/bot{settings.get('bot_token') or ''}/{method}"

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        settings = message.settings or {}
        if not str(settings.get("bot_token") or ""):
            return SendResult("permanent", "Telegram 渠道缺少 bot_token 设置")
        if not (message.target or "").strip():
            return SendResult("permanent", "Telegram 渠道缺少 chat_id")
        document = {"chat_id": message.target.strip(), **rendering.documents[0]}
        reply = post_json(self.endpoint(message.target, settings), document)
        first = reply if isinstance(reply, SendResult) else classify(reply)
        if not first.ok or len(rendering.documents) == 1:
            return first
        return after_text(first, self._send_photo(message, rendering.documents[1]))

    def _send_photo(self, message: OutgoingMessage, photo: dict) -> SendResult:
        fields = {"chat_id": message.target.strip(),
                  "photo": ("poster.jpg" if photo["photo"].startswith(b"\xff\xd8") else "poster.webp",
                            photo["photo"])}
        if "message_thread_id" in photo:
            fields["message_thread_id"] = str(photo["message_thread_id"])
        body, content_type = encode_multipart_formdata(fields)
        reply = post_json(self.endpoint(message.target, message.settings or {}, "sendPhoto"), body,
                          {"Content-Type": content_type})
        return reply if isinstance(reply, SendResult) else classify(reply)


def classify(reply: Reply) -> SendResult:
    data = reply.data
    if data is None or "ok" not in data:
        result = classify_http(reply)
        if result.outcome == "sent":  # a 2xx that is not Telegram's answer: it may have been delivered
            return SendResult("unknown", f"Telegram 回应无法识别，消息可能已送达：{reply.summary}")
        return result
    if data.get("ok") is True:
        return SendResult("sent", reply.summary)
    code = data.get("error_code") or reply.status
    parameters = data.get("parameters") or {}
    description = excerpt(str(data.get("description") or ""))
    if code == 429:
        retry = parameters.get("retry_after")
        retry = float(retry) if isinstance(retry, (int, float)) else reply.retry_after
        return SendResult("transient", f"Telegram 发送过于频繁：{description}", retry)
    if isinstance(code, int) and code >= 500:
        return SendResult("transient", f"Telegram 服务异常（{code}）：{description}", reply.retry_after)
    if parameters.get("migrate_to_chat_id"):
        return SendResult("permanent", f"群已升级为超级群，请把 chat_id 改为 {parameters['migrate_to_chat_id']}："
                                       f"{description}")
    if code == 401:
        return SendResult("permanent", f"Telegram bot_token 无效（401）：{description}")
    if code == 403:
        return SendResult("permanent", f"机器人无权向该聊天发送（403）：{description}")
    return SendResult("permanent", f"Telegram 拒绝发送（{code}）：{description}")
