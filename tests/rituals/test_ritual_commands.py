"""`studio ritual create` and `materialize`: the JSON they print, and one-line refusals with exit code 1."""
import json
from datetime import timedelta

import pytest

from tests.rituals.support import tomorrow_at


def create(runner, *extra, rule="FREQ=WEEKLY;COUNT=4", zone="Asia/Shanghai", start=None):
    start = start or tomorrow_at(20).strftime("%Y-%m-%dT%H:%M")
    return runner.invoke(args=["ritual", "create", "--brand", "chayun", "--name", "周五品鉴会", "--rrule", rule,
                               "--start", start, "--tz", zone, "--brief", "{relative_weekday}{clock}品鉴会",
                               "--segments", "newcomer,vip", *extra, "--json"])


def test_create_prints_the_ritual_with_its_id_slug_and_next_occurrences(runner, ctx):
    start = tomorrow_at(20)
    result = create(runner, "--lead-hours", "72", "--freeze-hours", "3", "--audience", "segment:vip")

    assert result.exit_code == 0, result.output
    ritual = json.loads(result.stdout)
    assert ritual["id"] >= 1 and ritual["slug"] == "ritual-1" and ritual["name"] == "周五品鉴会"
    assert (ritual["lead_hours"], ritual["freeze_hours"], ritual["audience"]) == (72, 3, "segment:vip")
    assert ritual["segments"] == ["newcomer", "vip"] and ritual["persona"] == "xiaocha"
    assert [row["local"] for row in ritual["next"]] == [
        (start + timedelta(days=7 * n)).strftime("%Y-%m-%dT%H:%M:00+08:00") for n in range(4)]


def test_materialize_lists_each_brief_once_created_and_then_as_existing(runner, ctx):
    assert create(runner).exit_code == 0
    first = runner.invoke(args=["ritual", "materialize", "--brand", "chayun", "--json"])
    again = runner.invoke(args=["ritual", "materialize", "--brand", "chayun", "--json"])

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    [row] = json.loads(first.stdout)
    assert set(row) >= {"ritual", "occurrence_utc", "brief_id", "created"}
    assert row["ritual"] == "ritual-1" and row["created"] is True and row["brief_id"]
    assert json.loads(again.stdout) == [{**row, "created": False}]


def test_materialize_until_writes_later_occurrences_ahead_of_their_lead_time(runner, ctx):
    assert create(runner).exit_code == 0
    until = (tomorrow_at(20) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    result = runner.invoke(args=["ritual", "materialize", "--brand", "chayun", "--until", until, "--json"])
    assert [row["created"] for row in json.loads(result.stdout)] == [True, True, True]


@pytest.mark.parametrize(("options", "says"), [
    ({"rule": "FREQ=FORTNIGHTLY"}, "invalid recurrence rule"),
    ({"rule": "FREQ=WEEKLY;BYDAY=XX"}, "invalid recurrence rule"),
    ({"zone": "Mars/Olympus"}, "unknown time zone"),
    ({"start": "next friday"}, "is not a local time"),
])
def test_a_bad_rule_zone_or_start_is_refused_in_one_line_without_a_traceback(runner, ctx, options, says):
    result = create(runner, **options)

    assert result.exit_code == 1
    assert says in result.stderr and "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


@pytest.mark.parametrize(("extra", "says"), [
    (["--brief", "{weekday} {price}"], "unknown placeholder"),
    (["--persona", "nobody"], "persona"),
    (["--audience", "colour:red"], "受众条件"),
    (["--freeze-hours", "50"], "freeze"),
])
def test_a_brief_persona_audience_or_freeze_that_cannot_work_is_refused(runner, ctx, extra, says):
    result = create(runner, *extra)
    assert result.exit_code == 1 and says in result.stderr and "Traceback" not in result.stderr


def test_materialize_of_an_unknown_brand_or_with_a_bad_until_fails_cleanly(runner, ctx):
    unknown = runner.invoke(args=["ritual", "materialize", "--brand", "nobody", "--json"])
    bad_until = runner.invoke(args=["ritual", "materialize", "--brand", "chayun", "--until", "soon", "--json"])
    assert unknown.exit_code == 1 and bad_until.exit_code == 1
    assert "not an ISO 8601 time" in bad_until.stderr and "Traceback" not in unknown.stderr + bad_until.stderr


def test_a_ritual_may_be_given_its_own_slug_once_per_brand(runner, ctx):
    first = create(runner, "--slug", "friday-tasting")
    again = create(runner, "--slug", "friday-tasting")
    assert json.loads(first.stdout)["slug"] == "friday-tasting"
    assert again.exit_code == 1 and "exists" in again.stderr


def test_occurrence_skips_one_time_and_list_shows_the_series_going_on(runner, ctx):
    start = tomorrow_at(20)
    assert create(runner, "--slug", "friday-tasting").exit_code == 0
    at = start.strftime("%Y-%m-%dT%H:%M")
    skipped = runner.invoke(args=["ritual", "occurrence", "--brand", "chayun", "--ritual", "friday-tasting",
                                  "--at", at, "--skip", "--json"])
    both = runner.invoke(args=["ritual", "occurrence", "--brand", "chayun", "--ritual", "friday-tasting",
                               "--at", at, "--skip", "--move-to", at])
    listed = runner.invoke(args=["ritual", "list", "--brand", "chayun", "--json"])
    materialized = runner.invoke(args=["ritual", "materialize", "--brand", "chayun", "--json"])

    assert skipped.exit_code == 0 and json.loads(skipped.stdout)["state"] == "skipped"
    assert both.exit_code == 2 and "exactly one of" in both.output
    assert [r["slug"] for r in json.loads(listed.stdout)] == ["friday-tasting"]
    assert json.loads(materialized.stdout) == []
