"""Join sequences: day N after a group joined, at a local time, in calendar days of the group's zone."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from studio.rituals.errors import InvalidLocalTime
from studio.rituals.sequences import sequence_occurrences

WELCOME_SERIES = [(0, "10:00"), (3, "20:00"), (7, "20:00")]


def as_rows(found):
    return [occurrence.as_dict() for occurrence in found]


def test_welcome_ice_breaker_and_first_offer_fall_on_days_0_3_and_7():
    zone = ZoneInfo("Asia/Shanghai")
    found = sequence_occurrences(WELCOME_SERIES, datetime(2026, 12, 2, 9, 15, tzinfo=zone), zone)
    assert as_rows(found) == [
        {"local": "2026-12-02T10:00:00+08:00", "utc": "2026-12-02T02:00:00Z"},
        {"local": "2026-12-05T20:00:00+08:00", "utc": "2026-12-05T12:00:00Z"},
        {"local": "2026-12-09T20:00:00+08:00", "utc": "2026-12-09T12:00:00Z"},
    ]


def test_days_are_counted_from_the_local_date_the_group_joined_not_the_utc_one():
    zone = ZoneInfo("Asia/Shanghai")
    joined = datetime(2026, 12, 1, 17, 30, tzinfo=timezone.utc)  # already 12-02 01:30 in Shanghai
    found = sequence_occurrences([(0, "10:00")], joined, zone)
    assert found[0].local.isoformat() == "2026-12-02T10:00:00+08:00"


def test_a_sequence_across_a_dst_change_keeps_its_days_and_wall_times():
    zone = ZoneInfo("America/New_York")
    found = sequence_occurrences([(0, "10:00"), (3, "02:30"), (7, "20:00"), (240, "01:30")],
                                 datetime(2026, 3, 5, 15, 0), zone)
    assert [row["local"] for row in as_rows(found)] == [
        "2026-03-05T10:00:00-05:00",
        "2026-03-08T03:30:00-04:00",  # 02:30 is in the gap: read with the offset from before it
        "2026-03-12T20:00:00-04:00",
        "2026-10-31T01:30:00-04:00",
    ]
    overlap = sequence_occurrences([(1, "01:30")], datetime(2026, 10, 31, 12, 0), zone)
    assert as_rows(overlap) == [{"local": "2026-11-01T01:30:00-04:00", "utc": "2026-11-01T05:30:00Z"}]


@pytest.mark.parametrize("step", [(-1, "10:00"), (0, "25:00"), (0, "10h"), (1, "")])
def test_a_bad_step_is_refused(step):
    zone = ZoneInfo("Asia/Shanghai")
    with pytest.raises(InvalidLocalTime, match="sequence step"):
        sequence_occurrences([step], datetime(2026, 12, 2, 9, 0, tzinfo=zone), zone)
