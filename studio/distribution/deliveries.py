"""Delivery: claim due posts, send each once, record what the channel answered.

States: scheduled -> claimed -> sending -> sent | failed | retry | unconfirmed; or cancelled.
A send that started and never finished is unconfirmed and is never resent automatically.
"""
from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import func, update

from studio import audit, memberships
from studio.distribution.alerts import queue_alert
from studio.distribution.sending import claim_lease_seconds, mark_published_when_done
from studio.errors import Forbidden, InvalidTransition, NotFound
from studio.extensions import db
from studio.posts import get_post
from studio.models import Brief, Delivery, DeliveryStatus, Post, utcnow

CLAIMABLE = (DeliveryStatus.SCHEDULED, DeliveryStatus.RETRY)
MAX_BATCH = 10  # deliveries per send task: fewer round trips, yet a lost worker holds few of them
# Claimed deliveries waiting for a sender. When senders fall behind, the dispatcher stops claiming rather than
# queue more than they can take before the claim lease runs out (which would only hand them out again).
MAX_IN_FLIGHT = 200


def claim_due_deliveries(limit: int = 500) -> list[int]:
    """Claim due deliveries for sending; each id is claimed by exactly one dispatcher."""
    now = utcnow()
    _recover_stale(now)
    hold_missed_deliveries(now)
    in_flight = db.session.scalar(
        db.select(func.count()).select_from(Delivery).where(Delivery.status == DeliveryStatus.CLAIMED))
    limit = min(limit, MAX_IN_FLIGHT - in_flight)
    if limit <= 0:
        db.session.commit()
        return []
    candidates = db.select(Delivery.id).where(Delivery.status.in_(CLAIMABLE), Delivery.not_before <= now) \
        .order_by(Delivery.not_before).limit(limit)
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = db.session.scalars(candidates).all()
    if not ids:
        db.session.commit()
        return []
    # Compare-and-swap: only rows still claimable change, so a racing dispatcher gets nothing twice.
    lease_until = now + timedelta(seconds=claim_lease_seconds())
    claimed = db.session.scalars(
        update(Delivery).where(Delivery.id.in_(ids), Delivery.status.in_(CLAIMABLE))
        .values(status=DeliveryStatus.CLAIMED, lease_until=lease_until, updated_at=now)
        .returning(Delivery.id),
        execution_options={"synchronize_session": False}).all()
    db.session.commit()
    return list(claimed)


def send_batches(delivery_ids: list[int], spread: int = 4) -> list[list[int]]:
    """Split claimed ids into send tasks: one each while few are due, up to MAX_BATCH when many are."""
    size = max(1, min(MAX_BATCH, math.ceil(len(delivery_ids) / spread)))
    return [delivery_ids[i:i + size] for i in range(0, len(delivery_ids), size)]


def _recover_stale(now) -> None:
    """Claims whose task vanished go back to the queue; sends that never finished become unconfirmed."""
    db.session.execute(update(Delivery)
                       .where(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_until < now)
                       .values(status=DeliveryStatus.SCHEDULED, lease_until=None),
                       execution_options={"synchronize_session": False})
    stale = db.session.execute(
        update(Delivery).where(Delivery.status == DeliveryStatus.SENDING, Delivery.lease_until < now)
        .values(status=DeliveryStatus.UNCONFIRMED, response="发送中断，结果未知：请人工确认或重发")
        .returning(Delivery.id, Delivery.post_id), execution_options={"synchronize_session": False}).all()
    for delivery_id, post_id in stale:
        audit.record(DeliveryStatus.UNCONFIRMED, post_id=post_id, detail="发送中断，结果未知")
        queue_alert(delivery_id, DeliveryStatus.UNCONFIRMED)


NEEDS_ATTENTION = (DeliveryStatus.FAILED, DeliveryStatus.UNCONFIRMED, DeliveryStatus.MISSED)
DEFAULT_GRACE_MINUTES = 15


def _grace(delivery: Delivery) -> timedelta:
    minutes = (delivery.post.brief.brand.settings or {}).get("grace_minutes", DEFAULT_GRACE_MINUTES)
    try:
        return timedelta(minutes=float(minutes))
    except (TypeError, ValueError):
        return timedelta(minutes=DEFAULT_GRACE_MINUTES)


def hold_missed_deliveries(now) -> list[int]:
    """Posts that fell due while nothing ran: late within the brand's grace period, otherwise held."""
    oldest_grace = now - timedelta(minutes=1)
    candidates = db.session.scalars(db.select(Delivery).where(
        Delivery.status == DeliveryStatus.SCHEDULED, Delivery.due_at < oldest_grace)).all()
    missed = []
    for delivery in candidates:
        if delivery.due_at >= now - _grace(delivery):
            continue
        held = db.session.execute(
            update(Delivery).where(Delivery.id == delivery.id, Delivery.status == DeliveryStatus.SCHEDULED)
            .values(status=DeliveryStatus.MISSED, response="错过发送时间，已超过宽限期：请人工决定", updated_at=now),
            execution_options={"synchronize_session": False})
        if held.rowcount == 1:
            audit.record(DeliveryStatus.MISSED, post_id=delivery.post_id,
                         detail=f"{delivery.channel.name}：已超过宽限期")
            queue_alert(delivery.id, DeliveryStatus.MISSED)
            missed.append(delivery.id)
    return missed


def mark_sent(delivery_id: int, actor) -> Delivery:
    """A reviewer checked the group: the unconfirmed post did arrive."""
    delivery = _attention(delivery_id, actor, (DeliveryStatus.UNCONFIRMED,))
    delivery.status, delivery.sent_at = DeliveryStatus.SENT, utcnow()
    audit.record("confirmed_sent", post_id=delivery.post_id, actor_id=actor.id, detail=delivery.channel.name)
    mark_published_when_done(delivery.post_id)
    db.session.commit()
    return delivery


def send_again(delivery_id: int, actor) -> Delivery:
    """A reviewer decided to send once more (the same idempotency key goes with it)."""
    delivery = _attention(delivery_id, actor, NEEDS_ATTENTION)
    if delivery.revision_id != delivery.post.current_revision_id:
        raise InvalidTransition("帖子已有新的修订，请重新审核并排期，而不是重发旧版本")
    delivery.status, delivery.not_before, delivery.lease_until = DeliveryStatus.SCHEDULED, utcnow(), None
    audit.record("resend", post_id=delivery.post_id, actor_id=actor.id, detail=delivery.channel.name)
    db.session.commit()
    return delivery


def _attention(delivery_id: int, actor, allowed: tuple[DeliveryStatus, ...]) -> Delivery:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"没有发送记录 #{delivery_id}")
    post = get_post(delivery.post_id)  # another brand's delivery is not found, like its post
    if not actor.can("reviewer", brand_id=post.brief.brand_id):
        raise Forbidden("只有审核员可以处理发送异常")
    if delivery.status not in allowed:
        raise InvalidTransition(f"当前状态（{delivery.status}）不能这样处理")
    return delivery


def deliveries_needing_attention(limit: int = 50) -> list[Delivery]:
    query = db.select(Delivery).join(Post, Post.id == Delivery.post_id).join(Brief, Brief.id == Post.brief_id)
    query = memberships.scope(query.where(Delivery.status.in_(NEEDS_ATTENTION)), Brief.brand_id)
    return db.session.scalars(query.order_by(Delivery.updated_at.desc()).limit(limit)).all()
