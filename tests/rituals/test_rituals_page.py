"""The rituals page lists a brand's rituals with their next times and lets an editor create one."""
from tests.rituals.support import tomorrow_at


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
