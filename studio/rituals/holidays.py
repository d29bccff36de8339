"""Mainland statutory holidays and 调休 makeup workdays, from the chinesecalendar package."""
from __future__ import annotations

from datetime import date

import chinese_calendar

from studio.rituals.errors import HolidayDataMissing

HOLIDAY_POLICIES = ("include", "skip", "workdays")


def keeps(day: date, policy: str) -> bool:
    """Whether an occurrence on that date stays: "include" all, "skip" holidays, or only "workdays"."""
    if policy == "include":
        return True
    try:
        if policy == "skip":
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            # A plain weekend is a holiday without a name; only named days off are statutory holidays.
            return not (on_holiday and name)
        # Counts 调休 makeup days (a Saturday worked for a holiday) and leaves out holiday weekdays.
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        known = sorted({holiday.year for holiday in chinese_calendar.holidays})
        raise HolidayDataMissing(
            f"没有 {day.year} 年的法定节假日数据（已知 {known[0]}–{known[-1]} 年），请改用 --holidays include / "
            f"no statutory holiday data for {day.year} (known: {known[0]}–{known[-1]}); "
            "use --holidays include") from None


def last_known_day() -> date:
    """The last day the holiday calendar has data for."""
    return date(max(holiday.year for holiday in chinese_calendar.holidays), 12, 31)
