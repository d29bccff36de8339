"""Per-group sequences: posts on day N after a group joined, at a local time of day."""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from studio.rituals.errors import InvalidLocalTime
from studio.rituals.recurrence import Occurrence, occurrence_at

CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def sequence_occurrences(steps: Iterable[tuple[int, str]], joined_at: datetime,
                         zone: ZoneInfo) -> list[Occurrence]:
    """Each step (day offset, "HH:MM") counted in local days from the day the group joined, in step order.

    A naive joined_at is a local wall time in the zone. Day 0 at a time already past on the joining day is
    still returned: the caller decides whether a step that is due is sent late or dropped.
    """
    joined = joined_at.astimezone(zone) if joined_at.tzinfo else joined_at
    found = []
    for day_offset, clock in steps:
        match = CLOCK.fullmatch(clock.strip())
        if not match or day_offset < 0:
            raise InvalidLocalTime(f"序列步骤 ({day_offset}, {clock!r}) 须为 (非负天数, \"HH:MM\") / "
                                   f"sequence step ({day_offset}, {clock!r}) is not (days >= 0, \"HH:MM\")")
        day = joined.date() + timedelta(days=day_offset)
        # Calendar days, not 24-hour periods: a DST change never moves a step to another day.
        found.append(occurrence_at(datetime.combine(day, time(int(match[1]), int(match[2]))), zone))
    return found
