"""Moving a scheduled post to another time: every check scheduling made is made again, then all of its
waiting deliveries move together or none does."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from studio import audit
from studio.channels import get_adapter
from studio.distribution.scheduling import brand_local_to_utc, utc_to_brand_local
from studio.errors import Forbidden, InvalidInput, InvalidTransition, SlotInPast
from studio.extensions import db
from studio.models import Delivery, DeliveryStatus, PostStatus, User, utcnow
from studio.posts import get_post, is_approved

MOVABLE = (DeliveryStatus.SCHEDULED, DeliveryStatus.RETRY)
IN_FLIGHT = (DeliveryStatus.CLAIMED, DeliveryStatus.SENDING)


class ApprovalNoLongerHolds(InvalidTransition):
    """The post changed since it was approved, or is no longer approved."""


class NothingToReschedule(InvalidTransition):
    """No delivery of the approved revision is still waiting for its time."""


class DeliveriesInFlight(InvalidTransition):
    """A worker has started sending the post: its time can no longer change."""


class ChannelMisfit(InvalidInput):
    """The post no longer fits a channel it is scheduled for."""


def reschedule_post(post_id: int, local_time: datetime, actor: User) -> list[Delivery]:
    """Move the post's waiting deliveries to local_time, wall-clock time in the brand's zone."""
    post = get_post(post_id)
    if not actor.can("editor", "reviewer", brand_id=post.brief.brand_id):
        raise Forbidden("没有排期权限")
    if not is_approved(post) or post.status not in (PostStatus.APPROVED, PostStatus.SCHEDULED):
        raise ApprovalNoLongerHolds(
            "帖子批准后已修改或不再是已批准状态，请重新审核后再排期 / "
            "the post changed after approval or is no longer approved: review it again")
    brand = post.brief.brand
    due_at = brand_local_to_utc(local_time, brand.timezone)
    if due_at <= utcnow():
        raise SlotInPast(f"发送时间 {local_time:%Y-%m-%d %H:%M}（{brand.timezone}）已经过去")
    approved = db.select(Delivery).where(Delivery.post_id == post.id,
                                         Delivery.revision_id == post.approved_revision_id)
    deliveries = db.session.scalars(approved.order_by(Delivery.id)).all()
    in_flight = [d for d in deliveries if d.status in IN_FLIGHT]
    if in_flight:
        raise DeliveriesInFlight(
            "正在发送，不能改期：" + "、".join(d.channel.name for d in in_flight)
            + f" / already being sent to {len(in_flight)} group(s): the time can no longer change")
    waiting = [d for d in deliveries if d.status in MOVABLE]
    if not waiting:
        raise NothingToReschedule("这条帖子没有等待发送的渠道可以改期 / "
                                  "no delivery of this post is waiting to be sent")
    for delivery in waiting:
        channel = delivery.channel
        if not channel.active:
            raise ChannelMisfit(f"渠道 {channel.name}：已停用")
        problem = get_adapter(channel.type).check(post.current_revision.body, dict(channel.settings or {}))
        if problem:
            raise ChannelMisfit(f"渠道 {channel.name}：{problem}")
    old_local = utc_to_brand_local(waiting[0].due_at, brand.timezone)
    ids = [delivery.id for delivery in waiting]
    # Conditional update: a delivery a dispatcher claims meanwhile keeps its time, and then nothing moves.
    moved = db.session.execute(
        update(Delivery).where(Delivery.id.in_(ids), Delivery.status.in_(MOVABLE))
        .values(due_at=due_at, not_before=due_at, lease_until=None, updated_at=utcnow()),
        execution_options={"synchronize_session": False})
    if moved.rowcount != len(ids):
        db.session.rollback()
        raise DeliveriesInFlight("改期时有渠道开始发送，未做任何改动 / "
                                 "a delivery started sending meanwhile: nothing was moved")
    audit.record("rescheduled", post_id=post.id, actor_id=actor.id,
                 detail=f"{old_local:%Y-%m-%d %H:%M} → {local_time:%Y-%m-%d %H:%M} {brand.timezone}")
    db.session.commit()
    db.session.expire_all()
    return db.session.scalars(db.select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)).all()
