"""Drafting jobs' lease: a token per job, a heartbeat while it runs, and the sweep that queues a silent job again.

A job (a first draft or a regeneration) is recorded on its post before it is queued: a token, what was asked,
when it started and when a worker last reported on it. Only the worker holding the current token may store
its result, so an editor's edit (which clears the token) or a newer job wins over a late result. A worker
that dies mid-draft stops reporting; past the lease the sweep queues the job again under a new token, up to
STUDIO_GENERATION_ATTEMPTS tries, then marks the variant failed with a reason the editor can act on.
"""
from __future__ import annotations

import logging
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, true, update
from sqlalchemy.exc import SQLAlchemyError

from studio import audit
from studio.errors import QueueUnavailable
from studio.extensions import db
from studio.models import Post, PostStatus, utcnow
from studio.task_names import DRAFT_VARIANT, REGENERATE_VARIANT
from studio.task_queue import enqueue

log = logging.getLogger(__name__)

DRAFT, REGENERATE = "draft", "regenerate"
# What clears a post's job once it is finished, taken over or given up.
JOB_CLOSED = {"job_token": None, "job_seen_at": None}


def regenerating(post: Post) -> bool:
    """A regeneration of the post is queued or running: its result will come as a new revision."""
    return bool(post.job_token) and post.job_kind == REGENERATE


def lease_seconds() -> float:
    """How long a job may go without a report from its worker before the sweep queues it again."""
    return float(current_app.config["STUDIO_GENERATION_LEASE"])


def most_attempts() -> int:
    return max(1, int(current_app.config["STUDIO_GENERATION_ATTEMPTS"]))


def open_job(post: Post, kind: str, request: dict | None = None) -> str:
    """Record a new job on the post, replacing any earlier one (not committed); returns its token."""
    post.job_token = uuid.uuid4().hex
    post.job_kind, post.job_request = kind, dict(request or {})
    post.job_seen_at, post.job_started_at = utcnow(), None  # started: when a worker takes it
    post.job_attempts = 1
    return post.job_token


def queue_job(post_id: int, token: str, kind: str, request: dict | None) -> None:
    """Hand the job to the drafting workers; QueueUnavailable when the broker cannot take it."""
    request = request or {}
    if kind == REGENERATE:
        enqueue(REGENERATE_VARIANT, post_id, request.get("actor_id"), request.get("instruction", ""), token)
    else:
        enqueue(DRAFT_VARIANT, post_id, token)


def is_live(post: Post) -> bool:
    """True while the post's job is queued and its worker (or the queue) has reported within the lease."""
    return post.job_token is not None and post.job_seen_at is not None and \
        post.job_seen_at >= utcnow() - timedelta(seconds=lease_seconds())


def not_queued(post_id: int, token: str, counted: bool = True) -> None:
    """The broker refused the job: the sweep queues it at its next look, and the attempt counted for it
    (when one was) is given back."""
    db.session.execute(
        update(Post).where(Post.id == post_id, Post.job_token == token)
        .values(job_attempts=Post.job_attempts - (1 if counted else 0),
                job_seen_at=utcnow() - timedelta(seconds=lease_seconds() + 1)),
        execution_options={"synchronize_session": False})
    db.session.commit()


def holds(token: str | None):
    """The condition that the post's job is still this one; a message queued without a token holds any."""
    return Post.job_token == token if token else true()


def begin(post_id: int, token: str | None) -> bool:
    """Report that the job started; False when it is no longer the post's job (taken over or replaced)."""
    if not token:
        return True
    now = utcnow()
    won = db.session.execute(
        update(Post).where(Post.id == post_id, Post.job_token == token).values(job_seen_at=now, job_started_at=now),
        execution_options={"synchronize_session": False}).rowcount
    db.session.commit()
    return won == 1


@contextmanager
def heartbeat(post_id: int, token: str | None):
    """While the block runs, report on the job every quarter lease from a thread with its own session."""
    if not token:
        yield
        return
    app = current_app._get_current_object()
    stop = threading.Event()
    every = max(lease_seconds() / 4, 0.2)

    def beat() -> None:
        while not stop.wait(every):
            with app.app_context():
                try:
                    db.session.execute(
                        update(Post).where(Post.id == post_id, Post.job_token == token)
                        .values(job_seen_at=utcnow()), execution_options={"synchronize_session": False})
                    db.session.commit()
                except SQLAlchemyError:  # a busy database: the next beat tries again, the draft goes on
                    log.warning("could not report on the job of post %s", post_id, exc_info=True)
                    db.session.rollback()

    thread = threading.Thread(target=beat, name=f"job-heartbeat-{post_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


def stalled_reason(attempts: int) -> str:
    return (f"生成中断：负责写稿的后台进程连续{attempts}次没有按时回应（可能重启或崩溃了），已停止自动重试。"
            "请点“重新生成”再试一次，或直接编辑正文。")


def sweep_stalled_jobs(now=None) -> dict[str, list[int]]:
    """Queue again each job whose worker went silent past the lease; give up after the allowed attempts.

    A post left generating without a job (queued before jobs were recorded) is taken in as a first draft.
    """
    now = now or utcnow()
    cutoff = now - timedelta(seconds=lease_seconds())
    stalled = db.session.execute(
        db.select(Post.id, Post.job_token, Post.job_kind, Post.job_request, Post.job_attempts, Post.status,
                  Post.job_started_at)
        .where(or_(and_(Post.job_token.is_not(None), Post.job_seen_at < cutoff),
                   and_(Post.status == PostStatus.GENERATING, Post.job_token.is_(None), Post.updated_at < cutoff)))
        .order_by(Post.id).limit(200)).all()
    db.session.commit()
    outcome: dict[str, list[int]] = {"requeued": [], "failed": []}
    for post_id, token, kind, request, attempts, status, started_at in stalled:
        same_job = Post.job_token == token if token else and_(Post.job_token.is_(None),
                                                              Post.status == PostStatus.GENERATING)
        kind = kind or DRAFT
        if kind == DRAFT and status != PostStatus.GENERATING:  # drafted already: nothing left to do
            db.session.execute(update(Post).where(Post.id == post_id, same_job).values(**JOB_CLOSED),
                               execution_options={"synchronize_session": False})
            db.session.commit()
            continue
        # Only a job a worker took and then went silent on uses up an attempt: one still waiting in the queue
        # (every worker busy, or none running) is queued again as it is, and never fails for that.
        taken = token is None or started_at is not None
        if taken and (attempts or 0) >= most_attempts():
            if _give_up(post_id, same_job, kind, attempts, status):
                outcome["failed"].append(post_id)
            continue
        attempts = (attempts or 0) + (1 if taken else 0)
        new_token = uuid.uuid4().hex
        won = db.session.execute(
            update(Post).where(Post.id == post_id, same_job)
            .values(job_token=new_token, job_kind=kind, job_request=request or {}, job_started_at=None,
                    job_seen_at=now, job_attempts=attempts),
            execution_options={"synchronize_session": False}).rowcount
        if won != 1:
            db.session.rollback()
            continue
        db.session.commit()
        try:
            queue_job(post_id, new_token, kind, request)
        except QueueUnavailable:  # told once by the page that asked; each sweep tries again quietly
            not_queued(post_id, new_token, counted=taken)
            continue
        audit.record("draft_requeued", post_id=post_id,
                     detail=f"后台进程没有按时回应，第{attempts}次尝试" if taken else "还没有后台进程接手，重新排队")
        db.session.commit()
        outcome["requeued"].append(post_id)
    return outcome


def _give_up(post_id: int, same_job, kind: str, attempts: int, status: str) -> bool:
    reason = stalled_reason(attempts)
    values = dict(JOB_CLOSED)
    if status == PostStatus.GENERATING:
        values.update(status=PostStatus.ERROR, error=reason, updated_at=utcnow())
    won = db.session.execute(update(Post).where(Post.id == post_id, same_job).values(**values),
                             execution_options={"synchronize_session": False}).rowcount
    if won != 1:
        db.session.rollback()
        return False
    detail = f"重新生成：{reason}" if kind == REGENERATE else reason
    audit.record("draft_failed", post_id=post_id, detail=detail)
    db.session.commit()
    return True
