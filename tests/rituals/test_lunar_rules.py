"""RFC 7529 RSCALE=CHINESE rules: every lunar 15th, 中秋 each year, leap months, and days a month lacks."""
from __future__ import annotations

from datetime import date

import pytest
from lunar_python import Lunar, LunarYear, Solar

from studio.rituals.errors import InvalidRule
from studio.rituals.recurrence import preview

MONTHLY_15TH = "RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=15"
MID_AUTUMN = "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15"


def dates_of(rows):
    return [date.fromisoformat(row["local"][:10]) for row in rows]


def lunar_of(day: date):
    return Solar.fromYmd(day.year, day.month, day.day).getLunar()


def test_every_lunar_15th_across_the_2025_lunar_year_including_its_leap_month():
    # Lunar 2025 runs from 春节 2025-01-29 to 除夕 2026-02-16 and has a leap sixth month: 13 months.
    rows = preview(MONTHLY_15TH, "2025-01-29T20:00", "Asia/Shanghai", count=13)
    months = LunarYear.fromYear(2025).getMonthsInYear()
    expected = [Lunar.fromYmd(2025, month.getMonth(), 15).getSolar().toYmd() for month in months]
    assert [str(day) for day in dates_of(rows)] == expected
    assert all(lunar_of(day).getDay() == 15 for day in dates_of(rows))
    assert [lunar_of(day).getMonth() for day in dates_of(rows)] == [1, 2, 3, 4, 5, 6, -6, 7, 8, 9, 10, 11, 12]
    # Published dates: 元宵 2025-02-12 and 中秋 2025-10-06.
    assert date(2025, 2, 12) in dates_of(rows) and date(2025, 10, 6) in dates_of(rows)
    assert all(row["local"].endswith("T20:00:00+08:00") for row in rows)


def test_a_start_after_this_months_15th_begins_with_the_next_lunar_month():
    rows = preview(MONTHLY_15TH, "2026-12-03T20:00", "Asia/Shanghai", count=2)
    assert [lunar_of(day).getDay() for day in dates_of(rows)] == [15, 15]
    assert dates_of(rows)[0] > date(2026, 12, 3)
    assert (dates_of(rows)[1] - dates_of(rows)[0]).days in (29, 30)


def test_mid_autumn_falls_on_its_published_dates_year_after_year():
    rows = preview(MID_AUTUMN, "2025-01-01T19:30", "Asia/Shanghai", count=6)
    expected = [Lunar.fromYmd(year, 8, 15).getSolar().toYmd() for year in range(2025, 2031)]
    assert [str(day) for day in dates_of(rows)] == expected
    assert dates_of(rows)[:3] == [date(2025, 10, 6), date(2026, 9, 25), date(2027, 9, 15)]
    assert all("中秋节" in lunar_of(day).getFestivals() for day in dates_of(rows))
    assert rows[0] == {"local": "2025-10-06T19:30:00+08:00", "utc": "2025-10-06T11:30:00Z"}


def test_a_lunar_yearly_rule_ends_at_its_count_and_counts_its_interval_in_lunar_years():
    rows = preview(MID_AUTUMN + ";INTERVAL=2;COUNT=3", "2025-03-01T19:30", "Asia/Shanghai", count=10)
    assert [day.year for day in dates_of(rows)] == [2025, 2027, 2029]
    # 2025-01-01 is still in lunar 2024 (冬月), so every other lunar year from there is 2024, 2026, 2028.
    rows = preview(MID_AUTUMN + ";INTERVAL=2;COUNT=3", "2025-01-01T19:30", "Asia/Shanghai", count=10)
    assert [day.year for day in dates_of(rows)] == [2026, 2028, 2030]


def test_the_30th_is_omitted_in_a_29_day_month_by_default():
    rows = preview("RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=30", "2025-01-29T20:00", "Asia/Shanghai", count=20)
    in_year = [day for day in dates_of(rows) if day < date(2026, 2, 17)]
    thirty_day_months = [m for m in LunarYear.fromYear(2025).getMonthsInYear() if m.getDayCount() == 30]
    assert len(in_year) == len(thirty_day_months) < 13
    assert all(lunar_of(day).getDay() == 30 for day in in_year)


@pytest.mark.parametrize("skip, lunar_day", [("BACKWARD", 29), ("FORWARD", 1)])
def test_skip_moves_a_missing_30th_to_the_29th_or_the_next_first(skip, lunar_day):
    # Lunar 2025 二月 has 29 days (2025-02-28 .. 2025-03-28).
    rows = preview(f"RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=30;SKIP={skip}", "2025-03-01T20:00", "Asia/Shanghai",
                   count=1)
    assert lunar_of(dates_of(rows)[0]).getDay() == lunar_day
    assert abs(lunar_of(dates_of(rows)[0]).getMonth()) == (2 if skip == "BACKWARD" else 3)


def test_a_leap_month_rule_occurs_only_in_years_with_that_leap_month():
    rows = preview("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=6L;BYMONTHDAY=15", "2025-01-01T20:00", "Asia/Shanghai",
                   count=2)
    assert dates_of(rows) == [date(2025, 8, 8), date.fromisoformat(Lunar.fromYmd(2036, -6, 15).getSolar().toYmd())]
    forward = preview("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=6L;BYMONTHDAY=15;SKIP=FORWARD", "2026-01-01T20:00",
                      "Asia/Shanghai", count=1)
    assert str(dates_of(forward)[0]) == Lunar.fromYmd(2026, 7, 15).getSolar().toYmd()


@pytest.mark.parametrize("rule, named", [
    ("RSCALE=CHINESE;FREQ=WEEKLY", "FREQ=WEEKLY"),
    ("RSCALE=CHINESE;FREQ=MONTHLY;BYDAY=MO", "BYDAY"),
    ("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15;BYHOUR=9", "BYHOUR"),
    ("RSCALE=CHINESE;FREQ=MONTHLY;BYMONTHDAY=31", "BYMONTHDAY=31"),
    ("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=13L", "BYMONTH=13"),
    ("RSCALE=HEBREW;FREQ=YEARLY", "RSCALE=HEBREW"),
    ("RSCALE=CHINESE;FREQ=MONTHLY;SKIP=SIDEWAYS", "SKIP=SIDEWAYS"),
])
def test_what_a_lunar_rule_does_not_support_is_named(rule, named):
    with pytest.raises(InvalidRule) as refused:
        preview(rule, "2026-01-01T20:00", "Asia/Shanghai")
    assert named in str(refused.value)


def test_a_yearly_rule_without_month_or_day_recurs_on_the_starts_lunar_date():
    rows = preview("RSCALE=CHINESE;FREQ=YEARLY", "2025-01-29T10:00", "Asia/Shanghai", count=4)
    # 春节 (正月初一): published dates 2025-01-29, 2026-02-17, 2027-02-06, 2028-01-26.
    assert dates_of(rows) == [date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26)]


def test_a_yearly_day_without_a_month_falls_in_every_lunar_month_as_in_rfc_5545():
    rows = preview("RSCALE=CHINESE;FREQ=YEARLY;BYMONTHDAY=1", "2025-01-29T10:00", "Asia/Shanghai", count=13)
    assert [lunar_of(day).getMonth() for day in dates_of(rows)] == [1, 2, 3, 4, 5, 6, -6, 7, 8, 9, 10, 11, 12]
    assert all(lunar_of(day).getDay() == 1 for day in dates_of(rows))
