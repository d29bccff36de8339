"""Sending claimed deliveries: ask the bot's budget, mark the send started, post, record the answer.

A batch of deliveries is loaded in one query and becomes ``sending`` in one conditional update, committed
before any request leaves. The requests then go out side by side (a bot answers in tens of milliseconds over
the internet, so one after another would make the last of a batch late), and the answers are committed
together. A crash before that commit leaves the batch ``sending``, which the dispatcher later turns into
``unconfirmed``: never resent automatically.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import selectinload

from studio import audit
from studio.channels import OutgoingMessage, SendResult, get_adapter
from studio.channels.mentions import defuse_mass_mentions
from studio.distribution import rate_budget
from studio.distribution.alerts import queue_alert
from studio.extensions import db
from studio.links.tracking import tracked_bodies
from studio.models import Brief, Delivery, DeliveryStatus, Post, PostStatus, Revision, utcnow
from studio.posters.stored import poster_url

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
MAX_PARALLEL_SENDS = 10
BUDGET_UNAVAILABLE_WAIT = 5.0  # seconds a delivery waits when the budget store cannot answer


def lease_seconds() -> float:
    """How long a started send may take before the dispatcher calls it unconfirmed."""
    return float(current_app.config["STUDIO_DELIVERY_LEASE"])


def claim_lease_seconds() -> float:
    """How long a claimed delivery waits for its send task before the dispatcher hands it out again."""
    return float(current_app.config["STUDIO_CLAIM_LEASE"])


@dataclass
class _Prepared:
    """What a send needs, read before any commit so that commits never reload it row by row."""
    id: int
    post_id: int
    attempts: int
    channel: SimpleNamespace  # type, target, settings, name: all the budget and the adapter read
    message: OutgoingMessage


def build_message(delivery: Delivery, body: str | None = None) -> OutgoingMessage:
    """What the adapter sends for a delivery: its revision's text (or that text with its links tracked)."""
    body = defuse_mass_mentions(delivery.revision.body if body is None else body)
    persona = delivery.post.brief.persona
    poster = delivery.revision.poster
    image, image_url = b"", ""
    if poster is not None:
        adapter = get_adapter(delivery.channel.type)
        if adapter.sends_images:
            image = poster.data
        else:
            image_url = poster_url(current_app.config["STUDIO_BASE_URL"], poster)
    return OutgoingMessage(
        delivery_key=delivery.key, post_id=delivery.post_id, channel_id=delivery.channel_id,
        channel_slug=delivery.channel.slug, target=delivery.channel.target,
        settings=dict(delivery.channel.settings or {}), due_at=delivery.due_at, markdown=body,
        sender=persona.name if persona else delivery.channel.name, image=image, image_url=image_url)


def _prepare(delivery_ids: list[int]) -> list[_Prepared]:
    rows = db.session.scalars(
        db.select(Delivery).where(Delivery.id.in_(delivery_ids), Delivery.status == DeliveryStatus.CLAIMED)
        .options(selectinload(Delivery.channel), selectinload(Delivery.revision).selectinload(Revision.poster),
                 selectinload(Delivery.post).selectinload(Post.brief).selectinload(Brief.persona))
        .order_by(Delivery.not_before).execution_options(populate_existing=True)).all()
    bodies = tracked_bodies(rows, {row.id: row.revision.body for row in rows},
                            current_app.config["STUDIO_BASE_URL"])
    prepared = []
    for row in rows:
        channel = SimpleNamespace(type=row.channel.type, target=row.channel.target, name=row.channel.name,
                                  settings=dict(row.channel.settings or {}))
        prepared.append(_Prepared(row.id, row.post_id, row.attempts, channel, build_message(row, bodies[row.id])))
    db.session.commit()  # with the short links made for these deliveries
    return prepared


def send_delivery(delivery_id: int) -> DeliveryStatus | None:
    """Send one claimed delivery; a duplicate task finds it no longer claimed and does nothing."""
    return send_deliveries([delivery_id]).get(delivery_id)


def send_deliveries(delivery_ids: list[int]) -> dict[int, DeliveryStatus | None]:
    """Send the claimed deliveries among these ids; returns each id's new status (None: not ours to send)."""
    statuses: dict[int, DeliveryStatus | None] = {delivery_id: None for delivery_id in delivery_ids}
    ready = []
    for item in _prepare(list(delivery_ids)):
        wait = _budget_wait(item)
        if wait > 0:
            statuses[item.id] = _hold_for_budget(item.id, wait)
        else:
            ready.append(item)
    started = _start_sending([item.id for item in ready])
    results = _send_all([item for item in ready if item.id in started])
    for item, result in results:
        statuses[item.id] = _record_result(item, result)
    db.session.commit()
    for item, result in results:
        if result.outcome == "transient" and result.retry_after:
            _pause_target(item, result.retry_after)
    for post_id in {item.post_id for item, _ in results if statuses[item.id] == DeliveryStatus.SENT}:
        mark_published_when_done(post_id)
    db.session.commit()
    return statuses


def _send_all(items: list[_Prepared]) -> list[tuple[_Prepared, SendResult]]:
    """Post the batch side by side; each request runs in an app context of its own."""
    if len(items) <= 1:
        return [(item, _send(item)) for item in items]
    app = current_app._get_current_object()

    def send_in_context(item: _Prepared) -> SendResult:
        with app.app_context():
            return _send(item)

    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SENDS, len(items))) as pool:
        return list(zip(items, pool.map(send_in_context, items)))


def _start_sending(delivery_ids: list[int]) -> set[int]:
    """claimed -> sending, committed before any request leaves: the write that makes a send at most once."""
    if not delivery_ids:
        return set()
    now = utcnow()
    started = db.session.scalars(
        update(Delivery).where(Delivery.id.in_(delivery_ids), Delivery.status == DeliveryStatus.CLAIMED)
        .values(status=DeliveryStatus.SENDING, lease_until=now + timedelta(seconds=lease_seconds()),
                attempts=Delivery.attempts + 1, updated_at=now).returning(Delivery.id),
        execution_options={"synchronize_session": False}).all()
    db.session.commit()
    return set(started)


def _send(item: _Prepared) -> SendResult:
    try:
        adapter = get_adapter(item.channel.type)
    except ValueError as exc:  # nothing left the studio, so this is a plain failure
        return SendResult("permanent", str(exc))
    try:
        return adapter.send(item.message)
    except Exception as exc:  # an adapter bug after the request may have left: never resend blindly
        log.error("adapter %s crashed on delivery %s: %s", item.channel.type, item.id, type(exc).__name__)
        return SendResult("unknown", f"适配器异常：{type(exc).__name__}")


def _budget_wait(item: _Prepared) -> float:
    """Seconds this delivery must wait for its bot's budget (0.0: a slot is taken, send now)."""
    try:
        return rate_budget.reserve(item.channel)
    except Exception as exc:  # the budget store is down: hold the post rather than risk the bot's limit
        log.error("rate budget unavailable for delivery %s: %s: %s", item.id, type(exc).__name__, exc)
        return BUDGET_UNAVAILABLE_WAIT


def _hold_for_budget(delivery_id: int, wait: float) -> DeliveryStatus | None:
    """Put a claimed delivery back to retry after the wait; nothing was sent, so attempts stay as they are."""
    now = utcnow()
    held = db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.CLAIMED)
        .values(status=DeliveryStatus.RETRY, not_before=now + timedelta(seconds=wait), lease_until=None,
                updated_at=now),
        execution_options={"synchronize_session": False}).rowcount
    db.session.commit()
    if held != 1:
        return None
    log.info("delivery %s waits %.1fs for its bot's rate budget", delivery_id, wait)
    return DeliveryStatus.RETRY


def _pause_target(item: _Prepared, seconds: float) -> None:
    """The platform asked to slow down: hold every delivery to this bot, not only this one."""
    try:
        rate_budget.pause(item.channel, seconds)
    except Exception as exc:  # the outcome is already recorded; the delivery's own back-off still holds
        log.error("could not pause the rate budget for delivery %s: %s", item.id, type(exc).__name__)


def _record_result(item: _Prepared, result: SendResult) -> DeliveryStatus | None:
    """Write the outcome only if the delivery is still ours (sending); otherwise the lease ran out first."""
    now = utcnow()
    values = {"response": result.detail[:2000], "lease_until": None, "updated_at": now}
    channel = item.channel.name
    attempts = item.attempts + 1
    if result.outcome == "sent":
        values.update(status=DeliveryStatus.SENT, sent_at=now)
        detail = f"{channel}：{result.detail}"
    elif result.outcome == "transient" and attempts < MAX_ATTEMPTS:
        backoff = max(result.retry_after or 0.0, 5.0 * 2 ** (attempts - 1))
        values.update(status=DeliveryStatus.RETRY, not_before=now + timedelta(seconds=backoff))
        detail = f"{channel}：{result.detail}，{backoff:.0f}秒后重试"
    elif result.outcome == "unknown":
        values.update(status=DeliveryStatus.UNCONFIRMED)
        detail = f"{channel}：{result.detail}"
    else:
        values.update(status=DeliveryStatus.FAILED)
        detail = f"{channel}：{result.detail}"
    written = db.session.execute(
        update(Delivery).where(Delivery.id == item.id, Delivery.status == DeliveryStatus.SENDING)
        .values(**values), execution_options={"synchronize_session": False}).rowcount
    if written != 1:
        log.warning("delivery %s was no longer sending when its result (%s) came", item.id, result.outcome)
        return None
    status = values["status"]
    audit.record(status, post_id=item.post_id, detail=detail)
    if status in (DeliveryStatus.FAILED, DeliveryStatus.UNCONFIRMED):
        queue_alert(item.id, status)
    return status


def mark_published_when_done(post_id: int) -> None:
    post = db.session.get(Post, post_id)
    statuses = db.session.scalars(db.select(Delivery.status).where(
        Delivery.post_id == post_id, Delivery.revision_id == post.current_revision_id)).all()
    done = (DeliveryStatus.SENT, DeliveryStatus.CANCELLED)
    if post.status == PostStatus.SCHEDULED and statuses and all(s in done for s in statuses):
        post.status = PostStatus.PUBLISHED
