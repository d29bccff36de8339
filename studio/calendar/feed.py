"""A brand's calendar as an iCalendar feed (RFC 5545) at a secret URL, for people's own calendar apps."""
from __future__ import annotations

import hmac
import secrets
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Event

from studio import audit
from studio.brands.kits import get_brand
from studio.calendar.items import STATE_WORDS, CalendarItem, calendar_items
from studio.errors import Forbidden, NotFound
from studio.extensions import db
from studio.i18n import gettext
from studio.models import Brand, User

TOKEN_SETTING = "calendar_feed_token"
# What a subscribed calendar app shows: the past month, to see what went out, and the next quarter.
DAYS_BEFORE, DAYS_AFTER = 31, 92
EVENT_STATUS = {"planned": "TENTATIVE", "drafted": "TENTATIVE", "in_review": "TENTATIVE",
                "cancelled": "CANCELLED"}


def feed_token(brand: Brand) -> str | None:
    return brand.studio_setting(TOKEN_SETTING) or None


def rotate_feed_token(brand_slug: str, actor: User) -> str:
    """A new secret for the brand's feed URL; the old URL stops working at once."""
    brand = get_brand(brand_slug)
    if not actor.can("editor", "reviewer", brand_id=brand.id):
        raise Forbidden("没有排期权限")
    token = secrets.token_urlsafe(24)
    brand.store_studio_setting(TOKEN_SETTING, token)
    audit.record("calendar_feed_rotated", actor_id=actor.id, brand_id=brand.id, detail=brand.slug)
    db.session.commit()
    return token


def brand_for_token(brand_slug: str, token: str) -> Brand:
    """The brand whose feed token this is; NotFound for any other brand or token, told apart by nothing."""
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == brand_slug))
    expected = feed_token(brand) if brand is not None else None
    if expected is None or not hmac.compare_digest(expected.encode(), (token or "").encode()):
        raise NotFound("没有这个日历 / no such calendar")
    return brand


def feed_ics(brand_slug: str, token: str, today: date | None = None) -> bytes:
    """The feed of the brand whose token this is, as iCalendar bytes."""
    brand = brand_for_token(brand_slug, token)
    today = today or datetime.now(timezone.utc).date()
    calendar = Calendar()
    calendar.add("prodid", "-//Community Content Studio//calendar//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{brand.name} · {gettext('内容日历')}")
    calendar.add("x-wr-timezone", brand.timezone)
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    first, last = today - timedelta(days=DAYS_BEFORE), today + timedelta(days=DAYS_AFTER)
    for item in calendar_items(brand.slug, first, last):
        calendar.add_component(_event(item, brand, stamp))
    return calendar.to_ical()


def _event(item: CalendarItem, brand: Brand, stamp: datetime) -> Event:
    event = Event()
    start = datetime.strptime(item.start_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    event.add("uid", f"{item.uid}@{brand.slug}.calendar.studio")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=30))
    event.add("summary", f"{item.title}（{item.segment.get('name', '')}）")
    event.add("description", "\n".join([
        f"{gettext('人群')}：{item.segment.get('name', '')}",
        f"{gettext('状态')}：{gettext(STATE_WORDS[item.state])}",
        f"{gettext('群')}：{len(item.deliveries)}",
        f"{gettext('人设')}：{item.persona.get('name', '')}",
        f"#{item.post_id}" if item.post_id else f"{gettext('社群仪式')}：{item.title}"]))
    event.add("status", EVENT_STATUS.get(item.state, "CONFIRMED"))
    event.add("categories", [item.state])
    return event
