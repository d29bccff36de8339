"""The calendar shows ritual occurrences ahead with their state, and their scheduled variants as ritual items."""
from datetime import timedelta

from studio.calendar.items import calendar_items
from studio.rituals import service
from studio.rituals.materializing import freeze_due, materialize_due, schedule_approved
from tests.calendar.support import directory_group
from tests.rituals.support import approve_variants, tomorrow_at, weekly_ritual


def ritual_items(first, last):
    return [item for item in calendar_items("chayun", first, last) if item.kind == "ritual"]


def test_occurrences_ahead_are_planned_items_in_the_brand_zone(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start, segments=["newcomer", "vip"])

    items = ritual_items(start.date(), (start + timedelta(days=20)).date())

    assert [item.local_start for item in items] == [
        (start + timedelta(days=7 * n)).strftime("%Y-%m-%dT%H:%M") for n in range(3)]
    first = items[0]
    assert (first.state, first.post_id, first.title, first.timezone) == ("planned", None, "Friday tasting",
                                                                        "Asia/Shanghai")
    assert first.start_utc == (start - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert first.segment["slug"] == "newcomer,vip" and first.persona["slug"] == "xiaocha"


def test_an_occurrence_item_follows_its_brief_from_drafted_to_in_review_to_approved(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    [row] = materialize_due()
    [drafted] = ritual_items(start.date(), start.date())
    assert (drafted.state, drafted.brief_id) == ("drafted", row.brief_id) and drafted.post_id

    approve_variants(row.brief_id)  # no group of the audience yet: approved, nothing to schedule
    [approved] = ritual_items(start.date(), start.date())
    assert approved.state == "approved"


def test_a_scheduled_occurrence_is_its_variant_item_and_a_missed_or_skipped_one_says_so(ctx):
    directory_group("sh-jingan-1", "华东", "静安店")
    start = tomorrow_at(20)
    weekly_ritual(start)
    [row] = materialize_due()
    [post] = approve_variants(row.brief_id)
    schedule_approved()

    [scheduled] = ritual_items(start.date(), start.date())
    assert (scheduled.post_id, scheduled.state, [d.channel for d in scheduled.deliveries]) == (
        post.id, "approved", ["sh-jingan-1"])
    assert scheduled.movable

    later = start + timedelta(days=7)
    service.change_occurrence("chayun", "friday-tasting", later.strftime("%Y-%m-%dT%H:%M"), skip=True)
    [skipped] = ritual_items(later.date(), later.date())
    assert skipped.state == "cancelled"


def test_a_missed_occurrence_shows_as_missed(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    materialize_due()
    freeze_due(now=start - timedelta(hours=9))

    [missed] = ritual_items(start.date(), start.date())
    assert missed.state == "missed"


def test_a_moved_occurrence_shows_on_its_new_day(ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    service.change_occurrence("chayun", "friday-tasting", start.strftime("%Y-%m-%dT%H:%M"),
                              move_to=(start + timedelta(days=2, hours=-1)).strftime("%Y-%m-%dT%H:%M"))

    assert ritual_items(start.date(), start.date()) == []
    [moved] = ritual_items((start + timedelta(days=2)).date(), (start + timedelta(days=2)).date())
    assert moved.local_start == (start + timedelta(days=2, hours=-1)).strftime("%Y-%m-%dT%H:%M")


def test_the_calendar_feed_lists_a_planned_occurrence_as_tentative_under_its_ritual_name(ctx):
    from studio.calendar import feed
    from tests.support.posts import user

    weekly_ritual(tomorrow_at(20))
    token = feed.rotate_feed_token("chayun", user("editor"))

    ics = feed.feed_ics("chayun", token).decode()
    assert "STATUS:TENTATIVE" in ics and "SUMMARY:Friday tasting" in ics and "#None" not in ics
