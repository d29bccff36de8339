"""Scheduling: a post or a whole brief at a local time, deliveries, moving them, and handling failed ones."""
from __future__ import annotations

from flask import g, jsonify

from studio import api_tokens, posts
from studio.api import bp, encode_cursor, id_cursor, page, reach, scope_required
from studio.api.posts_routes import reached_post
from studio.api.schemas import (
    BrandPath, BriefPath, BriefScheduleBody, BriefScheduledOut, DeliveryOut, DeliveryPage, DeliveryPath, PageQuery,
    PostPath, RescheduleBody, RescheduledOut, ScheduleBody, ScheduledOut)
from studio.api.views import delivery_dict
from studio.calendar import rescheduling
from studio.distribution import brief_schedule, deliveries, scheduling
from studio.drafting import briefs
from studio.errors import NotFound
from studio.extensions import db
from studio.models import Delivery


@bp.post("/posts/<int:post_id>/schedule", summary="Schedule an approved post to channels and an audience "
                                                  "(editor or reviewer)", responses={201: ScheduledOut})
@scope_required("schedule")
def schedule_post(path: PostPath, body: ScheduleBody):
    reached_post(path.post_id, "editor", "reviewer")
    rows = scheduling.schedule_post(path.post_id, body.send_at, body.channels, g.api_user, audience=body.audience)
    return jsonify({"deliveries": [delivery_dict(row) for row in rows]}), 201


@bp.post("/briefs/<int:brief_id>/schedule", summary="Send each approved variant of a brief to its segment's "
                                                    "groups at one time (editor or reviewer)",
         responses={201: BriefScheduledOut})
@scope_required("schedule")
def schedule_brief(path: BriefPath, body: BriefScheduleBody):
    brief = briefs.get_brief(path.brief_id)
    reach(brief.brand_id, "editor", "reviewer", what=f"没有简报 #{path.brief_id}")
    result = brief_schedule.schedule_brief(path.brief_id, body.send_at, g.api_user, audience=body.audience)
    return jsonify({"sent_to": {str(post_id): slugs for post_id, slugs in result.sent_to.items()},
                    "left_out": result.left_out}), 201


@bp.post("/posts/<int:post_id>/reschedule", summary="Move a post's waiting deliveries to another local time "
                                                    "(editor or reviewer)", responses={200: RescheduledOut})
@scope_required("schedule")
def reschedule(path: PostPath, body: RescheduleBody):
    reached_post(path.post_id, "editor", "reviewer")
    moved = rescheduling.reschedule_post(path.post_id, body.local_start, g.api_user)
    return jsonify({"moved": len(moved), "local_start": body.local_start.strftime("%Y-%m-%dT%H:%M")})


@bp.get("/posts/<int:post_id>/deliveries", summary="A post's deliveries, oldest first",
        responses={200: DeliveryPage})
@scope_required("posts:read")
def post_deliveries(path: PostPath, query: PageQuery):
    reached_post(path.post_id)
    return jsonify(page(scheduling.deliveries_of(path.post_id), lambda d: (d.id,), query.limit, query.cursor,
                        dump=delivery_dict))


@bp.get("/brands/<slug>/deliveries", summary="A brand's deliveries, newest first", responses={200: DeliveryPage})
@scope_required("posts:read")
def brand_deliveries(path: BrandPath, query: PageQuery):
    brand = api_tokens.brand_for(g.api_token, path.slug)
    rows = scheduling.brand_deliveries(brand.id, id_cursor(query.cursor), query.limit + 1)
    chunk = rows[:query.limit]
    return jsonify({"items": [delivery_dict(row) for row in chunk],
                    "next_cursor": encode_cursor((chunk[-1].id,)) if len(rows) > query.limit else None})


def _reached_delivery(delivery_id: int, *roles: str) -> Delivery:
    delivery = db.session.get(Delivery, delivery_id)
    what = f"没有发送记录 #{delivery_id}"
    if delivery is None:
        raise NotFound(what)
    post = posts.get_post(delivery.post_id)  # another brand's delivery is not found, like its post
    reach(post.brief.brand_id, *roles, what=what)
    return delivery


@bp.post("/deliveries/<int:delivery_id>/mark-sent", summary="The unconfirmed post did arrive (reviewer)",
         responses={200: DeliveryOut})
@scope_required("schedule")
def mark_sent(path: DeliveryPath):
    _reached_delivery(path.delivery_id, "reviewer")
    return jsonify(delivery_dict(deliveries.mark_sent(path.delivery_id, g.api_user)))


@bp.post("/deliveries/<int:delivery_id>/send-again", summary="Send a failed, missed or unconfirmed delivery once "
                                                            "more, with the same idempotency key (reviewer)",
         responses={200: DeliveryOut})
@scope_required("schedule")
def send_again(path: DeliveryPath):
    _reached_delivery(path.delivery_id, "reviewer")
    return jsonify(delivery_dict(deliveries.send_again(path.delivery_id, g.api_user)))
