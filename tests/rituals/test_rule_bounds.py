"""COUNT, UNTIL and EXDATE end or thin a ritual as RFC 5545 says; a rule that cannot be used is named."""
from __future__ import annotations

import pytest

from studio.rituals.errors import InvalidLocalTime, InvalidRule, UnknownZone
from studio.rituals.recurrence import preview


def days_of(rows):
    return [row["local"][:10] for row in rows]


def test_the_rules_own_count_ends_the_preview_early():
    rows = preview("FREQ=WEEKLY;BYDAY=FR;COUNT=3", "2026-12-04T20:00", "Asia/Shanghai", count=10)
    assert days_of(rows) == ["2026-12-04", "2026-12-11", "2026-12-18"]
    assert rows[0] == {"local": "2026-12-04T20:00:00+08:00", "utc": "2026-12-04T12:00:00Z"}


def test_count_counts_occurrences_before_exdates_take_theirs_out():
    rows = preview("FREQ=DAILY;COUNT=4", "2026-12-01T10:00", "Asia/Shanghai", exdate_texts=["2026-12-02T10:00"])
    assert days_of(rows) == ["2026-12-01", "2026-12-03", "2026-12-04"]


def test_exdates_are_left_out_and_the_preview_still_shows_the_count_asked_for():
    rows = preview("FREQ=DAILY", "2026-12-01T10:00", "Asia/Shanghai", count=3,
                   exdate_texts=["2026-12-02T10:00,2026-12-04T10:00"])
    assert days_of(rows) == ["2026-12-01", "2026-12-03", "2026-12-05"]


def test_an_exdate_at_another_time_of_day_leaves_the_occurrence_but_a_bare_date_takes_the_day():
    kept = preview("FREQ=DAILY", "2026-12-01T10:00", "Asia/Shanghai", count=2, exdate_texts=["2026-12-01T11:00"])
    assert days_of(kept) == ["2026-12-01", "2026-12-02"]
    dropped = preview("FREQ=DAILY", "2026-12-01T10:00", "Asia/Shanghai", count=2, exdate_texts=["2026-12-01"])
    assert days_of(dropped) == ["2026-12-02", "2026-12-03"]


def test_an_exdate_in_a_dst_gap_removes_the_occurrence_moved_out_of_it():
    rows = preview("FREQ=DAILY", "2026-03-07T02:30", "America/New_York", count=2, exdate_texts=["2026-03-08T02:30"])
    assert days_of(rows) == ["2026-03-07", "2026-03-09"]


@pytest.mark.parametrize("until, last_day", [
    ("20261203T120000Z", "2026-12-03"),  # a UTC instant, inclusive: 20:00 in Shanghai is 12:00Z
    ("20261203T115959Z", "2026-12-02"),
    ("20261203T200000", "2026-12-03"),   # a local time in the ritual's zone
    ("20261203", "2026-12-03"),          # a local date: the whole day
])
def test_until_ends_the_rule_at_its_last_instance(until, last_day):
    rows = preview(f"FREQ=DAILY;UNTIL={until}", "2026-12-01T20:00", "Asia/Shanghai", count=10)
    assert days_of(rows)[-1] == last_day
    assert days_of(rows)[0] == "2026-12-01"


def test_a_leading_rrule_label_and_lower_case_are_accepted():
    assert preview("RRULE:freq=daily;count=2", "2026-12-01T09:00", "UTC") == [
        {"local": "2026-12-01T09:00:00+00:00", "utc": "2026-12-01T09:00:00Z"},
        {"local": "2026-12-02T09:00:00+00:00", "utc": "2026-12-02T09:00:00Z"},
    ]


def test_a_rule_that_never_matches_gives_no_occurrence_quickly():
    assert preview("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "2026-12-01T09:00", "Asia/Shanghai") == []


@pytest.mark.parametrize("rule, named", [
    ("FREQ=DAILY;COUNT=2;UNTIL=20261231", "COUNT and UNTIL"),
    ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),
    ("FREQ=MINUTELY", "FREQ=MINUTELY"),
    ("FREQ=DAILY;BYFOO=1", "BYFOO"),
    ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0"),
    ("FREQ=YEARLY;BYMONTH=13", "BYMONTH=13"),
    ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
    ("FREQ=DAILY;UNTIL=tomorrow", "UNTIL=TOMORROW"),
    ("FREQ=MONTHLY;SKIP=BACKWARD", "SKIP needs RSCALE"),
    ("BYDAY=FR", "FREQ is missing"),
    ("FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice"),
])
def test_a_rule_that_cannot_be_used_is_refused_with_the_part_named(rule, named):
    with pytest.raises(InvalidRule) as refused:
        preview(rule, "2026-12-01T09:00", "Asia/Shanghai")
    assert named in str(refused.value)
    assert str(refused.value).startswith("重复规则无效")


def test_a_zone_name_in_another_letter_case_is_the_same_zone():
    assert preview("FREQ=DAILY;COUNT=1", "2026-12-01T09:00", "asia/shanghai") == [
        {"local": "2026-12-01T09:00:00+08:00", "utc": "2026-12-01T01:00:00Z"}]


def test_an_unknown_zone_and_a_bad_start_are_refused():
    with pytest.raises(UnknownZone, match="Mars/Olympus"):
        preview("FREQ=DAILY", "2026-12-01T09:00", "Mars/Olympus")
    with pytest.raises(InvalidLocalTime, match="2026-02-30"):
        preview("FREQ=DAILY", "2026-02-30T09:00", "Asia/Shanghai")
    with pytest.raises(InvalidLocalTime, match="without an offset"):
        preview("FREQ=DAILY", "2026-12-01T09:00+08:00", "Asia/Shanghai")
    with pytest.raises(InvalidLocalTime, match="between the years 1900 and 2200"):
        preview("RSCALE=CHINESE;FREQ=MONTHLY", "0001-01-01T00:00", "Asia/Shanghai")


def test_an_until_far_in_the_future_or_past_bounds_nothing_or_everything():
    assert len(preview("FREQ=DAILY;UNTIL=99991231T235959", "2026-12-01T09:00", "America/Los_Angeles")) == 10
    assert preview("FREQ=DAILY;UNTIL=00010101T000000", "2026-12-01T09:00", "Asia/Tokyo") == []
