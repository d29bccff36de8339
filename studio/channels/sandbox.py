"""A group chat inside the studio, so a trial user sees posts arrive without any bot.

The adapter writes the chat message in a transaction of its own, like a remote bot that stores what it
receives: callers treat it as any other channel.
"""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from studio import memberships
from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult
from studio.channels.plain import plain_rendering
from studio.errors import NotFound
from studio.extensions import db
from studio.models import Channel, SandboxMessage


class SandboxAdapter(ChannelAdapter):
    type = "sandbox"
    label = "沙盒群"

    def render(self, markdown: str, settings: dict) -> Rendering:
        # The chat stores the markdown and shows it as HTML, so a reader sees its plain text.
        return plain_rendering(markdown, self.max_chars, {"body": markdown})

    def rendering_for(self, message: OutgoingMessage) -> Rendering:
        # The chat shows the poster itself, from the studio's own address, below the text.
        rendering = self.render(message.markdown, message.settings or {})
        if not message.image_url:
            return rendering
        return replace(rendering, documents=({**rendering.documents[0],
                                              "image_path": urlsplit(message.image_url).path},))

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        document = rendering.documents[0]
        with Session(db.engine) as session, session.begin():
            receive_message(session, channel_id=message.channel_id, delivery_key=message.delivery_key,
                            sender=message.sender, body=document["body"], image_path=document.get("image_path", ""))
        return SendResult("sent", "已投递到沙盒群")


def receive_message(session: Session, *, channel_id: int, delivery_key: str, sender: str,
                    body: str, image_path: str = "") -> SandboxMessage:
    """Add a message once per delivery key, in the given session's transaction."""
    existing = session.scalar(db.select(SandboxMessage).where(SandboxMessage.delivery_key == delivery_key))
    if existing:
        return existing
    message = SandboxMessage(channel_id=channel_id, delivery_key=delivery_key, sender=sender, body=body,
                             image_path=image_path)
    session.add(message)
    return message


def messages(channel_id: int, after_id: int = 0) -> list[SandboxMessage]:
    return db.session.scalars(db.select(SandboxMessage).where(SandboxMessage.channel_id == channel_id,
                                                              SandboxMessage.id > after_id)
                              .order_by(SandboxMessage.id)).all()


def sandbox_channels() -> list[Channel]:
    query = memberships.scope(db.select(Channel).where(Channel.type == "sandbox"), Channel.brand_id)
    return db.session.scalars(query.order_by(Channel.id)).all()


def sandbox_channel(channel_id: int) -> Channel:
    channel = db.session.get(Channel, channel_id)
    if channel is None or channel.type != "sandbox":
        raise NotFound(f"没有沙盒群 #{channel_id}")
    memberships.check(channel.brand_id, what=f"没有沙盒群 #{channel_id}")
    return channel
