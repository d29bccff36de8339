"""Approved variants go to the ritual's audience at the occurrence; at the freeze, nothing approved means
missed, an alert, and nothing sent."""
from datetime import timedelta

from studio.distribution import scheduling
from studio.extensions import db
from studio.models import Delivery, OccurrenceState, PostStatus, SandboxMessage, utcnow
from studio.rituals.materializing import freeze_due, materialize_due, run_rituals, schedule_approved
from studio.rituals.missed import send_missed_alert
from tests.calendar.support import directory_group
from tests.rituals.support import approve_variants, occurrence, tomorrow_at, weekly_ritual


def test_an_approved_variant_is_scheduled_to_the_audience_at_the_occurrence_time(ctx):
    directory_group("sh-jingan-1", "华东", "静安店")
    directory_group("bj-chaoyang-1", "华北", "朝阳店")
    start = tomorrow_at(20)
    weekly_ritual(start, audience="segment:newcomer region:华东")
    [row] = materialize_due()
    [post] = approve_variants(row.brief_id)

    assert run_rituals()["scheduled"] == 1

    deliveries = scheduling.deliveries_of(post.id)
    assert [d.channel.slug for d in deliveries] == ["sh-jingan-1"]
    assert deliveries[0].due_at == start - timedelta(hours=8)
    db.session.refresh(post)
    assert post.status == PostStatus.SCHEDULED
    assert schedule_approved() == 0  # a second beat schedules nothing twice
    assert len(scheduling.deliveries_of(post.id)) == 1


def test_an_unapproved_occurrence_at_its_freeze_is_missed_with_an_alert_linking_its_brief(ctx, monkeypatch):
    queued = []
    monkeypatch.setattr("studio.distribution.alerts.enqueue", lambda name, *args: queued.append((name, args)))
    directory_group("sh-jingan-1", "华东", "静安店")
    start = tomorrow_at(20)
    weekly_ritual(start)
    [row] = materialize_due()
    at_freeze = start - timedelta(hours=8) - timedelta(hours=2)

    assert freeze_due(now=at_freeze - timedelta(seconds=1)) == 0
    assert freeze_due(now=at_freeze) == 1

    missed = occurrence(row.brief_id)
    assert missed.state == OccurrenceState.MISSED
    assert queued == [("rituals.alert_missed_occurrence", (missed.id,))]
    # Approved after the freeze, it is still not sent.
    [post] = approve_variants(row.brief_id)
    assert schedule_approved(now=at_freeze) == 0 and run_rituals(now=at_freeze)["scheduled"] == 0
    assert db.session.scalar(db.select(db.func.count(Delivery.id))) == 0
    send_missed_alert(missed.id)
    alert = db.session.scalars(db.select(SandboxMessage)).one()
    assert "【仪式未发出】" in alert.body and f"/briefs/{row.brief_id}" in alert.body
    assert "Friday tasting" in alert.body and post.status == PostStatus.APPROVED


def test_an_occurrence_approved_in_time_freezes_and_keeps_its_deliveries(ctx):
    directory_group("sh-jingan-1", "华东", "静安店")
    start = tomorrow_at(20)
    weekly_ritual(start)
    [row] = materialize_due()
    approve_variants(row.brief_id)
    schedule_approved()

    assert freeze_due(now=start - timedelta(hours=9)) == 1

    assert occurrence(row.brief_id).state == OccurrenceState.FROZEN
    assert [d.status for d in db.session.scalars(db.select(Delivery))] == ["scheduled"]


def test_an_edit_after_approval_takes_the_variant_back_and_its_new_approval_schedules_it_again(ctx):
    from studio.review import workflow
    from tests.support.posts import user

    directory_group("sh-jingan-1", "华东", "静安店")
    weekly_ritual(tomorrow_at(20))
    [row] = materialize_due()
    [post] = approve_variants(row.brief_id)
    schedule_approved()
    revision = workflow.save_revision(post.id, "小茶来啦~ 改一下：晚8点见。", user("editor"))
    assert schedule_approved() == 0
    workflow.approve(post.id, user("reviewer"), revision.id)

    assert schedule_approved() == 1
    live = [d for d in scheduling.deliveries_of(post.id) if d.status == "scheduled"]
    assert [d.revision_id for d in live] == [revision.id]
    assert utcnow() < live[0].due_at


def test_an_approved_occurrence_with_no_group_in_its_audience_is_missed_saying_why(ctx, monkeypatch):
    monkeypatch.setattr("studio.distribution.alerts.enqueue", lambda name, *args: None)
    start = tomorrow_at(20)
    weekly_ritual(start)  # the demo brand has no newcomer group
    [row] = materialize_due()
    approve_variants(row.brief_id)
    assert schedule_approved() == 0

    freeze_due(now=start - timedelta(hours=9))

    missed = occurrence(row.brief_id)
    assert missed.state == OccurrenceState.MISSED and "no group of the audience" in missed.note
