"""Calendar items of one brand between two dates: scheduled posts with their deliveries, in the brand's zone.

An item is one post's deliveries due at one moment. Its `kind` is "post"; ritual occurrences become items
of kind "ritual" with the same fields, their `post_id` empty until a post is written for them (see
ritual_items).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy.orm import selectinload

from studio.brands.kits import get_brand
from studio.calendar import ritual_items
from studio.calendar.rescheduling import MOVABLE
from studio.errors import InvalidInput
from studio.extensions import db
from studio.models import Brand, Brief, Delivery, DeliveryStatus, Post, PostStatus, utcnow
from studio.posts import is_approved

# "planned" is a slot with nothing written for it yet: the state of a ritual occurrence before its post.
ITEM_STATES = ("planned", "drafted", "in_review", "approved", "sent", "missed", "cancelled")
# Their words on pages and in the feed, through gettext.
STATE_WORDS = {"planned": "已计划", "drafted": "写稿中", "in_review": "待审核", "approved": "已批准待发送",
               "sent": "已发送", "missed": "未发出", "cancelled": "已取消"}
TROUBLED = (DeliveryStatus.FAILED, DeliveryStatus.MISSED, DeliveryStatus.UNCONFIRMED)
DRAFTING = (PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED, PostStatus.GENERATING, PostStatus.ERROR)
MAX_RANGE_DAYS = 366
TITLE_CHARS = 40


@dataclass
class GroupDelivery:
    id: int
    channel: str
    name: str
    type: str
    status: str
    region: str = ""
    store: str = ""
    members: int = 0


@dataclass
class CalendarItem:
    kind: str
    uid: str
    title: str
    state: str
    local_start: str  # wall-clock time in the brand's zone, YYYY-MM-DDTHH:MM
    start_utc: str  # ISO 8601 with Z
    timezone: str
    post_id: int | None = None
    brief_id: int | None = None
    post_status: str = ""
    segment: dict = field(default_factory=dict)  # slug, name
    persona: dict = field(default_factory=dict)
    movable: bool = False
    deliveries: list[GroupDelivery] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date, or InvalidInput naming what was given."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput(f"日期无法识别：{text!r}（请用 YYYY-MM-DD） / "
                           f"bad date {text!r}, use YYYY-MM-DD") from None


def utc_window(brand: Brand, first: date, last: date) -> tuple[datetime, datetime]:
    """The naive-UTC span of the brand's local days first..last, both included."""
    if first > last:
        raise InvalidInput(f"开始日期 {first} 晚于结束日期 {last} / "
                           f"the start date {first} is after the end date {last}")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"日期范围超过 {MAX_RANGE_DAYS} 天 / "
                           f"the range is longer than {MAX_RANGE_DAYS} days")
    zone = ZoneInfo(brand.timezone)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time(), zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return utc(first), utc(last + timedelta(days=1))


def item_state(post: Post, statuses: list[DeliveryStatus]) -> str:
    """The few states a planner reads, from the post's review state and its deliveries' outcomes."""
    live = [status for status in statuses if status != DeliveryStatus.CANCELLED]
    if any(status in TROUBLED for status in live):
        return "missed"
    if live and all(status == DeliveryStatus.SENT for status in live):
        return "sent"
    if live and is_approved(post):
        return "approved"
    if post.status == PostStatus.IN_REVIEW:
        return "in_review"
    if post.status in DRAFTING:
        return "drafted"
    return "cancelled"


def brief_title(brief: Brief) -> str:
    text = (brief.goal or "").strip() or " ".join((brief.key_message or "").split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1] + "…"


def calendar_items(brand_slug: str, first: date, last: date) -> list[CalendarItem]:
    """The brand's scheduled posts due on its local days first..last, one item per post and due time."""
    brand = get_brand(brand_slug)
    start, end = utc_window(brand, first, last)
    rows = db.session.scalars(
        db.select(Delivery).join(Post, Delivery.post_id == Post.id).join(Brief, Post.brief_id == Brief.id)
        .where(Brief.brand_id == brand.id, Delivery.due_at >= start, Delivery.due_at < end)
        .options(selectinload(Delivery.channel),
                 selectinload(Delivery.post).selectinload(Post.brief).selectinload(Brief.persona),
                 selectinload(Delivery.post).selectinload(Post.segment))
        .order_by(Delivery.due_at, Delivery.post_id, Delivery.revision_id, Delivery.id)).all()
    now = utcnow()
    groups = [list(same) for _key, same in groupby(rows, key=lambda d: (d.due_at, d.post_id, d.revision_id))]
    times_per_revision = Counter((group[0].post_id, group[0].revision_id) for group in groups)
    found = [_post_item(brand, group, now, times_per_revision[(group[0].post_id, group[0].revision_id)] > 1)
             for group in groups]
    of_rituals = ritual_items.ritual_briefs(brand)
    for item in found:
        if item.brief_id in of_rituals:
            item.kind = "ritual"
    scheduled = {item.brief_id for item in found if item.kind == "ritual"}
    found += [CalendarItem(**fields) for fields in
              ritual_items.occurrence_items(brand, start, end, scheduled)]
    return sorted(found, key=lambda item: item.start_utc)  # stable: posts keep their order at one time


def _post_item(brand: Brand, deliveries: list[Delivery], now: datetime,
               shared_revision: bool) -> CalendarItem:
    first = deliveries[0]
    post, due_at = first.post, first.due_at
    local = due_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(brand.timezone))
    statuses = [delivery.status for delivery in deliveries]
    state = item_state(post, statuses)
    # One UID per post revision, so a calendar app moves the event when the post is rescheduled.
    uid = f"post-{post.id}-rev{first.revision_id}" + (f"-{due_at:%Y%m%dT%H%M}" if shared_revision else "")
    live = [status for status in statuses if status != DeliveryStatus.CANCELLED]
    return CalendarItem(
        kind="post", uid=uid, title=brief_title(post.brief), state=state,
        local_start=local.strftime("%Y-%m-%dT%H:%M"), start_utc=due_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        timezone=brand.timezone, post_id=post.id, brief_id=post.brief_id, post_status=str(post.status.value),
        segment={"slug": post.segment.slug, "name": post.segment.name},
        persona={"slug": post.brief.persona.slug, "name": post.brief.persona.name},
        movable=state == "approved" and due_at > now and bool(live) and all(s in MOVABLE for s in live),
        deliveries=[GroupDelivery(id=d.id, channel=d.channel.slug, name=d.channel.name, type=d.channel.type,
                                  status=str(d.status.value), region=d.channel.region or "",
                                  store=d.channel.store or "", members=d.channel.members or 0)
                    for d in deliveries])

