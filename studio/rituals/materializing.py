"""Rituals that run: each occurrence becomes a brief once its lead time begins, exactly once; approved
variants are scheduled to the ritual's audience at the occurrence; at the freeze time what is not approved
stays unsent, and an occurrence with nothing approved is missed and announced."""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError

from studio import audit
from studio.distribution.alerts import queue_alert_task
from studio.distribution.brief_schedule import plan_brief
from studio.distribution.scheduling import schedule_post, utc_to_brand_local
from studio.drafting import briefs
from studio.errors import StudioError
from studio.extensions import db
from studio.models import (Channel, Delivery, DeliveryStatus, OccurrenceState, Post, PostStatus, Ritual, RitualOccurrence,
                           utcnow)
from studio.posts import is_approved
from studio.rituals.definitions import brief_words, fill_template, followed_from, naive_utc, series_known
from studio.task_names import ALERT_MISSED_OCCURRENCE

log = logging.getLogger(__name__)
# Enough for a ritual that ran hourly for a year; the series is read from the ritual's creation on.
MOST_OCCURRENCES = 10_000
# What is not approved at the freeze is never sent: drafts, those in review or sent back, and failed ones.
UNAPPROVED = (PostStatus.GENERATING, PostStatus.ERROR, PostStatus.DRAFT, PostStatus.IN_REVIEW,
              PostStatus.CHANGES_REQUESTED)


@dataclass
class Materialized:
    ritual: str
    occurrence_utc: str
    brief_id: int | None
    created: bool
    state: str

    def as_dict(self) -> dict:
        return asdict(self)


def run_rituals(now: datetime | None = None) -> dict:
    """One beat: freeze what reached its freeze time, schedule what was approved, write the briefs now due."""
    now = now or utcnow()
    frozen = freeze_due(now)
    scheduled = schedule_approved(now)
    created = [row for row in materialize_due(now) if row.created]
    return {"frozen": frozen, "scheduled": scheduled, "materialized": len(created)}


def materialize_due(now: datetime | None = None, *, brand_id: int | None = None,
                    until: datetime | None = None) -> list[Materialized]:
    """Every open occurrence whose lead time has begun (or that falls by `until`, naive UTC), with its brief;
    `created` is true only for the briefs this call wrote."""
    now = now or utcnow()
    query = db.select(Ritual.id).where(Ritual.active.is_(True)).order_by(Ritual.id)
    if brand_id is not None:
        query = query.where(Ritual.brand_id == brand_id)
    found: list[Materialized] = []
    for ritual_id in db.session.scalars(query).all():
        try:
            found.extend(_materialize_ritual(db.session.get(Ritual, ritual_id), now, until))
        except StudioError as exc:  # one ritual that cannot be read must not stop the others
            db.session.rollback()
            log.error("ritual %s not materialized: %s", ritual_id, exc)
    return found


def _materialize_ritual(ritual: Ritual, now: datetime, until: datetime | None) -> list[Materialized]:
    lead, freeze = timedelta(minutes=ritual.lead_minutes), timedelta(minutes=ritual.freeze_minutes)
    horizon = max(now + lead, until or now)
    rows = {row.occurrence_utc: row for row in db.session.scalars(
        db.select(RitualOccurrence).where(RitualOccurrence.ritual_id == ritual.id))}
    # From the ritual's creation (or its last edit of the series, or reactivation) on, so an occurrence a
    # stopped beat never saw is still found (and missed), and one from before the edit is not.
    first = followed_from(ritual) - timedelta(microseconds=1)
    # Past the holiday calendar's data a holiday-skipping ritual waits: no brief for a day that may be off.
    instants = {naive_utc(o) for o in series_known(ritual, limit=MOST_OCCURRENCES, after=first, until=horizon)}
    instants |= {instant for instant, row in rows.items()
                 if row.state == OccurrenceState.PLANNED and row.due_utc > first}
    found = []
    for instant in sorted(instants):
        row = rows.get(instant)
        due = row.due_utc if row else instant
        if row is not None and row.state != OccurrenceState.PLANNED:
            if row.state == OccurrenceState.MATERIALIZED and due - freeze > now:
                found.append(_result(ritual, row, created=False))
            continue
        if due - freeze <= now:
            _record_missed(ritual.id, instant, "提前时间内没有生成简报 / no brief was written in time")
        elif due - lead <= now or (until is not None and due <= until):
            found.append(_materialize_one(ritual, instant, now))
    return found


def _materialize_one(ritual: Ritual, instant: datetime, now: datetime) -> Materialized:
    """Claim the occurrence (insert its row, or take a planned one), then write its brief in the same commit;
    whoever loses the claim to another beat writes nothing."""
    row = _claim(ritual.id, instant)
    if row is None:
        db.session.rollback()
        return _result(ritual, _row(ritual.id, instant), created=False)
    try:
        brief = briefs.add_brief(_brief_input(ritual, row, now), author_id=ritual.created_by_id)
    except StudioError as exc:  # the persona, channel or a segment was removed since the ritual was made
        db.session.rollback()
        _record_missed(ritual.id, instant, f"简报无法生成：{exc}")
        return _result(ritual, _row(ritual.id, instant), created=False)
    row.brief_id, row.state = brief.id, OccurrenceState.MATERIALIZED
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _result(ritual, _row(ritual.id, instant), created=False)
    notice = briefs.start_drafting(brief.id)
    if notice:
        log.warning("ritual %s: drafting of brief %s is not queued yet: %s", ritual.slug, brief.id, notice)
    return _result(ritual, row, created=True)


def _claim(ritual_id: int, instant: datetime) -> RitualOccurrence | None:
    """The occurrence's row, now this caller's to materialize; None when another caller has it."""
    row = _row(ritual_id, instant)
    if row is None:
        row = RitualOccurrence(ritual_id=ritual_id, occurrence_utc=instant, state=OccurrenceState.MATERIALIZED)
        db.session.add(row)
        try:
            db.session.flush()  # the unique (ritual, occurrence) pair: a racing insert waits, then fails here
        except IntegrityError:
            return None
        return row
    taken = db.session.execute(
        update(RitualOccurrence).where(RitualOccurrence.id == row.id,
                                       RitualOccurrence.state == OccurrenceState.PLANNED)
        .values(state=OccurrenceState.MATERIALIZED, updated_at=utcnow()),
        execution_options={"synchronize_session": False}).rowcount
    if not taken:
        return None
    db.session.refresh(row)
    return row


def _brief_input(ritual: Ritual, row: RitualOccurrence, now: datetime) -> briefs.BriefInput:
    zone = ZoneInfo(ritual.timezone)
    today = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()
    words = brief_words(ritual, row.due_utc, today)
    local = row.due_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    return briefs.BriefInput(
        brand=ritual.brand.slug, persona=ritual.persona, channel=ritual.channel, segments=list(ritual.segments),
        key_message=fill_template(row.brief_override or ritual.brief_template, words),
        goal=f"{ritual.name} · {words['date']} {words['clock']}"[:briefs.GOAL_LENGTH], event_date=local.date())


def schedule_approved(now: datetime | None = None) -> int:
    """Schedule each approved variant of an open occurrence to its groups in the audience; returns how many."""
    now = now or utcnow()
    scheduled = 0
    for row in _open_rows():
        if row.due_utc - timedelta(minutes=row.ritual.freeze_minutes) > now:
            scheduled += _schedule_occurrence(row)
    return scheduled


def schedule_occurrence(occurrence_id: int, now: datetime | None = None) -> int:
    """Schedule the approved variants of one occurrence still open, as the beat would: what an approval asks
    for at once. Returns how many were scheduled."""
    row = db.session.get(RitualOccurrence, occurrence_id)
    if row is None or row.state != OccurrenceState.MATERIALIZED or row.brief_id is None:
        return 0
    if row.due_utc - timedelta(minutes=row.ritual.freeze_minutes) <= (now or utcnow()):
        return 0
    return _schedule_occurrence(row)


def _schedule_occurrence(row: RitualOccurrence) -> int:
    ritual, brief = row.ritual, row.brief
    ready = [post for post in brief.posts if post.status == PostStatus.APPROVED and is_approved(post)]
    if not ready:
        return 0
    plan, _left_out = plan_brief(brief.id, ritual.audience)
    local = utc_to_brand_local(row.due_utc, ritual.brand.timezone).replace(tzinfo=None)
    scheduled = 0
    for post in ready:
        # A group in two segments already has one variant of this occurrence: it gets no second one.
        slugs = [slug for slug in plan.get(post.id, []) if slug not in _groups_scheduled(brief.id)]
        if not slugs or not _hold_open(row.id):
            db.session.rollback()
            continue
        try:
            schedule_post(post.id, local, slugs, post.approved_by)
            scheduled += 1
        except (StudioError, IntegrityError) as exc:  # scheduled by a racing beat, or it no longer fits
            db.session.rollback()
            log.warning("ritual %s: variant %s not scheduled: %s", ritual.slug, post.id, exc)
    return scheduled


def _hold_open(row_id: int) -> bool:
    """Lock the occurrence while it is still open, so a freeze running meanwhile waits for this schedule."""
    return bool(db.session.execute(
        update(RitualOccurrence).where(RitualOccurrence.id == row_id,
                                       RitualOccurrence.state == OccurrenceState.MATERIALIZED)
        .values(updated_at=utcnow()), execution_options={"synchronize_session": False}).rowcount)


def freeze_due(now: datetime | None = None) -> int:
    """Close each open occurrence at its freeze time: what is scheduled goes; with nothing, it is missed."""
    now = now or utcnow()
    closed = 0
    for row in _open_rows():
        if row.due_utc - timedelta(minutes=row.ritual.freeze_minutes) <= now:
            closed += _freeze(row.id, row.brief_id, row.ritual.name)
    return closed


def _freeze(row_id: int, brief_id: int, ritual_name: str) -> int:
    taken = db.session.execute(
        update(RitualOccurrence).where(RitualOccurrence.id == row_id,
                                       RitualOccurrence.state == OccurrenceState.MATERIALIZED)
        .values(state=OccurrenceState.FROZEN, updated_at=utcnow()),
        execution_options={"synchronize_session": False}).rowcount
    if not taken:
        db.session.rollback()
        return 0
    # Counted after the row is held: a schedule that held it first has committed its deliveries by now.
    live = db.session.scalar(
        db.select(func.count(Delivery.id)).join(Post, Delivery.post_id == Post.id)
        .where(Post.brief_id == brief_id, Delivery.status != DeliveryStatus.CANCELLED))
    if not live:
        db.session.execute(
            update(RitualOccurrence).where(RitualOccurrence.id == row_id)
            .values(state=OccurrenceState.MISSED, note=_why_nothing_went(brief_id)),
            execution_options={"synchronize_session": False})
        queue_alert_task(ALERT_MISSED_OCCURRENCE, row_id)
    _set_aside_unapproved(brief_id, ritual_name)
    db.session.commit()
    db.session.expire_all()
    return 1


def _set_aside_unapproved(brief_id: int, ritual_name: str) -> None:
    """Archive the variants nobody approved by the freeze: they will never be sent, so reviewers should not
    find them in the queue. Each update is conditional, so a variant approved at this moment stays approved."""
    reason = f"仪式「{ritual_name}」已过冻结时间，未批准的变体不再发送"
    for post_id in db.session.scalars(db.select(Post.id).where(Post.brief_id == brief_id,
                                                                Post.status.in_(UNAPPROVED))).all():
        # The job token goes too: a draft still being written is not stored over the archive.
        if db.session.execute(
                update(Post).where(Post.id == post_id, Post.status.in_(UNAPPROVED))
                .values(status=PostStatus.ARCHIVED, job_token=None, job_seen_at=None),
                execution_options={"synchronize_session": False}).rowcount:
            audit.record("archived", post_id=post_id, detail=reason)


def _why_nothing_went(brief_id: int) -> str:
    approved = db.session.scalar(db.select(func.count(Post.id)).where(
        Post.brief_id == brief_id, Post.status.in_((PostStatus.APPROVED, PostStatus.SCHEDULED))))
    if approved:
        return "已批准，但受众里没有这些人群的群 / approved, but no group of the audience is in its segments"
    return "冻结时没有已批准的变体 / nothing approved by the freeze time"


def _record_missed(ritual_id: int, instant: datetime, why: str) -> None:
    """Note an occurrence that never got its brief as missed (once, however many beats see it) and alert."""
    row = _row(ritual_id, instant)
    try:
        if row is None:
            row = RitualOccurrence(ritual_id=ritual_id, occurrence_utc=instant, state=OccurrenceState.MISSED,
                                   note=why)
            db.session.add(row)
            db.session.flush()
        elif not db.session.execute(
                update(RitualOccurrence).where(RitualOccurrence.id == row.id,
                                               RitualOccurrence.state == OccurrenceState.PLANNED)
                .values(state=OccurrenceState.MISSED, note=why),
                execution_options={"synchronize_session": False}).rowcount:
            db.session.rollback()
            return
    except IntegrityError:
        db.session.rollback()
        return
    queue_alert_task(ALERT_MISSED_OCCURRENCE, row.id)
    db.session.commit()


def _open_rows() -> list[RitualOccurrence]:
    return db.session.scalars(db.select(RitualOccurrence).where(
        RitualOccurrence.state == OccurrenceState.MATERIALIZED, RitualOccurrence.brief_id.is_not(None))
        .order_by(RitualOccurrence.occurrence_utc)).all()


def _groups_scheduled(brief_id: int) -> set[str]:
    return set(db.session.scalars(
        db.select(Channel.slug).join(Delivery, Delivery.channel_id == Channel.id)
        .join(Post, Delivery.post_id == Post.id)
        .where(Post.brief_id == brief_id, Delivery.status != DeliveryStatus.CANCELLED)))


def _row(ritual_id: int, instant: datetime) -> RitualOccurrence | None:
    return db.session.scalar(db.select(RitualOccurrence).where(RitualOccurrence.ritual_id == ritual_id,
                                                               RitualOccurrence.occurrence_utc == instant))


def _result(ritual: Ritual, row: RitualOccurrence | None, *, created: bool) -> Materialized:
    return Materialized(ritual=ritual.slug, occurrence_utc=row.occurrence_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        brief_id=row.brief_id, created=created, state=str(row.state.value))
