"""Approving a variant of an open ritual occurrence schedules it at once; the beat stays the safety net and
schedules nothing twice."""
from datetime import timedelta

from studio.distribution import scheduling
from studio.errors import QueueUnavailable
from studio.extensions import db
from studio.models import Delivery, PostStatus
from studio.review import workflow
from studio.rituals.materializing import freeze_due, materialize_due, run_rituals, schedule_approved
from tests.calendar.support import directory_group
from tests.rituals.support import approve_variants, occurrence, tomorrow_at, weekly_ritual
from tests.support.posts import drafted_post, user


def deliveries() -> list[tuple[int, str, str]]:
    db.session.expire_all()
    return [(d.post_id, d.channel.slug, d.status) for d in db.session.scalars(db.select(Delivery))]


def test_the_approval_itself_schedules_the_variant_and_the_beat_adds_nothing(ctx):
    directory_group("sh-jingan-1", "华东", "静安店")
    weekly_ritual(tomorrow_at(20))
    [row] = materialize_due()
    ctx.extensions["celery"].conf.task_always_eager = True  # the queued task runs here, as a worker would

    [post] = approve_variants(row.brief_id)

    assert deliveries() == [(post.id, "sh-jingan-1", "scheduled")]
    assert db.session.get(type(post), post.id).status == PostStatus.SCHEDULED
    assert run_rituals()["scheduled"] == 0 and schedule_approved() == 0
    assert deliveries() == [(post.id, "sh-jingan-1", "scheduled")]


def test_the_approval_queues_its_occurrence_by_task_name(ctx, monkeypatch):
    queued = []
    monkeypatch.setattr("studio.review.workflow.enqueue", lambda name, *args: queued.append((name, args)))
    weekly_ritual(tomorrow_at(20))
    [row] = materialize_due()

    approve_variants(row.brief_id)
    post = drafted_post()
    workflow.submit_for_review(post.id, user("editor"))
    workflow.approve(post.id, user("reviewer"), post.current_revision_id)  # not a ritual's: nothing queued

    assert queued == [("rituals.schedule_occurrence", (occurrence(row.brief_id).id,))]


def test_with_the_queue_down_the_approval_stands_and_the_beat_schedules_it(ctx, monkeypatch):
    def queue_down(name, *args):
        raise QueueUnavailable("消息队列暂时不可用 / the task queue is unavailable")

    monkeypatch.setattr("studio.review.workflow.enqueue", queue_down)
    directory_group("sh-jingan-1", "华东", "静安店")
    weekly_ritual(tomorrow_at(20))
    [row] = materialize_due()

    [post] = approve_variants(row.brief_id)

    assert db.session.get(type(post), post.id).status == PostStatus.APPROVED and deliveries() == []
    assert schedule_approved() == 1 and len(scheduling.deliveries_of(post.id)) == 1


def test_an_approval_after_the_freeze_queues_nothing(ctx, monkeypatch):
    queued = []
    monkeypatch.setattr("studio.review.workflow.enqueue", lambda name, *args: queued.append(name))
    monkeypatch.setattr("studio.distribution.alerts.enqueue", lambda name, *args: None)
    start = tomorrow_at(20)
    weekly_ritual(start)
    [row] = materialize_due()
    freeze_due(now=start - timedelta(hours=9))

    approve_variants(row.brief_id)

    assert queued == [] and deliveries() == []
