"""The alert for an occurrence that will not be sent, in the brand's alert channel like a delivery's."""
from __future__ import annotations

from studio.channels import SendResult
from studio.distribution.alerts import post_alert, studio_link
from studio.extensions import db
from studio.i18n import brand_time
from studio.models import RitualOccurrence


def send_missed_alert(occurrence_id: int) -> SendResult | None:
    """Post that the occurrence is missed, why, and where to look: its brief, else the ritual's calendar."""
    row = db.session.get(RitualOccurrence, occurrence_id)
    if row is None:
        return None
    ritual = row.ritual
    brand = ritual.brand
    where = f"/briefs/{row.brief_id}" if row.brief_id else f"/brands/{brand.slug}/calendar"
    text = (f"【仪式未发出】{brand.name}「{ritual.name}」（计划 {brand_time(row.due_utc, brand)}）：{row.note}"
            f"\n查看：{studio_link(where)}")
    first_post = row.brief.posts[0].id if row.brief and row.brief.posts else 0
    return post_alert(brand, text, f"ritual{ritual.id}-{row.occurrence_utc:%Y%m%dT%H%M}", post_id=first_post)
