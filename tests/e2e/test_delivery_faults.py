"""Delivery through crashes, on real processes: at most once per key, and every delivery ends settled.

Each test runs on the embedded default (SQLite + SQLite broker) and on PostgreSQL + Redis, with a real beat,
a dispatcher worker and sender workers, against a loopback bot whose behaviour each channel's URL picks.
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert

from studio.benchmarks import seeding
from studio.extensions import db
from studio.models import Channel, Delivery
from tests.support import (
    PrivateRedis,
    ScriptedReceiver,
    StudioProcesses,
    drop_postgres_database,
    postgres_outage,
    stack_urls,
    wait_until,
)
from tests.support.app import make_app

SETTLED = ("sent", "failed", "unconfirmed")
pytestmark = pytest.mark.slow


@dataclass
class Stack:
    kind: str
    env: dict
    app: object
    data_dir: Path
    redis: PrivateRedis | None = None
    database: str = ""


@pytest.fixture(params=["embedded", "postgres-redis"])
def stack(request, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database, broker, redis = stack_urls(request.param, data_dir)
    env = {"STUDIO_DATA_DIR": str(data_dir), "DATABASE_URL": database, "CELERY_BROKER_URL": broker,
           "STUDIO_DISPATCH_INTERVAL": "0.3", "STUDIO_DELIVERY_LEASE": "6", "STUDIO_CLAIM_LEASE": "4"}
    app = make_app(data_dir, SQLALCHEMY_DATABASE_URI=database, CELERY={"broker_url": broker})
    yield Stack(request.param, env, app, data_dir, redis, database if redis else "")
    with app.app_context():
        db.engine.dispose()
    if redis:
        redis.stop()
        drop_postgres_database(database)


@pytest.fixture
def bot():
    receiver = ScriptedReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def processes(stack, tmp_path):
    running = StudioProcesses(stack.env, tmp_path)
    yield running
    running.stop()


def start_studio(processes: StudioProcesses, senders=("sender",), concurrency: int = 2) -> None:
    processes.start_beat()
    processes.start_worker("dispatcher", concurrency=1, queues="dispatch")
    for name in senders:
        processes.start_worker(name, concurrency=concurrency, queues="send")
    processes.wait_ready(["dispatcher", *senders])


def schedule(stack: Stack, plan: list[tuple[str, float]]) -> list[str]:
    """One approved post per (URL, seconds from now); returns the delivery keys in plan order."""
    with stack.app.app_context():
        _, channel_ids, posts = seeding.create_bench_brand(len(plan), "http://127.0.0.1:9/unused", len(plan))
        keys, rows = [], []
        for (url, delay), channel_id, (post_id, revision_id) in zip(plan, channel_ids, posts):
            db.session.get(Channel, channel_id).target = url
            due = datetime.fromtimestamp(time.time() + delay, timezone.utc).replace(tzinfo=None)
            key = f"rev{revision_id}-ch{channel_id}"
            keys.append(key)
            rows.append({"post_id": post_id, "revision_id": revision_id, "channel_id": channel_id, "key": key,
                         "status": "scheduled", "due_at": due, "not_before": due, "attempts": 0,
                         "response": "", "updated_at": due})
        db.session.execute(insert(Delivery), rows)
        db.session.commit()
    return keys


def statuses(stack: Stack, keys: list[str]) -> dict[str, str]:
    with stack.app.app_context():
        found = dict(db.session.execute(db.select(Delivery.key, Delivery.status).where(Delivery.key.in_(keys))).all())
        db.session.commit()
        return found


def wait_settled(stack: Stack, keys: list[str], processes: StudioProcesses, timeout: float = 90) -> dict[str, str]:
    def settled():
        now = statuses(stack, keys)
        return all(status in SETTLED for status in now.values()) and now

    found = wait_until(settled, timeout, 0.3, "every delivery settled",
                       details=lambda: f"{statuses(stack, keys)}\n" + "\n".join(
                           processes.log(name)[-1500:] for name in processes.procs))
    time.sleep(2.5)  # several more dispatcher ticks: nothing settled may move or be sent again
    assert statuses(stack, keys) == found
    return found


def assert_at_most_once(bot: ScriptedReceiver, keys: list[str], found: dict[str, str]) -> None:
    for key in keys:
        assert bot.accepted(key) <= 1, f"{key} was taken in {bot.accepted(key)} times"
        if found[key] == "sent":
            assert bot.accepted(key) == 1, f"{key} is recorded sent but the bot never took it in"
        if found[key] == "failed":
            assert bot.accepted(key) == 0


def test_channel_errors_are_retried_failed_or_left_unconfirmed(stack, bot, processes):
    start_studio(processes)
    behaviours = ["ok", "status-429-once", "status-500-once", "status-400", "silent"]
    keys = schedule(stack, [(bot.url(name), 1.0) for name in behaviours])
    found = wait_settled(stack, keys, processes)
    by_behaviour = dict(zip(behaviours, keys))
    assert [found[by_behaviour[name]] for name in behaviours] == ["sent", "sent", "sent", "failed", "unconfirmed"]
    assert_at_most_once(bot, keys, found)
    assert bot.received(by_behaviour["status-429-once"]) == 2  # refused once, then taken in
    assert bot.received(by_behaviour["status-500-once"]) == 2
    assert bot.received(by_behaviour["status-400"]) == 1  # permanent: never retried
    assert bot.received(by_behaviour["silent"]) == 1  # no answer: never resent automatically


def test_a_worker_killed_in_the_middle_of_a_send_leaves_it_unconfirmed(stack, bot, processes):
    start_studio(processes, senders=("doomed",), concurrency=1)
    [stuck] = schedule(stack, [(bot.url("hang"), 0.5)])
    wait_until(lambda: bot.received(stuck) == 1, 30, 0.1, "the send reached the bot")
    processes.kill("doomed")  # mid-send: the request left, no answer was read
    later = schedule(stack, [(bot.url("ok"), 1.0 + i * 0.5) for i in range(6)])
    processes.start_worker("survivor", concurrency=2, queues="send")
    bot.release.set()
    found = wait_settled(stack, [stuck, *later], processes)
    assert found[stuck] == "unconfirmed"
    assert bot.received(stuck) == 1
    assert all(found[key] == "sent" for key in later), found
    assert_at_most_once(bot, [stuck, *later], found)


def _sqlite_outage(stack: Stack, seconds: float) -> None:
    """The embedded database is locked by another writer for a while."""
    connection = sqlite3.connect(stack.data_dir / "studio.sqlite3", timeout=30)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        time.sleep(seconds)
    finally:
        connection.rollback()
        connection.close()


def _restart_everything(processes: StudioProcesses) -> None:
    """The machine of the embedded studio goes down hard and comes back: broker and database with it."""
    for name in list(processes.procs):
        processes.kill(name)
    time.sleep(2)
    start_studio(processes)


def _restart_broker(stack: Stack, processes: StudioProcesses) -> None:
    if stack.redis is None:
        _restart_everything(processes)
        return
    stack.redis.stop()  # queued messages go with it: nothing persisted
    time.sleep(3)
    stack.redis.start()


def _restart_database(stack: Stack, processes: StudioProcesses) -> None:
    if stack.redis is None:
        _sqlite_outage(stack, 3)
    else:
        postgres_outage(stack.database, 3)


@pytest.mark.parametrize("fault", ["broker", "database"])
def test_deliveries_survive_a_restart(stack, bot, processes, fault):
    start_studio(processes)
    plan = [(bot.url("ok"), 1.0 + i * 0.75) for i in range(16)]
    keys = schedule(stack, plan)
    time.sleep(4)
    restart = _restart_broker if fault == "broker" else _restart_database
    restart(stack, processes)
    recovered_at = time.time()
    found = wait_settled(stack, keys, processes, timeout=120)
    assert_at_most_once(bot, keys, found)
    assert all(status in ("sent", "unconfirmed") for status in found.values()), found
    with stack.app.app_context():
        due = dict(db.session.execute(db.select(Delivery.key, Delivery.due_at).where(Delivery.key.in_(keys))).all())
    after = [key for key in keys if due[key].replace(tzinfo=timezone.utc).timestamp() > recovered_at + 1]
    assert all(found[key] == "sent" for key in after), (after, found)
    assert sum(1 for status in found.values() if status == "sent") >= len(keys) - 2, found
