"""A ritual changed after it was created: its fields edited, or the ritual switched off and on again.

What is already written stays: an occurrence's brief, once materialized, goes through review and is sent as
before. Only the occurrences still ahead of their lead time follow the new fields.
"""
from __future__ import annotations

from dataclasses import fields as dataclass_fields, replace
from datetime import timedelta

from studio.errors import InvalidInput
from studio.extensions import db
from studio.models import OccurrenceState, Ritual, RitualOccurrence, utcnow
from studio.rituals.definitions import RitualInput, checked_fields, get_ritual, naive_utc, series

# What a planner may change, by RitualInput's names; the slug names the ritual and stays.
EDITABLE = frozenset(field.name for field in dataclass_fields(RitualInput)) - {"brand", "slug"}
# The fields the series is computed from: a change to any of them makes it another series.
SERIES_FIELDS = ("rrule", "dtstart", "timezone", "exdates", "holidays")


def current_input(ritual: Ritual) -> RitualInput:
    """The ritual as a planner would write it again."""
    return RitualInput(brand=ritual.brand.slug, name=ritual.name, rrule=ritual.rrule,
                       start=ritual.dtstart.strftime("%Y-%m-%dT%H:%M"), timezone=ritual.timezone,
                       brief=ritual.brief_template, persona=ritual.persona, channel=ritual.channel,
                       segments=list(ritual.segments or []), audience=ritual.audience,
                       lead_hours=ritual.lead_minutes / 60, freeze_hours=ritual.freeze_minutes / 60,
                       exdates=list(ritual.exdates or []), holidays=ritual.holidays, slug=ritual.slug)


def update_ritual(brand_slug: str, slug: str, changes: dict) -> tuple[Ritual, int]:
    """Apply the given fields, checked exactly as on creation; nothing is stored when one is refused.
    Returns the ritual and how many planned changes (a move or own brief) it dropped because the new series
    no longer has their occurrence."""
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise InvalidInput(f"不能修改 {', '.join(unknown)} / these cannot be changed: {', '.join(unknown)}")
    ritual = get_ritual(brand_slug, slug)
    values = checked_fields(replace(current_input(ritual), **changes), ritual.brand)
    series(Ritual(**values), limit=1)  # a new series must be covered by the holiday data, as on creation
    new_series = any(getattr(ritual, name) != values[name] for name in SERIES_FIELDS)
    for name, value in values.items():
        setattr(ritual, name, value)
    dropped = 0
    if new_series:
        _follow_from_now(ritual)
        dropped = _drop_plans_off_series(ritual)
    db.session.commit()
    return ritual, dropped


def set_active(brand_slug: str, slug: str, active: bool) -> Ritual:
    """Switch the ritual off (no more briefs are written) or on again; on again, it goes on from now, so the
    times it was off are not reported as missed."""
    ritual = get_ritual(brand_slug, slug)
    if active and not ritual.active:
        _follow_from_now(ritual)
    ritual.active = active
    db.session.commit()
    return ritual


def _follow_from_now(ritual: Ritual) -> None:
    """Follow the series from the first time that can still be reviewed, and after every occurrence already
    written, so an edit never adds a second one beside it (a time moved by an hour, say)."""
    written = db.session.scalars(db.select(RitualOccurrence).where(
        RitualOccurrence.ritual_id == ritual.id, RitualOccurrence.brief_id.is_not(None))).all()
    ritual.series_from = max([utcnow() + timedelta(minutes=ritual.freeze_minutes)]
                             + [row.due_utc + timedelta(microseconds=1) for row in written])


def _drop_plans_off_series(ritual: Ritual) -> int:
    """Delete the planned changes whose occurrence the edited series no longer has: there is nothing left for
    them to move or rewrite. Skips stay on record; written occurrences are never touched."""
    planned = db.session.scalars(db.select(RitualOccurrence).where(
        RitualOccurrence.ritual_id == ritual.id, RitualOccurrence.state == OccurrenceState.PLANNED)).all()
    dropped = 0
    for row in planned:
        found = series(ritual, limit=1, after=row.occurrence_utc - timedelta(microseconds=1),
                       until=row.occurrence_utc)
        if row.occurrence_utc < ritual.series_from or not found or naive_utc(found[0]) != row.occurrence_utc:
            db.session.delete(row)
            dropped += 1
    return dropped
