"""On the rituals page an editor skips, moves or rewrites one upcoming occurrence; refusals come back as flashes
naming the problem, and change nothing."""
from datetime import timedelta

import pytest

from studio.errors import InvalidTransition
from studio.extensions import db
from studio.models import Brief, OccurrenceState, RitualOccurrence
from studio.rituals import service
from studio.rituals.materializing import materialize_due
from tests.rituals.support import tomorrow_at, weekly_ritual

URL = "/brands/chayun/rituals/friday-tasting/occurrence"
PAGE = "http://localhost/brands/chayun/rituals"


def local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def post(client, **data):
    return client.post(URL, data=data, headers={"Referer": PAGE}, follow_redirects=True)


def rows() -> list[tuple]:
    return [(row.occurrence_utc, row.state, row.moved_to_utc, row.brief_override)
            for row in db.session.scalars(db.select(RitualOccurrence).order_by(RitualOccurrence.id))]


def test_an_editor_gives_one_occurrence_its_own_brief_and_its_brief_is_written_from_it(client, auth, ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    auth.login("editor")

    page = post(client, at=local(start), action="brief", brief="{date}特别场：中秋茶礼").get_data(as_text=True)

    assert "这一次有了自己的简报" in page and "自己的简报" in page and "中秋茶礼" in page
    [row] = materialize_due()
    assert db.session.get(Brief, row.brief_id).key_message == f"{start.month}月{start.day}日特别场：中秋茶礼"
    assert service.list_rituals("chayun")[0]["next"][0]["own_brief"] == "{date}特别场：中秋茶礼"


def test_an_empty_own_brief_goes_back_to_the_rituals(client, auth, ctx):
    second = tomorrow_at(20) + timedelta(days=7)
    weekly_ritual(tomorrow_at(20))
    auth.login("editor")
    post(client, at=local(second), action="brief", brief="特别场")

    page = post(client, at=local(second), action="brief", brief="  ").get_data(as_text=True)

    assert "这一次改回仪式的简报" in page
    assert [row[3] for row in rows()] == [""]


def test_the_page_offers_only_a_skip_for_an_occurrence_whose_brief_is_written(client, auth, ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    [written] = materialize_due()
    auth.login("editor")

    page = client.get("/brands/chayun/rituals").get_data(as_text=True)
    first = page[page.index(f'data-at="{local(start)}"'):page.index(f'data-at="{local(start + timedelta(days=7))}"')]

    assert f"/briefs/{written.brief_id}" in first and 'value="skip"' in first
    assert 'value="move"' not in first and 'value="brief"' not in first and "简报已生成，只能跳过" in first
    assert 'name="csrf_token"' in first


@pytest.mark.parametrize("action", ["move", "brief"])
def test_a_written_occurrence_cannot_be_moved_or_rewritten_and_the_flash_says_why(client, auth, ctx, action):
    start = tomorrow_at(20)
    weekly_ritual(start)
    materialize_due()
    before = rows()
    auth.login("editor")

    page = post(client, at=local(start), action=action, move_to=local(start + timedelta(hours=1)),
                brief="新的").get_data(as_text=True)

    assert 'class="flash error"' in page and "简报已生成" in page
    assert rows() == before


def test_a_move_into_the_past_is_refused_with_a_flash_and_changes_nothing(client, auth, ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    auth.login("editor")

    page = post(client, at=local(start), action="move", move_to=local(start - timedelta(days=3))).get_data(
        as_text=True)

    assert 'class="flash error"' in page and "已过冻结时间" in page
    assert rows() == []


def test_an_occurrence_past_its_freeze_cannot_be_changed(ctx, monkeypatch):
    start = tomorrow_at(20)
    weekly_ritual(start)
    after_freeze = start - timedelta(hours=8 + 1)  # naive UTC: an hour before it, its 2-hour freeze is past
    monkeypatch.setattr("studio.rituals.single_occurrences.utcnow", lambda: after_freeze)

    for change in ({"skip": True}, {"brief": "晚了"}):
        with pytest.raises(InvalidTransition, match="past its freeze time"):
            service.change_occurrence("chayun", "friday-tasting", local(start), **change)
    assert rows() == []


def test_a_reviewer_may_not_change_an_occurrence(client, auth, ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    auth.login("reviewer")

    for form in ({"action": "skip"}, {"action": "brief", "brief": "x"}, {"action": "move", "move_to": local(start)}):
        assert client.post(URL, data={"at": local(start), **form}).status_code == 403
    assert rows() == []
    page = client.get("/brands/chayun/rituals").get_data(as_text=True)
    assert 'value="skip"' not in page and 'name="brief"' not in page


def test_an_unknown_action_changes_nothing(client, auth, ctx):
    start = tomorrow_at(20)
    weekly_ritual(start)
    auth.login("editor")
    assert client.post(URL, data={"at": local(start), "action": "explode"}).status_code == 400
    assert rows() == [] and service.list_rituals("chayun")[0]["next"][0]["state"] == OccurrenceState.PLANNED


def test_saving_the_rituals_own_words_is_no_own_brief(client, auth, ctx):
    start = tomorrow_at(20)
    ritual = weekly_ritual(start)
    auth.login("editor")
    page = post(client, at=local(start), action="brief", brief=ritual["brief"]).get_data(as_text=True)
    assert "这一次改回仪式的简报" in page and rows()[0][3] == ""


def test_the_page_in_english_shows_the_occurrence_forms_without_stray_chinese(client, auth, ctx):
    from tests.web.test_english_ui import stray_chinese

    start = tomorrow_at(20)
    weekly_ritual(start)
    materialize_due()
    service.change_occurrence("chayun", "friday-tasting", local(start + timedelta(days=7)), brief="特别场")
    service.change_occurrence("chayun", "friday-tasting", local(start + timedelta(days=14)),
                              move_to=local(start + timedelta(days=14, hours=-1)))
    auth.login("editor")
    client.get("/lang/en")

    page = client.get("/brands/chayun/rituals").get_data(as_text=True)

    assert "This one&#39;s brief" in page and "Own brief" in page and "(in the series:" in page
    assert "Brief written: it can only be skipped" in page
    assert stray_chinese(page) == []
