"""The iCalendar feed at a secret URL: one event per scheduled post, a wrong token is 404, rotation ends the old URL."""
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from studio.brands import kits
from studio.calendar import feed
from studio.cli import DEMO_KIT
from studio.errors import Forbidden
from studio.models import User
from tests.calendar.support import days_ahead, directory_group, scheduled_post
from tests.support.posts import user


@pytest.fixture
def feed_url(ctx, client, auth):
    """The feed URL the page shows after an editor asks for one, and two scheduled posts."""
    directory_group("sh-jingan-1", "华东", "静安店")
    scheduled_post(days_ahead(2), channels=("sandbox-main", "sh-jingan-1"))
    scheduled_post(days_ahead(4, hour=9))
    auth.login("editor")
    client.post("/brands/chayun/calendar/feed-token")
    auth.logout()
    return f"/brands/chayun/calendar/{feed.feed_token(kits.get_brand('chayun'))}.ics"


def test_a_calendar_app_reads_one_event_per_scheduled_post_without_logging_in(feed_url, client):
    response = client.get(feed_url)

    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    assert [event.decoded("dtstart") for event in events] == [
        (days_ahead(2) - timedelta(hours=8)).replace(tzinfo=timezone.utc),
        (days_ahead(4, hour=9) - timedelta(hours=8)).replace(tzinfo=timezone.utc)]
    first = events[0]
    assert str(first["summary"]) == "冬日品鉴会，白牡丹2024上新（新入群会员）"
    assert str(first["status"]) == "CONFIRMED"
    assert "人群：新入群会员" in str(first["description"]) and "群：2" in str(first["description"])
    assert len({str(event["uid"]) for event in events}) == 2
    assert Calendar.from_ical(client.get(feed_url).data).walk("VEVENT")[0]["uid"] == events[0]["uid"], \
        "UIDs stay the same from one fetch to the next"
    assert "@" not in response.get_data(as_text=True).split("UID")[0], "no user or secret in the calendar header"


def test_a_wrong_token_or_brand_is_404(feed_url, client):
    token = feed_url.rsplit("/", 1)[1]
    assert client.get("/brands/chayun/calendar/not-the-token.ics").status_code == 404
    assert client.get(f"/brands/chayun/calendar/{token[:-1]}.ics").status_code == 404
    assert client.get(f"/brands/other-brand/calendar/{token}").status_code == 404
    assert client.get(f"/brands/other-brand/calendar/{token}.ics").status_code == 404


def test_a_brand_without_a_feed_has_no_feed_url(ctx, client):
    assert feed.feed_token(kits.get_brand("chayun")) is None
    assert client.get("/brands/chayun/calendar/None.ics").status_code == 404
    assert client.get("/brands/chayun/calendar/-.ics").status_code == 404


def test_rotating_ends_the_old_url_and_the_page_shows_the_new_one(feed_url, client, auth):
    auth.login("reviewer")
    page = client.post("/brands/chayun/calendar/feed-token", follow_redirects=True).get_data(as_text=True)
    new_token = feed.feed_token(kits.get_brand("chayun"))
    assert client.get(feed_url).status_code == 404
    assert f"/brands/chayun/calendar/{new_token}.ics" in page and len(new_token) == 32
    assert client.get(f"/brands/chayun/calendar/{new_token}.ics").status_code == 200


def test_only_planners_may_rotate_the_token(ctx):
    with pytest.raises(Forbidden):
        feed.rotate_feed_token("chayun", User(username="guest", password_hash="-", role="guest"))
    assert feed.feed_token(kits.get_brand("chayun")) is None
    assert feed.rotate_feed_token("chayun", user("editor")) != feed.rotate_feed_token("chayun", user("editor"))


def test_events_of_posts_sent_back_after_an_edit_are_tentative(ctx):
    from studio.review import workflow

    post = scheduled_post(days_ahead(3))
    workflow.save_revision(post.id, "小茶来啦~ 改过的一版。", user("editor"))
    token = feed.rotate_feed_token("chayun", user("editor"))
    [event] = Calendar.from_ical(feed.feed_ics("chayun", token)).walk("VEVENT")
    assert str(event["status"]) == "TENTATIVE" and "状态：待审核" in str(event["description"])
    assert datetime.now(timezone.utc) < event.decoded("dtstart")


def test_re_importing_the_brand_kit_keeps_the_feed_url(feed_url, client):
    kits.import_brand_kit(DEMO_KIT)

    assert client.get(feed_url).status_code == 200
