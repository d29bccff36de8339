"""Wall times of an RFC 7529 RSCALE=CHINESE rule: lunar months and days, leap months as "5L"."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

# lunar_python: maintained, computes the calendar astronomically (no year tables), knows leap months and festivals.
from lunar_python import LunarMonth, LunarYear, Solar

from studio.rituals.rules import RitualRule, check_number, invalid

LUNAR_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "RSCALE", "SKIP", "WKST"}
LUNAR_FREQUENCIES = ("MONTHLY", "YEARLY")


def lunar_wall_times(rule: RitualRule, start: datetime, horizon: datetime) -> Iterator[datetime]:
    """Naive local wall times of the lunar rule from the start up to the horizon, in order."""
    unsupported = [key for key in rule.parts if key not in LUNAR_PARTS]
    if unsupported:
        raise invalid(rule.text, f"RSCALE=CHINESE 不支持 {', '.join(unsupported)}",
                      f"RSCALE=CHINESE does not support {', '.join(unsupported)}")
    if rule.parts["FREQ"] not in LUNAR_FREQUENCIES:
        raise invalid(rule.text, f"RSCALE=CHINESE 只支持 FREQ=MONTHLY 或 YEARLY，不支持 FREQ={rule.parts['FREQ']}",
                      f"RSCALE=CHINESE supports FREQ=MONTHLY or YEARLY, not FREQ={rule.parts['FREQ']}")
    first = Solar.fromYmd(start.year, start.month, start.day).getLunar()
    by_month = _months(rule)
    days = _days(rule) or [first.getDay()]
    interval = int(rule.parts.get("INTERVAL", "1"))
    if rule.parts["FREQ"] == "MONTHLY":
        dates = _monthly(LunarMonth.fromYm(first.getYear(), first.getMonth()), interval, set(by_month), days,
                         rule.skip, horizon.date())
    else:
        # As in RFC 5545: a yearly BYMONTHDAY without BYMONTH falls in every month, neither means the start's.
        start_month = [(abs(first.getMonth()), first.getMonth() < 0)]
        months = by_month or (None if "BYMONTHDAY" in rule.parts else start_month)
        dates = _yearly(first.getYear(), interval, months, days, rule.skip, horizon.date())
    for day in dates:
        wall = datetime.combine(day, start.time())
        if wall > horizon:
            return
        if wall >= start:
            yield wall


def _months(rule: RitualRule) -> list[tuple[int, bool]]:
    months = []
    for value in rule.parts["BYMONTH"].split(",") if "BYMONTH" in rule.parts else []:
        number = value.removesuffix("L")
        check_number(rule.text, "BYMONTH", number, 1, 12)
        months.append((int(number), value.endswith("L")))
    return months


def _days(rule: RitualRule) -> list[int]:
    values = rule.parts["BYMONTHDAY"].split(",") if "BYMONTHDAY" in rule.parts else []
    for value in values:
        check_number(rule.text, "BYMONTHDAY", value, -30, 30)
    return [int(value) for value in values]


def _monthly(month: LunarMonth, interval: int, months: set, days: list[int], skip: str,
             last: date) -> Iterator[date]:
    while _solar_date(month.getFirstJulianDay()) <= last:
        if not months or (abs(month.getMonth()), month.isLeap()) in months:
            yield from _days_in(month, days, skip)
        month = month.next(interval)


def _yearly(year: int, interval: int, months: list[tuple[int, bool]] | None, days: list[int], skip: str,
            last: date) -> Iterator[date]:
    """Each interval-th lunar year's dates; months None means every month of the year, leap month included."""
    # A lunar year starts at most two months after the solar one, so later years lie past the horizon.
    while year <= last.year:
        found = []
        in_year = months or [(abs(month.getMonth()), month.isLeap())
                             for month in LunarYear.fromYear(year).getMonthsInYear()]
        for number, leap in in_year:
            month = LunarMonth.fromYm(year, -number if leap else number)
            if month is None:  # no such leap month this year
                if skip == "OMIT":
                    continue
                month = LunarMonth.fromYm(year, number)
                month = month if skip == "BACKWARD" else month.next(1)
            found.extend(_days_in(month, days, skip))
        yield from sorted(set(found))
        year += interval


def _days_in(month: LunarMonth, days: list[int], skip: str) -> list[date]:
    """The solar dates of the lunar days in the month; a day the month lacks follows SKIP."""
    first = _solar_date(month.getFirstJulianDay())
    length = month.getDayCount()
    found = set()
    for day in days:
        offset = day - 1 if day > 0 else length + day
        if 0 <= offset < length:
            found.add(first + timedelta(days=offset))
        elif skip == "BACKWARD":
            found.add(first + timedelta(days=length - 1 if day > 0 else -1))
        elif skip == "FORWARD":
            found.add(first + timedelta(days=length if day > 0 else 0))
    return sorted(found)


def _solar_date(julian_day: float) -> date:
    solar = Solar.fromJulianDay(julian_day)
    return date(solar.getYear(), solar.getMonth(), solar.getDay())
