"""Editing and review: revisions, submission, approval bound to one revision."""
from __future__ import annotations

import logging

from sqlalchemy import or_, update

from studio import audit, memberships
from studio.errors import (
    ComplianceBlocked,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    QueueUnavailable,
    SelfApproval,
)
from studio.extensions import db
from studio.models import Brief, OccurrenceState, Post, PostStatus, Revision, RitualOccurrence, User
from studio.posts import get_post
from studio.rendering import MAX_RENDER_CHARS, render_problems
from studio.review import post_lint
from studio.task_names import SCHEDULE_RITUAL_OCCURRENCE
from studio.task_queue import enqueue

log = logging.getLogger(__name__)

MAX_BODY_CHARS = MAX_RENDER_CHARS


KEEP_POSTER = -1  # save_revision's default: the new revision carries the last revision's poster


def save_revision(post_id: int, body: str, author: User, note: str = "", citations: list[str] | None = None,
                  generation: dict | None = None, poster_id: int | None = KEEP_POSTER) -> Revision:
    """Store an edit as a new revision; an approved or scheduled post goes back to review.

    A regenerated revision brings its own citations and generation record; a hand edit keeps the last ones,
    and the last poster unless it gives another (or None, for no poster).
    An edit takes over a variant that is still being drafted or regenerated: the job's result, when it
    arrives, is not stored over it.
    """
    post = get_post(post_id)
    if not author.can("editor", brand_id=post.brief.brand_id):
        raise Forbidden("只有编辑可以修改帖子")
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise InvalidInput("正文不能为空 / the post body is empty")
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(f"正文过长（最多{MAX_BODY_CHARS}字）")
    unrenderable = render_problems(body)
    if unrenderable:  # stored as written, it would show differently from what the editor wrote
        raise InvalidInput("正文无法按原样排版：" + "；".join(map(str, unrenderable[:3])))
    if post.job_token is not None or post.status == PostStatus.GENERATING:
        _take_over_generation(post, author)
    current = post.current_revision
    if poster_id == KEEP_POSTER:
        poster_id = current.poster_id if current else None
    if current is not None and current.body == body and current.poster_id == poster_id:
        return current
    number = (current.number if current else 0) + 1
    if citations is None:
        citations = list(current.citations) if current else []
    revision = Revision(post_id=post.id, number=number, body=body, author_id=author.id, note=note[:200],
                        citations=citations, poster_id=poster_id)
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id = revision.id
    if generation is not None:
        post.generation = generation
    audit.record("edited", post_id=post.id, actor_id=author.id, detail=f"修订 {number}")
    if post.status in (PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.PUBLISHED):
        from studio.distribution.scheduling import cancel_pending_deliveries

        cancelled = cancel_pending_deliveries(post.id, actor_id=author.id)
        post.status = PostStatus.IN_REVIEW
        audit.record("submitted", post_id=post.id, actor_id=author.id,
                     detail=f"批准后修改，自动退回审核（取消 {cancelled} 条待发送）")
    elif post.status in (PostStatus.ERROR, PostStatus.GENERATING):
        post.status, post.error = PostStatus.DRAFT, ""
    db.session.commit()
    return revision


def _take_over_generation(post: Post, author: User) -> None:
    """Cancel the drafting job under way: its token goes, so a late result finds the post no longer its own.

    One conditional update, so that a worker storing its result at this moment either finished first (its
    draft becomes the revision this edit follows) or finds the job gone."""
    in_flight = post.status == PostStatus.GENERATING or post.job_kind == "regenerate"
    taken = db.session.execute(
        update(Post).where(Post.id == post.id, or_(Post.job_token.is_not(None),
                                                   Post.status == PostStatus.GENERATING))
        .values(job_token=None, job_seen_at=None), execution_options={"synchronize_session": False}).rowcount
    db.session.refresh(post)
    if taken and in_flight:  # a first-draft job left on a drafted post is only tidied away
        audit.record("generation_taken_over", post_id=post.id, actor_id=author.id,
                     detail="编辑修改了正文，不再等待生成结果")


def submit_for_review(post_id: int, actor: User) -> Post:
    """Send the current revision to review; a blocking compliance finding stops it."""
    post = get_post(post_id)
    if not actor.can("editor", brand_id=post.brief.brand_id):
        raise Forbidden("只有编辑可以提交审核")
    if post.status not in (PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED):
        raise InvalidTransition(f"当前状态（{post.status}）不能提交审核")
    if post.current_revision is None:
        raise InvalidTransition("还没有正文，不能提交")
    blocked = post_lint.blocking(post_lint.lint_post_text(post, post.current_revision.body))
    if blocked:
        raise ComplianceBlocked("合规检查未通过，不能提交：" + "；".join(f"“{f.text}” {f.message}" for f in blocked[:5]))
    post.status = PostStatus.IN_REVIEW
    audit.record("submitted", post_id=post.id, actor_id=actor.id, detail=f"修订 {post.current_revision.number}")
    db.session.commit()
    return post


def _authors(post: Post) -> set[int]:
    ids = {post.brief.author_id}
    ids.update(rev.author_id for rev in post.revisions if rev.author_id)
    return ids


def approve(post_id: int, reviewer: User, revision_id: int, override_reason: str = "") -> Post:
    """Approve exactly the revision the reviewer saw; blocking findings need a written override reason."""
    post = get_post(post_id)
    if not reviewer.can("reviewer", brand_id=post.brief.brand_id):
        raise Forbidden("只有审核员可以批准")
    if reviewer.id in _authors(post):
        raise SelfApproval("不能批准自己写的帖子 / nobody approves their own post")
    if post.status != PostStatus.IN_REVIEW:
        raise InvalidTransition(f"当前状态（{post.status}）不能批准")
    if post.current_revision_id != revision_id:
        raise InvalidTransition("帖子在你审阅后又被修改了，请查看最新修订再批准")
    blocked = post_lint.blocking(post_lint.lint_post_text(post, post.current_revision.body))
    if blocked:
        if not (override_reason or "").strip():
            raise ComplianceBlocked("此修订有合规阻断项，批准前请写明放行理由")
        audit.record("override", post_id=post.id, actor_id=reviewer.id,
                     detail=f"放行 {len(blocked)} 处阻断项（{'、'.join(f.text for f in blocked[:5])}）：{override_reason.strip()[:1000]}")
    post.status, post.approved_revision_id = PostStatus.APPROVED, revision_id
    post.approved_by_id = reviewer.id
    audit.record("approved", post_id=post.id, actor_id=reviewer.id, detail=f"修订 {post.current_revision.number}")
    db.session.commit()
    _schedule_ritual_occurrence(post)
    return post


def _schedule_ritual_occurrence(post: Post) -> None:
    """A variant of an open ritual occurrence is scheduled now rather than at the next beat; the beat stays
    the safety net, so a queue that is down only delays it."""
    occurrence_id = db.session.scalar(db.select(RitualOccurrence.id).where(
        RitualOccurrence.brief_id == post.brief_id, RitualOccurrence.state == OccurrenceState.MATERIALIZED))
    if occurrence_id is None:
        return
    try:
        enqueue(SCHEDULE_RITUAL_OCCURRENCE, occurrence_id)
    except QueueUnavailable as exc:
        log.warning("ritual occurrence %s waits for the beat: %s", occurrence_id, exc)


def send_back(post_id: int, reviewer: User, comment: str) -> Post:
    post = get_post(post_id)
    if not reviewer.can("reviewer", brand_id=post.brief.brand_id):
        raise Forbidden("只有审核员可以退回")
    if post.status != PostStatus.IN_REVIEW:
        raise InvalidTransition(f"当前状态（{post.status}）不能退回")
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput("退回时请写明修改意见")
    post.status = PostStatus.CHANGES_REQUESTED
    audit.record("rejected", post_id=post.id, actor_id=reviewer.id, detail=comment[:2000])
    db.session.commit()
    return post


def review_queue() -> list[Post]:
    """Posts waiting for review, in the brands the person acting may see, oldest first."""
    query = memberships.scope(db.select(Post).join(Brief).where(Post.status == PostStatus.IN_REVIEW), Brief.brand_id)
    return db.session.scalars(query.order_by(Post.updated_at)).all()


def posts_by_status(statuses: tuple[PostStatus, ...] | None = None, limit: int = 200) -> list[Post]:
    query = memberships.scope(db.select(Post).join(Brief), Brief.brand_id).order_by(Post.updated_at.desc()).limit(limit)
    if statuses:
        query = query.where(Post.status.in_(statuses))
    return db.session.scalars(query).all()
