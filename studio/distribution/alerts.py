"""Failure alerts: a failed, unconfirmed or missed delivery is announced in the brand's alert channel."""
from __future__ import annotations

import logging
import uuid

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from studio.channels import OutgoingMessage, SendResult, get_adapter
from studio.extensions import db
from studio.i18n import brand_time
from studio.models import Brand, Channel, Delivery, DeliveryStatus, utcnow
from studio.task_names import ALERT_DELIVERY_PROBLEM
from studio.task_queue import enqueue

log = logging.getLogger(__name__)
STATUS_WORDS = {DeliveryStatus.FAILED: "发送失败", DeliveryStatus.UNCONFIRMED: "结果未知（可能已发出）",
                DeliveryStatus.MISSED: "错过发送时间"}


def queue_alert(delivery_id: int, status: DeliveryStatus) -> None:
    """Post the alert once the transaction that set the status has committed (never for a rolled-back one)."""
    queue_alert_task(ALERT_DELIVERY_PROBLEM, delivery_id, status)


def queue_alert_task(task_name: str, *args) -> None:
    """Queue an alert task once the current transaction has committed (never for a rolled-back one)."""
    db.session.info.setdefault(_PENDING, []).append((task_name, args))


_PENDING = "pending_delivery_alerts"


@event.listens_for(Session, "after_commit")
def _enqueue_pending_alerts(session) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    for task_name, args in pending:
        try:
            enqueue(task_name, *args)
        except Exception as exc:  # the dashboard still lists it; a broker hiccup must not lose the state
            log.error("could not queue the alert %s%s: %s", task_name, args, type(exc).__name__)


@event.listens_for(Session, "after_rollback")
def _drop_pending_alerts(session) -> None:
    session.info.pop(_PENDING, None)


def send_alert(delivery_id: int, status: str) -> SendResult | None:
    """Post one alert to the brand's `alert_channel`; None when the brand has none."""
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None:
        return None
    brand = delivery.post.brief.brand
    text = (f"【发送异常】{brand.name} 帖子 #{delivery.post_id} → {delivery.channel.name}"
            f"（计划 {brand_time(delivery.due_at, brand)}）：{STATUS_WORDS.get(status, status)}。"
            f"{delivery.response or ''}\n处理：{studio_link(f'/posts/{delivery.post_id}')}")
    return post_alert(brand, text, f"{delivery.key}-{status}", post_id=delivery.post_id)


def studio_link(path: str) -> str:
    """The address of a studio page, for people reading an alert in their group chat."""
    return f"{current_app.config['STUDIO_BASE_URL'].rstrip('/')}{path}"


def post_alert(brand: Brand, text: str, key: str, post_id: int = 0) -> SendResult | None:
    """Post an alert's text to the brand's `alert_channel`; None when the brand has none."""
    slug = (brand.settings or {}).get("alert_channel")
    if not slug:
        return None
    channel = db.session.scalar(db.select(Channel).where(Channel.brand_id == brand.id, Channel.slug == slug))
    if channel is None:
        log.error("brand %s names alert channel %r, which does not exist", brand.slug, slug)
        return None
    message = OutgoingMessage(
        delivery_key=f"alert-{key}-{uuid.uuid4().hex[:6]}", post_id=post_id,
        channel_id=channel.id, channel_slug=channel.slug, target=channel.target,
        settings=dict(channel.settings or {}), due_at=utcnow(), markdown=text, sender="工作台提醒")
    return get_adapter(channel.type).send(message)
