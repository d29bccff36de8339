"""Scheduling and delivery, run in-process: claim once, send once, and be honest when unsure."""
import threading
from datetime import timedelta

import pytest

from studio import audit
from studio.distribution import deliveries, scheduling, sending
from studio.errors import Forbidden, SlotInPast
from studio.extensions import db
from studio.models import Delivery, Post, Revision, SandboxMessage, utcnow
from studio.review import workflow
from tests.support import create_postgres_database, drop_postgres_database
from tests.support.app import add_users, demo_app
from tests.support.posts import approved_post, make_due, shanghai_now, user


def test_a_schedule_in_the_past_is_rejected(ctx):
    post = approved_post()
    with pytest.raises(SlotInPast):
        scheduling.schedule_post(post.id, shanghai_now() - timedelta(minutes=5), ["sandbox-main"], user("reviewer"))
    assert scheduling.deliveries_of(post.id) == []


def test_schedule_uses_the_brand_time_zone(ctx):
    post = approved_post()
    local = shanghai_now().replace(microsecond=0) + timedelta(hours=2)
    [row] = scheduling.schedule_post(post.id, local, ["sandbox-main"], user("reviewer"))
    assert row.due_at == local - timedelta(hours=8)  # Asia/Shanghai is UTC+8 all year
    assert row.key == f"rev{post.current_revision_id}-ch{row.channel_id}"


def test_due_post_reaches_sandbox_and_webhook_once_each(ctx, receiver):
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["sandbox-main", "partner-webhook"],
                             user("reviewer"))
    assert deliveries.claim_due_deliveries() == []  # not due yet
    make_due(post.id)
    claimed = deliveries.claim_due_deliveries()
    assert len(claimed) == 2
    assert deliveries.claim_due_deliveries() == []  # claimed once
    for delivery_id in claimed:
        assert sending.send_delivery(delivery_id) == "sent"
        assert sending.send_delivery(delivery_id) is None  # a duplicate task sends nothing
    [request] = receiver.requests
    assert receiver.signature_ok(request)
    hook_row = next(d for d in scheduling.deliveries_of(post.id) if d.channel.type == "webhook")
    assert request.headers["Idempotency-Key"] == hook_row.key == request.json["delivery_key"]
    assert request.json["due_at"].endswith("Z") and request.json["post_id"] == post.id
    assert "@all" not in request.json["markdown"] and "＠all" in request.json["markdown"]
    [message] = db.session.scalars(db.select(SandboxMessage)).all()
    assert message.sender == "小茶" and "白牡丹2024" in message.body
    db.session.refresh(post)
    assert post.status == "published"


def test_rate_limited_webhook_is_retried_later_not_failed(ctx, receiver):
    receiver.status = 429
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["partner-webhook"], user("reviewer"))
    make_due(post.id)
    [delivery_id] = deliveries.claim_due_deliveries()
    assert sending.send_delivery(delivery_id) == "retry"
    row = db.session.get(Delivery, delivery_id)
    assert row.not_before > utcnow() and "429" in row.response
    assert deliveries.claim_due_deliveries() == []  # honours the back-off


def test_permanent_error_fails_with_the_channel_answer(ctx, receiver):
    receiver.status = 403
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["partner-webhook"], user("reviewer"))
    make_due(post.id)
    [delivery_id] = deliveries.claim_due_deliveries()
    assert sending.send_delivery(delivery_id) == "failed"
    assert "HTTP 403" in db.session.get(Delivery, delivery_id).response


def test_a_send_that_never_finished_becomes_unconfirmed_not_resent(ctx, receiver):
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["partner-webhook"], user("reviewer"))
    make_due(post.id)
    [delivery_id] = deliveries.claim_due_deliveries()
    row = db.session.get(Delivery, delivery_id)
    row.status, row.lease_until = "sending", utcnow() - timedelta(seconds=1)  # a worker died mid-send
    db.session.commit()
    assert deliveries.claim_due_deliveries() == []
    db.session.refresh(row)
    assert row.status == "unconfirmed"
    assert receiver.requests == []


def test_editing_a_scheduled_post_cancels_its_pending_deliveries(ctx):
    post = approved_post()
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=5), ["sandbox-main"], user("reviewer"))
    workflow.save_revision(post.id, "小茶来啦~ 改了时间。", user("editor2"))
    assert [d.status for d in scheduling.deliveries_of(post.id)] == ["cancelled"]
    assert post.status == "in_review"


def test_concurrent_dispatchers_on_postgresql_claim_each_delivery_once(tmp_path):
    url = create_postgres_database()
    try:
        app = demo_app(tmp_path / "pg", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            add_users("editor", "reviewer")
            post = approved_post()
            scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["sandbox-main"],
                                     user("reviewer"))
            row = scheduling.deliveries_of(post.id)[0]
            for n in range(60):  # many due deliveries, one per revision
                revision = Revision(post_id=post.id, number=n + 2, body=f"第{n}版")
                db.session.add(revision)
                db.session.flush()
                db.session.add(Delivery(post_id=post.id, revision_id=revision.id, channel_id=row.channel_id,
                                        key=f"bulk-{n}", due_at=row.due_at, not_before=row.due_at))
            db.session.commit()
            make_due(post.id)
        results: list[list[int]] = []
        errors: list[BaseException] = []
        start = threading.Barrier(4)

        def claim():
            try:
                with app.app_context():
                    start.wait()
                    results.append(deliveries.claim_due_deliveries(limit=25))
            except BaseException as exc:  # surfaced below: a thread's error must fail the test
                errors.append(exc)

        threads = [threading.Thread(target=claim) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        claimed = [delivery_id for batch in results for delivery_id in batch]
        assert len(claimed) == len(set(claimed)) == 61  # every due delivery, each exactly once
        with app.app_context():
            assert len(claimed) == db.session.scalar(db.select(db.func.count()).select_from(Delivery).where(
                Delivery.status == "claimed"))
            db.engine.dispose()
    finally:
        drop_postgres_database(url)


def test_a_post_past_its_grace_period_is_held_as_missed_not_sent(ctx, receiver):
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["partner-webhook", "sandbox-main"],
                             user("reviewer"))
    late, missed = scheduling.deliveries_of(post.id)
    late.due_at = late.not_before = utcnow() - timedelta(minutes=10)  # within the 15-minute grace period
    missed.due_at = missed.not_before = utcnow() - timedelta(minutes=20)
    db.session.commit()
    claimed = deliveries.claim_due_deliveries()
    assert claimed == [late.id]
    db.session.refresh(missed)
    assert missed.status == "missed"
    assert deliveries.deliveries_needing_attention() == [missed]


def test_reviewer_resolves_an_unconfirmed_delivery(ctx, receiver):
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["partner-webhook", "sandbox-main"],
                             user("reviewer"))
    hook, sandbox = scheduling.deliveries_of(post.id)
    for row in (hook, sandbox):
        row.status = "unconfirmed"
    db.session.commit()
    with pytest.raises(Forbidden):
        deliveries.mark_sent(hook.id, user("editor"))  # only reviewers decide
    deliveries.mark_sent(sandbox.id, user("reviewer"))
    deliveries.send_again(hook.id, user("reviewer"))
    assert deliveries.claim_due_deliveries() == [hook.id]
    assert sending.send_delivery(hook.id) == "sent"
    assert len(receiver.requests) == 1
    assert receiver.requests[0].headers["Idempotency-Key"] == hook.key  # the same key, so the receiver can dedupe
    db.session.refresh(post)
    assert post.status == "published"


def test_a_failed_delivery_is_announced_in_the_alert_channel(tmp_path, receiver):
    app = demo_app(tmp_path / "alerts", CELERY={"task_always_eager": True}, STUDIO_BASE_URL="https://studio.example")
    with app.app_context():
        add_users("editor", "reviewer")
        receiver.status = 403
        post = approved_post(receiver)
        scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["partner-webhook"],
                                 user("reviewer"))
        make_due(post.id)
        [delivery_id] = deliveries.claim_due_deliveries()
        assert sending.send_delivery(delivery_id) == "failed"
        [alert] = db.session.scalars(db.select(SandboxMessage)).all()
        assert "发送失败" in alert.body and "HTTP 403" in alert.body
        assert f"https://studio.example/posts/{post.id}" in alert.body


def test_a_batch_sends_each_claimed_delivery_once_and_a_repeat_sends_nothing(ctx, receiver):
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["sandbox-main", "partner-webhook"],
                             user("reviewer"))
    make_due(post.id)
    claimed = deliveries.claim_due_deliveries()
    assert deliveries.send_batches(claimed) == [[claimed[0]], [claimed[1]]]  # few due: one task each
    assert sending.send_deliveries(claimed) == {claimed[0]: "sent", claimed[1]: "sent"}
    assert sending.send_deliveries(claimed) == {claimed[0]: None, claimed[1]: None}  # a redelivered task
    assert len(receiver.requests) == 1
    assert db.session.get(Post, post.id).status == "published"
    sent_events = [e for e in audit.events_for_post(post.id) if e.action == "sent"]
    assert len(sent_events) == 2


def test_many_due_deliveries_go_out_in_batches_of_at_most_ten():
    batches = deliveries.send_batches(list(range(95)))
    assert [len(b) for b in batches] == [10] * 9 + [5]
    assert sum(batches, []) == list(range(95))
    assert deliveries.send_batches([]) == []


def test_a_claim_whose_task_never_ran_is_handed_out_again_after_the_claim_lease(ctx, receiver):
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["partner-webhook"], user("reviewer"))
    make_due(post.id)
    [delivery_id] = deliveries.claim_due_deliveries()
    row = db.session.get(Delivery, delivery_id)
    assert row.lease_until <= utcnow() + timedelta(seconds=sending.claim_lease_seconds())
    row.lease_until = utcnow() - timedelta(seconds=1)  # its worker died before the task ran
    db.session.commit()
    assert deliveries.claim_due_deliveries() == [delivery_id]
    assert sending.send_delivery(delivery_id) == "sent"
    assert len(receiver.requests) == 1


def test_the_dispatcher_stops_claiming_while_senders_are_behind(ctx, receiver, monkeypatch):
    monkeypatch.setattr(deliveries, "MAX_IN_FLIGHT", 1)
    post = approved_post(receiver)
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["sandbox-main", "partner-webhook"],
                             user("reviewer"))
    make_due(post.id)
    [first] = deliveries.claim_due_deliveries()
    assert deliveries.claim_due_deliveries() == []  # one already waits for a sender
    assert sending.send_delivery(first) == "sent"
    [second] = deliveries.claim_due_deliveries()
    assert second != first and sending.send_delivery(second) == "sent"
