"""The contract every channel adapter keeps."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
    text: str
    sender: str


@dataclass(frozen=True)
class SendResult:
    """How a send ended: sent, transient (safe to retry), permanent, or unknown (may have arrived)."""

    outcome: str
    detail: str = ""
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "sent"


class ChannelAdapter:
    type = ""
    max_chars = 4000

    def check(self, message_markdown: str, settings: dict | None = None) -> str | None:
        """Why this post cannot be sent on this channel, or None if it fits."""
        if len(message_markdown) > self.max_chars:
            return f"正文 {len(message_markdown)} 字，超过该渠道上限 {self.max_chars} 字"
        return None

    def send(self, message: OutgoingMessage) -> SendResult:
        raise NotImplementedError
