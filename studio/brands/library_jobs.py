"""Large knowledge uploads: checked and staged by the web request, indexed by a worker, followed by the page.

An upload of fewer file bytes than STUDIO_UPLOAD_INLINE_BYTES is indexed in the request, as before. A larger
one gets the checks that need no parsing (name, suffix, size, empty file), is written to a staging folder in
the data folder and recorded as a LibraryJob, and a worker runs the same strict re-import under the library
lock. A file that does not load fails the job with the reason and leaves the kit and the index as they were.
When the broker cannot take the job it stays queued, and the sweep queues it again once the broker answers.
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from studio.brands.kits import get_brand
from studio.brands.library import changing_library, checked_changes, knowledge_dir, replace_and_reimport
from studio.errors import NotFound, QueueUnavailable, StudioError
from studio.extensions import db
from studio.models import Brand, LibraryJob, utcnow
from studio.task_names import INDEX_LIBRARY_UPLOAD
from studio.task_queue import enqueue

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# Stages a job reports, in order, with the share of the work done when each begins.
STAGES = {"queued": 0.0, "reading": 0.1, "indexing": 0.3, "done": 1.0, "failed": 1.0}
STAGE_LABELS = {"queued": "排队等待索引", "reading": "正在读取文件", "indexing": "正在建立索引",
                "done": "索引完成", "failed": "索引失败"}
# A running job its worker has not reported on for this long is taken to have died with its worker.
STALE_AFTER = timedelta(hours=1)
RECENT = timedelta(days=1)


@dataclass
class UploadOutcome:
    """What became of an upload: indexed now (result), or handed to a worker (job)."""

    result: dict | None = None
    job: LibraryJob | None = None
    queue_down: bool = False


def inline_limit() -> int:
    return int(current_app.config["STUDIO_UPLOAD_INLINE_BYTES"])


def staging_dir(job_id: int) -> Path:
    return Path(current_app.config["STUDIO_DATA_DIR"]) / "library-staging" / str(job_id)


def upload(slug: str, files: list[tuple[str, bytes]], actor_id: int | None) -> UploadOutcome:
    """Index a small upload now; check, stage and queue a large one for the workers."""
    changes = checked_changes(slug, files)
    total = sum(len(data) for data in changes.values())
    if total < inline_limit():
        with changing_library():
            return UploadOutcome(result=replace_and_reimport(slug, changes))
    job = LibraryJob(brand_id=get_brand(slug).id, files=[path.name for path in changes], total_bytes=total,
                     state=QUEUED, stage="queued", fraction=0.0, error="", in_queue=False,
                     created_by_id=actor_id)
    db.session.add(job)
    db.session.flush()
    folder = staging_dir(job.id)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, data in changes.items():
            (folder / path.name).write_bytes(data)
        db.session.commit()
    except Exception:
        db.session.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job_id = job.id
    queue_down = not _queue(job_id)
    return UploadOutcome(job=db.session.get(LibraryJob, job_id, populate_existing=True), queue_down=queue_down)


def _queue(job_id: int) -> bool:
    """Hand the job to the workers; False (the job kept for the sweep) when the broker cannot take it."""
    try:
        db.session.execute(update(LibraryJob).where(LibraryJob.id == job_id, LibraryJob.state == QUEUED)
                           .values(in_queue=True), execution_options={"synchronize_session": False})
        db.session.commit()
        enqueue(INDEX_LIBRARY_UPLOAD, job_id)
        return True
    except QueueUnavailable:
        db.session.execute(update(LibraryJob).where(LibraryJob.id == job_id, LibraryJob.state == QUEUED)
                           .values(in_queue=False), execution_options={"synchronize_session": False})
        db.session.commit()
        return False


def _report(job_id: int, **values) -> None:
    db.session.execute(update(LibraryJob).where(LibraryJob.id == job_id).values(updated_at=utcnow(), **values),
                       execution_options={"synchronize_session": False})
    db.session.commit()


def _stage(job_id: int, stage: str) -> None:
    _report(job_id, stage=stage, fraction=STAGES[stage])


def run_upload(job_id: int) -> str:
    """Index a staged upload (what the worker runs); returns the job's state afterwards.

    Only a queued job is taken, so a message delivered twice indexes once. Whatever happens the staging
    folder is removed; a failure leaves the kit and the index as they were and the reason on the job."""
    won = db.session.execute(
        update(LibraryJob).where(LibraryJob.id == job_id, LibraryJob.state == QUEUED)
        .values(state=RUNNING, stage="reading", fraction=STAGES["reading"], updated_at=utcnow()),
        execution_options={"synchronize_session": False}).rowcount
    db.session.commit()
    if won != 1:
        return db.session.scalar(db.select(LibraryJob.state).where(LibraryJob.id == job_id)) or ""
    job = db.session.get(LibraryJob, job_id, populate_existing=True)
    folder = staging_dir(job_id)
    try:
        slug = db.session.get(Brand, job.brand_id).slug
        target = knowledge_dir(slug)
        changes = {}
        for name in job.files:
            staged = folder / name
            if not staged.is_file():
                raise NotFound(f"{name}：暂存的上传文件不见了，请重新上传 / the staged upload is gone, upload it again")
            changes[target / name] = staged.read_bytes()
        _stage(job_id, "indexing")
        with changing_library():
            result = replace_and_reimport(slug, changes)
    except Exception as exc:
        db.session.rollback()
        if isinstance(exc, StudioError):
            reason = str(exc)
        else:
            log.exception("library job %s failed", job_id)
            reason = f"索引出错 / indexing failed: {type(exc).__name__}: {exc}"
        _report(job_id, state=FAILED, stage="failed", fraction=1.0, error=reason[:2000])
        return FAILED
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _report(job_id, state=DONE, stage="done", fraction=1.0, documents=result["documents"], chunks=result["chunks"])
    return DONE


def sweep_library_jobs(now=None) -> dict[str, list[int]]:
    """Queue again the jobs the broker could not take; fail the running jobs whose worker went silent."""
    now = now or utcnow()
    waiting = db.session.scalars(db.select(LibraryJob.id).where(LibraryJob.state == QUEUED,
                                                                LibraryJob.in_queue.is_(False))
                                 .order_by(LibraryJob.id).limit(100)).all()
    outcome: dict[str, list[int]] = {"requeued": [], "failed": []}
    for job_id in waiting:
        if not _queue(job_id):
            break  # the broker is still down: every job waits for the next look
        outcome["requeued"].append(job_id)
    stale = db.session.scalars(db.select(LibraryJob.id).where(LibraryJob.state == RUNNING,
                                                              LibraryJob.updated_at < now - STALE_AFTER)).all()
    for job_id in stale:
        won = db.session.execute(
            update(LibraryJob).where(LibraryJob.id == job_id, LibraryJob.state == RUNNING)
            .values(state=FAILED, stage="failed", fraction=1.0, updated_at=utcnow(),
                    error="负责索引的后台进程停止了回应，请重新上传 / the indexing worker stopped, upload again"),
            execution_options={"synchronize_session": False}).rowcount
        db.session.commit()
        if won == 1:
            shutil.rmtree(staging_dir(job_id), ignore_errors=True)
            outcome["failed"].append(job_id)
    return outcome


def get_job(slug: str, job_id: int) -> LibraryJob:
    """A job of the brand; another brand's job answers NotFound, like one that does not exist."""
    brand = get_brand(slug)
    job = db.session.get(LibraryJob, job_id)
    if job is None or job.brand_id != brand.id:
        raise NotFound(f"没有索引任务 {job_id} / no such indexing job")
    return job


def recent_jobs(brand_id: int) -> list[LibraryJob]:
    """The brand's jobs under way, and those that ended in the last day, newest first."""
    return db.session.scalars(
        db.select(LibraryJob).where(LibraryJob.brand_id == brand_id,
                                    db.or_(LibraryJob.state.in_((QUEUED, RUNNING)),
                                           LibraryJob.updated_at >= utcnow() - RECENT))
        .order_by(LibraryJob.id.desc()).limit(5)).all()


def job_state(job: LibraryJob) -> dict:
    """What the page polls: state, stage, share done, the files and, at the end, counts or the reason."""
    return {"id": job.id, "state": job.state, "stage": job.stage, "fraction": job.fraction, "files": job.files,
            "queued": job.in_queue, "documents": job.documents, "chunks": job.chunks, "error": job.error}
