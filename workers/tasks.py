"""Celery tasks: an id in, one service call; the services decide what is safe to retry."""
from celery import shared_task

from studio.services import delivery, drafting


@shared_task(acks_late=True)
def draft_variant(post_id: int) -> None:
    drafting.draft_post(post_id)


@shared_task(ignore_result=True)
def dispatch_due_deliveries() -> int:
    claimed = delivery.claim_due_deliveries()
    for delivery_id in claimed:
        send_delivery.delay(delivery_id)
    return len(claimed)


@shared_task(acks_late=True)
def send_delivery(delivery_id: int) -> None:
    # A redelivered message finds the delivery no longer 'claimed' and sends nothing.
    delivery.send_delivery(delivery_id)
