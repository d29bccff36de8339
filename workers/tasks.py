"""Celery tasks: an id in, one service call; the services decide what is safe to retry."""
from celery import shared_task
from sqlalchemy.exc import OperationalError

from flask import current_app

from studio import links
from studio.brands import library_jobs
from studio.distribution import alerts, deliveries, sending
from studio.drafting import generation, jobs, playbook
from studio.rituals import missed as missed_rituals
from studio.rituals import service as rituals
from studio.task_names import (
    ALERT_DELIVERY_PROBLEM,
    ALERT_MISSED_OCCURRENCE,
    DISPATCH_DUE_DELIVERIES,
    DRAFT_VARIANT,
    FORGET_OLD_CLICKS,
    INDEX_LIBRARY_UPLOAD,
    QUEUE_WAITING_UPLOADS,
    WRITE_PLAYBOOKS,
    REGENERATE_VARIANT,
    RUN_RITUALS,
    SCHEDULE_RITUAL_OCCURRENCE,
    SEND_DELIVERIES,
    SEND_DELIVERY,
    SWEEP_STALLED_GENERATIONS,
)

# A database that stays locked or unreachable: back off (1, 2, 4 ... 60 s, jittered) and try again; the
# job's token keeps a retry that comes too late from storing anything.
DATABASE_BACKOFF = {"autoretry_for": (OperationalError,), "retry_backoff": True, "retry_backoff_max": 60,
                    "max_retries": 6}


@shared_task(name=DRAFT_VARIANT, acks_late=True, **DATABASE_BACKOFF)
def draft_variant(post_id: int, token: str | None = None) -> None:
    generation.draft_post(post_id, token)


@shared_task(name=REGENERATE_VARIANT, acks_late=True, **DATABASE_BACKOFF)
def regenerate_variant(post_id: int, actor_id: int, instruction: str = "", token: str | None = None) -> None:
    generation.regenerate(post_id, actor_id, instruction, token)


@shared_task(name=SWEEP_STALLED_GENERATIONS, ignore_result=True)
def sweep_stalled_generations() -> dict:
    # One beat: a busy database only delays the sweep to the next tick.
    return jobs.sweep_stalled_jobs()


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


@shared_task(name=FORGET_OLD_CLICKS, ignore_result=True)
def forget_old_clicks() -> int:
    return links.forget_old_clicks(current_app.config["STUDIO_CLICK_RETENTION_DAYS"])


@shared_task(name=WRITE_PLAYBOOKS, ignore_result=True)
def write_playbooks() -> dict:
    return playbook.write_playbooks(current_app.config["STUDIO_MIN_REACH"])


@shared_task(name=RUN_RITUALS, ignore_result=True)
def run_rituals() -> dict:
    # Each occurrence is claimed under a unique row, so a beat that overlaps another writes nothing twice.
    return rituals.run_beat()


@shared_task(name=SCHEDULE_RITUAL_OCCURRENCE, ignore_result=True)
def schedule_ritual_occurrence(occurrence_id: int) -> int:
    # Racing the beat is safe: a group already holding a variant of the occurrence gets no second one.
    return rituals.schedule_occurrence(occurrence_id)


@shared_task(name=ALERT_MISSED_OCCURRENCE)
def alert_missed_occurrence(occurrence_id: int) -> None:
    missed_rituals.send_missed_alert(occurrence_id)


@shared_task(name=INDEX_LIBRARY_UPLOAD, acks_late=True)
def index_library_upload(job_id: int) -> None:
    # Only a queued job is taken: a message delivered again finds it running or ended and does nothing.
    library_jobs.run_upload(job_id)


@shared_task(name=QUEUE_WAITING_UPLOADS, ignore_result=True)
def queue_waiting_uploads() -> dict:
    return library_jobs.sweep_library_jobs()
