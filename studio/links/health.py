"""Group health: how each group answers what it is sent, and which groups are going quiet.

A group is going quiet when deliveries have kept arriving for two weeks or more without a click by a person,
or when its click rate over the last 30 days fell to half of the 30 days before. A quiet group comes with a
suggested 召回 (win-back) brief for its segments.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from prompts.loader import PromptTemplateError, kit_overrides, read_template
from studio.extensions import db
from studio.links.analytics import brand_by_slug, clickers_by_delivery
from studio.models import Channel, Delivery, DeliveryStatus, ShortLink, utcnow

QUIET_AFTER = timedelta(days=14)
RECENT = timedelta(days=30)
SETTLE = timedelta(days=1)  # most clicks come within a day: a younger delivery says nothing yet of the rate
FALLING_RATIO = 0.5
MIN_EARLIER_CLICKERS = 5  # below this a drop is noise: two clickers, then none, is not a trend
WINBACK_STAGE = "召回"


def group_health(brand_slug: str, now: datetime | None = None) -> list[dict]:
    """One row per active group of the brand, quiet groups first, then by members."""
    brand = brand_by_slug(brand_slug)
    now = now or utcnow()
    groups = [group for group in brand.channels if group.active]
    sent = defaultdict(list)  # group id -> [(delivery id, sent at)]
    for delivery_id, channel_id, sent_at, due_at in db.session.execute(
            db.select(Delivery.id, Delivery.channel_id, Delivery.sent_at, Delivery.due_at)
            .join(Channel, Channel.id == Delivery.channel_id)
            .where(Channel.brand_id == brand.id, Delivery.status == DeliveryStatus.SENT)):
        sent[channel_id].append((delivery_id, sent_at or due_at))
    links = defaultdict(list)
    for link in db.session.scalars(db.select(ShortLink).where(ShortLink.brand_id == brand.id,
                                                              ShortLink.channel_id.is_not(None))):
        links[link.channel_id].append(link)
    suggestion = {"brand": brand.slug, "key_message": _winback_message(kit_overrides(brand.kit_path))}
    clickers = clickers_by_delivery(brand.id)
    rows = [_health(group, sent[group.id], links[group.id], clickers, now, suggestion) for group in groups]
    return sorted(rows, key=lambda row: (not row["quiet"], -row["members"], row["slug"]))


def _health(group: Channel, sent: list[tuple[int, datetime]], links: list[ShortLink], clickers: dict[int, int],
            now: datetime, suggestion: dict) -> dict:
    members = group.members or 0
    clicks = sum(link.clicks for link in links)
    unique = sum(clickers.get(delivery_id, 0) for delivery_id, _ in sent) + \
        sum(link.unique_clicks for link in links if not link.delivery_id)
    clicked = [link.last_clicked_at for link in links if link.last_clicked_at]
    last_click = max(clicked) if clicked else None
    unanswered = [at for _, at in sent if last_click is None or at > last_click]
    reasons = []
    if unanswered and now - min(unanswered) >= QUIET_AFTER:
        reasons.append("no_clicks")
    recent_rate, earlier_rate = _rates(group, sent, clickers, now)
    if recent_rate is not None and earlier_rate and recent_rate < earlier_rate * FALLING_RATIO:
        reasons.append("falling")
    return {
        "slug": group.slug, "name": group.name, "type": group.type, "segments": list(group.segments or []),
        "members": members, "clicks": clicks, "unique": unique,
        "clicks_per_member": round(clicks / members, 4) if members else None,
        "unique_per_member": round(unique / members, 4) if members else None,
        "days_since_click": (now - last_click).days if last_click else None,
        "deliveries": len(sent), "deliveries_30d": sum(1 for _, at in sent if now - at <= RECENT),
        "recent_rate": recent_rate, "earlier_rate": earlier_rate,
        "quiet": bool(reasons), "reasons": reasons,
        "winback": _winback(group, suggestion) if reasons else None,
    }


def _rates(group: Channel, sent, unique_by_delivery: dict[int, int], now: datetime) \
        -> tuple[float | None, float | None]:
    """Unique clickers per member reached, for deliveries of the last 30 days (settled) and the 30 before.

    The earlier rate is None when it rests on too few clickers to show a fall.
    """
    members = group.members or 0
    if not members:
        return None, None
    recent = [d for d, at in sent if SETTLE <= now - at <= RECENT]
    earlier = [d for d, at in sent if RECENT < now - at <= 2 * RECENT]

    def rate(deliveries: list[int]) -> float | None:
        if not deliveries:
            return None
        return round(sum(unique_by_delivery.get(d, 0) for d in deliveries) / (members * len(deliveries)), 4)

    enough = sum(unique_by_delivery.get(d, 0) for d in earlier) >= MIN_EARLIER_CLICKERS
    return rate(recent), rate(earlier) if enough else None


def _winback(group: Channel, suggestion: dict) -> dict:
    """The new-brief form's fields for a win-back post to this group's segments."""
    return {**suggestion, "channel": group.slug, "segments": list(group.segments or []),
            "goal": f"{WINBACK_STAGE}：{group.name}"}


def _winback_message(overrides) -> str:
    """The win-back stage's own one-line guidance from the script files (the kit's own first), as the brief's
    key message."""
    try:
        return read_template(f"stages/{WINBACK_STAGE}.txt", overrides).meta.get("short", "")
    except PromptTemplateError:
        return ""
