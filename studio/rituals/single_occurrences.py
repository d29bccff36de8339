"""One occurrence apart from its series: skipped, moved, or given its own brief; the series goes on."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from studio import audit
from studio.distribution.scheduling import cancel_pending_deliveries
from studio.errors import InvalidInput, InvalidTransition
from studio.extensions import db
from studio.models import OccurrenceState, PostStatus, Ritual, RitualOccurrence, utcnow
from studio.rituals.definitions import check_template, naive_utc, series
from studio.rituals.local_time import instant_of, parse_local

# Before its brief is written, anything may change; after, only a skip (its posts are set aside).
CHANGEABLE = (OccurrenceState.PLANNED,)
SKIPPABLE = (OccurrenceState.PLANNED, OccurrenceState.MATERIALIZED)
# Why an occurrence in this state cannot be changed, in words a planner reads.
ALREADY = {OccurrenceState.MATERIALIZED: "简报已生成 / its brief is already written",
           OccurrenceState.FROZEN: "已冻结，批准的变体已排期 / it is frozen and its approved variants are scheduled",
           OccurrenceState.MISSED: "已错过 / it was missed",
           OccurrenceState.SKIPPED: "已跳过 / it is skipped"}


def occurrence_of(ritual: Ritual, local_text: str) -> RitualOccurrence:
    """The row of the series occurrence at that local time, added as planned if it has none yet."""
    wall = parse_local(local_text, "--at")
    instant = instant_of(wall, ZoneInfo(ritual.timezone)).replace(tzinfo=None)
    found = series(ritual, limit=1, after=instant - timedelta(microseconds=1), until=instant)
    if not found or naive_utc(found[0]) != instant:
        raise InvalidInput(f"{local_text} 不是仪式「{ritual.name}」的一次 / {local_text} is not an occurrence "
                           f"of {ritual.slug}")
    row = db.session.scalar(db.select(RitualOccurrence).where(RitualOccurrence.ritual_id == ritual.id,
                                                              RitualOccurrence.occurrence_utc == instant))
    if row is None:
        row = RitualOccurrence(ritual_id=ritual.id, occurrence_utc=instant, state=OccurrenceState.PLANNED)
        db.session.add(row)
        db.session.flush()
    return row


def skip_occurrence(ritual: Ritual, local_text: str, actor_id: int | None = None) -> RitualOccurrence:
    """Leave one occurrence out: nothing is written for it, or what was written is set aside unsent."""
    row = occurrence_of(ritual, local_text)
    _require(row, SKIPPABLE, "跳过 / skipped")
    _require_before_freeze(ritual, row, local_text)
    if row.brief is not None:
        for post in row.brief.posts:
            cancel_pending_deliveries(post.id, actor_id=actor_id)
            post.status = PostStatus.ARCHIVED
            audit.record("archived", post_id=post.id, actor_id=actor_id, detail=f"仪式「{ritual.name}」本次跳过")
    row.state = OccurrenceState.SKIPPED
    db.session.commit()
    return row


def move_occurrence(ritual: Ritual, local_text: str, to_local_text: str) -> RitualOccurrence:
    """Send one occurrence at another local time; it keeps its place in the series."""
    moved = instant_of(parse_local(to_local_text, "--to"), ZoneInfo(ritual.timezone)).replace(tzinfo=None)
    if moved - timedelta(minutes=ritual.freeze_minutes) <= utcnow():
        raise InvalidInput(f"新时间 {to_local_text} 已过冻结时间 / {to_local_text} is past its freeze time")
    row = occurrence_of(ritual, local_text)
    _require(row, CHANGEABLE, "改期 / moved")
    _require_before_freeze(ritual, row, local_text)
    row.moved_to_utc = None if moved == row.occurrence_utc else moved
    db.session.commit()
    return row


def set_own_brief(ritual: Ritual, local_text: str, text: str) -> RitualOccurrence:
    """Give one occurrence its own key message (the same placeholders); empty text goes back to the ritual's."""
    if (text or "").strip():
        check_template(text)
    row = occurrence_of(ritual, local_text)
    _require(row, CHANGEABLE, "改简报 / given its own brief")
    _require_before_freeze(ritual, row, local_text)
    text = (text or "").strip()
    row.brief_override = "" if text == ritual.brief_template else text  # the ritual's own words are no override
    db.session.commit()
    return row


def _require(row: RitualOccurrence, states: tuple, what: str) -> None:
    if row.state not in states:
        db.session.rollback()
        chinese, english = ALREADY[row.state].split(" / ")
        raise InvalidTransition(f"这次仪式{chinese}，不能再{what.split(' / ')[0]} / this occurrence cannot be "
                                f"{what.split(' / ')[-1]}: {english}")


def _require_before_freeze(ritual: Ritual, row: RitualOccurrence, local_text: str) -> None:
    """A past occurrence, or one whose review has closed, is what it is: the beat decides what went."""
    if row.due_utc - timedelta(minutes=ritual.freeze_minutes) <= utcnow():
        db.session.rollback()
        raise InvalidTransition(f"{local_text} 这次已过冻结时间 / the occurrence at {local_text} is past its "
                                f"freeze time")
