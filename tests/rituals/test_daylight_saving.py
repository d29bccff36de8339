"""Local times across DST changes follow RFC 5545 §3.3.5: gap times take the offset from before, a doubled
hour means its first occurrence, and no day is skipped or doubled."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studio.rituals.recurrence import occurrence_at, preview

UTC = timezone.utc


def locals_of(rows):
    return [row["local"] for row in rows]


def test_a_daily_0230_rule_across_the_new_york_gap_moves_only_the_gap_day_to_0330():
    rows = preview("FREQ=DAILY;COUNT=5", "2026-03-06T02:30", "America/New_York")
    assert rows == [
        {"local": "2026-03-06T02:30:00-05:00", "utc": "2026-03-06T07:30:00Z"},
        {"local": "2026-03-07T02:30:00-05:00", "utc": "2026-03-07T07:30:00Z"},
        # 02:30 does not exist on 8 March: read with the offset from before the gap (-05:00), it is 03:30 EDT.
        {"local": "2026-03-08T03:30:00-04:00", "utc": "2026-03-08T07:30:00Z"},
        {"local": "2026-03-09T02:30:00-04:00", "utc": "2026-03-09T06:30:00Z"},
        {"local": "2026-03-10T02:30:00-04:00", "utc": "2026-03-10T06:30:00Z"},
    ]


@pytest.mark.parametrize("zone, gap_day, expected", [
    ("Europe/Berlin", "2026-03-29", {"local": "2026-03-29T03:30:00+02:00", "utc": "2026-03-29T01:30:00Z"}),
    ("Australia/Sydney", "2026-10-04", {"local": "2026-10-04T03:30:00+11:00", "utc": "2026-10-03T16:30:00Z"}),
])
def test_a_daily_0230_rule_keeps_one_occurrence_a_day_across_the_gap(zone, gap_day, expected):
    day = date.fromisoformat(gap_day)
    rows = preview("FREQ=DAILY", f"{day - timedelta(days=2)}T02:30", zone, count=5)
    assert [row["local"][:10] for row in rows] == [str(day + timedelta(days=n)) for n in range(-2, 3)]
    assert rows[2] == expected
    assert all(row["local"][11:16] == "02:30" for index, row in enumerate(rows) if index != 2)


def test_a_daily_0130_rule_across_the_new_york_overlap_takes_the_first_0130():
    rows = preview("FREQ=DAILY;COUNT=3", "2026-10-31T01:30", "America/New_York")
    assert rows == [
        {"local": "2026-10-31T01:30:00-04:00", "utc": "2026-10-31T05:30:00Z"},
        {"local": "2026-11-01T01:30:00-04:00", "utc": "2026-11-01T05:30:00Z"},  # EDT, not the later EST one
        {"local": "2026-11-02T01:30:00-05:00", "utc": "2026-11-02T06:30:00Z"},
    ]


@pytest.mark.parametrize("zone, overlap_day, expected", [
    ("Europe/Berlin", "2026-10-25", {"local": "2026-10-25T02:30:00+02:00", "utc": "2026-10-25T00:30:00Z"}),
    ("Australia/Sydney", "2026-04-05", {"local": "2026-04-05T02:30:00+11:00", "utc": "2026-04-04T15:30:00Z"}),
])
def test_a_daily_rule_in_the_doubled_hour_occurs_once_at_the_first_of_the_two(zone, overlap_day, expected):
    day = date.fromisoformat(overlap_day)
    rows = preview("FREQ=DAILY", f"{day - timedelta(days=1)}T02:30", zone, count=3)
    assert [row["local"][:10] for row in rows] == [str(day + timedelta(days=n)) for n in range(-1, 2)]
    assert rows[1] == expected
    assert len({row["utc"] for row in rows}) == 3


@pytest.mark.parametrize("zone, days", [
    ("America/New_York", ("2026-03-08", "2026-11-01")),
    ("Europe/Berlin", ("2026-03-29", "2026-10-25")),
    ("Australia/Sydney", ("2026-04-05", "2026-10-04")),
])
def test_every_wall_time_on_a_change_day_resolves_as_rfc_5545_says(zone, days):
    tz = ZoneInfo(zone)
    for day in map(date.fromisoformat, days):
        for minutes in range(0, 24 * 60, 15):
            wall = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
            candidates = {wall.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1)}
            round_trips = [c for c in candidates if c.astimezone(tz).replace(tzinfo=None) == wall]
            if not round_trips:
                # A gap: the offset in force just before the change applies.
                before = (wall - timedelta(hours=3)).replace(tzinfo=tz).utcoffset()
                expected = (wall - before).replace(tzinfo=UTC)
            else:
                expected = min(round_trips)  # an overlap: the first of the two instants
            assert occurrence_at(wall, tz).utc == expected, (zone, wall)


def test_a_weekly_friday_2000_ritual_stays_at_2000_local_across_the_change():
    rows = preview("FREQ=WEEKLY;BYDAY=FR", "2026-03-20T20:00", "Europe/Berlin", count=3)
    assert locals_of(rows) == ["2026-03-20T20:00:00+01:00", "2026-03-27T20:00:00+01:00",
                               "2026-04-03T20:00:00+02:00"]
    assert [row["utc"] for row in rows] == ["2026-03-20T19:00:00Z", "2026-03-27T19:00:00Z", "2026-04-03T18:00:00Z"]
