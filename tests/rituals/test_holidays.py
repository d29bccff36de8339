"""Mainland statutory holidays: kept by default, skipped on request, or only 调休-aware workdays kept."""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from studio.rituals.errors import HolidayDataMissing
from studio.rituals.recurrence import preview

AROUND_NATIONAL_DAY = ("FREQ=DAILY;UNTIL=20261012T235959", "2026-09-28T20:00", "Asia/Shanghai")


def days_of(rows):
    return [row["local"][:10] for row in rows]


def test_holidays_are_included_by_default():
    assert len(preview(*AROUND_NATIONAL_DAY, count=50)) == 15


def test_skipping_holidays_leaves_out_the_national_day_week_and_keeps_ordinary_days():
    kept = days_of(preview(*AROUND_NATIONAL_DAY, count=50, holidays="skip"))
    assert kept == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10",
                    "2026-10-11", "2026-10-12"]
    # Independently: exactly the days the calendar names as the National Day holiday are gone.
    gone = {str(date(2026, 9, 28) + timedelta(days=n)) for n in range(15)} - set(kept)
    assert gone == {str(day) for day in chinese_calendar.get_holidays(date(2026, 10, 1), date(2026, 10, 7))}


def test_workdays_only_keeps_the_makeup_saturday_and_drops_holidays_and_sundays():
    kept = days_of(preview(*AROUND_NATIONAL_DAY, count=50, holidays="workdays"))
    assert "2026-10-10" in kept  # a Saturday worked in exchange (调休)
    assert "2026-10-11" not in kept and "2026-10-01" not in kept
    assert kept == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10",
                    "2026-10-12"]


def test_a_weekly_ritual_skips_only_the_friday_that_is_a_holiday():
    rows = preview("FREQ=WEEKLY;BYDAY=FR", "2026-09-18T20:00", "Asia/Shanghai", count=3, holidays="skip")
    assert days_of(rows) == ["2026-09-18", "2026-10-09", "2026-10-16"]  # 中秋 9-25 and 国庆 10-02 are off


@pytest.mark.parametrize("policy", ["skip", "workdays"])
def test_a_year_the_holiday_calendar_does_not_know_gets_a_clear_message(policy):
    with pytest.raises(HolidayDataMissing) as refused:
        preview("FREQ=DAILY", "2031-01-05T20:00", "Asia/Shanghai", holidays=policy)
    assert "2031" in str(refused.value) and "no statutory holiday data" in str(refused.value)


def test_a_year_without_holiday_data_is_fine_when_holidays_are_included():
    assert len(preview("FREQ=DAILY", "2031-01-05T20:00", "Asia/Shanghai", count=3)) == 3
