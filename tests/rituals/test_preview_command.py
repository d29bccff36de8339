"""`studio ritual preview`: the JSON it prints, and a one-line refusal with exit code 1 for each mistake."""
from __future__ import annotations

import json

import pytest


def preview(runner, *args):
    return runner.invoke(args=["ritual", "preview", *args])


def test_preview_prints_the_occurrences_as_local_and_utc_times(runner):
    result = preview(runner, "--rrule", "RRULE:FREQ=DAILY", "--start", "2026-03-07T02:30", "--tz", "America/New_York",
                     "--count", "3", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"local": "2026-03-07T02:30:00-05:00", "utc": "2026-03-07T07:30:00Z"},
        {"local": "2026-03-08T03:30:00-04:00", "utc": "2026-03-08T07:30:00Z"},
        {"local": "2026-03-09T02:30:00-04:00", "utc": "2026-03-09T06:30:00Z"},
    ]


def test_preview_shows_ten_by_default_and_fewer_when_the_rule_ends(runner):
    endless = preview(runner, "--rrule", "FREQ=WEEKLY;BYDAY=FR", "--start", "2026-12-04T20:00",
                      "--tz", "Asia/Shanghai", "--json")
    assert len(json.loads(endless.stdout)) == 10
    ending = preview(runner, "--rrule", "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261218T120000Z", "--start",
                     "2026-12-04T20:00", "--tz", "Asia/Shanghai", "--count", "10", "--json")
    assert [row["utc"] for row in json.loads(ending.stdout)] == [
        "2026-12-04T12:00:00Z", "2026-12-11T12:00:00Z", "2026-12-18T12:00:00Z"]


@pytest.mark.parametrize("exdates", [
    ["--exdate", "2026-12-11T20:00", "--exdate", "2026-12-18T20:00"],
    ["--exdate", "2026-12-11T20:00,2026-12-18T20:00"],
    ["--exdate", "2026-12-11T20:00", "2026-12-18T20:00"],
])
def test_exdates_may_be_repeated_comma_separated_or_listed(runner, exdates):
    result = preview(runner, "--rrule", "FREQ=WEEKLY;BYDAY=FR;COUNT=4", "--start", "2026-12-04T20:00",
                     "--tz", "Asia/Shanghai", *exdates, "--json")
    assert result.exit_code == 0, result.output
    assert [row["local"][:10] for row in json.loads(result.stdout)] == ["2026-12-04", "2026-12-25"]


def test_lunar_rules_and_holiday_skipping_work_from_the_command_line(runner):
    result = preview(runner, "--rrule", "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15", "--start",
                     "2025-01-01T19:30", "--tz", "Asia/Shanghai", "--count", "3", "--json")
    assert [row["local"] for row in json.loads(result.stdout)] == [
        "2025-10-06T19:30:00+08:00", "2026-09-25T19:30:00+08:00", "2027-09-15T19:30:00+08:00"]
    skipped = preview(runner, "--rrule", "FREQ=DAILY", "--start", "2026-09-30T20:00", "--tz", "Asia/Shanghai",
                      "--count", "2", "--holidays", "skip", "--json")
    assert [row["local"][:10] for row in json.loads(skipped.stdout)] == ["2026-09-30", "2026-10-08"]


def test_without_json_each_occurrence_is_one_line(runner):
    result = preview(runner, "--rrule", "FREQ=DAILY;COUNT=2", "--start", "2026-12-04T20:00", "--tz", "Asia/Shanghai")
    assert result.stdout.splitlines() == ["2026-12-04T20:00:00+08:00  2026-12-04T12:00:00Z",
                                          "2026-12-05T20:00:00+08:00  2026-12-05T12:00:00Z"]


BASE = {"--rrule": "FREQ=DAILY", "--start": "2026-12-04T20:00", "--tz": "Asia/Shanghai"}


@pytest.mark.parametrize("changes, named", [
    ({"--rrule": "FREQ=SOMETIMES"}, "FREQ=SOMETIMES"),
    ({"--rrule": "FREQ=DAILY;BYDAY=XX"}, "BYDAY"),
    ({"--rrule": "RSCALE=CHINESE;FREQ=MONTHLY;BYDAY=MO"}, "RSCALE=CHINESE does not support BYDAY"),
    ({"--tz": "Asia/Nowhere"}, "unknown time zone 'Asia/Nowhere'"),
    ({"--tz": "../etc/passwd"}, "unknown time zone"),
    ({"--start": "2026-02-30T20:00"}, "is not a local time"),
    ({"--start": "next friday"}, "is not a local time"),
    ({"--exdate": "2026-13-01T20:00"}, "--exdate"),
    ({"--count": "0"}, "count must be between 1 and 500"),
    ({"--count": "100000"}, "count must be between 1 and 500"),
    ({"--start": "2031-01-01T20:00", "--holidays": "skip"}, "no statutory holiday data"),
])
def test_mistakes_get_one_line_chinese_then_english_and_exit_code_1(runner, changes, named):
    options = {**BASE, **changes}
    result = preview(runner, *[part for pair in options.items() for part in pair], "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误 / error: ")
    assert named in lines[0]
    assert "Traceback" not in result.output
    chinese, english = lines[0].removeprefix("错误 / error: ").split(" / ", 1)
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese) and named in english
