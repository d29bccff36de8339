"""The calendar page in Debian's chromium: the month view shows a scheduled post at the brand's wall-clock time,
dragging it to another day moves its deliveries, and a drag the server refuses snaps back with the reason
(screenshots in test-artifacts/)."""
from datetime import timedelta

import pytest

from studio.distribution import scheduling
from studio.extensions import db
from studio.models import Channel, DeliveryStatus
from tests.calendar.support import days_ahead, directory_group, scheduled_post
from tests.support.app import PASSWORDS, add_users, demo_app
from tests.support.browser import chromium, log_in, served, shot, wait_for
from tests.support.posts import shanghai_now


@pytest.fixture
def csrf_app(tmp_path):
    """The demo brand with CSRF checks on, as in production: the drag must send the token."""
    app = demo_app(tmp_path / "data", WTF_CSRF_ENABLED=True)
    with app.app_context():
        add_users("editor", "reviewer")
        yield app
        db.engine.dispose()


def due_times(post_id: int) -> set:
    db.session.expire_all()
    return {row.due_at for row in scheduling.deliveries_of(post_id)}


def weeks_between(today, day) -> int:
    """How many weeks (starting on Monday, as the calendar's do) lie between today's week and day's."""
    return ((day - timedelta(days=day.weekday())) - (today - timedelta(days=today.weekday()))).days // 7


def drag(page, source, target) -> None:
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    page.mouse.up()


def test_an_editor_drags_a_post_to_another_day_and_a_refused_drag_snaps_back(csrf_app):
    directory_group("sh-jingan-1", "华东", "静安店")
    directory_group("bj-chaoyang-1", "华北", "朝阳店")  # a region no post goes to
    when = days_ahead(2)
    moving = scheduled_post(when, channels=("sandbox-main", "sh-jingan-1"))
    refused = scheduled_post(days_ahead(2, hour=10), channels=("sh-jingan-1",))
    target_day = (when + timedelta(days=1)).date()
    for hour, status in ((9, DeliveryStatus.SENT), (12, DeliveryStatus.MISSED)):
        for row in scheduling.deliveries_of(scheduled_post(days_ahead(3, hour=hour)).id):
            row.status = status
    db.session.commit()

    with served(csrf_app) as base, chromium() as browser:
        # a browser far from the brand: its own zone must not shift the times
        page = browser.new_page(locale="zh-CN", timezone_id="America/Los_Angeles",
                                viewport={"width": 1280, "height": 1000})
        log_in(page, base, "editor", PASSWORDS["editor"])
        page.goto(base + "/brands/chayun")
        page.click("#calendar-link")
        event = page.locator(f'.fc-event[data-post-id="{moving.id}"]')
        event.wait_for()
        assert page.locator(f'td[data-date="{when:%Y-%m-%d}"] .fc-event[data-post-id="{moving.id}"]').count() == 1
        assert "20:00" in event.inner_text() and "冬日品鉴会" in event.inner_text()
        assert "静安店1群 (sandbox, 华东 静安店): 已排期" in event.get_attribute("title")
        shot(page, "calendar-month-zh")

        drag(page, event, page.locator(f'td[data-date="{target_day}"] .fc-daygrid-day-frame'))
        page.wait_for_selector("#calendar-message.ok")
        assert f"已改期到 {target_day} 20:00" in page.inner_text("#calendar-message")
        page.locator(f'td[data-date="{target_day}"] .fc-event[data-post-id="{moving.id}"]').wait_for()
        assert due_times(moving.id) == {scheduling.brand_local_to_utc(when + timedelta(days=1), "Asia/Shanghai")}
        shot(page, "calendar-after-move")

        # the group changes under the open page: the server refuses, the item goes back to its day
        group = db.session.scalar(db.select(Channel).where(Channel.slug == "sh-jingan-1"))
        group.type, group.settings = "dingtalk", {"format": "carrier-pigeon"}
        db.session.commit()
        before = due_times(refused.id)
        stuck = page.locator(f'.fc-event[data-post-id="{refused.id}"]')
        drag(page, stuck, page.locator(f'td[data-date="{target_day + timedelta(days=1)}"] .fc-daygrid-day-frame'))
        page.wait_for_selector("#calendar-message.error:not([hidden])")
        assert "未能改期" in page.inner_text("#calendar-message")
        assert "钉钉不支持消息格式" in page.inner_text("#calendar-message")
        assert page.locator(f'td[data-date="{when:%Y-%m-%d}"] .fc-event[data-post-id="{refused.id}"]').count() == 1
        assert due_times(refused.id) == before
        shot(page, "calendar-refused")

        # the week view opens on this week; the moved post may be in a later one (a Friday's post moved to Monday)
        page.click(".fc-timeGridWeek-button")
        for _ in range(weeks_between(shanghai_now().date(), target_day)):
            page.click(".fc-next-button")
        page.locator(f'.fc-timegrid .fc-event[data-post-id="{moving.id}"]').wait_for()
        shot(page, "calendar-week")

        page.select_option("select[name=region]", "华北")
        wait_for(page, "document.querySelectorAll('.fc-event').length === 0")
        page.select_option("select[name=region]", "")
        page.goto(base + "/lang/en")
        page.goto(base + "/brands/chayun/calendar")
        page.locator(f'.fc-event[data-post-id="{moving.id}"]').wait_for()
        assert page.locator(".fc-today-button").inner_text() == "Today"
        assert page.locator(".fc-event.cal-sent").count() == 1 and page.locator(".fc-event.cal-missed").count() == 1
        page.click("#feed button[type=submit]")
        page.wait_for_selector("#feed-url")
        assert page.input_value("#feed-url").startswith(f"{base}/brands/chayun/calendar/")
        assert page.request.get(page.input_value("#feed-url")).headers["content-type"].startswith("text/calendar")
        page.locator(f'.fc-event[data-post-id="{moving.id}"]').wait_for()
        shot(page, "calendar-month-en")
