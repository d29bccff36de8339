"""One occurrence skipped, moved or given its own brief; the rest of the series goes on as it was."""
from datetime import timedelta

import pytest

from studio.errors import InvalidInput, InvalidTransition
from studio.extensions import db
from studio.models import Brief, OccurrenceState, PostStatus
from studio.rituals import service
from studio.rituals.materializing import materialize_due
from tests.rituals.support import approve_variants, tomorrow_at, weekly_ritual

WEEK = timedelta(days=7)


def local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_a_skipped_occurrence_gets_no_brief_and_the_next_one_still_does(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    skipped = service.change_occurrence("chayun", "friday-tasting", local(start), skip=True)

    assert skipped["state"] == "skipped"
    assert materialize_due() == []
    rows = materialize_due(until=start - timedelta(hours=8) + WEEK)
    assert [(row.occurrence_utc, row.created) for row in rows] == [
        ((start + WEEK - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ"), True)]


def test_skipping_a_written_occurrence_sets_its_variants_aside_unsent(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    [row] = materialize_due()
    [post] = approve_variants(row.brief_id)

    service.change_occurrence("chayun", "friday-tasting", local(start), skip=True)

    db.session.refresh(post)
    assert post.status == PostStatus.ARCHIVED
    with pytest.raises(InvalidTransition):
        service.change_occurrence("chayun", "friday-tasting", local(start), move_to=local(start + timedelta(hours=1)))


def test_a_moved_occurrence_is_written_and_sent_at_its_new_time_keeping_its_place_in_the_series(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    moved = service.change_occurrence("chayun", "friday-tasting", local(start),
                                      move_to=local(start + timedelta(days=4)))
    assert moved["due_utc"] == (start + timedelta(days=4, hours=-8)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert materialize_due() == []  # its lead time now begins two days later
    [row] = materialize_due(until=start + timedelta(days=4, hours=-8))
    assert row.occurrence_utc == (start - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    brief = db.session.get(Brief, row.brief_id)
    assert brief.event_date == (start + timedelta(days=4)).date()


def test_an_occurrence_with_its_own_brief_uses_it_with_the_same_date_words(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    service.change_occurrence("chayun", "friday-tasting", local(start), brief="{date}特别场：中秋茶礼")

    [row] = materialize_due()
    assert db.session.get(Brief, row.brief_id).key_message == f"{start.month}月{start.day}日特别场：中秋茶礼"


def test_a_time_that_is_not_an_occurrence_is_refused(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    with pytest.raises(InvalidInput):
        service.change_occurrence("chayun", "friday-tasting", local(start + timedelta(days=1)), skip=True)
    assert materialize_due()[0].state == OccurrenceState.MATERIALIZED
