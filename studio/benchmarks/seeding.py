"""The benchmark's own brand: approved posts to K generic-webhook channels, removed again afterwards."""
from __future__ import annotations

import uuid

from flask_migrate import upgrade
from sqlalchemy import delete, update

from studio.extensions import db
from studio.models import (
    AuditEvent,
    Brand,
    Brief,
    Channel,
    Delivery,
    Persona,
    Post,
    PostStatus,
    Revision,
    Segment,
    User,
    utcnow,
)

BENCH_SECRET = "bench-webhook-secret"


def migrate_database() -> None:
    """The benchmark may run on a fresh database: bring it to the newest migration first."""
    upgrade()


def describe_stack(app) -> dict:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    broker = str(app.config["CELERY"]["broker_url"])
    return {"database": uri.split(":", 1)[0].split("+", 1)[0], "broker": broker.split(":", 1)[0].split("+", 1)[0]}


def create_bench_brand(channels: int, url: str, posts: int) -> tuple[int, list[int], list[tuple[int, int]]]:
    """Returns the brand id, its channel ids and (post id, revision id) of each approved post."""
    tag = uuid.uuid4().hex[:8]
    user = User(username=f"bench-{tag}", password_hash="!", role="reviewer")
    brand = Brand(slug=f"bench-{tag}", name="调度基准", timezone="Asia/Shanghai", settings={})
    db.session.add_all([user, brand])
    db.session.flush()
    persona = Persona(brand_id=brand.id, slug="bench", name="基准小助手")
    segment = Segment(brand_id=brand.id, slug="bench", name="基准群", lifecycle_stage="促活")
    channel_rows = [Channel(brand_id=brand.id, slug=f"hook-{i}", name=f"基准群 {i}", type="webhook", target=url,
                            settings={"secret": BENCH_SECRET, "rate_limits": []}) for i in range(channels)]
    db.session.add_all([persona, segment, *channel_rows])
    db.session.flush()
    brief = Brief(brand_id=brand.id, author_id=user.id, persona_id=persona.id, channel_id=channel_rows[0].id,
                  key_message="调度基准")
    db.session.add(brief)
    db.session.flush()
    post_rows = [Post(brief_id=brief.id, segment_id=segment.id, status=PostStatus.SCHEDULED)
                 for _ in range(posts)]
    db.session.add_all(post_rows)
    db.session.flush()
    revisions = [Revision(post_id=post.id, number=1, body=f"**基准帖子 {i}**：本周新茶到店，欢迎来群里聊聊。",
                          author_id=user.id) for i, post in enumerate(post_rows)]
    db.session.add_all(revisions)
    db.session.flush()
    for post, revision in zip(post_rows, revisions):
        post.current_revision_id = post.approved_revision_id = revision.id
        post.approved_by_id = user.id
    db.session.commit()
    return brand.id, [c.id for c in channel_rows], [(p.id, r.id) for p, r in zip(post_rows, revisions)]


def channel_ids_of(brand_id: int):
    """The brand's channel ids, as a subquery for ``in_``."""
    return db.select(Channel.id).where(Channel.brand_id == brand_id).scalar_subquery()


def remove_bench_brand(brand_id: int) -> None:
    """Leave a shared database as it was: every row the benchmark wrote goes."""
    db.session.rollback()
    brand = db.session.get(Brand, brand_id)
    if brand is None:
        return
    briefs = db.select(Brief.id).where(Brief.brand_id == brand_id)
    posts = db.select(Post.id).where(Post.brief_id.in_(briefs))
    authors = db.session.scalars(db.select(Brief.author_id).where(Brief.brand_id == brand_id)).all()
    db.session.execute(delete(Delivery).where(Delivery.post_id.in_(posts)))
    db.session.execute(delete(AuditEvent).where(AuditEvent.post_id.in_(posts)))
    db.session.execute(update(Post).where(Post.id.in_(posts)).values(current_revision_id=None,
                                                                     approved_revision_id=None,
                                                                     updated_at=utcnow()))
    db.session.execute(delete(Revision).where(Revision.post_id.in_(posts)))
    db.session.execute(delete(Post).where(Post.id.in_(posts)))
    db.session.execute(delete(Brief).where(Brief.brand_id == brand_id))
    for model in (Channel, Segment, Persona):
        db.session.execute(delete(model).where(model.brand_id == brand_id))
    db.session.execute(delete(Brand).where(Brand.id == brand_id))
    db.session.execute(delete(User).where(User.id.in_(authors)))
    db.session.commit()
