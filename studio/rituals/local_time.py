"""Local wall times in an IANA zone, resolved as RFC 5545 §3.3.5 says."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from studio.rituals.errors import InvalidLocalTime, UnknownZone

# Rituals are planned within these years; it keeps every zone conversion and the lunar calendar in range.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone of that name (any letter case), or UnknownZone."""
    try:
        return ZoneInfo(_zone_names_by_lower_case().get(name.strip().lower(), name))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownZone(f"未知时区 {name!r}（请用 IANA 名称，如 Asia/Shanghai） / "
                          f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from None


@cache
def _zone_names_by_lower_case() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def parse_local(text: str, what: str) -> datetime:
    """A naive local date-time from YYYY-MM-DDTHH:MM (seconds optional; a bare date means 00:00)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidLocalTime(f"{what} 不是有效的当地时间 {text!r}（格式 YYYY-MM-DDTHH:MM） / "
                               f"{what} {text!r} is not a local time YYYY-MM-DDTHH:MM") from None
    if value.tzinfo is not None:
        raise InvalidLocalTime(f"{what} 是当地时间，不带时区偏移：{text!r} / "
                               f"{what} is a local time without an offset: {text!r}")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidLocalTime(f"{what} {text!r} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间 / "
                               f"{what} {text!r} is not between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


def on_wall(wall: datetime, zone: ZoneInfo) -> datetime:
    """The wall time in the zone: in a gap, the offset from before it; twice over, its first occurrence."""
    # fold=0 is exactly RFC 5545 §3.3.5: PEP 495 maps a gap time with the pre-transition offset
    # and an ambiguous time to its earlier instant.
    return wall.replace(tzinfo=zone, fold=0)


def instant_of(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time."""
    return on_wall(wall, zone).astimezone(timezone.utc)


def end_of_day(day: date) -> datetime:
    """The last wall time of a local date."""
    return datetime.combine(day, time.max)
