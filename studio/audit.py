"""The audit log: who changed what, when."""
from studio.extensions import db
from studio.models import AuditEvent


def record(action: str, *, post_id: int | None = None, actor_id: int | None = None, detail: str = "") -> None:
    """Add an audit event to the current transaction; the caller commits."""
    db.session.add(AuditEvent(post_id=post_id, actor_id=actor_id, action=action, detail=detail))


def events_for_post(post_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.post_id == post_id).order_by(AuditEvent.id)).all()
