"""At the freeze, the variants nobody approved will never be sent: they leave the review queue, archived with
the reason on their post page; what was approved and scheduled goes on."""
from datetime import timedelta

from studio.extensions import db
from studio.models import AuditEvent, OccurrenceState, Post, PostStatus, Revision
from studio.review import workflow
from studio.rituals.materializing import freeze_due, materialize_due, schedule_approved
from tests.calendar.support import directory_group
from tests.rituals.support import BODY, approve_variants, occurrence, tomorrow_at, weekly_ritual

REASON = "已过冻结时间，未批准的变体不再发送"


def in_review(post: Post) -> None:
    """The variant drafted as the model would, and submitted."""
    revision = Revision(post_id=post.id, number=1, body=BODY, citations=[], note="初稿")
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id, post.status, post.job_token = revision.id, PostStatus.IN_REVIEW, None
    db.session.commit()


def variants(brief_id: int) -> list[Post]:
    db.session.expire_all()
    return db.session.scalars(db.select(Post).where(Post.brief_id == brief_id).order_by(Post.id)).all()


def test_a_missed_occurrences_unapproved_variants_leave_the_review_queue_with_the_reason(ctx, monkeypatch):
    monkeypatch.setattr("studio.distribution.alerts.enqueue", lambda name, *args: None)
    start = tomorrow_at(20)
    weekly_ritual(start, segments=["newcomer", "vip"])
    [row] = materialize_due()
    waiting, drafting = variants(row.brief_id)
    in_review(waiting)
    assert waiting in workflow.review_queue()

    freeze_due(now=start - timedelta(hours=9))

    assert occurrence(row.brief_id).state == OccurrenceState.MISSED
    assert [post.status for post in variants(row.brief_id)] == [PostStatus.ARCHIVED] * 2
    assert workflow.review_queue() == []
    details = db.session.scalars(db.select(AuditEvent.detail).where(AuditEvent.action == "archived")).all()
    assert details == [f"仪式「Friday tasting」{REASON}"] * 2
    assert drafting.job_token is None  # a draft still being written is not stored over the archive


def test_a_frozen_occurrence_keeps_its_scheduled_variant_and_sets_aside_the_other(ctx):
    directory_group("sh-jingan-1", "华东", "静安店")
    start = tomorrow_at(20)
    weekly_ritual(start, segments=["newcomer", "vip"], audience="")
    [row] = materialize_due()
    [approved] = approve_variants(row.brief_id, segments=("newcomer",))
    schedule_approved()
    [_, waiting] = variants(row.brief_id)
    in_review(waiting)

    freeze_due(now=start - timedelta(hours=9))

    assert occurrence(row.brief_id).state == OccurrenceState.FROZEN
    assert [post.status for post in variants(row.brief_id)] == [PostStatus.SCHEDULED, PostStatus.ARCHIVED]


def test_the_post_page_shows_why_the_variant_was_archived_in_both_languages(client, auth, ctx, monkeypatch):
    monkeypatch.setattr("studio.distribution.alerts.enqueue", lambda name, *args: None)
    start = tomorrow_at(20)
    weekly_ritual(start)
    [row] = materialize_due()
    [post] = variants(row.brief_id)
    in_review(post)
    freeze_due(now=start - timedelta(hours=9))
    auth.login("reviewer")

    chinese = client.get(f"/posts/{post.id}").get_data(as_text=True)
    client.get("/lang/en")
    english = client.get(f"/posts/{post.id}").get_data(as_text=True)

    assert REASON in chinese and "已归档" in chinese
    assert "is past its freeze time: a variant not approved is not sent" in english
    assert 'action="/posts/%d/approve"' % post.id not in chinese
