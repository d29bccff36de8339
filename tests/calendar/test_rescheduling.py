"""Moving a scheduled post checks everything again; its waiting deliveries all move, or none does."""
from datetime import timedelta

import pytest

from studio.calendar.rescheduling import (ApprovalNoLongerHolds, ChannelMisfit, DeliveriesInFlight,
                                          NothingToReschedule, reschedule_post)
from studio.distribution import scheduling
from studio.errors import Forbidden, SlotInPast
from studio.extensions import db
from studio.models import AuditEvent, Channel, DeliveryStatus, PostStatus, Revision, User
from studio.review import workflow
from tests.calendar.support import days_ahead, directory_group, scheduled_post
from tests.support.posts import shanghai_now, user


def times(post_id: int) -> list[tuple[str, str, object, object]]:
    db.session.expire_all()
    return [(d.channel.slug, str(d.status.value), d.due_at, d.not_before) for d in scheduling.deliveries_of(post_id)]


@pytest.fixture
def post(ctx):
    directory_group("sh-jingan-1", "华东", "静安店")
    return scheduled_post(days_ahead(3), channels=("sandbox-main", "sh-jingan-1"))


def test_every_waiting_delivery_moves_to_the_new_time_and_the_move_is_audited(post):
    new_time = days_ahead(5, hour=9)
    due_at = scheduling.brand_local_to_utc(new_time, "Asia/Shanghai")

    moved = reschedule_post(post.id, new_time, user("editor"))

    assert len(moved) == 2
    assert times(post.id) == [("sandbox-main", "scheduled", due_at, due_at), ("sh-jingan-1", "scheduled", due_at, due_at)]
    assert db.session.get(type(post), post.id).status == PostStatus.SCHEDULED
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.post_id == post.id,
                                                           AuditEvent.action == "rescheduled")).one()
    assert event.detail == f"{days_ahead(3):%Y-%m-%d %H:%M} → {new_time:%Y-%m-%d %H:%M} Asia/Shanghai"


def test_a_delivery_waiting_to_retry_moves_too(post):
    first = scheduling.deliveries_of(post.id)[0]
    first.status = DeliveryStatus.RETRY
    db.session.commit()
    reschedule_post(post.id, days_ahead(6), user("reviewer"))
    assert [row[1:3] for row in times(post.id)] == \
        [("retry", scheduling.brand_local_to_utc(days_ahead(6), "Asia/Shanghai")),
         ("scheduled", scheduling.brand_local_to_utc(days_ahead(6), "Asia/Shanghai"))]


def test_a_time_in_the_past_is_refused_and_nothing_moves(post):
    before = times(post.id)
    with pytest.raises(SlotInPast, match="已经过去"):
        reschedule_post(post.id, shanghai_now() - timedelta(minutes=5), user("editor"))
    assert times(post.id) == before


def test_an_edit_after_approval_means_the_post_cannot_be_moved(post):
    workflow.save_revision(post.id, "小茶来啦~ 改过的一版。", user("editor"))
    before = times(post.id)
    with pytest.raises(ApprovalNoLongerHolds, match="review it again"):
        reschedule_post(post.id, days_ahead(5), user("editor"))
    assert times(post.id) == before and {row[1] for row in before} == {"cancelled"}


def test_a_new_revision_without_approval_is_refused_even_if_deliveries_still_wait(post):
    # A current revision that is not the approved one, as an out-of-band change would leave it.
    revision = Revision(post_id=post.id, number=2, body="小茶来啦~ 另一版。")
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id = revision.id
    db.session.commit()
    before = times(post.id)
    with pytest.raises(ApprovalNoLongerHolds):
        reschedule_post(post.id, days_ahead(5), user("reviewer"))
    assert times(post.id) == before


def test_a_channel_the_post_no_longer_fits_is_named_and_nothing_moves(post):
    group = db.session.scalar(db.select(Channel).where(Channel.slug == "sh-jingan-1"))
    group.type, group.settings = "dingtalk", {"format": "carrier-pigeon"}
    db.session.commit()
    before = times(post.id)
    with pytest.raises(ChannelMisfit, match=f"渠道 {group.name}：钉钉不支持消息格式"):
        reschedule_post(post.id, days_ahead(5), user("editor"))
    assert times(post.id) == before


def test_a_deactivated_channel_is_named_and_nothing_moves(post):
    group = db.session.scalar(db.select(Channel).where(Channel.slug == "sh-jingan-1"))
    group.active = False
    db.session.commit()
    before = times(post.id)
    with pytest.raises(ChannelMisfit, match="已停用"):
        reschedule_post(post.id, days_ahead(5), user("editor"))
    assert times(post.id) == before


def test_only_editors_and_reviewers_may_move_a_post(post):
    guest = User(username="guest", password_hash="-", role="guest")  # a role outside the three the studio grants
    before = times(post.id)
    with pytest.raises(Forbidden, match="没有排期权限"):
        reschedule_post(post.id, days_ahead(5), guest)
    assert times(post.id) == before
    reschedule_post(post.id, days_ahead(5), user("admin"))
    assert {row[2] for row in times(post.id)} == {scheduling.brand_local_to_utc(days_ahead(5), "Asia/Shanghai")}


def test_a_post_already_being_sent_somewhere_keeps_its_time(post):
    first = scheduling.deliveries_of(post.id)[0]
    first.status = DeliveryStatus.SENDING
    db.session.commit()
    before = times(post.id)
    with pytest.raises(DeliveriesInFlight, match="正在发送，不能改期：体验群"):
        reschedule_post(post.id, days_ahead(5), user("editor"))
    assert times(post.id) == before


def test_a_post_whose_deliveries_all_went_out_has_nothing_to_move(post):
    for row in scheduling.deliveries_of(post.id):
        row.status = DeliveryStatus.SENT
    db.session.commit()
    with pytest.raises(NothingToReschedule):
        reschedule_post(post.id, days_ahead(5), user("editor"))


def test_a_claim_that_lands_during_the_move_leaves_every_delivery_where_it_was(post):
    """A dispatcher claims one delivery between the checks and the update: nothing moves."""
    from sqlalchemy import event
    from sqlalchemy.sql import Update

    claimed = scheduling.deliveries_of(post.id)[1].id

    def claim_first(orm_execute_state):
        if isinstance(orm_execute_state.statement, Update):
            orm_execute_state.session.connection().exec_driver_sql(
                "UPDATE delivery SET status = 'claimed' WHERE id = ?", (claimed,))

    before = times(post.id)
    event.listen(db.session, "do_orm_execute", claim_first)
    try:
        with pytest.raises(DeliveriesInFlight, match="nothing was moved"):
            reschedule_post(post.id, days_ahead(5), user("editor"))
    finally:
        event.remove(db.session, "do_orm_execute", claim_first)
    assert times(post.id) == before
    assert not db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "rescheduled")).all()
