"""Per-bot rate budgets: one budget per bot target, shared by every process, honoured by the send path."""
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.distribution import deliveries, rate_budget, scheduling, sending
from studio.extensions import db
from studio.models import Brand, Channel, Delivery, utcnow
from tests.support import (
    REDIS_TEST_URL,
    create_postgres_database,
    drop_postgres_database,
    flush_redis_test_db,
    wait_until,
)
from tests.support.app import add_users, make_app
from tests.support.posts import approved_post, make_due, shanghai_now, user

STORES = ("sqlite", "postgresql", "redis")


@dataclass
class Store:
    name: str
    apps: tuple  # two app instances on the same store, standing in for two worker processes


def _store_overrides(name: str) -> dict:
    if name == "postgresql":
        return {"SQLALCHEMY_DATABASE_URI": create_postgres_database()}
    if name == "redis":
        return {"CELERY": {"broker_url": REDIS_TEST_URL}}
    return {}


@pytest.fixture(scope="module", params=STORES)
def store(request, tmp_path_factory):
    """A budget store (the database, or Redis when the broker is Redis) seen by two separate app instances."""
    data = tmp_path_factory.mktemp(request.param)
    overrides = _store_overrides(request.param)
    if request.param == "redis":
        flush_redis_test_db()
    apps = (make_app(data, **overrides), make_app(data, **overrides))
    with apps[0].app_context():
        db.session.add(Brand(slug="bots", name="机器人测试", timezone="Asia/Shanghai", settings={}))
        db.session.commit()
    yield Store(request.param, apps)
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    if request.param == "postgresql":
        drop_postgres_database(overrides["SQLALCHEMY_DATABASE_URI"])
    if request.param == "redis":
        flush_redis_test_db()


class FrozenClock:
    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock()
    monkeypatch.setattr(rate_budget, "clock", frozen)
    return frozen


@pytest.fixture
def budget(store, clock):
    with store.apps[0].app_context():
        yield store


def bot(type_: str, target: str | None = None, settings: dict | None = None) -> Channel:
    """A channel row to a bot of this type; a fresh target unless one is given."""
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == "bots"))
    channel = Channel(brand_id=brand.id, slug=f"{type_}-{uuid.uuid4().hex[:8]}", name=f"{type_} 测试群",
                      type=type_, target=target or uuid.uuid4().hex, settings=settings or {}, active=True)
    db.session.add(channel)
    db.session.commit()
    return channel


def test_the_budget_store_follows_the_broker(budget):
    backend = rate_budget.get_backend()
    expected = rate_budget.RedisBudget if budget.name == "redis" else rate_budget.DatabaseBudget
    assert isinstance(backend, expected)


def test_a_wecom_bot_allows_20_sends_a_minute_and_the_21st_waits(budget, clock):
    wecom = bot("wecom")
    assert [rate_budget.reserve(wecom) for _ in range(20)] == [0.0] * 20
    clock.advance(15)
    wait = rate_budget.reserve(wecom)
    assert wait == pytest.approx(45, abs=0.01)  # the first 20 leave the minute 45 seconds from now
    assert rate_budget.reserve(wecom) == pytest.approx(45, abs=0.01)  # asking again takes nothing
    clock.advance(wait + 0.01)
    assert [rate_budget.reserve(wecom) for _ in range(20)] == [0.0] * 20
    assert rate_budget.reserve(wecom) == pytest.approx(60, abs=0.01)


def test_workers_in_two_processes_never_exceed_the_budget_together(budget):
    wecom = bot("wecom")
    channel_id = wecom.id
    granted, waits, errors = [], [], []
    start = threading.Barrier(8)

    def worker(app):
        try:
            with app.app_context():
                channel = db.session.get(Channel, channel_id)
                start.wait()
                for _ in range(10):
                    wait = rate_budget.reserve(channel)
                    (granted if wait == 0.0 else waits).append(wait)
        except BaseException as exc:  # surfaced below: a thread's error must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(budget.apps[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(granted) == 20
    assert len(waits) == 60 and all(0 < wait <= 60 for wait in waits)


def test_feishu_per_second_and_per_minute_windows_both_apply(budget, clock):
    feishu = bot("feishu")
    assert [rate_budget.reserve(feishu) for _ in range(5)] == [0.0] * 5
    assert 0 < rate_budget.reserve(feishu) <= 1  # the per-second window
    for _ in range(19):  # 5 a second for the next 19 seconds: 100 in about 20 seconds
        clock.advance(1.01)
        assert [rate_budget.reserve(feishu) for _ in range(5)] == [0.0] * 5
    clock.advance(1.01)
    wait = rate_budget.reserve(feishu)  # the second is free again, the minute is full
    assert wait == pytest.approx(60 - 20 * 1.01, abs=0.01)
    clock.advance(wait + 0.01)
    assert rate_budget.reserve(feishu) == 0.0


def test_channels_pointing_at_the_same_bot_share_its_budget(budget):
    key = uuid.uuid4().hex
    by_key = bot("wecom", target=key)
    by_url = bot("wecom", target=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}")
    other = bot("wecom")
    for n in range(20):
        assert rate_budget.reserve(by_key if n % 2 else by_url) == 0.0
    assert rate_budget.reserve(by_key) > 0 and rate_budget.reserve(by_url) > 0
    assert rate_budget.reserve(other) == 0.0


def test_a_pause_holds_every_channel_to_that_bot_until_it_ends(budget, clock):
    target = f"https://hooks.example.invalid/{uuid.uuid4().hex}"
    first, second = bot("wecom", target=target), bot("wecom", target=target)
    hook = bot("webhook")  # unlimited by default, but a platform's Retry-After still holds it
    rate_budget.pause(first, 30)
    rate_budget.pause(first, 5)  # a shorter pause does not cut the longer one
    rate_budget.pause(hook, 2)
    assert rate_budget.reserve(second) == pytest.approx(30, abs=0.01)
    assert rate_budget.reserve(hook) == pytest.approx(2, abs=0.01)
    assert rate_budget.reserve(bot("wecom")) == 0.0  # another bot is not held
    clock.advance(2.01)
    assert rate_budget.reserve(hook) == 0.0
    assert rate_budget.reserve(second) == pytest.approx(28, abs=0.02)
    clock.advance(28)
    assert rate_budget.reserve(second) == 0.0


def test_channel_settings_override_the_default_windows(budget, clock):
    custom = bot("wecom", settings={"rate_limits": [[2, 10], [3, 60]]})
    assert [rate_budget.reserve(custom) for _ in range(2)] == [0.0, 0.0]
    assert 0 < rate_budget.reserve(custom) <= 10
    clock.advance(10.01)
    assert rate_budget.reserve(custom) == 0.0
    clock.advance(10)
    assert rate_budget.reserve(custom) == pytest.approx(60 - 20.01, abs=0.01)  # three a minute
    unlimited = bot("wecom", settings={"rate_limits": []})
    assert all(rate_budget.reserve(unlimited) == 0.0 for _ in range(30))
    assert all(rate_budget.reserve(bot("webhook")) == 0.0 for _ in range(30))


def test_the_budget_store_keeps_no_bot_key_in_clear(budget):
    secret = uuid.uuid4().hex
    rate_budget.reserve(bot("wecom", target=secret))
    if budget.name == "redis":
        import redis

        stored = " ".join(k.decode() for k in redis.Redis.from_url(REDIS_TEST_URL).keys("*"))
    else:
        stored = " ".join(db.session.scalars(db.select(rate_budget.RateBudget.target_key)).all())
    assert stored and secret not in stored


# ----------------------------------------------------------------------------- the send path


@pytest.fixture(params=("database", "redis"))
def studio(request, tmp_path):
    """The demo brand and its users, with the budget in the database or (Redis broker) in Redis."""
    overrides = {"CELERY": {"broker_url": REDIS_TEST_URL}} if request.param == "redis" else {}
    if request.param == "redis":
        flush_redis_test_db()
    app = make_app(tmp_path / "data", **overrides)
    with app.app_context():
        kits.import_brand_kit(DEMO_KIT)
        add_users("editor", "reviewer")
        yield app
        db.engine.dispose()
    if request.param == "redis":
        flush_redis_test_db()


def hook_channel(**settings) -> Channel:
    hook = db.session.scalar(db.select(Channel).where(Channel.slug == "partner-webhook"))
    hook.settings = {**(hook.settings or {}), **settings}
    db.session.commit()
    return hook


def due_delivery_to_hook(receiver) -> int:
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["partner-webhook"], user("reviewer"))
    make_due(post.id)
    return scheduling.deliveries_of(post.id)[0].id


def test_a_delivery_over_budget_waits_in_retry_and_is_sent_once_later(studio, receiver):
    hook = hook_channel(rate_limits=[[1, 1]])  # one send a second to this partner
    delivery_id = due_delivery_to_hook(receiver)
    assert rate_budget.reserve(hook) == 0.0  # another worker just used the slot
    assert deliveries.claim_due_deliveries() == [delivery_id]
    assert sending.send_delivery(delivery_id) == "retry"
    row = db.session.get(Delivery, delivery_id)
    assert row.status == "retry" and row.attempts == 0 and row.lease_until is None
    assert utcnow() < row.not_before <= utcnow() + timedelta(seconds=1)
    assert receiver.requests == []
    assert sending.send_delivery(delivery_id) is None  # a duplicate task finds it no longer claimed
    assert deliveries.claim_due_deliveries() == []  # not before the budget has room
    claimed = wait_until(deliveries.claim_due_deliveries, timeout=5, interval=0.1, message="the held delivery")
    assert claimed == [delivery_id]
    assert sending.send_delivery(delivery_id) == "sent"
    db.session.refresh(row)
    assert row.status == "sent" and row.attempts == 1
    assert len(receiver.requests) == 1
    assert receiver.requests[0].headers["Idempotency-Key"] == row.key


def test_a_rate_limited_answer_holds_other_deliveries_to_the_same_bot(studio, receiver):
    receiver.status = 429  # answers with Retry-After: 1
    first, second = due_delivery_to_hook(receiver), due_delivery_to_hook(receiver)
    assert sorted(deliveries.claim_due_deliveries()) == sorted([first, second])
    assert sending.send_delivery(first) == "retry"
    receiver.status = 200
    assert sending.send_delivery(second) == "retry"  # held by the pause, not sent into the limit
    assert len(receiver.requests) == 1
    held = db.session.get(Delivery, second)
    assert held.attempts == 0 and held.not_before > utcnow()
    claimed = wait_until(deliveries.claim_due_deliveries, timeout=5, interval=0.1, message="the paused delivery")
    assert claimed == [second]  # the first one keeps its own longer back-off
    assert sending.send_delivery(second) == "sent"
    assert len(receiver.requests) == 2
