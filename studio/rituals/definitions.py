"""Rituals as stored: creating one, reading its series, and the brief an occurrence asks for."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from studio.accounts import ensure_user
from studio.brands.kits import get_brand
from studio.distribution import groups
from studio.drafting.briefs import BriefInput, check_fields, parse_list, resolve_brief
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.models import Channel, OccurrenceState, Persona, Ritual, RitualOccurrence, Segment, utcnow
from studio.rituals.date_words import date_words
from studio.rituals.errors import HolidayDataMissing
from studio.rituals.holidays import HOLIDAY_POLICIES, last_known_day
from studio.rituals.local_time import end_of_day, instant_of, parse_local, zone_named
from studio.rituals.recurrence import Occurrence, occurrences, parse_exdates
from studio.rituals.rules import parse_rule

PLACEHOLDER = re.compile(r"\{(\w+)\}")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
TEMPLATE_WORDS = ("weekday", "relative_weekday", "date", "lunar", "festival", "clock")
NEXT_SHOWN = 5
PLANNER = "rituals"
MOST_HOURS = 24 * 366


@dataclass
class RitualInput:
    """What a planner writes: plain values, checked by create_ritual."""

    brand: str
    name: str
    rrule: str
    start: str  # local YYYY-MM-DDTHH:MM
    timezone: str
    brief: str
    persona: str = ""
    channel: str = ""
    segments: list[str] = field(default_factory=list)
    audience: str = ""
    lead_hours: float = 48
    freeze_hours: float = 2
    exdates: list[str] = field(default_factory=list)
    holidays: str = "include"
    slug: str = ""


def create_ritual(data: RitualInput, created_by_id: int | None = None) -> Ritual:
    """Check the rule, zone, template and brief against the brand, then store the ritual."""
    brand = get_brand(data.brand)
    fields = checked_fields(data, brand)
    ritual = Ritual(brand_id=brand.id, slug=_slug(brand.id, data.slug, fields["name"]),
                    created_by_id=created_by_id or _planner_id(), **fields)
    series(ritual, limit=1)  # the holiday data must cover its first occurrence
    db.session.add(ritual)
    try:
        db.session.commit()
    except IntegrityError:  # another planner took the slug a moment ago
        db.session.rollback()
        raise InvalidInput(f"仪式 {ritual.slug} 已存在，请换个名称 / ritual {ritual.slug} exists") from None
    return ritual


def checked_fields(data: RitualInput, brand) -> dict:
    """The ritual's stored fields from what the planner wrote, each checked; InvalidInput names the first
    that cannot work. Creating and editing a ritual both go through here."""
    name = (data.name or "").strip()
    if not name or len(name) > Ritual.__table__.c.name.type.length:
        raise InvalidInput("仪式名称须为 1–100 字 / the ritual name must be 1 to 100 characters")
    zone = zone_named(data.timezone)
    start = parse_local(data.start, "--start")
    rule = parse_rule(data.rrule)
    exdate_texts = [text.strip() for raw in data.exdates for text in raw.split(",") if text.strip()]
    parse_exdates(exdate_texts)
    if data.holidays not in HOLIDAY_POLICIES:
        raise InvalidInput(f"节假日选项须为 {'、'.join(HOLIDAY_POLICIES)} / holidays must be one of "
                           f"{', '.join(HOLIDAY_POLICIES)}")
    check_template(data.brief)
    if not 0 <= data.freeze_hours < data.lead_hours <= MOST_HOURS:
        raise InvalidInput("须 0 ≤ 冻结时间 < 提前时间 ≤ 一年 / the freeze must be shorter than the lead time, "
                           "both between 0 hours and a year")
    groups.parse_audience(data.audience)
    persona = data.persona or _first_slug(Persona, brand.id)
    channel = data.channel or _first_slug(Channel, brand.id)
    segments = parse_list(data.segments) or _audience_segments(brand.slug, brand.id, data.audience)
    # The brief each occurrence will make must be valid now, not fail at the first materialization.
    resolve_brief(BriefInput(brand=brand.slug, persona=persona, channel=channel, segments=segments,
                             key_message=fill_template(data.brief, {word: "" for word in TEMPLATE_WORDS})
                             or "-"))
    return dict(name=name, rrule=rule.text, dtstart=start, timezone=zone.key, exdates=exdate_texts,
                holidays=data.holidays, brief_template=data.brief.strip(), persona=persona, channel=channel,
                segments=segments, audience=data.audience.strip(), lead_minutes=round(data.lead_hours * 60),
                freeze_minutes=round(data.freeze_hours * 60))


def check_template(text: str) -> None:
    """Refuse an empty brief or a placeholder the date words do not fill."""
    check_fields(BriefInput(brand="", persona="", channel="", segments=[], key_message=text or ""))
    if not (text or "").strip():
        raise InvalidInput("简报不能为空 / the brief is empty")
    unknown = sorted({word for word in PLACEHOLDER.findall(text) if word not in TEMPLATE_WORDS})
    if unknown:
        raise InvalidInput(f"简报里有未知的占位符 {', '.join('{' + w + '}' for w in unknown)}（可用 "
                           f"{', '.join('{' + w + '}' for w in TEMPLATE_WORDS)}） / unknown placeholder")


def fill_template(text: str, words: dict[str, str]) -> str:
    """The brief's key message with each {word} replaced by the occurrence's date word."""
    return PLACEHOLDER.sub(lambda match: words.get(match[1], match[0]), text).strip()


def brief_words(ritual: Ritual, due_utc: datetime, today: date) -> dict[str, str]:
    """The date words of an occurrence as seen in the ritual's zone, 本周/下周 counted from today."""
    return date_words(due_utc.replace(tzinfo=timezone.utc), ZoneInfo(ritual.timezone), today=today)


def series(ritual: Ritual, *, limit: int, after: datetime | None = None,
           until: datetime | None = None) -> list[Occurrence]:
    """The ritual's occurrences in its series; after/until are naive UTC."""
    return occurrences(parse_rule(ritual.rrule), ritual.dtstart, ZoneInfo(ritual.timezone), limit=limit,
                       exdates=parse_exdates(ritual.exdates or []), holidays=ritual.holidays,
                       after=_aware(after), until=_aware(until))


def occurrence_at_instant(moment: datetime, zone: ZoneInfo) -> Occurrence:
    """The occurrence at a naive UTC instant, with its local time in the zone."""
    utc = moment.replace(tzinfo=timezone.utc)
    return Occurrence(local=utc.astimezone(zone), utc=utc)


def naive_utc(occurrence: Occurrence) -> datetime:
    return occurrence.utc.replace(tzinfo=None)


def get_ritual(brand_slug: str, slug: str) -> Ritual:
    brand = get_brand(brand_slug)
    ritual = db.session.scalar(db.select(Ritual).where(Ritual.brand_id == brand.id, Ritual.slug == slug))
    if ritual is None:
        raise NotFound(f"没有仪式 {slug!r} / no ritual {slug!r}")
    return ritual


def rituals_of(brand_slug: str) -> list[Ritual]:
    brand = get_brand(brand_slug)
    return db.session.scalars(db.select(Ritual).where(Ritual.brand_id == brand.id).order_by(Ritual.id)).all()


def ritual_dict(ritual: Ritual, next_count: int = NEXT_SHOWN) -> dict:
    """The ritual as plain values, with its next occurrences from now."""
    return {"id": ritual.id, "slug": ritual.slug, "name": ritual.name, "brand": ritual.brand.slug,
            "rrule": ritual.rrule, "start": ritual.dtstart.strftime("%Y-%m-%dT%H:%M"), "timezone": ritual.timezone,
            "exdates": list(ritual.exdates or []), "holidays": ritual.holidays, "brief": ritual.brief_template,
            "persona": ritual.persona, "channel": ritual.channel, "segments": list(ritual.segments or []),
            "audience": ritual.audience, "lead_hours": ritual.lead_minutes / 60,
            "freeze_hours": ritual.freeze_minutes / 60, "active": ritual.active,
            "next": _next(ritual, next_count)}


def _next(ritual: Ritual, count: int) -> list[dict]:
    """The next occurrences as they will be sent: skipped ones left out, moved ones at their new time; `at`
    is each one's local time in the series, by which it is skipped or moved. A deactivated ritual has only
    those already written."""
    now = utcnow()
    changed = {row.occurrence_utc: row for row in db.session.scalars(db.select(RitualOccurrence).where(
        RitualOccurrence.ritual_id == ritual.id, RitualOccurrence.occurrence_utc > now))}
    skipped = sum(row.state == OccurrenceState.SKIPPED for row in changed.values())
    zone = ZoneInfo(ritual.timezone)
    # Written ones go on whatever the series became since; the series only while the ritual is active.
    ahead = {instant: occurrence_at_instant(instant, zone) for instant, row in changed.items()
             if row.state in (OccurrenceState.MATERIALIZED, OccurrenceState.FROZEN)}
    if ritual.active:
        ahead.update((naive_utc(o), o) for o in series_known(ritual, limit=count + skipped, after=now))
    found = []
    for occurrence in ahead.values():
        row = changed.get(naive_utc(occurrence))
        if row is not None and row.state == OccurrenceState.SKIPPED:
            continue
        due = occurrence_at_instant(row.due_utc, zone) if row is not None else occurrence
        found.append({**due.as_dict(), "at": occurrence.local.strftime("%Y-%m-%dT%H:%M"),
                      "state": str(row.state.value) if row else OccurrenceState.PLANNED.value,
                      "own_brief": row.brief_override if row else "", "brief_id": row.brief_id if row else None})
    return sorted(found, key=lambda entry: entry["utc"])[:count]


def followed_from(ritual: Ritual) -> datetime:
    """The first instant (naive UTC) whose occurrences the beat writes, or finds missed: from its creation
    plus the freeze (no time before could be reviewed), or the instant an edit or reactivation set."""
    return ritual.series_from or ritual.created_at + timedelta(minutes=ritual.freeze_minutes)


def series_known(ritual: Ritual, *, limit: int, after: datetime | None = None,
                 until: datetime | None = None) -> list[Occurrence]:
    """The series as it is followed, for a ritual that skips holidays only as far as the holiday calendar has
    data; an edited or reactivated one from its `series_from` on."""
    if ritual.series_from is not None:
        lower = ritual.series_from - timedelta(microseconds=1)
        after = lower if after is None else max(_naive(after), lower)
    try:
        return series(ritual, limit=limit, after=after, until=until)
    except HolidayDataMissing:
        known = instant_of(end_of_day(last_known_day()), ZoneInfo(ritual.timezone)).replace(tzinfo=None)
        return series(ritual, limit=limit, after=after, until=min(until or known, known))


def _planner_id() -> int:
    """The studio's own account, author of the briefs of rituals no person created (they came from the CLI):
    any reviewer may approve them. Its password is random and never shown, so nobody signs in as it."""
    return ensure_user(PLANNER, secrets.token_urlsafe(24), "editor").id


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def _first_slug(model, brand_id: int) -> str:
    slug = db.session.scalar(db.select(model.slug).where(model.brand_id == brand_id, model.active.is_(True))
                             .order_by(model.id).limit(1))
    if slug is None:
        raise InvalidInput(f"品牌没有可用的{'人设' if model is Persona else '渠道'} / the brand has none")
    return slug


def _audience_segments(brand_slug: str, brand_id: int, audience: str) -> list[str]:
    """The segments the audience's groups belong to, in the brand's order; all of them when none is named."""
    active = db.session.scalars(db.select(Segment.slug).where(Segment.brand_id == brand_id,
                                                              Segment.active.is_(True)).order_by(Segment.id)).all()
    reached = {slug for group in groups.match_groups(brand_slug, audience) for slug in group.segments or []}
    return [slug for slug in active if slug in reached] or list(active)


def _slug(brand_id: int, wanted: str, name: str) -> str:
    """The slug asked for, checked; else one made from the name."""
    wanted = (wanted or "").strip()
    if not wanted:
        return _free_slug(brand_id, name)
    if not SLUG.fullmatch(wanted):
        raise InvalidInput(f"标识 {wanted!r} 只能用小写字母、数字和连字符 / slug {wanted!r}: use a-z, 0-9 and -")
    return wanted


def _free_slug(brand_id: int, name: str) -> str:
    """A slug from the name's Latin letters and digits, else ritual-N; never one the brand has."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48] or "ritual"
    taken = set(db.session.scalars(db.select(Ritual.slug).where(Ritual.brand_id == brand_id)))
    if base not in taken and base != "ritual":
        return base
    number = 1
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
