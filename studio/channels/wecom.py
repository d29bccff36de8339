"""WeCom group robot (企业微信群机器人).

POST {"msgtype": ..., ...} to https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY; the key in the URL is
the only credential. Formats (channel setting "format"): markdown (default, content ≤ 4096 UTF-8 bytes),
text (≤ 2048 bytes), news (one article card: needs setting "url"; optional "picurl") and image (the picture
at setting "image_path", JPG/PNG ≤ 2 MB, sent as base64 + md5). With "image_path" set and another format,
the picture follows the text as a second message.

Answers are {"errcode": 0, "errmsg": "ok"}; 45009 (over 20 messages a minute) and -1 (busy) are transient,
93000 (invalid webhook URL) and everything else permanent.
"""
from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from studio.channels.base import ChannelAdapter, OutgoingMessage, SendResult
from studio.channels.formatting import (
    Dialect,
    WeComMarkdown,
    defused,
    first_line,
    neutralise_tags,
    parse_blocks,
    render_blocks,
    split_title,
    to_plain_text,
    truncate_bytes,
    utf8_len,
)
from studio.channels.http import Reply, classify_coded, post_json, resolve_target

API_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="
FORMATS = ("markdown", "text", "news", "image")
MARKDOWN_LIMIT_BYTES = 4096
TEXT_LIMIT_BYTES = 2048
NEWS_TITLE_BYTES = 128
NEWS_DESCRIPTION_BYTES = 512
IMAGE_LIMIT_BYTES = 2 * 1024 * 1024

TRANSIENT = {45009: "发送过于频繁（每个机器人每分钟最多 20 条）", 45033: "并发调用超过限制", -1: "系统繁忙"}
RETRY_AFTER = {45009: 60.0}
PERMANENT = {93000: "webhook 地址无效（key 错误或机器人已被移出群聊）",
             40008: "消息类型无效", 40058: "消息内容不合法或超出长度限制",
             40009: "图片大小或格式不合法"}


def image_document(path: str) -> tuple[dict | None, str | None]:
    """The image message for a local JPG/PNG file, or why it cannot be sent."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError:
        return None, f"企业微信图片文件无法读取：{file.name}"
    if len(data) > IMAGE_LIMIT_BYTES:
        return None, f"企业微信图片超过 2 MB（当前 {len(data) / 1024 / 1024:.1f} MB）"
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return None, "企业微信图片只支持 JPG 或 PNG"
    return {"msgtype": "image", "image": {"base64": base64.b64encode(data).decode("ascii"),
                                          "md5": hashlib.md5(data).hexdigest()}}, None


class WeComAdapter(ChannelAdapter):
    type = "wecom"
    max_chars = MARKDOWN_LIMIT_BYTES  # bytes, really: see check()

    def check(self, message_markdown: str, settings: dict | None = None) -> str | None:
        return self.documents(defused(message_markdown), settings or {})[1]

    def documents(self, markdown: str, settings: dict) -> tuple[list[dict], str | None]:
        """The messages to post, in order, or why the post cannot go out on this channel."""
        fmt = str(settings.get("format") or "markdown")
        if fmt not in FORMATS:
            return [], f"企业微信不支持消息格式 {fmt!r}（可用：{'、'.join(FORMATS)}）"
        image_path = settings.get("image_path")
        documents: list[dict] = []
        if fmt == "markdown":
            content = render_blocks(parse_blocks(markdown), WeComMarkdown())
            size = utf8_len(content)
            if size > MARKDOWN_LIMIT_BYTES:
                return [], f"企业微信 markdown 超过 {MARKDOWN_LIMIT_BYTES} 字节（当前 {size}）"
            documents.append({"msgtype": "markdown", "markdown": {"content": content}})
        elif fmt == "text":
            content = to_plain_text(markdown)
            size = utf8_len(content)
            if size > TEXT_LIMIT_BYTES:
                return [], f"企业微信文本消息超过 {TEXT_LIMIT_BYTES} 字节（当前 {size}）"
            documents.append({"msgtype": "text", "text": {"content": content}})
        elif fmt == "news":
            url = str(settings.get("url") or "")
            if not url.startswith(("http://", "https://")):
                return [], "企业微信图文消息需要在渠道设置中填写文章链接 url"
            title, rest = split_title(parse_blocks(markdown), limit=200)
            title = title or first_line(markdown, limit=200)
            description = neutralise_tags(render_blocks(rest, Dialect())) if rest else to_plain_text(markdown)
            article = {"title": truncate_bytes(title, NEWS_TITLE_BYTES),
                       "description": truncate_bytes(description, NEWS_DESCRIPTION_BYTES), "url": url}
            if settings.get("picurl"):
                article["picurl"] = str(settings["picurl"])
            documents.append({"msgtype": "news", "news": {"articles": [article]}})
        elif not image_path:
            return [], "企业微信图片消息需要在渠道设置中提供 image_path"
        if fmt != "image" and not any(_content(d).strip() for d in documents):
            return [], "正文为空"
        if image_path:
            image, problem = image_document(str(image_path))
            if problem:
                return [], problem
            documents.append(image)
        return documents, None

    def send(self, message: OutgoingMessage) -> SendResult:
        documents, problem = self.documents(message.markdown, message.settings or {})
        if problem:
            return SendResult("permanent", problem)
        url = resolve_target(message.target, API_URL)
        if url is None:
            return SendResult("permanent", "企业微信渠道的 webhook 地址无效")
        first = self._post(url, documents[0])
        if not first.ok or len(documents) == 1:
            return first
        # The text arrived; the picture is a follow-up. Resending the pair would duplicate the text,
        # so a failed picture is reported for a person to finish, not retried.
        second = self._post(url, documents[1])
        if second.ok:
            return SendResult("sent", f"{first.detail}；图片：{second.detail}")
        return SendResult("sent", f"正文已发送，但图片未发送（{second.outcome}：{second.detail}），请人工补发图片")

    def _post(self, url: str, document: dict) -> SendResult:
        reply = post_json(url, document)
        if isinstance(reply, SendResult):
            return reply
        return classify(reply)


def _content(document: dict) -> str:
    body = document.get(document.get("msgtype", ""), {})
    if "articles" in body:
        return body["articles"][0]["title"] + body["articles"][0]["description"]
    return str(body.get("content", ""))


def classify(reply: Reply) -> SendResult:
    code = reply.data.get("errcode") if reply.data else None
    return classify_coded(reply, code, transient=TRANSIENT, permanent_hints=PERMANENT,
                          default_retry_after=RETRY_AFTER, platform="企业微信")
