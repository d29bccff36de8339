"""The post as each of its brand's channels will render it, measured the way that channel counts.

Each row is the channel adapter's own rendering, the one its send posts, so the preview says what sending
will do.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from studio.channels import ADAPTERS, ChannelAdapter
from studio.channels.base import Rendering
from studio.channels.mentions import defused
from studio.channels.plain import plain_rendering
from studio.posts import get_post


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


def rendering_for(channel_type: str, markdown: str, settings: dict) -> Rendering:
    """The adapter's rendering of the post; an unknown type shows the plain text and says it cannot send."""
    adapter = ADAPTERS.get(channel_type)
    if adapter is None:
        return replace(plain_rendering(markdown, ChannelAdapter.max_chars, {}), documents=(),
                       problem=f"不支持的渠道类型 {channel_type!r}")
    return adapter().render(markdown, settings)


def preview_for_channel(channel, markdown: str) -> ChannelPreview:
    """One channel's rendering of the post, its size against the limit, and the adapter's verdict."""
    rendering = rendering_for(channel.type, defused(markdown), dict(channel.settings or {}))
    adapter = ADAPTERS.get(channel.type)
    label = f"{adapter.label if adapter else channel.type} {rendering.format}"
    return ChannelPreview(channel=channel.slug, name=channel.name, type=channel.type, label=label,
                          text=rendering.text, length=rendering.size, limit=rendering.limit,
                          unit=rendering.unit, fits=rendering.fits, problem=rendering.problem)


def channel_previews(post_id: int, markdown: str) -> list[dict]:
    """The text in the editor as each active channel of the post's brand will render it, the brief's first.

    Groups from the directory render alike when their platform and settings match, so one of each kind stands
    for the rest: a brand with 300 groups gets a handful of previews, not 300 renderings per keystroke."""
    post = get_post(post_id)
    channels = sorted((c for c in post.brief.brand.channels if c.active),
                      key=lambda c: (c.id != post.brief.channel_id, c.id))
    shown, kinds = [], set()
    for channel in channels:
        if channel.origin == "directory":
            kind = (channel.type, repr(sorted((k, str(v)) for k, v in (channel.settings or {}).items()
                                              if k not in ("name", "secret", "bot_token"))))
            if kind in kinds:
                continue
            kinds.add(kind)
        shown.append(channel)
    return [asdict(preview_for_channel(channel, markdown or "")) for channel in shown]
