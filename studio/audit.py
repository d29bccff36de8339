"""The audit log: who changed what, when, in which brand."""
from __future__ import annotations

from datetime import datetime

from studio.extensions import db
from studio.models import AuditEvent, Post, User


def record(action: str, *, post_id: int | None = None, actor_id: int | None = None, detail: str = "",
           brand_id: int | None = None) -> None:
    """Add an audit event to the current transaction; the caller commits. A post's event is its brand's."""
    if brand_id is None and post_id is not None:
        post = db.session.get(Post, post_id)
        brand_id = post.brief.brand_id if post is not None else None
    db.session.add(AuditEvent(post_id=post_id, actor_id=actor_id, action=action, detail=detail, brand_id=brand_id))


def events_for_post(post_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.post_id == post_id).order_by(AuditEvent.id)).all()


def events_for_brand(brand_id: int, *, actor: str = "", action: str = "", since: datetime | None = None,
                     until: datetime | None = None, limit: int = 200) -> list[AuditEvent]:
    """The brand's events, newest first, filtered by who (username), what (action prefix) and when."""
    query = db.select(AuditEvent).where(AuditEvent.brand_id == brand_id)
    if actor:
        query = query.join(User, User.id == AuditEvent.actor_id).where(User.username == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    return db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
