"""Wall times of a Gregorian rule, from python-dateutil's RFC 5545 rrule."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from dateutil.rrule import rrulestr

from studio.rituals.rules import RitualRule, invalid


def gregorian_wall_times(rule: RitualRule, start: datetime, horizon: datetime) -> Iterator[datetime]:
    """Naive local wall times the rule gives from the start up to the horizon, in order."""
    try:
        # Naive wall times: the zone is attached afterwards, so a DST change never moves a day.
        recurrence = rrulestr(rule.pattern, dtstart=start).replace(until=horizon)
    except (ValueError, TypeError, KeyError) as exc:
        raise invalid(rule.text, "无法解析", str(exc)) from None
    return iter(recurrence)
