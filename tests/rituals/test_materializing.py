"""Occurrences become briefs in the review queue once their lead time begins, exactly once."""
from datetime import timedelta

from studio.extensions import db
from studio.models import Brief, OccurrenceState, Post, PostStatus, RitualOccurrence, utcnow
from studio.rituals.materializing import materialize_due
from tests.calendar.support import directory_group
from tests.rituals.support import occurrence, tomorrow_at, weekly_ritual


def test_an_occurrence_inside_its_lead_time_becomes_a_brief_with_one_variant_per_segment(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start, segments=["newcomer", "vip"])

    [row] = materialize_due()

    assert row.created and row.state == "materialized"
    assert row.occurrence_utc == (start - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    brief = db.session.get(Brief, row.brief_id)
    assert [post.segment.slug for post in brief.posts] == ["newcomer", "vip"]
    assert all(post.status == PostStatus.GENERATING and post.job_token for post in brief.posts)
    # The date words of the occurrence fill the template: its weekday, clock, date and lunar date.
    weekday = "周" + "一二三四五六日"[start.weekday()]
    assert weekday[1:] in brief.key_message and "晚8点品鉴会" in brief.key_message
    assert f"{start.month}月{start.day}日" in brief.key_message and "农历" in brief.key_message
    assert brief.event_date == start.date() and brief.goal.startswith("Friday tasting")


def test_a_second_run_writes_nothing_and_says_the_brief_exists(ctx):
    weekly_ritual(tomorrow_at(20))
    [first] = materialize_due()
    [again] = materialize_due()

    assert (again.created, again.brief_id, again.occurrence_utc) == (False, first.brief_id, first.occurrence_utc)
    assert db.session.scalar(db.select(db.func.count(Brief.id))) == 1


def test_occurrences_beyond_the_lead_time_wait_unless_asked_for_until_a_later_time(ctx):
    start = tomorrow_at(20) + timedelta(days=3)
    weekly_ritual(start)

    assert materialize_due() == []
    until = start - timedelta(hours=8) + timedelta(days=7)
    rows = materialize_due(until=until)
    assert [row.created for row in rows] == [True, True]


def test_an_occurrence_whose_freeze_passed_before_its_brief_is_missed_not_written(ctx, monkeypatch):
    queued = []
    monkeypatch.setattr("studio.distribution.alerts.enqueue", lambda name, *args: queued.append((name, args)))
    weekly_ritual(tomorrow_at(20))
    row_time = utcnow() + timedelta(days=2)  # the beat was down until past the freeze of the first occurrence

    rows = materialize_due(now=row_time)

    missed = db.session.scalars(db.select(RitualOccurrence)).all()
    assert [r.state for r in missed] == [OccurrenceState.MISSED]
    assert missed[0].brief_id is None and rows == []
    assert queued == [("rituals.alert_missed_occurrence", (missed[0].id,))]
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


def test_a_ritual_with_no_audience_writes_for_the_segments_its_groups_belong_to(ctx):
    directory_group("sh-jingan-1", "华东", "静安店")  # a newcomer group
    ritual = weekly_ritual(tomorrow_at(20), segments=[], audience="region:华东")
    assert ritual["segments"] == ["newcomer"]
