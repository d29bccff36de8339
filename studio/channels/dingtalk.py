"""DingTalk custom robot (钉钉自定义机器人).

POST JSON to https://oapi.dingtalk.com/robot/send?access_token=TOKEN. With the "加签" security setting the
URL also carries &timestamp=<milliseconds>&sign=<URL-encoded base64(HMAC-SHA256, key = secret, message =
"<timestamp>\\n<secret>")>; DingTalk refuses timestamps more than an hour from its clock.

Formats (setting "format"): markdown (default: title + text), text, actionCard (needs setting "url";
optional "button_title"). Messages over 20000 bytes are refused.

Answers are {"errcode": 0, "errmsg": "ok"}; 130101 (over 20 a minute: the robot is then throttled for
10 minutes) and -1 (busy) are transient, 310000 (keyword / IP / signature check failed), 300001 (bad
token), 460101 (too long), 660026 and the rest permanent.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult, Setting
from studio.channels.blocks import first_line, parse_blocks
from studio.channels.dialects import DingTalkMarkdown, render_blocks, to_plain_text
from studio.channels.http import Reply, classify_coded, encode_json, post_json, resolve_target

API_URL = "https://oapi.dingtalk.com/robot/send?access_token="
FORMATS = ("markdown", "text", "actionCard")
BODY_LIMIT_BYTES = 20000

TRANSIENT = {130101: "发送过于频繁（每个机器人每分钟最多 20 条，超出后限流 10 分钟）", -1: "系统繁忙"}
RETRY_AFTER = {130101: 600.0}
PERMANENT = {310000: "安全设置校验失败（关键词、IP 白名单或加签密钥/时间戳不符）",
             300001: "access_token 无效", 400101: "access_token 不存在", 400102: "机器人已停用",
             460101: "消息超过 20000 字节", 660026: "机器人被限制发送，请在钉钉后台检查机器人状态与额度"}


def sign(timestamp_ms: int, secret: str) -> str:
    """The URL-encoded signature DingTalk expects in the query string."""
    message = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


class DingTalkAdapter(ChannelAdapter):
    type = "dingtalk"
    label = "钉钉"
    settings_read = (Setting("format"), Setting("title"), Setting("url"), Setting("button_title"),
                     Setting("secret", secret=True))

    def __init__(self, clock=time.time):
        self.clock = clock

    def render(self, markdown: str, settings: dict) -> Rendering:
        fmt = str(settings.get("format") or "markdown")
        if fmt not in FORMATS:
            return Rendering(fmt, "", problem=f"钉钉不支持消息格式 {fmt!r}（可用：{'、'.join(FORMATS)}）")
        title = str(settings.get("title") or "") or first_line(markdown, limit=40)
        url = str(settings.get("url") or "")
        if fmt == "text":
            text = to_plain_text(markdown)
            document = {"msgtype": "text", "text": {"content": text}}
        else:
            text = render_blocks(parse_blocks(markdown), DingTalkMarkdown())
            body = {"title": title, "text": text}
            if fmt == "actionCard":
                body.update(btnOrientation="0", singleTitle=str(settings.get("button_title") or "阅读全文"),
                            singleURL=url)
            document = {"msgtype": fmt, fmt: body}
        # Never ask DingTalk to @everyone: mentions only happen through this field, and it stays off.
        document["at"] = {"isAtAll": False}
        size = len(encode_json(document))
        if not title:
            problem = "正文为空"
        elif fmt == "actionCard" and not url.startswith(("http://", "https://")):
            problem = "钉钉 actionCard 需要在渠道设置中填写跳转链接 url"
        elif size > BODY_LIMIT_BYTES:
            problem = f"钉钉消息超过 {BODY_LIMIT_BYTES} 字节（当前 {size}）"
        else:
            problem = ""
        return Rendering(fmt, text, (document,), size, BODY_LIMIT_BYTES, "字节", problem)

    def endpoint(self, target: str, settings: dict) -> str:
        return resolve_target(target, API_URL) or ""

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        settings = message.settings or {}
        url = resolve_target(message.target, API_URL)
        if url is None:
            return SendResult("permanent", "钉钉渠道的 webhook 地址无效")
        secret = str(settings.get("secret") or "")
        if secret:
            timestamp = int(self.clock() * 1000)
            url += ("&" if "?" in url else "?") + f"timestamp={timestamp}&sign={sign(timestamp, secret)}"
        reply = post_json(url, rendering.documents[0])
        if isinstance(reply, SendResult):
            return reply
        return classify(reply)


def classify(reply: Reply) -> SendResult:
    code = reply.data.get("errcode") if reply.data else None
    return classify_coded(reply, code, transient=TRANSIENT, permanent_hints=PERMANENT,
                          default_retry_after=RETRY_AFTER, platform="钉钉")
