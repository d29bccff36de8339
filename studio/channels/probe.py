"""“Send test message”: one real message through a channel's adapter, and the platform's answer."""
from __future__ import annotations

import uuid

from studio.brands.kits import get_brand
from studio.channels import ADAPTERS, ChannelAdapter, SendResult, Setting, get_adapter
from studio.errors import Forbidden, NotFound
from studio.extensions import db
from studio.models import Channel, User, utcnow

MASK = "••••••"
# Words in a key that no adapter declares which suggest it holds a credential.
SECRET_WORDS = ("secret", "token", "key", "password")
TEST_TEXT = "【测试消息】这是来自社群内容工作台的测试消息，用于确认机器人配置无误，请忽略。"


def get_channel(brand_slug: str, channel_slug: str) -> Channel:
    brand = get_brand(brand_slug)
    channel = db.session.scalar(db.select(Channel).where(Channel.brand_id == brand.id, Channel.slug == channel_slug))
    if channel is None:
        raise NotFound(f"没有渠道 {channel_slug!r}")
    return channel


def send_test_message(brand_slug: str, channel_slug: str, actor: User) -> SendResult:
    """Post a short test message now, outside any schedule, and return how the platform answered."""
    from studio.channels import OutgoingMessage

    if not actor.can("admin"):
        raise Forbidden("只有管理员可以向真实群发送测试消息")
    channel = get_channel(brand_slug, channel_slug)
    try:
        adapter = get_adapter(channel.type)
    except ValueError as exc:
        return SendResult("permanent", str(exc))
    message = OutgoingMessage(
        delivery_key=f"test-{uuid.uuid4().hex[:12]}", post_id=0, channel_id=channel.id, channel_slug=channel.slug,
        target=channel.target, settings=dict(channel.settings or {}), due_at=utcnow(), markdown=TEST_TEXT,
        sender=actor.username)
    return adapter.send(message)


def visible_settings(channel: Channel) -> dict:
    """Channel settings with secrets hidden."""
    declared = ADAPTERS.get(channel.type, ChannelAdapter).declared_settings()
    return {key: (MASK if _is_secret(key, declared) else value)
            for key, value in (channel.settings or {}).items()}


def _is_secret(key: str, declared: dict[str, Setting]) -> bool:
    if key in declared:
        return declared[key].secret
    # A key this channel type does not use may still hold a credential (copied from another channel,
    # added by hand): hide it if any adapter calls it secret or its name says so.
    elsewhere = (adapter.declared_settings().get(key) for adapter in ADAPTERS.values())
    if any(setting is not None and setting.secret for setting in elsewhere):
        return True
    return any(word in key.lower() for word in SECRET_WORDS)
