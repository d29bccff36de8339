"""The sandbox channel's group chat."""
from studio.extensions import db
from studio.models import Channel, SandboxMessage


def receive_message(*, channel_id: int, delivery_key: str, sender: str, body: str) -> SandboxMessage:
    """Add a message once per delivery key, in the caller's transaction."""
    existing = db.session.scalar(db.select(SandboxMessage).where(SandboxMessage.delivery_key == delivery_key))
    if existing:
        return existing
    message = SandboxMessage(channel_id=channel_id, delivery_key=delivery_key, sender=sender, body=body)
    db.session.add(message)
    return message


def messages(channel_id: int, after_id: int = 0) -> list[SandboxMessage]:
    return db.session.scalars(db.select(SandboxMessage).where(SandboxMessage.channel_id == channel_id,
                                                              SandboxMessage.id > after_id)
                              .order_by(SandboxMessage.id)).all()


def sandbox_channels() -> list[Channel]:
    return db.session.scalars(db.select(Channel).where(Channel.type == "sandbox").order_by(Channel.id)).all()
