"""Short links made by hand (for a poster on a shop counter, a message typed in a group), with what they
were made for, so their clicks land in the same reports as those of deliveries."""
from __future__ import annotations

from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.links import create_link, short_url
from studio.links.analytics import brand_by_slug
from studio.links.conversions import add_coupon
from studio.links.tracking import UTM_MEDIUM
from studio.models import Channel, Post, Segment


def make_link(brand_slug: str, url: str, base_url: str, *, segment: str = "", group: str = "",
              post_id: int | None = None, coupon: str = "") -> dict:
    """A new tracked link of the brand; `segment`, `group` and `post_id` must belong to it. A `coupon` code
    handed out with it makes the code's redemptions the link's orders."""
    brand = brand_by_slug(brand_slug)
    segment_row = _one(Segment, brand.id, segment, "人群 / segment") if segment else None
    group_row = _one(Channel, brand.id, group, "群 / group") if group else None
    post = None
    if post_id is not None:
        post = db.session.get(Post, post_id)
        if post is None or post.brief.brand_id != brand.id:
            raise NotFound(f"品牌 {brand_slug} 没有帖子 #{post_id} / brand {brand_slug} has no post #{post_id}")
        if segment_row is not None and segment_row.id != post.segment_id:
            raise InvalidInput(f"帖子 #{post_id} 不属于人群 {segment} / post #{post_id} is not for segment {segment}")
        segment_row = segment_row or post.segment
    utm = {"utm_source": group_row.type if group_row else "link", "utm_medium": UTM_MEDIUM,
           "utm_campaign": f"brief-{post.brief_id}" if post else brand.slug,
           "utm_content": segment_row.slug if segment_row else ""}
    link = create_link(url, brand_id=brand.id, utm=utm, post_id=post.id if post else None,
                       segment_id=segment_row.id if segment_row else None,
                       channel_id=group_row.id if group_row else None)
    result = {"token": link.token, "short_url": short_url(base_url, link.token)}
    if coupon:
        result["coupon"] = add_coupon(brand, coupon, link).code
    db.session.commit()
    return result


def _one(model, brand_id: int, slug: str, what: str):
    row = db.session.scalar(db.select(model).where(model.brand_id == brand_id, model.slug == slug))
    if row is None:
        raise NotFound(f"没有{what.split(' / ')[0]} {slug!r} / unknown {what.split(' / ')[1]} {slug!r}")
    return row
