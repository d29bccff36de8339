"""WeCom group robot (企业微信群机器人).

POST {"msgtype": ..., ...} to https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY; the key in the URL is
the only credential. Formats (channel setting "format"): markdown (default, content ≤ 4096 UTF-8 bytes),
text (≤ 2048 bytes), news (one article card: needs setting "url"; optional "picurl") and image (the picture
at setting "image_path", JPG/PNG ≤ 2 MB, sent as base64 + md5; only a file inside the brand kit's folder,
a path relative to it or absolute). With "image_path" set and another format,
the picture follows the text as a second message. A post's poster is sent the same way, in place of
the channel's picture.

Answers are {"errcode": 0, "errmsg": "ok"}; 45009 (over 20 messages a minute) and -1 (busy) are transient,
93000 (invalid webhook URL) and everything else permanent.
"""
from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import replace
from pathlib import Path

from studio.channels.assets import image_roots, locate_inside
from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult, Setting, after_text
from studio.channels.blocks import first_line, parse_blocks, split_title
from studio.channels.dialects import Dialect, WeComMarkdown, render_blocks, to_plain_text
from studio.channels.http import Reply, classify_coded, post_json, resolve_target
from studio.channels.mentions import neutralise_tags
from studio.channels.sizes import truncate_bytes, utf8_len

API_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="
FORMATS = ("markdown", "text", "news", "image")
MARKDOWN_LIMIT_BYTES = 4096
TEXT_LIMIT_BYTES = 2048
NEWS_TITLE_BYTES = 128
NEWS_DESCRIPTION_BYTES = 512
IMAGE_LIMIT_BYTES = 2 * 1024 * 1024
BYTES = "字节"

TRANSIENT = {45009: "发送过于频繁（每个机器人每分钟最多 20 条）", 45033: "并发调用超过限制", -1: "系统繁忙"}
RETRY_AFTER = {45009: 60.0}
PERMANENT = {93000: "webhook 地址无效（key 错误或机器人已被移出群聊）",
             40008: "消息类型无效", 40058: "消息内容不合法或超出长度限制",
             40009: "图片大小或格式不合法"}


def read_image(path: str, roots: list[Path]) -> tuple[bytes, str]:
    """A JPG/PNG file's bytes from inside the brand kit's folder, or why it cannot be sent."""
    name = Path(path).name
    file = locate_inside(path, roots)
    if file is None:
        return b"", f"企业微信图片 {name} 不在品牌资料包目录内（或不存在），已拒绝读取：image_path 只能指向资料包中的图片"
    try:
        # The checked path itself, not a link swapped in since: O_NOFOLLOW refuses a symlink there.
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(IMAGE_LIMIT_BYTES + 1)
            size = os.fstat(handle.fileno()).st_size
    except OSError:
        return b"", f"企业微信图片文件无法读取：{name}"
    if size > IMAGE_LIMIT_BYTES:
        return b"", f"企业微信图片超过 2 MB（当前 {size / 1024 / 1024:.1f} MB）"
    problem = image_problem(data)
    return (b"", problem) if problem else (data, "")


def image_document(data: bytes) -> dict:
    return {"msgtype": "image", "image": {"base64": base64.b64encode(data).decode("ascii"),
                                          "md5": hashlib.md5(data).hexdigest()}}


def image_problem(data: bytes) -> str:
    """Why WeCom would refuse this picture, or "" when it takes it."""
    if len(data) > IMAGE_LIMIT_BYTES:
        return f"企业微信图片超过 2 MB（当前 {len(data) / 1024 / 1024:.1f} MB）"
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "企业微信图片只支持 JPG 或 PNG"
    return ""


class WeComAdapter(ChannelAdapter):
    type = "wecom"
    label = "企业微信"
    sends_images = True
    settings_read = (Setting("format"), Setting("url"), Setting("picurl"), Setting("image_path"))

    def __init__(self, image_roots: list[Path] | None = None):
        self.image_roots = image_roots  # None: the brand kit folders the studio knows

    def _roots(self) -> list[Path]:
        return image_roots() if self.image_roots is None else self.image_roots

    def endpoint(self, target: str, settings: dict) -> str:
        return resolve_target(target, API_URL) or ""

    def setup_problems(self, target: str, settings: dict, channel_id: int | None = None) -> list[str]:
        problems = super().setup_problems(target, settings, channel_id)
        if settings.get("image_path"):
            roots = self.image_roots if self.image_roots is not None else image_roots(channel_id)
            _, problem = read_image(str(settings["image_path"]), roots)
            if problem:
                problems.append(problem)
        return problems

    def send(self, message: OutgoingMessage) -> SendResult:
        if self.image_roots is None and (message.settings or {}).get("image_path"):
            # A picture that is sent must come from this channel's own brand kit.
            return WeComAdapter(image_roots(message.channel_id)).send(message)
        return super().send(message)

    def render(self, markdown: str, settings: dict) -> Rendering:
        fmt = str(settings.get("format") or "markdown")
        if fmt not in FORMATS:
            return Rendering(fmt, "", problem=f"企业微信不支持消息格式 {fmt!r}（可用：{'、'.join(FORMATS)}）")
        if fmt == "image":
            return _image(settings, self._roots())
        rendering = {"markdown": _markdown, "text": _text, "news": _news}[fmt](markdown, settings)
        if rendering.problem or not settings.get("image_path"):
            return rendering
        # A picture set alongside another format follows the text as a second message.
        data, problem = read_image(str(settings["image_path"]), self._roots())
        if problem:
            return replace(rendering, problem=problem)
        return replace(rendering, documents=(*rendering.documents, image_document(data)))

    def rendering_for(self, message: OutgoingMessage) -> Rendering:
        if message.image and str((message.settings or {}).get("format") or "") == "image":
            # An image-only channel sends the post's poster instead of its fixed picture.
            return self.with_image(Rendering("image", "[图片：海报]", limit=IMAGE_LIMIT_BYTES, unit=BYTES),
                                   message.image)
        return super().rendering_for(message)

    def with_image(self, rendering: Rendering, image: bytes) -> Rendering:
        """The poster as an image message (base64 + md5) after the text; it replaces the channel's picture."""
        problem = image_problem(image)
        if problem:
            return replace(rendering, problem=f"海报无法发送：{problem}")
        text = rendering.documents[:1] if rendering.format != "image" else ()
        return replace(rendering, documents=(*text, image_document(image)), size=rendering.size or len(image))

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        url = resolve_target(message.target, API_URL)
        if url is None:
            return SendResult("permanent", "企业微信渠道的 webhook 地址无效")
        first = self._post(url, rendering.documents[0])
        if not first.ok or len(rendering.documents) == 1:
            return first
        return after_text(first, self._post(url, rendering.documents[1]))

    def _post(self, url: str, document: dict) -> SendResult:
        reply = post_json(url, document)
        if isinstance(reply, SendResult):
            return reply
        return classify(reply)


def _markdown(markdown: str, settings: dict) -> Rendering:
    content = render_blocks(parse_blocks(markdown), WeComMarkdown())
    return _measured("markdown", content, MARKDOWN_LIMIT_BYTES, "企业微信 markdown ")


def _text(markdown: str, settings: dict) -> Rendering:
    return _measured("text", to_plain_text(markdown), TEXT_LIMIT_BYTES, "企业微信文本消息")


def _measured(fmt: str, content: str, limit: int, name: str) -> Rendering:
    """A markdown or text message, its content counted in UTF-8 bytes as WeCom counts it."""
    size = utf8_len(content)
    if size > limit:
        problem = f"{name}超过 {limit} 字节（当前 {size}）"
    else:
        problem = "" if content.strip() else "正文为空"
    document = {"msgtype": fmt, fmt: {"content": content}}
    return Rendering(fmt, content, (document,), size, limit, BYTES, problem)


def _news(markdown: str, settings: dict) -> Rendering:
    """One article card: the leading heading as its title, the rest cut to fit the description."""
    title, rest = split_title(parse_blocks(markdown), limit=200)
    title = title or first_line(markdown, limit=200)
    description = neutralise_tags(render_blocks(rest, Dialect())) if rest else to_plain_text(markdown)
    url = str(settings.get("url") or "")
    article = {"title": truncate_bytes(title, NEWS_TITLE_BYTES),
               "description": truncate_bytes(description, NEWS_DESCRIPTION_BYTES), "url": url}
    if settings.get("picurl"):
        article["picurl"] = str(settings["picurl"])
    if not url.startswith(("http://", "https://")):
        problem = "企业微信图文消息需要在渠道设置中填写文章链接 url"
    else:
        problem = "" if (article["title"] + article["description"]).strip() else "正文为空"
    return Rendering("news", f"{article['title']}\n{article['description']}",
                     ({"msgtype": "news", "news": {"articles": [article]}},),
                     utf8_len(article["description"]), NEWS_DESCRIPTION_BYTES, BYTES, problem)


def _image(settings: dict, roots: list[Path]) -> Rendering:
    """The picture at image_path alone; the post's text is not sent."""
    path = str(settings.get("image_path") or "")
    if not path:
        return Rendering("image", "", limit=IMAGE_LIMIT_BYTES, unit=BYTES,
                         problem="企业微信图片消息需要在渠道设置中提供 image_path")
    data, problem = read_image(path, roots)
    documents = (image_document(data),) if data else ()
    return Rendering("image", f"[图片：{Path(path).name}]", documents, len(data), IMAGE_LIMIT_BYTES, BYTES,
                     problem)


def classify(reply: Reply) -> SendResult:
    code = reply.data.get("errcode") if reply.data else None
    return classify_coded(reply, code, transient=TRANSIENT, permanent_hints=PERMANENT,
                          default_retry_after=RETRY_AFTER, platform="企业微信")
