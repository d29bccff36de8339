"""Scheduling approved posts: one delivery per channel, due at a time in the brand's zone."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update

from studio import audit, memberships
from studio.channels import get_adapter
from studio.distribution import groups
from studio.errors import Forbidden, InvalidInput, InvalidTransition, SlotInPast
from studio.extensions import db
from studio.models import Brief, Channel, Delivery, DeliveryStatus, Post, PostStatus, User, utcnow
from studio.posts import get_post, is_approved

PENDING = (DeliveryStatus.SCHEDULED, DeliveryStatus.RETRY, DeliveryStatus.CLAIMED)


def delivery_key(revision_id: int, channel_id: int) -> str:
    """The idempotency key: one post revision to one channel target."""
    return f"rev{revision_id}-ch{channel_id}"


def brand_local_to_utc(local: datetime, timezone: str) -> datetime:
    """Wall-clock time in the brand's zone as naive UTC; InvalidInput when UTC cannot hold it (year 1, 9999)."""
    try:
        return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    except OverflowError:
        raise InvalidInput(f"发送时间超出范围：{local.isoformat(sep=' ')}（{timezone}） / send time out of range") from None


def utc_to_brand_local(moment: datetime, timezone: str) -> datetime:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(timezone))


def schedule_post(post_id: int, local_time: datetime, channel_slugs: list[str], actor: User,
                  audience: str = "") -> list[Delivery]:
    """Create the deliveries of an approved post, one per channel named and per group in the audience;
    local_time is wall-clock time in the brand's zone."""
    post = get_post(post_id)
    if not actor.can("editor", "reviewer", brand_id=post.brief.brand_id):
        raise Forbidden("没有排期权限")
    if not is_approved(post) or post.status != PostStatus.APPROVED:
        raise InvalidTransition("只有已批准的当前修订才能排期")
    brand = post.brief.brand
    due_at = brand_local_to_utc(local_time, brand.timezone)
    if due_at <= utcnow():
        raise SlotInPast(f"发送时间 {local_time:%Y-%m-%d %H:%M}（{brand.timezone}）已经过去")
    channel_slugs = list(channel_slugs or [])
    if audience.strip():
        matched = groups.match_groups(brand.slug, audience)
        if not matched:
            raise InvalidInput(f"受众“{audience.strip()}”没有匹配的群 / no group matches the audience")
        channel_slugs += [channel.slug for channel in matched]
    if not channel_slugs:
        raise InvalidInput("请至少选择一个发送渠道")
    revision = post.current_revision
    deliveries, names = [], []
    for slug in dict.fromkeys(channel_slugs):
        channel = db.session.scalar(db.select(Channel).where(Channel.brand_id == brand.id, Channel.slug == slug,
                                                             Channel.active.is_(True)))
        if channel is None:
            raise InvalidInput(f"未知渠道 {slug!r}")
        problem = get_adapter(channel.type).check(revision.body, dict(channel.settings or {}))
        if problem:
            raise InvalidInput(f"渠道 {channel.name}：{problem}")
        key = delivery_key(revision.id, channel.id)
        delivery = db.session.scalar(db.select(Delivery).where(Delivery.key == key))
        if delivery is not None and delivery.status != DeliveryStatus.CANCELLED:
            raise InvalidTransition(f"渠道 {channel.name} 已为此修订排期（{delivery.status}）")
        delivery = delivery or Delivery(post_id=post.id, revision_id=revision.id, channel_id=channel.id, key=key)
        delivery.status, delivery.due_at, delivery.not_before = DeliveryStatus.SCHEDULED, due_at, due_at
        delivery.attempts, delivery.lease_until, delivery.response = 0, None, ""
        db.session.add(delivery)
        deliveries.append(delivery)
        names.append(channel.name)
    post.status = PostStatus.SCHEDULED
    where = "、".join(names) if len(names) <= 5 else f"{'、'.join(names[:5])} 等 {len(names)} 个群"
    audit.record("scheduled", post_id=post.id, actor_id=actor.id,
                 detail=f"{local_time:%Y-%m-%d %H:%M} {brand.timezone} → {where}")
    db.session.commit()
    return deliveries


def cancel_pending_deliveries(post_id: int, actor_id: int | None = None) -> int:
    """Cancel what has not started sending; the caller commits."""
    # One conditional update: a delivery a worker has started sending is left alone.
    cancelled = db.session.scalars(
        update(Delivery).where(Delivery.post_id == post_id, Delivery.status.in_(PENDING))
        .values(status=DeliveryStatus.CANCELLED, updated_at=utcnow()).returning(Delivery.key),
        execution_options={"synchronize_session": False}).all()
    for key in cancelled:
        audit.record(DeliveryStatus.CANCELLED, post_id=post_id, actor_id=actor_id, detail=key)
    db.session.expire_all()
    return len(cancelled)


def deliveries_of(post_id: int) -> list[Delivery]:
    return db.session.scalars(db.select(Delivery).where(Delivery.post_id == post_id).order_by(Delivery.id)).all()


def upcoming_deliveries(limit: int = 200) -> list[Delivery]:
    query = db.select(Delivery).join(Post, Post.id == Delivery.post_id).join(Brief, Brief.id == Post.brief_id)
    query = memberships.scope(query, Brief.brand_id)
    return db.session.scalars(query.order_by(Delivery.due_at.desc()).limit(limit)).all()


def brand_deliveries(brand_id: int, before_id: int | None = None, limit: int = 50) -> list[Delivery]:
    """The brand's deliveries, newest first, those older than before_id when given; the caller checks access."""
    query = db.select(Delivery).join(Post, Post.id == Delivery.post_id).join(Brief, Brief.id == Post.brief_id) \
        .where(Brief.brand_id == brand_id)
    if before_id is not None:
        query = query.where(Delivery.id < before_id)
    return db.session.scalars(query.order_by(Delivery.id.desc()).limit(limit)).all()
