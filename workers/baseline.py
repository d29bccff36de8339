"""What the dispatcher is measured against: one plain Celery ETA task per post, held in worker memory."""
from __future__ import annotations

import requests
from celery import shared_task

from studio.channels.http import encode_json
from studio.task_names import POST_AT_ETA


@shared_task(name=POST_AT_ETA, ignore_result=True)
def post_at_eta(url: str, delivery_key: str, due_at: str) -> None:
    body = encode_json({"delivery_key": delivery_key, "due_at": due_at, "text": "ETA baseline"})
    requests.post(url, data=body, timeout=(5, 15),
                  headers={"Content-Type": "application/json", "Idempotency-Key": delivery_key})
