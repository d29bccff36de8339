"""Failed drafts do not pile up: an editor retries them together, or archives them out of the lists."""
from __future__ import annotations

from dataclasses import dataclass, field

from studio import audit, memberships
from studio.drafting.briefs import request_regeneration
from studio.errors import Forbidden, InvalidInput, NotFound, StudioError
from studio.extensions import db
from studio.models import Brief, Post, PostStatus

ARCHIVABLE = (PostStatus.ERROR, PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED)
MAX_BATCH = 200


@dataclass
class BatchResult:
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # post id → why not


def failed_posts(limit: int = 50) -> list[Post]:
    """Variants whose drafting failed, newest first."""
    query = memberships.scope(db.select(Post).join(Brief).where(Post.status == PostStatus.ERROR), Brief.brand_id)
    query = query.order_by(Post.updated_at.desc()).limit(limit)
    return list(db.session.scalars(query))


def _checked(post_ids, actor) -> list[int]:
    if not actor.can("editor"):
        raise Forbidden("只有编辑可以处理失败的帖子")
    ids = sorted({int(post_id) for post_id in post_ids})
    if not ids:
        raise InvalidInput("请先勾选帖子")
    if len(ids) > MAX_BATCH:
        raise InvalidInput(f"一次最多处理{MAX_BATCH}条")
    return ids


def _editable(post_id: int, actor) -> Post | None:
    """The post, when the actor is an editor of its brand; another brand's post is as good as missing."""
    post = db.session.get(Post, post_id)
    return post if post is not None and actor.can("editor", brand_id=post.brief.brand_id) else None


def regenerate_posts(post_ids, actor) -> BatchResult:
    """Queue a new draft for each post; one that cannot be queued says why and the others go on."""
    result = BatchResult()
    for post_id in _checked(post_ids, actor):
        try:
            request_regeneration(post_id, actor)
            result.done.append(post_id)
        except StudioError as exc:
            db.session.rollback()
            result.refused[post_id] = str(exc)
    return result


def archive_posts(post_ids, actor) -> BatchResult:
    """Set failed or unwanted drafts aside: they leave the dashboard and queues, and can be restored."""
    result = BatchResult()
    for post_id in _checked(post_ids, actor):
        post = _editable(post_id, actor)
        if post is None:
            result.refused[post_id] = f"没有帖子 #{post_id}"
        elif post.status not in ARCHIVABLE:
            result.refused[post_id] = "只有失败、草稿或待修改的帖子可以归档"
        else:
            post.status = PostStatus.ARCHIVED
            audit.record("archived", post_id=post_id, actor_id=actor.id)
            result.done.append(post_id)
    db.session.commit()
    return result


def restore_post(post_id: int, actor) -> Post:
    """Bring an archived post back: a draft when it has text, else a failed variant to regenerate."""
    _checked([post_id], actor)
    post = _editable(post_id, actor)
    if post is None:
        raise NotFound(f"没有帖子 #{post_id}")
    if post.status != PostStatus.ARCHIVED:
        raise InvalidInput(f"帖子 #{post_id} 没有归档")
    post.status = PostStatus.DRAFT if post.current_revision_id else PostStatus.ERROR
    audit.record("restored", post_id=post_id, actor_id=actor.id)
    db.session.commit()
    return post
