"""Schedule a whole brief: each segment's approved variant goes to that segment's groups, all at one time."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from studio import memberships
from studio.distribution import groups
from studio.distribution.scheduling import schedule_post
from studio.errors import InvalidInput, NotFound, StudioError
from studio.extensions import db
from studio.models import Brief, PostStatus, User
from studio.posts import is_approved


@dataclass
class BriefSchedule:
    sent_to: dict[str, list[str]] = field(default_factory=dict)  # segment → group slugs scheduled
    left_out: dict[str, str] = field(default_factory=dict)  # group slug → why it gets nothing


def plan_brief(brief_id: int, audience: str = "") -> tuple[dict[int, list[str]], dict[str, str]]:
    """Which groups each approved variant goes to, and why each other group of the audience gets nothing.

    A group in several segments gets one variant: the one of its first listed segment that has an approved
    variant, so nobody reads two versions of one post at the same moment."""
    brief = db.session.get(Brief, brief_id)
    if brief is None:
        raise NotFound(f"没有简报 #{brief_id}")
    memberships.check(brief.brand_id, what=f"没有简报 #{brief_id}")
    ready = {post.segment.slug: post for post in brief.posts
             if post.status == PostStatus.APPROVED and is_approved(post)}
    waiting = {post.segment.slug: post for post in brief.posts if post.segment.slug not in ready}
    plan: dict[int, list[str]] = {post.id: [] for post in ready.values()}
    left_out: dict[str, str] = {}
    for group in groups.match_groups(brief.brand.slug, audience):
        segments = list(group.segments or [])
        chosen = next((ready[slug] for slug in segments if slug in ready), None)
        if chosen is not None:
            plan[chosen.id].append(group.slug)
        elif any(slug in waiting for slug in segments):
            names = "、".join(waiting[slug].segment.name for slug in segments if slug in waiting)
            left_out[group.slug] = f"{names}的变体还没有批准"
        else:
            left_out[group.slug] = "简报没有写给这个群的人群"
    return plan, left_out


def schedule_brief(brief_id: int, local_time: datetime, actor: User, audience: str = "") -> BriefSchedule:
    """Send each approved variant to its segment's groups at local_time; say which groups get nothing and why."""
    plan, left_out = plan_brief(brief_id, audience)
    targeted = {post_id: slugs for post_id, slugs in plan.items() if slugs}
    if not targeted:
        raise InvalidInput("没有可以发送的群：" + ("；".join(f"{slug}：{why}" for slug, why in list(left_out.items())[:5])
                                         or "简报还没有已批准的变体，或没有群"))
    result = BriefSchedule(left_out=left_out)
    brief = db.session.get(Brief, brief_id)
    segment_of = {post.id: post.segment.slug for post in brief.posts}
    for post_id, slugs in targeted.items():
        try:
            schedule_post(post_id, local_time, slugs, actor)
        except StudioError as exc:  # this variant cannot go (already scheduled, does not fit): the rest still can
            db.session.rollback()
            for slug in slugs:
                result.left_out[slug] = str(exc)
            continue
        result.sent_to[segment_of[post_id]] = slugs
    return result
