"""A group chat inside the studio, so a trial user sees posts arrive without any bot.

The adapter writes the chat message in a transaction of its own, like a remote bot that stores what it
receives: callers treat it as any other channel.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from studio.channels.base import ChannelAdapter, OutgoingMessage, Rendering, SendResult
from studio.channels.plain import plain_rendering
from studio.extensions import db
from studio.models import Channel, SandboxMessage


class SandboxAdapter(ChannelAdapter):
    type = "sandbox"
    label = "沙盒群"

    def render(self, markdown: str, settings: dict) -> Rendering:
        # The chat stores the markdown and shows it as HTML, so a reader sees its plain text.
        return plain_rendering(markdown, self.max_chars, {"body": markdown})

    def deliver(self, message: OutgoingMessage, rendering: Rendering) -> SendResult:
        with Session(db.engine) as session, session.begin():
            receive_message(session, channel_id=message.channel_id, delivery_key=message.delivery_key,
                            sender=message.sender, body=rendering.documents[0]["body"])
        return SendResult("sent", "已投递到沙盒群")


def receive_message(session: Session, *, channel_id: int, delivery_key: str, sender: str,
                    body: str) -> SandboxMessage:
    """Add a message once per delivery key, in the given session's transaction."""
    existing = session.scalar(db.select(SandboxMessage).where(SandboxMessage.delivery_key == delivery_key))
    if existing:
        return existing
    message = SandboxMessage(channel_id=channel_id, delivery_key=delivery_key, sender=sender, body=body)
    session.add(message)
    return message


def messages(channel_id: int, after_id: int = 0) -> list[SandboxMessage]:
    return db.session.scalars(db.select(SandboxMessage).where(SandboxMessage.channel_id == channel_id,
                                                              SandboxMessage.id > after_id)
                              .order_by(SandboxMessage.id)).all()


def sandbox_channels() -> list[Channel]:
    return db.session.scalars(db.select(Channel).where(Channel.type == "sandbox").order_by(Channel.id)).all()
