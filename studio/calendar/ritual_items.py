"""Calendar items of a brand's ritual occurrences: planned ahead, written, in review, approved, missed.

An occurrence whose variants are scheduled is shown by their post items, marked as of kind "ritual"; one with
nothing scheduled yet is one item of its own, its `post_id` the first variant once one is written.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_

from studio.extensions import db
from studio.models import Brand, OccurrenceState, Persona, Post, PostStatus, Ritual, RitualOccurrence, Segment
from studio.posts import is_approved
from studio.rituals.definitions import naive_utc, series_known

# Enough for an hourly ritual over the longest range the calendar shows.
MOST_IN_RANGE = 10_000
# Of a brief's variants, the one furthest behind names the occurrence's state.
BEHIND_FIRST = ("drafted", "in_review", "approved")


def ritual_briefs(brand: Brand) -> set[int]:
    """Ids of the briefs written for the brand's ritual occurrences (their posts are ritual items)."""
    return set(db.session.scalars(
        db.select(RitualOccurrence.brief_id).join(Ritual, RitualOccurrence.ritual_id == Ritual.id)
        .where(Ritual.brand_id == brand.id, RitualOccurrence.brief_id.is_not(None))))


def occurrence_items(brand: Brand, start: datetime, end: datetime, scheduled_briefs: set[int]) -> list[dict]:
    """The fields of one item per occurrence due in [start, end) (naive UTC) whose variants are not scheduled."""
    found = []
    rituals = db.session.scalars(db.select(Ritual).where(Ritual.brand_id == brand.id,
                                                         Ritual.active.is_(True)).order_by(Ritual.id)).all()
    for ritual in rituals:
        rows = {row.occurrence_utc: row for row in db.session.scalars(db.select(RitualOccurrence).where(
            RitualOccurrence.ritual_id == ritual.id,
            or_(and_(RitualOccurrence.occurrence_utc >= start, RitualOccurrence.occurrence_utc < end),
                and_(RitualOccurrence.moved_to_utc >= start, RitualOccurrence.moved_to_utc < end))))}
        instants = {naive_utc(o) for o in series_known(ritual, limit=MOST_IN_RANGE,
                                                       after=start - timedelta(microseconds=1),
                                                       until=end - timedelta(microseconds=1))} | set(rows)
        names = _segment_names(brand.id, ritual.segments)
        persona = db.session.scalar(db.select(Persona).where(Persona.brand_id == brand.id,
                                                             Persona.slug == ritual.persona))
        for instant in sorted(instants):
            row = rows.get(instant)
            due = row.due_utc if row else instant
            if not start <= due < end or (row and row.brief_id in scheduled_briefs):
                continue
            posts = list(row.brief.posts) if row and row.brief else []
            local = due.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(brand.timezone))
            found.append(dict(
                kind="ritual", uid=f"ritual-{ritual.id}-{instant:%Y%m%dT%H%M}Z", title=ritual.name,
                state=_state(row, posts), local_start=local.strftime("%Y-%m-%dT%H:%M"),
                start_utc=due.strftime("%Y-%m-%dT%H:%M:%SZ"), timezone=brand.timezone,
                post_id=posts[0].id if posts else None, brief_id=row.brief_id if row else None,
                post_status=str(posts[0].status.value) if posts else "",
                segment={"slug": ",".join(ritual.segments or []), "name": "、".join(names)},
                persona={"slug": ritual.persona, "name": persona.name if persona else ritual.persona}))
    return found


def _state(row: RitualOccurrence | None, posts: list[Post]) -> str:
    if row is None or row.state == OccurrenceState.PLANNED:
        return "planned"
    if row.state == OccurrenceState.SKIPPED:
        return "cancelled"
    if row.state == OccurrenceState.MISSED:
        return "missed"
    states = {_variant_state(post) for post in posts}
    return next((state for state in BEHIND_FIRST if state in states), "cancelled")


def _variant_state(post: Post) -> str:
    if post.status in (PostStatus.APPROVED, PostStatus.SCHEDULED) and is_approved(post):
        return "approved"
    if post.status == PostStatus.IN_REVIEW:
        return "in_review"
    if post.status in (PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED, PostStatus.GENERATING, PostStatus.ERROR):
        return "drafted"
    return "cancelled"


def _segment_names(brand_id: int, slugs: list[str]) -> list[str]:
    by_slug = dict(db.session.execute(db.select(Segment.slug, Segment.name).where(
        Segment.brand_id == brand_id, Segment.slug.in_(list(slugs or [])))).all())
    return [by_slug.get(slug, slug) for slug in slugs or []]
