"""A ritual's occurrences: rule, start and zone in, UTC instants and local times out."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from studio.errors import InvalidInput
from studio.rituals.gregorian import gregorian_wall_times
from studio.rituals.holidays import HOLIDAY_POLICIES, keeps
from studio.rituals.local_time import (FIRST_YEAR, LAST_YEAR, end_of_day, instant_of, on_wall, parse_local,
                                      zone_named)
from studio.rituals.lunar import lunar_wall_times
from studio.rituals.rules import RitualRule, parse_rule

DEFAULT_PREVIEW = 10
MAX_PREVIEW = 500
# How far ahead a rule is followed: it bounds the search for a rule that rarely or never matches.
HORIZON_YEARS = 50


@dataclass(frozen=True)
class Occurrence:
    """One instant of a ritual, with its local time in the ritual's zone."""

    local: datetime
    utc: datetime

    def as_dict(self) -> dict[str, str]:
        """ISO 8601 local time with its offset, and the UTC instant with Z."""
        return {"local": self.local.isoformat(timespec="seconds"), "utc": self.utc.strftime("%Y-%m-%dT%H:%M:%SZ")}


def occurrence_at(wall: datetime, zone: ZoneInfo) -> Occurrence:
    """The occurrence of a local wall time; a time in a DST gap shows as the later wall time it means."""
    utc = on_wall(wall, zone).astimezone(timezone.utc)
    return Occurrence(local=utc.astimezone(zone), utc=utc)


def occurrences(rule: RitualRule, start: datetime, zone: ZoneInfo, *, limit: int,
                exdates: Iterable[datetime | date] = (), holidays: str = "include",
                after: datetime | None = None, until: datetime | None = None) -> list[Occurrence]:
    """The first `limit` occurrences after EXDATEs and holidays are taken out; the rule's COUNT counts before.

    `after` and `until` (aware instants) keep only occurrences later than the one and not later than the other.
    """
    if holidays not in HOLIDAY_POLICIES:
        raise InvalidInput(f"节假日选项须为 {'、'.join(HOLIDAY_POLICIES)} / holidays must be one of "
                           f"{', '.join(HOLIDAY_POLICIES)}")
    exdates = list(exdates)
    excluded_instants = {instant_of(value, zone) for value in exdates if isinstance(value, datetime)}
    excluded_days = {value for value in exdates if not isinstance(value, datetime)}
    rule_until = _until_instant(rule, zone)
    found: list[Occurrence] = []
    seen: set[datetime] = set()
    for number, wall in enumerate(_wall_times(rule, start), 1):
        if rule.count is not None and number > rule.count:
            break
        occurrence = occurrence_at(wall, zone)
        if rule_until is not None and occurrence.utc > rule_until or until is not None and occurrence.utc > until:
            break
        # Two wall times can name one instant (an hourly rule across a gap): it occurs once.
        if occurrence.utc in seen or occurrence.utc in excluded_instants or wall.date() in excluded_days:
            continue
        seen.add(occurrence.utc)
        if after is not None and occurrence.utc <= after or not keeps(wall.date(), holidays):
            continue
        found.append(occurrence)
        if len(found) >= limit:
            break
    return found


def preview(rule_text: str, start_text: str, zone_name: str, *, count: int = DEFAULT_PREVIEW,
            exdate_texts: Iterable[str] = (), holidays: str = "include") -> list[dict[str, str]]:
    """The first `count` occurrences of a rule given as text, as {"local", "utc"} dicts."""
    if not 1 <= count <= MAX_PREVIEW:
        raise InvalidInput(f"预览数量须在 1 到 {MAX_PREVIEW} 之间 / count must be between 1 and {MAX_PREVIEW}")
    zone = zone_named(zone_name)
    start = parse_local(start_text, "--start")
    exdates = parse_exdates(exdate_texts)
    rule = parse_rule(rule_text)
    found = occurrences(rule, start, zone, limit=count, exdates=exdates, holidays=holidays)
    return [occurrence.as_dict() for occurrence in found]


def parse_exdates(texts: Iterable[str]) -> list[datetime | date]:
    """EXDATEs given as local times or whole dates, each text possibly several separated by commas."""
    return [_exdate(text) for raw in texts for text in raw.split(",") if text.strip()]


def _exdate(text: str) -> datetime | date:
    """A local date-time to leave out, or a bare date: every occurrence that day."""
    value = parse_local(text, "--exdate")
    has_time = "T" in text.upper() or " " in text.strip()
    return value if has_time else value.date()


def _wall_times(rule: RitualRule, start: datetime) -> Iterator[datetime]:
    horizon = datetime(start.year + HORIZON_YEARS, 12, 31, 23, 59, 59)
    if rule.scale == "CHINESE":
        return lunar_wall_times(rule, start, horizon)
    return gregorian_wall_times(rule, start, horizon)


def _until_instant(rule: RitualRule, zone: ZoneInfo) -> datetime | None:
    """UNTIL as an instant: a UTC value as it is, a local time or a whole local date in the zone."""
    if rule.until is None or isinstance(rule.until, datetime) and rule.until.tzinfo is not None:
        return rule.until
    wall = rule.until if isinstance(rule.until, datetime) else end_of_day(rule.until)
    # Clamped to the years a ritual can reach (nothing changes), so UNTIL=99991231 cannot overflow.
    wall = min(max(wall, datetime(FIRST_YEAR - 1, 1, 1)), datetime(LAST_YEAR + HORIZON_YEARS + 1, 1, 1))
    return instant_of(wall, zone)
