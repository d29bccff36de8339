"""The calendar lists a brand's scheduled posts, one item per post and due time, in the brand's zone."""
from datetime import date, timedelta

import pytest

from studio.calendar.items import calendar_items, parse_day
from studio.distribution import scheduling
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.models import DeliveryStatus
from studio.review import workflow
from tests.calendar.support import days_ahead, directory_group, scheduled_post
from tests.support.posts import drafted_post, user


def test_a_post_sent_to_several_groups_is_one_item_listing_each_group_with_region_and_store(ctx):
    directory_group("sh-jingan-1", "华东", "静安店", members=312)
    directory_group("bj-chaoyang-1", "华北", "朝阳店", members=240)
    when = days_ahead(3)
    post = scheduled_post(when, channels=("sandbox-main", "sh-jingan-1", "bj-chaoyang-1"))

    [item] = calendar_items("chayun", when.date(), when.date())

    assert (item.kind, item.post_id, item.state, item.movable) == ("post", post.id, "approved", True)
    assert item.local_start == when.strftime("%Y-%m-%dT%H:%M") and item.timezone == "Asia/Shanghai"
    assert item.start_utc == (when - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert item.title == "冬日品鉴会，白牡丹2024上新"
    assert item.segment == {"slug": "newcomer", "name": post.segment.name}
    assert item.persona["slug"] == "xiaocha"
    groups = {d.channel: (d.type, d.status, d.region, d.store, d.members) for d in item.deliveries}
    assert groups == {"sandbox-main": ("sandbox", "scheduled", "", "", 0),
                      "sh-jingan-1": ("sandbox", "scheduled", "华东", "静安店", 312),
                      "bj-chaoyang-1": ("sandbox", "scheduled", "华北", "朝阳店", 240)}


def test_the_range_is_in_the_brand_zone_and_includes_its_last_day(ctx):
    late_evening = scheduled_post(days_ahead(5, hour=23))  # 15:00 UTC the same day
    early_morning = scheduled_post(days_ahead(6, hour=7))  # 23:00 UTC the day before
    day = days_ahead(5).date()

    assert [i.post_id for i in calendar_items("chayun", day, day)] == [late_evening.id]
    assert [i.post_id for i in calendar_items("chayun", day + timedelta(days=1), day + timedelta(days=1))] == \
        [early_morning.id]
    assert [i.post_id for i in calendar_items("chayun", day, day + timedelta(days=1))] == \
        [late_evening.id, early_morning.id]
    assert calendar_items("chayun", day + timedelta(days=2), day + timedelta(days=9)) == []


def test_item_states_follow_the_deliveries_and_the_review(ctx):
    sent, missed, edited, cancelled = (scheduled_post(days_ahead(2, hour=h)) for h in (9, 10, 11, 12))
    for post, status in ((sent, DeliveryStatus.SENT), (missed, DeliveryStatus.MISSED)):
        for row in scheduling.deliveries_of(post.id):
            row.status = status
    db.session.commit()
    workflow.save_revision(edited.id, "小茶来啦~ 改过的一版。", user("editor"))
    scheduling.cancel_pending_deliveries(cancelled.id)
    db.session.commit()

    states = {i.post_id: (i.state, i.movable) for i in calendar_items("chayun", *[days_ahead(2).date()] * 2)}

    assert states == {sent.id: ("sent", False), missed.id: ("missed", False), edited.id: ("in_review", False),
                      cancelled.id: ("cancelled", False)}


def test_a_slot_whose_post_was_edited_and_sent_back_reads_as_drafted(ctx):
    post = scheduled_post(days_ahead(4))
    workflow.save_revision(post.id, "小茶来啦~ 改过的一版。", user("editor"))
    workflow.send_back(post.id, user("reviewer"), "再短一点")

    [item] = calendar_items("chayun", *[days_ahead(4).date()] * 2)

    assert (item.state, item.post_status, [d.status for d in item.deliveries]) == \
        ("drafted", "changes_requested", ["cancelled"])


def test_unscheduled_posts_and_other_brands_are_not_listed(ctx):
    drafted_post()
    assert calendar_items("chayun", date.today() - timedelta(days=30), date.today() + timedelta(days=60)) == []
    with pytest.raises(NotFound):
        calendar_items("no-such-brand", date.today(), date.today())


def test_bad_dates_and_reversed_ranges_are_refused_with_a_reason(ctx):
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_day("2026/12/01")
    with pytest.raises(InvalidInput, match="after the end date"):
        calendar_items("chayun", date(2026, 12, 2), date(2026, 12, 1))
    with pytest.raises(InvalidInput, match="longer than"):
        calendar_items("chayun", date(2026, 1, 1), date(2027, 6, 1))
