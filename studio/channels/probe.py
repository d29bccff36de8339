"""“Send test message”: one real message through a channel's adapter, and the platform's answer."""
from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

from studio.brands.kits import get_brand
from studio.channels import ADAPTERS, ChannelAdapter, SendResult, Setting, get_adapter
from studio.channels.http import excerpt
from studio.errors import Forbidden, NotFound
from studio.extensions import db
from studio.models import Channel, User, utcnow

MASK = "••••••"
# Words in a key that no adapter declares which suggest it holds a credential.
SECRET_WORDS = ("secret", "token", "key", "password")
# Words in a URL's query or fragment parameter names that mark the value as a credential.
SECRET_PARAM_WORDS = (*SECRET_WORDS, "sig", "sign", "auth", "pass", "pwd", "credential", "ticket", "code")
DETAIL_CHARS = 300  # a test result's detail on the page: the platform's verdict and a short excerpt
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

    channel = get_channel(brand_slug, channel_slug)
    if not actor.can("admin", brand_id=channel.brand_id):
        raise Forbidden("只有管理员可以向真实群发送测试消息")
    try:
        adapter = get_adapter(channel.type)
    except ValueError as exc:
        return SendResult("permanent", str(exc))
    message = OutgoingMessage(
        delivery_key=f"test-{uuid.uuid4().hex[:12]}", post_id=0, channel_id=channel.id, channel_slug=channel.slug,
        target=channel.target, settings=dict(channel.settings or {}), due_at=utcnow(), markdown=TEST_TEXT,
        sender=actor.username)
    result = adapter.send(message)
    return SendResult(result.outcome, excerpt(result.detail, DETAIL_CHARS), result.retry_after)


def channel_problems(channel: Channel) -> list[str]:
    """What in the channel's target and settings stops it sending: a private address, a file outside its kit."""
    adapter = ADAPTERS.get(channel.type)
    if adapter is None:
        return [f"不支持的渠道类型 {channel.type!r}"]
    return adapter().setup_problems(channel.target, dict(channel.settings or {}), channel.id)


def visible_settings(channel: Channel) -> dict:
    """Channel settings with secrets hidden."""
    declared = ADAPTERS.get(channel.type, ChannelAdapter).declared_settings()
    return {key: (MASK if _is_secret(key, declared) else mask_url(value) if isinstance(value, str) else value)
            for key, value in (channel.settings or {}).items()}


def mask_url(value: str) -> str:
    """A URL with the credentials it carries hidden: user:password@ and secret-looking parameters."""
    if "://" not in value:
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    return urlunsplit((parts.scheme, netloc, parts.path, _mask_params(parts.query), _mask_params(parts.fragment)))


def _mask_params(text: str) -> str:
    pairs = []
    for pair in text.split("&") if text else []:
        name, sep, _ = pair.partition("=")
        secret = sep and any(word in name.lower() for word in SECRET_PARAM_WORDS)
        pairs.append(f"{name}={MASK}" if secret else pair)
    return "&".join(pairs)


def _is_secret(key: str, declared: dict[str, Setting]) -> bool:
    if key in declared:
        return declared[key].secret
    # A key this channel type does not use may still hold a credential (copied from another channel,
    # added by hand): hide it if any adapter calls it secret or its name says so.
    elsewhere = (adapter.declared_settings().get(key) for adapter in ADAPTERS.values())
    if any(setting is not None and setting.secret for setting in elsewhere):
        return True
    return any(word in key.lower() for word in SECRET_WORDS)
