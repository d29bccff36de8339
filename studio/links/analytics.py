"""What worked: clicks by people against the members each delivery reached, ranked so luck does not win.

Breakdowns: segment, group, post, local hour of sending, persona, channel type and poster template.

Members reached is the sum of the member counts of the groups that got each sent delivery. The click rate
is unique clickers (people, counted once per delivery however many of its links they tapped) over members
reached, ranked by its Wilson lower bound (95 %), and only rows above a
minimum reach are ranked, so one lucky small group does not top the list.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timezone
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func
from sqlalchemy.orm import selectinload

from studio import memberships
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.links import short_url
from studio.links.conversions import orders_by_link
from studio.models import (Brand, Brief, Channel, Delivery, DeliveryStatus, LinkVisitor, Persona, PosterImage,
                           Post, Revision, ShortLink)

DIMENSIONS = ("segment", "group", "post", "hour")
BREAKDOWNS = DIMENSIONS + ("persona", "channel_type", "template")
NO_POSTER = ""  # the template key of deliveries sent without a poster
Z_95 = 1.959964


def wilson_lower_bound(successes: int, trials: int, z: float = Z_95) -> float:
    """The lower end of the Wilson score interval of successes/trials; 0 with no trials."""
    if trials <= 0:
        return 0.0
    successes = min(successes, trials)  # forwarded links can bring more clickers than members reached
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - margin) / denominator)


@dataclass
class _Row:
    key: str
    label: str
    deliveries: int = 0
    reach: int = 0
    clicks: int = 0
    unique: int = 0
    bots: int = 0
    orders: int = 0
    revenue_cents: int = 0
    groups: set = field(default_factory=set)


def brand_by_slug(slug: str, *roles: str) -> Brand:
    """The brand, when the person acting (if any) is a member holding one of the roles (any role if none)."""
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == slug))
    if brand is None:
        raise NotFound(f"没有品牌 {slug!r} / unknown brand {slug!r}")
    memberships.check(brand.id, *roles, what=f"没有品牌 {slug!r} / unknown brand {slug!r}")
    return brand


def clickers_by_delivery(brand_id: int) -> dict[int, int]:
    """Unique people per delivery, over all of its links: one who tapped two links of a post is one clicker."""
    return dict(db.session.execute(
        db.select(ShortLink.delivery_id, func.count(distinct(LinkVisitor.visitor)))
        .join(LinkVisitor, LinkVisitor.link_id == ShortLink.id)
        .where(ShortLink.brand_id == brand_id, ShortLink.delivery_id.is_not(None))
        .group_by(ShortLink.delivery_id)).all())


def link_stats(brand_slug: str, base_url: str) -> list[dict]:
    """Every short link of the brand with its clicks by people, unique people and robots."""
    brand = brand_by_slug(brand_slug)
    links = db.session.scalars(db.select(ShortLink).where(ShortLink.brand_id == brand.id).order_by(ShortLink.id))
    return [{"token": link.token, "short_url": short_url(base_url, link.token), "url": link.destination,
             "clicks": link.clicks, "unique": link.unique_clicks, "bots": link.bot_clicks,
             "post": link.post_id, "delivery": link.delivery_id} for link in links]


def analytics(brand_slug: str, by: str, min_reach: int) -> list[dict]:
    """One row per value of the breakdown `by`: deliveries, groups, reach, clicks, uniques, rates, orders.

    Ranked rows (reach at least min_reach) come first, best lower bound first; the rest follow by reach.
    """
    if by not in BREAKDOWNS:
        raise InvalidInput(f"--by 只能是 {'、'.join(BREAKDOWNS)} / --by must be one of {', '.join(BREAKDOWNS)}")
    brand = brand_by_slug(brand_slug)
    zone = ZoneInfo(brand.timezone)
    sent = db.session.scalars(
        db.select(Delivery).join(Channel, Channel.id == Delivery.channel_id)
        .where(Channel.brand_id == brand.id, Delivery.status == DeliveryStatus.SENT)
        .options(selectinload(Delivery.channel), selectinload(Delivery.post).selectinload(Post.segment),
                 selectinload(Delivery.post).selectinload(Post.brief).selectinload(Brief.persona),
                 selectinload(Delivery.revision).selectinload(Revision.poster))).all()
    rows: dict[str, _Row] = {}
    key_of_delivery = {}
    for delivery in sent:
        key, label = _key(delivery, by, zone)
        row = rows.setdefault(key, _Row(key, label))
        row.deliveries += 1
        row.reach += delivery.channel.members or 0
        row.groups.add(delivery.channel_id)
        key_of_delivery[delivery.id] = key
    made_for = _made_for(brand, by)
    orders = orders_by_link(brand)
    for delivery_id, clickers in clickers_by_delivery(brand.id).items():
        if delivery_id in key_of_delivery:
            rows[key_of_delivery[delivery_id]].unique += clickers
    for link in db.session.scalars(db.select(ShortLink).where(ShortLink.brand_id == brand.id)):
        if link.delivery_id:
            key = key_of_delivery.get(link.delivery_id)
            label = rows[key].label if key else ""
        else:
            key, label = made_for(link) or (None, "")
        if key is None:
            continue
        row = rows.setdefault(key, _Row(key, label))
        row.clicks += link.clicks
        row.unique += 0 if link.delivery_id else link.unique_clicks  # a delivery's clickers are counted above
        row.bots += link.bot_clicks
        link_orders, cents = orders.get(link.id, (0, 0))
        row.orders += link_orders
        row.revenue_cents += cents
    return _ranked([_as_dict(row, min_reach) for row in rows.values()])


def _key(delivery: Delivery, by: str, zone: ZoneInfo) -> tuple[str, str]:
    post = delivery.post
    if by == "segment":
        return post.segment.slug, post.segment.name
    if by == "group":
        return delivery.channel.slug, delivery.channel.name
    if by == "post":
        return str(post.id), f"#{post.id} {post.segment.name}：{(post.brief.key_message or '')[:30]}"
    if by == "persona":
        return post.brief.persona.slug, post.brief.persona.name
    if by == "channel_type":
        return delivery.channel.type, delivery.channel.type
    if by == "template":
        template = (delivery.revision.poster.spec or {}).get("template") if delivery.revision.poster else None
        return (template, template) if template else (NO_POSTER, "")
    moment = (delivery.sent_at or delivery.due_at).replace(tzinfo=timezone.utc).astimezone(zone)
    return f"{moment.hour:02d}", f"{moment.hour:02d}:00"


def _made_for(brand: Brand, by: str):
    """Where a link made by hand, not for a delivery, counts: a function from the link to (key, label) or None.

    A poster's QR link counts for the poster's template; the others for the segment, group or post named.
    """
    if by == "segment":
        segments = {s.id: (s.slug, s.name) for s in brand.segments}
        return lambda link: segments.get(link.segment_id)
    if by in ("group", "channel_type"):
        channels = {c.id: (c.slug, c.name) if by == "group" else (c.type, c.type) for c in brand.channels}
        return lambda link: channels.get(link.channel_id)
    if by == "post":
        return lambda link: (str(link.post_id), f"#{link.post_id}") if link.post_id else None
    if by == "persona":
        personas = {post_id: (slug, name) for post_id, slug, name in db.session.execute(
            db.select(Post.id, Persona.slug, Persona.name).join(Brief, Brief.id == Post.brief_id)
            .join(Persona, Persona.id == Brief.persona_id).where(Brief.brand_id == brand.id))}
        return lambda link: personas.get(link.post_id)
    if by == "template":
        templates = {link_id: (spec or {}).get("template") for link_id, spec in db.session.execute(
            db.select(PosterImage.link_id, PosterImage.spec)
            .where(PosterImage.brand_id == brand.id, PosterImage.link_id.is_not(None)))}
        return lambda link: (templates[link.id],) * 2 if templates.get(link.id) else None
    return lambda link: None


def _as_dict(row: _Row, min_reach: int) -> dict:
    rate = min(row.unique, row.reach) / row.reach if row.reach else None
    return {"key": row.key, "label": row.label, "deliveries": row.deliveries, "groups": len(row.groups),
            "reach": row.reach, "clicks": row.clicks, "unique": row.unique, "bots": row.bots,
            "rate": round(rate, 4) if rate is not None else None,
            "rate_low": round(wilson_lower_bound(row.unique, row.reach), 4), "ranked": row.reach >= min_reach,
            "orders": row.orders, "revenue": round(row.revenue_cents / 100, 2)}


def _ranked(rows: list[dict]) -> list[dict]:
    ranked = sorted((r for r in rows if r["ranked"]), key=lambda r: (-r["rate_low"], -r["reach"], r["key"]))
    rest = sorted((r for r in rows if not r["ranked"]), key=lambda r: (-r["reach"], r["key"]))
    return ranked + rest
