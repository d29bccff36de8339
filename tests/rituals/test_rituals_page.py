"""The rituals page lists a brand's rituals with their next times and lets an editor create one."""
from datetime import timedelta

from studio.calendar.items import calendar_items
from studio.rituals import service
from tests.rituals.support import tomorrow_at, weekly_ritual


def test_an_editor_creates_a_ritual_on_the_page_and_sees_it_listed_with_its_next_times(client, auth, ctx):
    auth.login("editor")
    start = tomorrow_at(20)
    response = client.post("/brands/chayun/rituals", data={
        "name": "周五品鉴会", "slug": "friday-tasting", "rrule": "FREQ=WEEKLY", "start": start.strftime("%Y-%m-%dT%H:%M"),
        "timezone": "Asia/Shanghai", "brief": "{relative_weekday}{clock}品鉴会", "persona": "xiaocha",
        "segments": ["newcomer", "vip"], "audience": "", "lead_hours": "48", "freeze_hours": "2", "exdates": "",
        "holidays": "include"}, follow_redirects=True)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已创建仪式" in page and "friday-tasting" in page and "FREQ=WEEKLY" in page
    assert start.strftime("%Y-%m-%d %H:%M") in page


def test_a_bad_rule_on_the_page_comes_back_as_a_message_and_nothing_is_created(client, auth, ctx):
    auth.login("editor")
    response = client.post("/brands/chayun/rituals", data={
        "name": "x", "rrule": "FREQ=SOMETIMES", "start": "2026-12-04T20:00", "timezone": "Asia/Shanghai",
        "brief": "hi"}, headers={"Referer": "http://localhost/brands/chayun/rituals"}, follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "FREQ=SOMETIMES" in page and "还没有仪式" in page


def test_a_reviewer_sees_the_list_without_the_form(client, auth, ctx):
    auth.login("reviewer")
    page = client.get("/brands/chayun/rituals").get_data(as_text=True)
    assert "ritual-list" in page and "new-ritual" not in page
    assert client.post("/brands/chayun/rituals", data={"name": "x"}).status_code == 403



def test_an_editor_skips_or_moves_one_occurrence_from_the_page(client, auth, ctx):
    start = tomorrow_at(20)
    second, moved_to = start + timedelta(days=7), start + timedelta(days=7, hours=-1)
    weekly_ritual(start)
    auth.login("editor")
    url = "/brands/chayun/rituals/friday-tasting/occurrence"

    skipped = client.post(url, data={"at": local(start), "action": "skip"}, follow_redirects=True)
    moved = client.post(url, data={"at": local(second), "action": "move", "move_to": local(moved_to)},
                        follow_redirects=True)

    assert "已跳过" in skipped.get_data(as_text=True) and "已把" in moved.get_data(as_text=True)
    items = [(item.local_start, item.state) for item in calendar_items("chayun", start.date(), second.date())
             if item.kind == "ritual"]
    assert items == [(local(start), "cancelled"), (local(moved_to), "planned")]
    first, then = service.list_rituals("chayun")[0]["next"][:2]  # the skipped one is gone, the moved one moved
    assert (first["local"][:16], first["at"]) == (local(moved_to), local(second))
    assert then["at"] == then["local"][:16] == local(second + timedelta(days=7))


def local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")
