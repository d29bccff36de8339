"""The contract every channel adapter keeps."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from studio.channels.mentions import defused
from studio.channels.outbound import target_problem


@dataclass(frozen=True)
class OutgoingMessage:
    delivery_key: str
    post_id: int
    channel_id: int
    channel_slug: str
    target: str
    settings: dict
    due_at: datetime  # naive UTC
    markdown: str
    sender: str
    image: bytes = b""  # the revision's poster, for channels that send pictures themselves
    image_url: str = ""  # where the platform can fetch the poster, for channels that can only link it


@dataclass(frozen=True)
class SendResult:
    """How a send ended: sent, transient (safe to retry), permanent, or unknown (may have arrived)."""

    outcome: str
    detail: str = ""
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "sent"


@dataclass(frozen=True)
class Rendering:
    """A post as one adapter sends it: what the platform receives, its size against the limit, the verdict."""

    format: str  # the platform's message format, e.g. "markdown", "post", "MarkdownV2"
    text: str  # what the platform receives, or for plain text and rich-text JSON what a reader sees
    documents: tuple = ()  # request bodies in the order they are posted, before per-send fields
    size: int = 0  # counted the way the platform counts (see unit)
    limit: int = 0
    unit: str = "字"
    problem: str = ""  # why this post cannot be sent on this channel; empty when it can

    @property
    def fits(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class Setting:
    """One key of a channel's settings and whether its value is a credential."""

    key: str
    secret: bool = False


# Read by the studio for every channel type: the display name, the length the linter allows, the send budget.
SHARED_SETTINGS = (Setting("name"), Setting("max_chars"), Setting("rate_limits"))


POSTER_ALT = "海报"


def after_text(text: SendResult, picture: SendResult) -> SendResult:
    """A delivery whose text arrived and whose picture followed: sent either way, since resending the pair
    would post the text twice; a picture that failed is said, for a person to send."""
    if picture.ok:
        return SendResult("sent", f"{text.detail}；图片：{picture.detail}")
    return SendResult("sent", f"正文已发送，但图片未发送（{picture.outcome}：{picture.detail}），请人工补发图片")


def with_image_link(markdown: str, image_url: str) -> str:
    """The post followed by its poster as a Markdown image, for platforms that fetch pictures by URL."""
    return f"{markdown.rstrip()}\n\n![{POSTER_ALT}]({image_url})" if image_url else markdown


class ChannelAdapter:
    type = ""
    label = ""  # the platform's name as editors know it
    sends_images = False  # True: the poster goes as a picture message; else as a link in the post
    max_chars = 4000  # the limit of channels that take the post as written, in characters
    settings_read: tuple[Setting, ...] = ()  # the keys of a channel's settings this adapter reads

    @classmethod
    def declared_settings(cls) -> dict[str, Setting]:
        """Every settings key a channel of this type uses, by key: the shared ones and the adapter's own."""
        return {setting.key: setting for setting in (*SHARED_SETTINGS, *cls.settings_read)}

    def endpoint(self, target: str, settings: dict) -> str | None:
        """The URL this channel posts to ("" when its target makes none), or None when it posts inside the studio."""
        return None

    def setup_problems(self, target: str, settings: dict, channel_id: int | None = None) -> list[str]:
        """What in a channel's target and settings stops it sending, found without sending anything."""
        url = self.endpoint(target, settings)
        if url is None:
            return []
        if not url:
            return [f"{self.label}渠道的地址无效"]
        problem = target_problem(url)
        return [problem] if problem else []

    def render(self, markdown: str, settings: dict) -> Rendering:
        """The post (mass mentions already defused) as this adapter will send it with these settings."""
        raise NotImplementedError

    def check(self, message_markdown: str, settings: dict | None = None) -> str | None:
        """Why this post cannot be sent on this channel, or None if it fits."""
        return self.render(defused(message_markdown), settings or {}).problem or None

    def send(self, message: OutgoingMessage) -> SendResult:
        """Render the post once; refuse it when it does not fit, else deliver that rendering."""
        rendering = self.rendering_for(message)
        if rendering.problem:
            return SendResult("permanent", rendering.problem)
        return self.deliver(message, rendering)

    def rendering_for(self, message: OutgoingMessage) -> Rendering:
        """The post with its poster, if any: as a picture message where the platform takes one, else linked."""
        settings = message.settings or {}
        if self.sends_images:
            rendering = self.render(message.markdown, settings)
            return self.with_image(rendering, message.image) if message.image else rendering
        return self.render(with_image_link(message.markdown, message.image_url), settings)

    def with_image(self, rendering: Rendering, image: bytes) -> Rendering:
        """The rendering with the poster added as the platform's own picture message."""
        raise NotImplementedError

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        """Post a rendering that fits: sign it, add the per-send fields, read the platform's answer."""
        raise NotImplementedError
