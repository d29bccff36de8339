"""`studio ritual update`, `deactivate` and `activate`, and the same on the rituals page: only what is given
changes, checked as on creation; a refusal changes nothing; what is already written stays as it is."""
import json
from datetime import timedelta

import pytest

from studio.extensions import db
from studio.models import OccurrenceState, Ritual, RitualOccurrence
from studio.rituals import service
from studio.rituals.materializing import materialize_due, schedule_approved
from tests.calendar.support import directory_group
from tests.rituals.support import approve_variants, tomorrow_at, weekly_ritual

WEEK = timedelta(days=7)


def local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def ritual(runner, command, *options):
    return runner.invoke(args=["ritual", command, "--brand", "chayun", "--ritual", "friday-tasting", *options,
                               "--json"])


def stored() -> dict:
    db.session.expire_all()
    return service.list_rituals("chayun")[0]


def occurrences() -> list[tuple]:
    return [(row.occurrence_utc, row.state, row.brief_id) for row in db.session.scalars(
        db.select(RitualOccurrence).order_by(RitualOccurrence.occurrence_utc))]


def test_update_changes_only_the_given_options_and_prints_the_ritual_as_create_does(runner, ctx):
    created = weekly_ritual(tomorrow_at(20))

    result = ritual(runner, "update", "--name", "周五品鉴会", "--lead-hours", "72", "--audience", "segment:vip")

    assert result.exit_code == 0, result.output
    updated = json.loads(result.stdout)
    assert set(updated) == set(created) | {"dropped_plans"} and updated["dropped_plans"] == 0
    assert (updated["name"], updated["lead_hours"], updated["audience"]) == ("周五品鉴会", 72, "segment:vip")
    unchanged = {key: value for key, value in created.items() if key not in ("name", "lead_hours", "audience")}
    assert {key: updated[key] for key in unchanged} == unchanged
    assert stored()["name"] == "周五品鉴会"


@pytest.mark.parametrize(("options", "says"), [
    (["--rrule", "FREQ=FORTNIGHTLY"], "invalid recurrence rule"),
    (["--tz", "Asia/Beijing"], "unknown time zone"),
    (["--start", "next friday"], "is not a local time"),
    (["--brief", "{weekday} {price}"], "unknown placeholder"),
    (["--freeze-hours", "50"], "freeze"),
    (["--audience", "colour:red"], "受众条件"),
    (["--name", "新名字", "--rrule", "FREQ=WEEKLY;BYDAY=XX"], "invalid recurrence rule"),
])
def test_a_bad_option_is_refused_in_one_line_and_nothing_changes(runner, ctx, options, says):
    weekly_ritual(tomorrow_at(20))
    before = stored()

    result = ritual(runner, "update", *options)

    assert result.exit_code == 1 and says in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert stored() == before


def test_update_without_options_or_of_an_unknown_ritual_fails_cleanly(runner, ctx):
    weekly_ritual(tomorrow_at(20))
    assert ritual(runner, "update").exit_code == 2
    unknown = runner.invoke(args=["ritual", "update", "--brand", "chayun", "--ritual", "nope", "--name", "x"])
    assert unknown.exit_code == 1 and "no ritual" in unknown.stderr


def test_a_new_rule_keeps_written_occurrences_and_drops_plans_for_times_it_no_longer_has(runner, ctx):
    start = tomorrow_at(20)
    weekly_ritual(start, rrule="FREQ=WEEKLY")
    [written] = materialize_due()
    service.change_occurrence("chayun", "friday-tasting", local(start + WEEK), brief="特别场")
    service.change_occurrence("chayun", "friday-tasting", local(start + 2 * WEEK), skip=True)
    before = occurrences()

    # The same weekday, an hour earlier: the written one stays, the plans for 20:00 have no occurrence left.
    result = ritual(runner, "update", "--start", local(start - timedelta(hours=1)))

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dropped_plans"] == 1
    assert occurrences() == [before[0], before[2]]  # the written one and the skip, as they were
    # The new series goes on after the written one: no second tasting tomorrow at 19:00.
    rows = materialize_due(until=start - timedelta(hours=9) + 3 * WEEK)
    assert [(row.occurrence_utc, row.created) for row in rows] == [
        ((start - timedelta(hours=9) + n * WEEK).strftime("%Y-%m-%dT%H:%M:%SZ"), True) for n in (1, 2, 3)]
    again = materialize_due(until=start - timedelta(hours=9) + 3 * WEEK)
    assert [row.created for row in again] == [False] * 3  # still exactly once
    assert occurrences()[0] == before[0]
    assert [row["utc"] for row in stored()["next"][:2]] == [
        written.occurrence_utc, (start - timedelta(hours=9) + WEEK).strftime("%Y-%m-%dT%H:%M:%SZ")]


def test_a_new_rule_does_not_report_its_past_times_as_missed(runner, ctx):
    weekly_ritual(tomorrow_at(20), rrule="FREQ=WEEKLY")
    row = db.session.scalars(db.select(Ritual)).one()
    row.created_at -= 3 * WEEK  # created three weeks ago: a daily rule would have had 21 times since
    db.session.commit()

    since = local(tomorrow_at(20) - 3 * WEEK)
    assert ritual(runner, "update", "--rrule", "FREQ=DAILY", "--start", since).exit_code == 0
    materialize_due()

    states = [state for _at, state, _brief in occurrences()]
    assert states and set(states) == {OccurrenceState.MATERIALIZED} and len(states) <= 2  # those in the lead


def test_a_deactivated_ritual_writes_nothing_more_and_what_was_written_is_still_sent(runner, ctx):
    directory_group("sh-jingan-1", "华东", "静安店")
    start = tomorrow_at(20)
    weekly_ritual(start, rrule="FREQ=WEEKLY")
    [written] = materialize_due()

    result = ritual(runner, "deactivate")

    assert result.exit_code == 0 and json.loads(result.stdout)["active"] is False
    assert [row["utc"] for row in json.loads(result.stdout)["next"]] == [written.occurrence_utc]
    assert materialize_due(until=start + 4 * WEEK) == []
    approve_variants(written.brief_id)
    assert schedule_approved() == 1
    assert occurrences() == [(start - timedelta(hours=8), OccurrenceState.MATERIALIZED, written.brief_id)]


def test_activated_again_it_goes_on_from_now_without_missing_the_times_it_was_off(runner, ctx):
    weekly_ritual(tomorrow_at(20) - 3 * WEEK, rrule="FREQ=DAILY")
    assert ritual(runner, "deactivate").exit_code == 0
    row = db.session.scalars(db.select(Ritual)).one()
    row.created_at -= 3 * WEEK
    db.session.commit()

    result = ritual(runner, "activate")

    assert result.exit_code == 0 and json.loads(result.stdout)["active"] is True
    assert len(json.loads(result.stdout)["next"]) == 5
    assert occurrences() == []
    assert {row.state for row in materialize_due()} == {"materialized"}
    assert {state for _at, state, _brief in occurrences()} == {OccurrenceState.MATERIALIZED}  # none missed


PAGE = "http://localhost/brands/chayun/rituals"


def test_an_editor_edits_a_ritual_on_the_page(client, auth, ctx):
    weekly_ritual(tomorrow_at(20))
    auth.login("editor")

    page = client.post("/brands/chayun/rituals/friday-tasting", data={
        "name": "周五品鉴会", "rrule": "FREQ=WEEKLY;COUNT=4", "start": local(tomorrow_at(20)),
        "timezone": "Asia/Shanghai", "brief": "{clock}品鉴会", "segments": ["newcomer", "vip"],
        "audience": "segment:newcomer", "lead_hours": "24", "freeze_hours": "1"},
        follow_redirects=True).get_data(as_text=True)

    assert "已保存仪式" in page
    now = stored()
    assert (now["name"], now["brief"], now["segments"], now["lead_hours"], now["freeze_hours"]) == (
        "周五品鉴会", "{clock}品鉴会", ["newcomer", "vip"], 24, 1)


def test_a_bad_edit_on_the_page_comes_back_as_a_flash_and_changes_nothing(client, auth, ctx):
    weekly_ritual(tomorrow_at(20))
    before = stored()
    auth.login("editor")

    page = client.post("/brands/chayun/rituals/friday-tasting", data={"name": "新名字", "timezone": "Mars/Base"},
                       headers={"Referer": PAGE}, follow_redirects=True).get_data(as_text=True)

    assert 'class="flash error"' in page and "Mars/Base" in page
    assert stored() == before


def test_an_editor_deactivates_and_activates_a_ritual_on_the_page(client, auth, ctx):
    weekly_ritual(tomorrow_at(20))
    auth.login("editor")
    url = "/brands/chayun/rituals/friday-tasting/active"

    off = client.post(url, data={"active": "0"}, follow_redirects=True).get_data(as_text=True)
    assert "已停用仪式" in off and "重新启用仪式" in off and stored()["active"] is False
    on = client.post(url, data={"active": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "已重新启用仪式" in on and "停用仪式" in on and stored()["active"] is True


def test_a_reviewer_may_not_edit_or_deactivate(client, auth, ctx):
    weekly_ritual(tomorrow_at(20))
    before = stored()
    auth.login("reviewer")

    assert client.post("/brands/chayun/rituals/friday-tasting", data={"name": "x"}).status_code == 403
    assert client.post("/brands/chayun/rituals/friday-tasting/active", data={"active": "0"}).status_code == 403
    assert stored() == before
    assert "edit-rituals" not in client.get("/brands/chayun/rituals").get_data(as_text=True)
