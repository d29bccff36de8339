"""Delivery: claim due posts, send each once, record what the channel answered.

States: scheduled -> claimed -> sending -> sent | failed | retry | unconfirmed; or cancelled.
A send that started and never finished is unconfirmed and is never resent automatically.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from studio.extensions import db
from studio.models import Delivery, Post, utcnow
from studio.services import audit, rate_budget
from studio.services.alerts import queue_alert
from studio.services.errors import Forbidden, InvalidTransition, NotFound
from studio.services.rendering import defuse_mass_mentions, markdown_to_plain_text
from workers.channels import OutgoingMessage, SendResult, get_adapter

log = logging.getLogger(__name__)
CLAIMABLE = ("scheduled", "retry")
MAX_ATTEMPTS = 5
BUDGET_UNAVAILABLE_WAIT = 30.0  # seconds a delivery waits when the budget store cannot answer


def lease_seconds() -> float:
    return float(current_app.config["STUDIO_DELIVERY_LEASE"])


def _lease() -> timedelta:
    return timedelta(seconds=lease_seconds())


def claim_due_deliveries(limit: int = 500) -> list[int]:
    """Claim due deliveries for sending; each id is claimed by exactly one dispatcher."""
    now = utcnow()
    _recover_stale(now)
    hold_missed_deliveries(now)
    candidates = db.select(Delivery.id).where(Delivery.status.in_(CLAIMABLE), Delivery.not_before <= now) \
        .order_by(Delivery.not_before).limit(limit)
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = db.session.scalars(candidates).all()
    if not ids:
        db.session.commit()
        return []
    # Compare-and-swap: only rows still claimable change, so a racing dispatcher gets nothing twice.
    claimed = db.session.scalars(
        update(Delivery).where(Delivery.id.in_(ids), Delivery.status.in_(CLAIMABLE))
        .values(status="claimed", lease_until=now + _lease(), updated_at=now).returning(Delivery.id),
        execution_options={"synchronize_session": False}).all()
    db.session.commit()
    return list(claimed)


def _recover_stale(now) -> None:
    """Claims whose task vanished go back to the queue; sends that never finished become unconfirmed."""
    db.session.execute(update(Delivery).where(Delivery.status == "claimed", Delivery.lease_until < now)
                       .values(status="scheduled", lease_until=None),
                       execution_options={"synchronize_session": False})
    stale = db.session.execute(
        update(Delivery).where(Delivery.status == "sending", Delivery.lease_until < now)
        .values(status="unconfirmed", response="发送中断，结果未知：请人工确认或重发")
        .returning(Delivery.id, Delivery.post_id), execution_options={"synchronize_session": False}).all()
    for delivery_id, post_id in stale:
        audit.record("unconfirmed", post_id=post_id, detail="发送中断，结果未知")
        queue_alert(delivery_id, "unconfirmed")


def _start_sending(delivery_id: int) -> bool:
    now = utcnow()
    started = db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == "claimed")
        .values(status="sending", lease_until=now + _lease(), attempts=Delivery.attempts + 1, updated_at=now),
        execution_options={"synchronize_session": False}).rowcount
    db.session.commit()
    return started == 1


def build_message(delivery: Delivery) -> OutgoingMessage:
    body = defuse_mass_mentions(delivery.revision.body)
    persona = delivery.post.brief.persona
    return OutgoingMessage(
        delivery_key=delivery.key, post_id=delivery.post_id, channel_id=delivery.channel_id,
        channel_slug=delivery.channel.slug, target=delivery.channel.target,
        settings=dict(delivery.channel.settings or {}), due_at=delivery.due_at, markdown=body,
        text=markdown_to_plain_text(body), sender=persona.name if persona else delivery.channel.name)


def send_delivery(delivery_id: int) -> str | None:
    """Send one claimed delivery; a duplicate task finds it no longer claimed and does nothing.

    The bot's rate budget is asked first: a delivery that must wait goes back to retry, untouched.
    """
    delivery = db.session.get(Delivery, delivery_id, populate_existing=True)
    if delivery is None or delivery.status != "claimed":
        db.session.commit()
        return None
    wait = _budget_wait(delivery)
    if wait > 0:
        return _hold_for_budget(delivery_id, wait)
    if not _start_sending(delivery_id):
        return None
    db.session.refresh(delivery)
    try:
        adapter = get_adapter(delivery.channel.type)
    except ValueError as exc:  # nothing left the studio, so this is a plain failure
        result = SendResult("permanent", str(exc))
    else:
        try:
            result = adapter.send(build_message(delivery))
        except Exception as exc:  # an adapter bug after the request may have left: never resend blindly
            log.error("adapter %s crashed on delivery %s: %s", delivery.channel.type, delivery_id,
                      type(exc).__name__)
            db.session.rollback()
            delivery = db.session.get(Delivery, delivery_id)
            result = SendResult("unknown", f"适配器异常：{type(exc).__name__}")
    _record_result(delivery, result)
    db.session.commit()
    if result.outcome == "transient" and result.retry_after:
        _pause_target(delivery, result.retry_after)
    return delivery.status


def _budget_wait(delivery: Delivery) -> float:
    """Seconds this delivery must wait for its bot's budget (0.0: a slot is taken, send now)."""
    try:
        return rate_budget.reserve(delivery.channel)
    except Exception as exc:  # the budget store is down: hold the post rather than risk the bot's limit
        log.error("rate budget unavailable for delivery %s: %s: %s", delivery.id, type(exc).__name__, exc)
        return BUDGET_UNAVAILABLE_WAIT


def _hold_for_budget(delivery_id: int, wait: float) -> str | None:
    """Put a claimed delivery back to retry after the wait; nothing was sent, so attempts stay as they are."""
    now = utcnow()
    held = db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == "claimed")
        .values(status="retry", not_before=now + timedelta(seconds=wait), lease_until=None, updated_at=now),
        execution_options={"synchronize_session": False}).rowcount
    db.session.commit()
    if held != 1:
        return None
    log.info("delivery %s waits %.1fs for its bot's rate budget", delivery_id, wait)
    return "retry"


def _pause_target(delivery: Delivery, seconds: float) -> None:
    """The platform asked to slow down: hold every delivery to this bot, not only this one."""
    try:
        rate_budget.pause(delivery.channel, seconds)
    except Exception as exc:  # the outcome is already recorded; the delivery's own back-off still holds
        log.error("could not pause the rate budget for delivery %s: %s", delivery.id, type(exc).__name__)


def _record_result(delivery: Delivery, result: SendResult) -> None:
    """Write the outcome only if the delivery is still ours (sending); otherwise the lease ran out first."""
    now = utcnow()
    values = {"response": result.detail[:2000], "lease_until": None, "updated_at": now}
    channel = delivery.channel.name
    if result.outcome == "sent":
        values.update(status="sent", sent_at=now)
        action, detail = "sent", f"{channel}：{result.detail}"
    elif result.outcome == "transient" and delivery.attempts < MAX_ATTEMPTS:
        backoff = max(result.retry_after or 0.0, 5.0 * 2 ** (delivery.attempts - 1))
        values.update(status="retry", not_before=now + timedelta(seconds=backoff))
        action, detail = "retry", f"{channel}：{result.detail}，{backoff:.0f}秒后重试"
    elif result.outcome == "unknown":
        values.update(status="unconfirmed")
        action, detail = "unconfirmed", f"{channel}：{result.detail}"
    else:
        values.update(status="failed")
        action, detail = "failed", f"{channel}：{result.detail}"
    written = db.session.execute(update(Delivery).where(Delivery.id == delivery.id, Delivery.status == "sending")
                                 .values(**values), execution_options={"synchronize_session": False}).rowcount
    if written != 1:
        log.warning("delivery %s was no longer sending when its result (%s) came", delivery.id, result.outcome)
        return
    db.session.refresh(delivery)
    audit.record(action, post_id=delivery.post_id, detail=detail)
    if action in ("failed", "unconfirmed"):
        queue_alert(delivery.id, action)
    if action == "sent":
        _mark_published_when_done(delivery.post_id)


def _mark_published_when_done(post_id: int) -> None:
    post = db.session.get(Post, post_id)
    statuses = db.session.scalars(db.select(Delivery.status).where(
        Delivery.post_id == post_id, Delivery.revision_id == post.current_revision_id)).all()
    if post.status == "scheduled" and statuses and all(s in ("sent", "cancelled") for s in statuses):
        post.status = "published"


NEEDS_ATTENTION = ("failed", "unconfirmed", "missed")
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
        Delivery.status == "scheduled", Delivery.due_at < oldest_grace)).all()
    missed = []
    for delivery in candidates:
        if delivery.due_at >= now - _grace(delivery):
            continue
        held = db.session.execute(update(Delivery).where(Delivery.id == delivery.id,
                                                         Delivery.status == "scheduled")
                                  .values(status="missed", response="错过发送时间，已超过宽限期：请人工决定",
                                          updated_at=now), execution_options={"synchronize_session": False})
        if held.rowcount == 1:
            audit.record("missed", post_id=delivery.post_id, detail=f"{delivery.channel.name}：已超过宽限期")
            queue_alert(delivery.id, "missed")
            missed.append(delivery.id)
    return missed


def mark_sent(delivery_id: int, actor) -> Delivery:
    """A reviewer checked the group: the unconfirmed post did arrive."""
    delivery = _attention(delivery_id, actor, ("unconfirmed",))
    delivery.status, delivery.sent_at = "sent", utcnow()
    audit.record("confirmed_sent", post_id=delivery.post_id, actor_id=actor.id, detail=delivery.channel.name)
    _mark_published_when_done(delivery.post_id)
    db.session.commit()
    return delivery


def send_again(delivery_id: int, actor) -> Delivery:
    """A reviewer decided to send once more (the same idempotency key goes with it)."""
    delivery = _attention(delivery_id, actor, NEEDS_ATTENTION)
    if delivery.revision_id != delivery.post.current_revision_id:
        raise InvalidTransition("帖子已有新的修订，请重新审核并排期，而不是重发旧版本")
    delivery.status, delivery.not_before, delivery.lease_until = "scheduled", utcnow(), None
    audit.record("resend", post_id=delivery.post_id, actor_id=actor.id, detail=delivery.channel.name)
    db.session.commit()
    return delivery


def _attention(delivery_id: int, actor, allowed: tuple[str, ...]) -> Delivery:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"没有发送记录 #{delivery_id}")
    if not actor.can("reviewer"):
        raise Forbidden("只有审核员可以处理发送异常")
    if delivery.status not in allowed:
        raise InvalidTransition(f"当前状态（{delivery.status}）不能这样处理")
    return delivery


def deliveries_needing_attention(limit: int = 50) -> list[Delivery]:
    return db.session.scalars(db.select(Delivery).where(Delivery.status.in_(NEEDS_ATTENTION))
                              .order_by(Delivery.updated_at.desc()).limit(limit)).all()
