"""Briefs: what an editor asks for, the posts it creates (one per segment), queuing and progress."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from studio import audit, memberships
from studio.brands.kits import get_brand
from studio.drafting import jobs
from studio.drafting.subjects import unknown_products
from studio.errors import Forbidden, InvalidInput, NotFound, QueueUnavailable
from studio.extensions import db
from studio.models import Brief, Channel, Persona, Post, PostStatus, Segment
from studio.posts import get_post

log = logging.getLogger(__name__)

@dataclass
class BriefInput:
    """What an editor writes: plain values, validated by create_brief."""

    brand: str
    persona: str
    channel: str
    segments: list[str]
    key_message: str
    goal: str = ""
    products: list[str] = field(default_factory=list)
    event_date: date | None = None


def parse_list(raw: str | list | None) -> list[str]:
    """Split 'a,b，c' or a list into clean items."""
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else re.split(r"[,，、\s]+", raw)
    return [item.strip() for item in items if item and item.strip()]


# Longest values a brief may carry: the columns' own lengths where they have one.
SLUG_LENGTH = 64
GOAL_LENGTH = Brief.__table__.c.goal.type.length
KEY_MESSAGE_LENGTH = 4000
MOST_ITEMS = 50
ITEM_LENGTH = 100


def check_fields(data: BriefInput) -> None:
    """Refuse values the database cannot store as written, naming the field: too long, too many, not UTF-8."""
    texts = {"brand": (data.brand, SLUG_LENGTH), "persona": (data.persona, SLUG_LENGTH),
             "channel": (data.channel, SLUG_LENGTH), "goal": (data.goal, GOAL_LENGTH)}
    for name, (value, limit) in texts.items():
        _check_text(name, value, limit)
    _check_text("key_message", data.key_message, None)
    for name, items in (("segments", data.segments), ("products", data.products)):
        if len(items) > MOST_ITEMS:
            raise InvalidInput(f"{name} 最多{MOST_ITEMS}项 / {name}: at most {MOST_ITEMS} items")
        for item in items:
            _check_text(name, item, ITEM_LENGTH)


def _check_text(name: str, value: str, limit: int | None) -> None:
    if limit is not None and len(value) > limit:
        raise InvalidInput(f"{name} 过长（最多{limit}字） / {name} is longer than {limit} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (\ud800) parses from JSON but no UTF-8 database can store it
        raise InvalidInput(f"{name} 含有无效字符 / {name} contains characters that are not valid text") from None


def resolve_brief(data: BriefInput):
    """Check a brief against its brand; return (brand, persona, channel, segments) or raise InvalidInput."""
    check_fields(data)
    if not (data.key_message or "").strip():
        raise InvalidInput("简报不能为空：请写下要传达的核心信息 / the brief is empty")
    if len(data.key_message) > KEY_MESSAGE_LENGTH:
        raise InvalidInput("简报过长（最多4000字） / the brief is longer than 4000 characters")
    brand = get_brand(data.brand)
    persona = _one(Persona, brand.id, data.persona, "人设 / persona")
    channel = _one(Channel, brand.id, data.channel, "渠道 / channel")
    if not data.segments:
        raise InvalidInput("请至少选择一个人群 / pick at least one segment")
    segments = [_one(Segment, brand.id, slug, "人群 / segment") for slug in dict.fromkeys(data.segments)]
    return brand, persona, channel, segments


def _one(model, brand_id: int, slug: str, label: str):
    row = db.session.scalar(db.select(model).where(model.brand_id == brand_id, model.slug == slug,
                                                   model.active.is_(True)))
    if row is None:
        raise InvalidInput(f"未知的{label}: {slug!r}")
    return row


def create_brief(data: BriefInput, author_id: int) -> Brief:
    """Store a brief with one post per segment, each waiting for its draft."""
    brief = add_brief(data, author_id)
    db.session.commit()
    return brief


def add_brief(data: BriefInput, author_id: int) -> Brief:
    """The brief and its posts in the session, not committed: a caller may store more in the same commit."""
    brand, persona, channel, segments = resolve_brief(data)
    memberships.check(brand.id, "editor")
    brief = Brief(brand_id=brand.id, author_id=author_id, persona_id=persona.id, channel_id=channel.id,
                  goal=data.goal.strip(), key_message=data.key_message.strip(), products=data.products,
                  event_date=data.event_date)
    db.session.add(brief)
    db.session.flush()
    for segment in segments:
        post = Post(brief_id=brief.id, segment_id=segment.id, status=PostStatus.GENERATING)
        jobs.open_job(post, jobs.DRAFT)
        db.session.add(post)
        db.session.flush()
        audit.record("created", post_id=post.id, actor_id=author_id, detail=f"人群 {segment.name}")
    return brief


def start_drafting(brief_id: int) -> str:
    """Queue one drafting task per variant; they run concurrently on the workers.

    Returns what the editor should know: '' when all were queued, else that the queue is unavailable and
    the variants will be queued by the sweep once it is back (they stay generating meanwhile)."""
    posts = [post for post in get_brief(brief_id).posts if post.status == PostStatus.GENERATING]
    jobs_to_queue = [(post.id, post.job_token, post.job_kind, post.job_request) for post in posts]
    db.session.commit()
    for position, (post_id, token, kind, request) in enumerate(jobs_to_queue):
        try:
            jobs.queue_job(post_id, token, kind, request)
        except QueueUnavailable as exc:
            log.warning("could not queue drafting of brief %s", brief_id)
            for later_id, later_token, _, _ in jobs_to_queue[position:]:
                jobs.not_queued(later_id, later_token)
            return str(exc)
    return ""


def get_brief(brief_id: int) -> Brief:
    brief = db.session.get(Brief, brief_id)
    if brief is None:
        raise NotFound(f"没有简报 #{brief_id}")
    memberships.check(brief.brand_id, what=f"没有简报 #{brief_id}")
    return brief


def _partial(post: Post) -> str:
    return (post.generation or {}).get("partial", "") if post.status == PostStatus.GENERATING else ""


def brief_progress(brief_id: int) -> dict:
    posts = get_brief(brief_id).posts
    done = sum(post.status != PostStatus.GENERATING for post in posts)
    failed = sum(post.status == PostStatus.ERROR for post in posts)
    return {"total": len(posts), "done": done, "failed": failed,
            "posts": [{"id": p.id, "segment": p.segment.name, "status": p.status, "error": p.error,
                       "partial": _partial(p)} for p in posts]}


def brief_warnings(brief_id: int) -> list[str]:
    """What the editor should know before trusting the drafts: products the brand's kit does not have."""
    brief = get_brief(brief_id)
    return [unknown.message for unknown in unknown_products(brief.brand_id, list(brief.products or []))]


def product_warnings(data: BriefInput) -> list[str]:
    """The same warnings for a brief that is drafted without being stored."""
    return [unknown.message for unknown in unknown_products(get_brand(data.brand).id, data.products)]


def post_progress(post_id: int) -> dict:
    """A post's drafting state, with the text written so far while the model is still at it."""
    post = get_post(post_id)
    return {"id": post.id, "status": post.status, "error": post.error, "partial": _partial(post),
            "regenerating": jobs.regenerating(post)}


def request_regeneration(post_id: int, actor, instruction: str = "") -> None:
    """Queue a new model version of one variant, optionally with an instruction (更口语一点, 短一点).

    A variant whose first draft is under way is not asked twice (one whose drafting went silent or never
    reached the queue is); a regeneration already under way is replaced by this one. When the queue is unavailable the job is kept for the sweep and QueueUnavailable
    says so."""
    post = get_post(post_id)
    if not actor.can("editor", brand_id=post.brief.brand_id):
        raise Forbidden("只有编辑可以重新生成")
    if post.status == PostStatus.GENERATING and jobs.is_live(post):
        # A first draft that went silent or was never queued may be asked for again; one under way may not.
        raise InvalidInput("初稿还在生成中，请稍候；也可以直接编辑正文，编辑后将不再等待生成结果")
    instruction = (instruction or "").strip()
    if len(instruction) > 200:
        raise InvalidInput("修改要求最多200字")
    request = {"actor_id": actor.id, "instruction": instruction}
    token = jobs.open_job(post, jobs.REGENERATE, request)
    audit.record("regenerate_requested", post_id=post_id, actor_id=actor.id, detail=instruction or "（无要求）")
    db.session.commit()
    try:
        jobs.queue_job(post_id, token, jobs.REGENERATE, request)
    except QueueUnavailable:
        jobs.not_queued(post_id, token)
        raise
