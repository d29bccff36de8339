"""The post as each of its brand's channels will render it, measured the way that channel counts.

The rendering comes from the channel adapters' formatting (``studio.channels.formatting``), and whether
the post fits is the adapter's own check, so the preview says what sending will do.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from studio.channels import ADAPTERS
from studio.channels.formatting import (
    DingTalkMarkdown,
    LarkMarkdown,
    SlackMrkdwn,
    TelegramMarkdownV2,
    TelegramVisible,
    WeComMarkdown,
    defused,
    feishu_post_content,
    first_line,
    parse_blocks,
    render,
    render_blocks,
    split_title,
    to_plain_text,
    utf8_len,
    utf16_len,
)
from studio.channels.http import encode_json
from studio.posts import get_post

CHANNEL_LABELS = {"wecom": "企业微信", "feishu": "飞书", "dingtalk": "钉钉", "slack": "Slack", "telegram": "Telegram",
                  "webhook": "通用 Webhook", "sandbox": "沙盒群"}
BYTES, CHARS = "字节", "字"


@dataclass
class ChannelPreview:
    channel: str  # slug
    name: str
    type: str
    label: str  # platform and format, e.g. "企业微信 markdown"
    text: str  # what the platform receives (its markup included), or what a reader sees for plain text
    length: int
    limit: int
    unit: str
    fits: bool
    problem: str  # why the post cannot be sent on this channel; empty when it fits


def _wecom(markdown: str, settings: dict) -> tuple[str, str, int, int, str]:
    if settings.get("format") == "text":
        text = to_plain_text(markdown)
        return "text", text, utf8_len(text), 2048, BYTES
    text = render_blocks(parse_blocks(markdown), WeComMarkdown())
    return "markdown", text, utf8_len(text), 4096, BYTES


def _feishu_post_text(title: str, lines: list[list[dict]]) -> str:
    rows = [title] if title else []
    for line in lines:
        rows.append("".join(f"{e.get('text', '')}（{e['href']}）" if e.get("tag") == "a" and e.get("href")
                            else e.get("text", "") for e in line))
    return "\n".join(rows)


def _feishu(markdown: str, settings: dict) -> tuple[str, str, int, int, str]:
    fmt = str(settings.get("format") or "post")
    title, body = split_title(parse_blocks(markdown), limit=100)
    title = title or str(settings.get("title") or "")
    if fmt == "text":
        text = to_plain_text(markdown)
        document = {"msg_type": "text", "content": {"text": text}}
    elif fmt == "interactive":
        text = render_blocks(body, LarkMarkdown())
        card: dict = {"config": {"wide_screen_mode": True},
                      "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": text}}]}
        if title:
            card["header"] = {"title": {"tag": "plain_text", "content": title},
                              "template": str(settings.get("card_color") or "blue")}
        document = {"msg_type": "interactive", "card": card}
    else:
        fmt, content = "post", feishu_post_content(body)
        text = _feishu_post_text(title, content)
        document = {"msg_type": "post", "content": {"post": {"zh_cn": {"title": title, "content": content}}}}
    # Feishu limits the whole request body, signature fields included.
    size = len(encode_json({"timestamp": "0000000000", "sign": "x" * 44, **document}))
    return fmt, text, size, 20 * 1024, BYTES


def _dingtalk(markdown: str, settings: dict) -> tuple[str, str, int, int, str]:
    title = str(settings.get("title") or "") or first_line(markdown, limit=40)
    if settings.get("format") == "text":
        fmt, text = "text", to_plain_text(markdown)
        document = {"msgtype": "text", "text": {"content": text}}
    else:
        fmt, text = "markdown", render_blocks(parse_blocks(markdown), DingTalkMarkdown())
        document = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return fmt, text, len(encode_json({**document, "at": {"isAtAll": False}})), 20000, BYTES


def _slack(markdown: str, settings: dict) -> tuple[str, str, int, int, str]:
    text = render(markdown, SlackMrkdwn())
    return "mrkdwn", text, len(text), 40000, CHARS


def _telegram(markdown: str, settings: dict) -> tuple[str, str, int, int, str]:
    blocks = parse_blocks(markdown)
    # Telegram counts what the reader sees, in UTF-16 units.
    visible = utf16_len(render_blocks(blocks, TelegramVisible()).strip())
    return "MarkdownV2", render_blocks(blocks, TelegramMarkdownV2()), visible, 4096, "字（UTF-16）"


def _plain(markdown: str, settings: dict, limit: int) -> tuple[str, str, int, int, str]:
    return "text", to_plain_text(markdown), len(markdown), limit, CHARS


_RENDERERS = {"wecom": _wecom, "feishu": _feishu, "dingtalk": _dingtalk, "slack": _slack, "telegram": _telegram}


def preview_for_channel(channel, markdown: str) -> ChannelPreview:
    """One channel's rendering of the post, its size against the channel's limit, and the adapter's verdict."""
    settings = dict(channel.settings or {})
    adapter = ADAPTERS.get(channel.type)
    limit = adapter.max_chars if adapter else 4000
    body = defused(markdown)
    renderer = _RENDERERS.get(channel.type)
    fmt, text, length, limit, unit = renderer(body, settings) if renderer else _plain(body, settings, limit)
    problem = adapter().check(markdown, settings) if adapter else f"不支持的渠道类型 {channel.type!r}"
    if problem is None and length > limit:
        problem = f"超过该渠道上限：{length} / {limit} {unit}"
    return ChannelPreview(channel=channel.slug, name=channel.name, type=channel.type,
                          label=f"{CHANNEL_LABELS.get(channel.type, channel.type)} {fmt}", text=text, length=length,
                          limit=limit, unit=unit, fits=problem is None, problem=problem or "")


def channel_previews(post_id: int, markdown: str) -> list[dict]:
    """The text in the editor as each active channel of the post's brand will render it, the brief's first."""
    post = get_post(post_id)
    channels = sorted((c for c in post.brief.brand.channels if c.active),
                      key=lambda c: (c.id != post.brief.channel_id, c.id))
    return [asdict(preview_for_channel(channel, markdown or "")) for channel in channels]
