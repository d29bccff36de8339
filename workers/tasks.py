"""Celery tasks: an id in, one service call; the services decide what is safe to retry."""
from celery import shared_task

from studio.services import alerts, delivery, drafting


@shared_task(acks_late=True)
def draft_variant(post_id: int) -> None:
    drafting.draft_post(post_id)


@shared_task(acks_late=True)
def regenerate_variant(post_id: int, actor_id: int, instruction: str = "") -> None:
    drafting.regenerate(post_id, actor_id, instruction)


@shared_task(ignore_result=True)
def dispatch_due_deliveries() -> int:
    claimed = delivery.claim_due_deliveries()
    lease = delivery.claim_lease_seconds()
    for batch in delivery.send_batches(claimed):
        # After the claim lease the deliveries are handed out again, so an older message must not also run.
        send_deliveries.apply_async((batch,), expires=lease)
    return len(claimed)


@shared_task(acks_late=True, time_limit=90)
def send_deliveries(delivery_ids: list[int]) -> None:
    # A redelivered message finds its deliveries no longer 'claimed' and sends nothing.
    delivery.send_deliveries(delivery_ids)


@shared_task(acks_late=True, time_limit=90)
def send_delivery(delivery_id: int) -> None:
    # One delivery at a time: what a broker may still hold from a dispatcher older than batches.
    delivery.send_delivery(delivery_id)


@shared_task
def alert_delivery_problem(delivery_id: int, status: str) -> None:
    alerts.send_alert(delivery_id, status)
