"""Feishu / Lark custom bot (飞书自定义机器人).

POST JSON to https://open.feishu.cn/open-apis/bot/v2/hook/<id>. With signature verification on, the body
carries "timestamp" (seconds) and "sign" = base64(HMAC-SHA256 keyed with "<timestamp>\\n<secret>" over an
empty message); Feishu refuses timestamps more than an hour from its clock.

Formats (setting "format"): post (default: rich text with a zh_cn title and lines of text/link elements),
text, interactive (a card with one lark_md block). The request body must stay under 20 KB.

Answers are {"code": 0, "msg": "success"} (older bots: {"StatusCode": 0}); 9499 and 11232 (too frequent)
are transient, 19021 (bad signature or clock), 19022 (IP not allowed), 19024 (keyword missing) and the
rest permanent.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult, Setting
from studio.channels.blocks import parse_blocks, split_title
from studio.channels.dialects import LarkMarkdown, render_blocks, to_plain_text
from studio.channels.feishu_post import feishu_post_content
from studio.channels.http import Reply, classify_coded, encode_json, post_json, resolve_target

HOOK_URL = "https://open.feishu.cn/open-apis/bot/v2/hook/"
FORMATS = ("post", "text", "interactive")
BODY_LIMIT_BYTES = 20 * 1024

TRANSIENT = {9499: "请求过于频繁", 11232: "发送频率超限（每个机器人每分钟 100 次、每秒 5 次）"}
PERMANENT = {19021: "签名校验失败（密钥错误，或服务器时间与飞书相差超过 1 小时）",
             19022: "请求 IP 不在机器人的白名单中", 19024: "消息未包含机器人安全设置中的关键词",
             19001: "消息参数无效"}


def sign(timestamp: int, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode("utf-8")
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


class FeishuAdapter(ChannelAdapter):
    type = "feishu"
    label = "飞书"
    settings_read = (Setting("format"), Setting("title"), Setting("card_color"),
                     Setting("secret", secret=True))

    def __init__(self, clock=time.time):
        self.clock = clock

    def render(self, markdown: str, settings: dict) -> Rendering:
        fmt = str(settings.get("format") or "post")
        if fmt not in FORMATS:
            return Rendering(fmt, "", problem=f"飞书不支持消息格式 {fmt!r}（可用：{'、'.join(FORMATS)}）")
        blocks = parse_blocks(markdown)
        title, body = split_title(blocks, limit=100)
        title = title or str(settings.get("title") or "")
        if fmt == "text":
            text = to_plain_text(markdown)
            document = {"msg_type": "text", "content": {"text": text}}
        elif fmt == "post":
            content = feishu_post_content(body)
            text = post_text(title, content)
            post = {"zh_cn": {"title": title, "content": content}}
            document = {"msg_type": "post", "content": {"post": post}}
        else:
            text = render_blocks(body, LarkMarkdown())
            document = {"msg_type": "interactive", "card": _card(title, text, settings)}
        # Measure with room for the signature fields so the real body is never bigger than checked.
        size = len(encode_json({"timestamp": "0000000000", "sign": "x" * 44, **document}))
        if not blocks:
            problem = "正文为空"
        elif size > BODY_LIMIT_BYTES:
            problem = f"飞书消息超过 20 KB（当前 {size / 1024:.1f} KB）"
        else:
            problem = ""
        return Rendering(fmt, text, (document,), size, BODY_LIMIT_BYTES, "字节", problem)

    def endpoint(self, target: str, settings: dict) -> str:
        return resolve_target(target, HOOK_URL) or ""

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        settings = message.settings or {}
        document = rendering.documents[0]
        secret = str(settings.get("secret") or "")
        if secret:
            timestamp = int(self.clock())
            document = {"timestamp": str(timestamp), "sign": sign(timestamp, secret), **document}
        url = resolve_target(message.target, HOOK_URL)
        if url is None:
            return SendResult("permanent", "飞书渠道的 webhook 地址无效")
        reply = post_json(url, document)
        if isinstance(reply, SendResult):
            return reply
        return classify(reply)


def _card(title: str, lark_md: str, settings: dict) -> dict:
    """An interactive card: one lark_md block, under a coloured header when the post has a title."""
    card: dict = {"config": {"wide_screen_mode": True},
                  "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": lark_md}}]}
    if title:
        card["header"] = {"title": {"tag": "plain_text", "content": title},
                          "template": str(settings.get("card_color") or "blue")}
    return card


def post_text(title: str, lines: list[list[dict]]) -> str:
    """A rich-text post as a reader sees it: the title, then each line with links written out."""
    rows = [title] if title else []
    for line in lines:
        rows.append("".join(f"{e.get('text', '')}（{e['href']}）" if e.get("tag") == "a" and e.get("href")
                            else e.get("text", "") for e in line))
    return "\n".join(rows)


def classify(reply: Reply) -> SendResult:
    code = None
    if reply.data:
        code = reply.data.get("code", reply.data.get("StatusCode"))
    result = classify_coded(reply, code, transient=TRANSIENT, permanent_hints=PERMANENT, platform="飞书")
    if result.outcome == "transient" and result.retry_after is None:
        # Feishu's gateway says when the rate-limit window resets.
        try:
            reset = float(reply.headers.get("x-ogw-ratelimit-reset") or "")
        except ValueError:
            reset = None
        if reset is not None:
            return SendResult("transient", result.detail, max(0.0, reset))
    return result
