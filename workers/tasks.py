"""Celery tasks: an id in, one service call; the services decide what is safe to retry."""
from celery import shared_task

from studio.distribution import alerts, deliveries, sending
from studio.drafting import generation
from studio.task_names import (
    ALERT_DELIVERY_PROBLEM,
    DISPATCH_DUE_DELIVERIES,
    DRAFT_VARIANT,
    REGENERATE_VARIANT,
    SEND_DELIVERIES,
    SEND_DELIVERY,
)


@shared_task(name=DRAFT_VARIANT, acks_late=True)
def draft_variant(post_id: int) -> None:
    generation.draft_post(post_id)


@shared_task(name=REGENERATE_VARIANT, acks_late=True)
def regenerate_variant(post_id: int, actor_id: int, instruction: str = "") -> None:
    generation.regenerate(post_id, actor_id, instruction)


@shared_task(name=DISPATCH_DUE_DELIVERIES, ignore_result=True)
def dispatch_due_deliveries() -> int:
    claimed = deliveries.claim_due_deliveries()
    lease = sending.claim_lease_seconds()
    for batch in deliveries.send_batches(claimed):
        # After the claim lease the deliveries are handed out again, so an older message must not also run.
        send_deliveries.apply_async((batch,), expires=lease)
    return len(claimed)


@shared_task(name=SEND_DELIVERIES, acks_late=True, time_limit=90)
def send_deliveries(delivery_ids: list[int]) -> None:
    # A redelivered message finds its deliveries no longer 'claimed' and sends nothing.
    sending.send_deliveries(delivery_ids)


@shared_task(name=SEND_DELIVERY, acks_late=True, time_limit=90)
def send_delivery(delivery_id: int) -> None:
    # One delivery at a time: what a broker may still hold from a dispatcher older than batches.
    sending.send_delivery(delivery_id)


@shared_task(name=ALERT_DELIVERY_PROBLEM)
def alert_delivery_problem(delivery_id: int, status: str) -> None:
    alerts.send_alert(delivery_id, status)
