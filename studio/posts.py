"""Finding a post, and whether its approval still holds: what review, scheduling and drafting all ask."""
from __future__ import annotations

from studio import memberships
from studio.errors import NotFound
from studio.extensions import db
from studio.models import Post


def get_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound(f"没有帖子 #{post_id}")
    memberships.check(post.brief.brand_id, what=f"没有帖子 #{post_id}")
    return post


def is_approved(post: Post) -> bool:
    """An approval holds for the revision it was given to, and for no other."""
    return post.approved_revision_id is not None and post.approved_revision_id == post.current_revision_id


def brand_posts(brand_id: int, status: str | None = None, before_id: int | None = None,
                limit: int = 50) -> list[Post]:
    """The brand's posts, newest first, those older than before_id when given; the caller checks access."""
    from studio.models import Brief

    query = db.select(Post).join(Brief, Brief.id == Post.brief_id).where(Brief.brand_id == brand_id)
    if status:
        query = query.where(Post.status == status)
    if before_id is not None:
        query = query.where(Post.id < before_id)
    return db.session.scalars(query.order_by(Post.id.desc()).limit(limit)).all()
