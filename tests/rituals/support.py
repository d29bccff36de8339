"""Rituals of the demo brand, and their variants drafted and approved without the model."""
from datetime import datetime, timedelta

from studio.extensions import db
from studio.models import Post, Revision, RitualOccurrence
from studio.review import workflow
from studio.rituals import service
from tests.support.posts import shanghai_now, user

BODY = "小茶来啦~ 本周五晚8点品鉴会，白牡丹2024建议90℃冲泡。"


def tomorrow_at(hour: int = 20) -> datetime:
    """A whole hour tomorrow in Shanghai: inside a 48-hour lead time, outside a 2-hour freeze."""
    return (shanghai_now() + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)


def weekly_ritual(start: datetime, **changes) -> dict:
    """A weekly tasting for newcomers, to the groups of that segment, starting at `start` (Shanghai time)."""
    fields = dict(brand="chayun", name="Friday tasting", rrule="FREQ=WEEKLY;COUNT=4",
                  start=start.strftime("%Y-%m-%dT%H:%M"), timezone="Asia/Shanghai",
                  brief="{relative_weekday}{clock}品鉴会（{date}，{lunar}）", persona="xiaocha",
                  channel="sandbox-main", segments=["newcomer"], audience="segment:newcomer")
    fields.update(changes)
    return service.create(service.RitualInput(**fields))


def occurrence(brief_id: int) -> RitualOccurrence:
    return db.session.scalar(db.select(RitualOccurrence).where(RitualOccurrence.brief_id == brief_id))


def approve_variants(brief_id: int, body: str = BODY, segments: tuple[str, ...] = ()) -> list[Post]:
    """Each variant of the brief (or those of these segments) drafted as the model would, then approved."""
    posts = db.session.scalars(db.select(Post).where(Post.brief_id == brief_id).order_by(Post.id)).all()
    posts = [post for post in posts if not segments or post.segment.slug in segments]
    for post in posts:
        revision = Revision(post_id=post.id, number=1, body=body, citations=[], note="初稿")
        db.session.add(revision)
        db.session.flush()
        post.current_revision_id, post.status, post.job_token = revision.id, "in_review", None
        db.session.commit()
        workflow.approve(post.id, user("reviewer"), revision.id)
    return posts
