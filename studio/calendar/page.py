"""What the calendar page needs besides its items: the brand's clock, filter values and feed secret."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from studio.brands.kits import get_brand
from studio.calendar.feed import feed_token
from studio.models import Brand


@dataclass
class CalendarView:
    """What the calendar page offers: the brand, its local today, and the values its filters can take."""

    brand: Brand
    today: str  # YYYY-MM-DDTHH:MM:SS, the brand's wall clock
    segments: dict[str, str]  # slug → name
    regions: list[str]
    channel_types: list[str]
    feed_token: str | None


def calendar_view(brand_slug: str) -> CalendarView:
    brand = get_brand(brand_slug)
    groups = [channel for channel in brand.channels if channel.active]
    now = datetime.now(ZoneInfo(brand.timezone)).replace(microsecond=0, tzinfo=None)
    return CalendarView(brand=brand, today=now.isoformat(), segments={s.slug: s.name for s in brand.segments},
                        regions=sorted({g.region for g in groups if g.region}),
                        channel_types=sorted({g.type for g in groups}),
                        feed_token=feed_token(brand))
