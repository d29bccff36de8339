"""`studio bench dispatch`: N due deliveries through real workers, against plain Celery ETA tasks.

The run uses whatever database and broker the environment names (embedded SQLite when it names none, in a
throwaway folder). It creates a benchmark brand with K generic-webhook channels, schedules N deliveries
evenly over the next S seconds, starts a beat, a dispatcher and sender workers as separate processes,
optionally SIGKILLs one sender halfway, waits until every delivery has settled, and measures lateness as the
receiver's arrival time minus ``due_at``. The ETA baseline then posts the same load as one Celery task per
delivery with ``eta=due_at``, with the same number of workers and the same kill.
"""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, insert

from studio.benchmarks import seeding
from studio.benchmarks.processes import PROJECT_ROOT, CeleryProcesses
from studio.benchmarks.receiver import read_arrivals
from studio.models import DeliveryStatus
from studio.task_names import POST_AT_ETA

SETTLED = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.UNCONFIRMED, DeliveryStatus.MISSED,
           DeliveryStatus.CANCELLED)
LEAD_SECONDS = 4.0  # between seeding and the first due time, so the first posts are not born late


@dataclass
class DispatchBenchOptions:
    deliveries: int = 1000
    window: float = 30.0
    target: str | None = None
    targets: int = 50
    kill_worker: bool = False
    baseline: bool = False
    workers: int = 2
    concurrency: int = 2
    burst: bool = False  # every delivery due in the same second: a ritual at 20:00 to hundreds of groups


@dataclass
class _Run:
    """One measured run: what was due when, and what the receiver saw."""
    due: dict[str, float] = field(default_factory=dict)  # delivery key -> due time (unix seconds)
    arrivals: list[tuple[float, str]] = field(default_factory=list)


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def rank(share: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]

    return {"p50": round(rank(0.50)), "p95": round(rank(0.95)), "p99": round(rank(0.99)),
            "max": round(ordered[-1])}


def arrival_figures(run: _Run) -> dict:
    """Duplicates and lateness (ms) from what the receiver logged for this run's keys."""
    first: dict[str, float] = {}
    duplicates = 0
    for arrived, key in sorted(run.arrivals):
        if key not in run.due:
            continue
        if key in first:
            duplicates += 1
        else:
            first[key] = arrived
    lateness = [(arrived - run.due[key]) * 1000.0 for key, arrived in first.items()]
    # Lateness covers what arrived; this share counts every delivery, so a lost one counts as late.
    within_1s = sum(1 for ms in lateness if ms <= 1000.0) / len(run.due) if run.due else 0.0
    return {"arrived": len(first), "duplicates": duplicates, "lateness_ms": percentiles(lateness),
            "within_1s": round(within_1s, 4), "first_arrivals": first}


def _stack_env(data_dir: Path, own_receiver: bool) -> dict:
    """What the run changes in the environment its processes inherit: a data folder, a shorter send lease,
    and with its own receiver (on loopback) leave to post there."""
    env = {"STUDIO_DATA_DIR": str(data_dir),
           "STUDIO_DELIVERY_LEASE": os.environ.get("STUDIO_DELIVERY_LEASE") or "15"}
    if own_receiver:
        env["STUDIO_ALLOW_PRIVATE_TARGETS"] = "1"
    return env


class _Receiver:
    def __init__(self, folder: Path):
        self.log = folder / "arrivals.log"
        port_file = folder / "receiver.port"
        self.proc = subprocess.Popen([sys.executable, "-m", "studio.benchmarks.receiver", str(self.log),
                                      str(port_file)], cwd=PROJECT_ROOT, start_new_session=True)
        deadline = time.monotonic() + 20
        while not port_file.exists():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the benchmark receiver did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port_file.read_text().strip()}/hook"

    def arrivals(self) -> list[tuple[float, str]]:
        return read_arrivals(self.log) if self.log.exists() else []

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def run_dispatch_bench(options: DispatchBenchOptions, progress=lambda message: None) -> dict:
    from studio import create_app

    if options.deliveries < 1 or options.window <= 0 or options.targets < 1 or options.workers < 1:
        raise ValueError("deliveries, window, targets and workers must be positive")
    if options.kill_worker and options.workers < 2:
        raise ValueError("--kill-worker needs at least 2 workers, so one is left to finish the run")
    folder = Path(tempfile.mkdtemp(prefix="studio-bench-"))
    env = _stack_env(folder, own_receiver=not options.target)
    saved_env = {name: os.environ.get(name) for name in env}
    os.environ.update(env)  # the bench's own app and its worker processes see the same settings
    receiver = None if options.target else _Receiver(folder)
    url = options.target or receiver.url
    try:
        app = create_app()
        with app.app_context():
            seeding.migrate_database()
            stack = seeding.describe_stack(app)
            progress(f"stack: {stack}")
            result = {"deliveries": options.deliveries, "window_s": 0.0 if options.burst else options.window,
                      "burst": options.burst, "targets": options.targets,
                      "workers": options.workers, "concurrency": options.concurrency,
                      "killed_worker": options.kill_worker, "stack": stack,
                      **_measure_dispatcher(app, options, url, receiver, folder, env, progress)}
            if options.baseline:
                result["baseline"] = _measure_eta_baseline(app, options, url, receiver, folder, env, progress)
        return result
    finally:
        if receiver:
            receiver.stop()
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)


def due_times(options: DispatchBenchOptions, start: float) -> list[float]:
    """When each delivery falls due: spread evenly over the window, or all at its start in a burst."""
    if options.burst:
        return [start] * options.deliveries
    return [start + options.window * i / options.deliveries for i in range(options.deliveries)]


def _measure_dispatcher(app, options, url, receiver, folder, env, progress) -> dict:
    from studio.extensions import db
    from studio.models import Delivery

    log_dir = folder / "dispatcher-run"
    log_dir.mkdir()
    processes = CeleryProcesses(env, log_dir)
    senders = [f"sender{i}" for i in range(options.workers)]
    brand_id = None
    try:
        processes.start_beat(loglevel="INFO")
        processes.start_worker("dispatcher", concurrency=1, queues="dispatch", loglevel="INFO")
        for name in senders:
            processes.start_worker(name, concurrency=options.concurrency, queues="send", loglevel="INFO")
        processes.wait_ready(["dispatcher", *senders])
        progress("workers ready; scheduling deliveries")
        brand_id, channel_ids, revisions = seeding.create_bench_brand(options.targets, url,
                                                                      math.ceil(options.deliveries / options.targets))
        start = time.time() + LEAD_SECONDS
        due = due_times(options, start)
        rows = []
        run = _Run()
        for i, due_at in enumerate(due):
            post_id, revision_id = revisions[i // len(channel_ids)]
            channel_id = channel_ids[i % len(channel_ids)]
            key = f"rev{revision_id}-ch{channel_id}"
            run.due[key] = due_at
            when = datetime.fromtimestamp(due_at, timezone.utc).replace(tzinfo=None)
            rows.append({"post_id": post_id, "revision_id": revision_id, "channel_id": channel_id, "key": key,
                         "status": DeliveryStatus.SCHEDULED, "due_at": when, "not_before": when,
                         "attempts": 0, "response": "", "updated_at": when})
        for chunk in range(0, len(rows), 2000):
            db.session.execute(insert(Delivery), rows[chunk:chunk + 2000])
        db.session.commit()
        if time.time() > start:
            progress(f"warning: seeding took longer than the {LEAD_SECONDS:.0f}s lead")
        if options.kill_worker:
            _sleep_until(start + options.window / 2)
            processes.kill(senders[0])
            progress(f"killed {senders[0]} with SIGKILL")
        lease = float(env["STUDIO_DELIVERY_LEASE"])
        counts = _wait_settled(brand_id, deadline=start + options.window + 3 * lease + 60, progress=progress)
        if receiver:
            time.sleep(0.5)  # the last answers reach the log
            run.arrivals = receiver.arrivals()
        return _dispatcher_figures(brand_id, run, counts, measured_at_receiver=receiver is not None)
    finally:
        processes.stop()
        if brand_id is not None:
            seeding.remove_bench_brand(brand_id)


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def _status_counts(brand_id: int) -> dict[str, int]:
    from studio.extensions import db
    from studio.models import Delivery

    rows = db.session.execute(db.select(Delivery.status, func.count()).where(
        Delivery.channel_id.in_(seeding.channel_ids_of(brand_id))).group_by(Delivery.status)).all()
    db.session.commit()
    return {status.value: count for status, count in rows}  # plain keys: the progress line prints them


def _wait_settled(brand_id: int, deadline: float, progress) -> dict[str, int]:
    last_report = 0.0
    while True:
        counts = _status_counts(brand_id)
        pending = sum(n for status, n in counts.items() if status not in SETTLED)
        if not pending or time.time() > deadline:
            return counts
        if time.time() - last_report > 10:
            progress(f"deliveries: {counts}")
            last_report = time.time()
        time.sleep(0.5)


def _dispatcher_figures(brand_id: int, run: _Run, counts: dict, measured_at_receiver: bool) -> dict:
    from studio.extensions import db
    from studio.models import Delivery

    statuses = dict(db.session.execute(db.select(Delivery.key, Delivery.status).where(
        Delivery.channel_id.in_(seeding.channel_ids_of(brand_id)))).all())
    figures = {"sent": counts.get(DeliveryStatus.SENT, 0), "failed": counts.get(DeliveryStatus.FAILED, 0),
               "unconfirmed": counts.get(DeliveryStatus.UNCONFIRMED, 0),
               "missed": counts.get(DeliveryStatus.MISSED, 0)}
    if measured_at_receiver:
        seen = arrival_figures(run)
        arrived = seen.pop("first_arrivals")
        # Lost: neither arrived nor honestly reported as failed or unconfirmed.
        reported = (DeliveryStatus.FAILED, DeliveryStatus.UNCONFIRMED)
        lost = sum(1 for key, status in statuses.items() if key not in arrived and status not in reported)
        figures.update(duplicates=seen["duplicates"], lost=lost, lateness_ms=seen["lateness_ms"],
                       within_1s=seen["within_1s"], measured_at="receiver")
    else:
        sent_at = dict(db.session.execute(db.select(Delivery.key, Delivery.sent_at).where(
            Delivery.channel_id.in_(seeding.channel_ids_of(brand_id)), Delivery.sent_at.is_not(None))).all())
        lateness = [(when.replace(tzinfo=timezone.utc).timestamp() - run.due[key]) * 1000.0
                    for key, when in sent_at.items()]
        lost = sum(1 for status in statuses.values() if status not in SETTLED)
        figures.update(duplicates=None, lost=lost, lateness_ms=percentiles(lateness),
                       measured_at="studio (time the channel answered; duplicates need the receiver)")
    db.session.commit()
    return figures


def _measure_eta_baseline(app, options, url, receiver, folder, env, progress) -> dict:
    log_dir = folder / "baseline-run"
    log_dir.mkdir()
    queue = f"bench-eta-{uuid.uuid4().hex[:8]}"
    processes = CeleryProcesses(env, log_dir)
    workers = [f"eta{i}" for i in range(options.workers)]
    celery_app = app.extensions["celery"]
    try:
        for name in workers:
            processes.start_worker(name, concurrency=options.concurrency, queues=queue, loglevel="INFO")
        processes.wait_ready(workers)
        progress("baseline workers ready; enqueueing ETA tasks")
        run = _Run()
        start = time.time() + LEAD_SECONDS + options.deliveries / 1000.0  # time to publish every task
        tag = uuid.uuid4().hex[:6]
        with celery_app.producer_or_acquire() as producer:
            for i, due_at in enumerate(due_times(options, start)):
                key = f"eta-{tag}-{i}"
                run.due[key] = due_at
                eta = datetime.fromtimestamp(due_at, timezone.utc)
                celery_app.send_task(POST_AT_ETA, (url, key, eta.isoformat()), eta=eta,
                                     queue=queue, producer=producer)
        if time.time() > start:
            progress("warning: publishing the ETA tasks took longer than the lead")
        if options.kill_worker:
            _sleep_until(start + options.window / 2)
            processes.kill(workers[0])
            progress(f"killed {workers[0]} with SIGKILL")
        deadline = start + options.window + 20  # an ETA task arrives about on time or, held by a dead worker, not at all
        while time.time() < deadline and receiver:
            if len({key for _, key in receiver.arrivals() if key in run.due}) >= options.deliveries:
                break
            time.sleep(0.5)
        if not receiver:
            return {"note": "the ETA baseline needs the benchmark's own receiver (run without --target)"}
        time.sleep(0.5)
        run.arrivals = receiver.arrivals()
        seen = arrival_figures(run)
        arrived = len(seen.pop("first_arrivals"))
        return {"deliveries": options.deliveries, "sent": arrived, "failed": 0, "unconfirmed": 0,
                "duplicates": seen["duplicates"], "lost": options.deliveries - arrived,
                "lateness_ms": seen["lateness_ms"], "within_1s": seen["within_1s"]}
    finally:
        processes.stop()
        _purge_queue(celery_app, queue)


def _purge_queue(celery_app, queue: str) -> None:
    try:
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)
            connection.default_channel.queue_delete(queue)
    except Exception:  # a queue left behind holds only this benchmark's expired tasks
        pass

