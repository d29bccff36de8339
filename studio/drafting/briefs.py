"""Briefs and drafting: one grounded variant per segment, in the persona's voice."""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from prompts import DraftBrief, PersonaProfile, SegmentProfile
from studio import audit
from studio.brands.kits import get_brand
from studio.drafting.chain import BrandKnowledgeRetriever, drafting_chain
from studio.drafting.context import (
    BrandContext,
    brand_context,
    brief_for_prompt,
    persona_for_prompt,
    segment_for_prompt,
    written_brief,
)
from studio.drafting.writer import GenerationFailed, LLMSettings, TextCallback
from studio.errors import Forbidden, InvalidInput, NotFound, StudioError
from studio.extensions import db
from studio.knowledge_base.index import get_index, index_errors
from studio.models import Brief, Channel, Persona, Post, PostStatus, Revision, Segment, utcnow
from studio.task_names import DRAFT_VARIANT, REGENERATE_VARIANT
from studio.task_queue import enqueue

log = logging.getLogger(__name__)

# The editor's page polls about once a second; a worker writes what it has at most twice a second.
PARTIAL_TEXT_EVERY_S = 0.5
PARTIAL_TEXT_MAX_CHARS = 4000


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


@dataclass
class ComposedVariant:
    segment: str
    body: str = ""
    citations: list[str] = field(default_factory=list)
    error: str = ""
    meta: dict = field(default_factory=dict)


def llm_settings() -> LLMSettings:
    config = current_app.config
    return LLMSettings(base_url=config["OPENAI_BASE_URL"], api_key=config["OPENAI_API_KEY"],
                       model=config["STUDIO_LLM_MODEL"], mode=config["STUDIO_LLM_MODE"],
                       timeout_s=config["STUDIO_LLM_TIMEOUT"], factory=config["STUDIO_LLM_FACTORY"])


def parse_list(raw: str | list | None) -> list[str]:
    """Split 'a,b，c' or a list into clean items."""
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else re.split(r"[,，、\s]+", raw)
    return [item.strip() for item in items if item and item.strip()]


def resolve_brief(data: BriefInput):
    """Check a brief against its brand; return (brand, persona, channel, segments) or raise InvalidInput."""
    if not (data.key_message or "").strip():
        raise InvalidInput("简报不能为空：请写下要传达的核心信息 / the brief is empty")
    if len(data.key_message) > 4000:
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
    brand, persona, channel, segments = resolve_brief(data)
    brief = Brief(brand_id=brand.id, author_id=author_id, persona_id=persona.id, channel_id=channel.id,
                  goal=data.goal.strip(), key_message=data.key_message.strip(), products=data.products,
                  event_date=data.event_date)
    db.session.add(brief)
    db.session.flush()
    for segment in segments:
        post = Post(brief_id=brief.id, segment_id=segment.id, status=PostStatus.GENERATING)
        db.session.add(post)
        db.session.flush()
        audit.record("created", post_id=post.id, actor_id=author_id, detail=f"人群 {segment.name}")
    db.session.commit()
    return brief


def start_drafting(brief_id: int) -> None:
    """Queue one drafting task per variant; they run concurrently on the workers."""
    posts = [post for post in get_brief(brief_id).posts if post.status == PostStatus.GENERATING]
    try:
        for post in posts:
            enqueue(DRAFT_VARIANT, post.id)
    except Exception as exc:
        log.exception("could not queue drafting of brief %s", brief_id)
        for post in posts:
            post.status, post.error = PostStatus.ERROR, f"生成任务未能排队（{type(exc).__name__}）：请检查消息队列后重试"
        db.session.commit()


def get_brief(brief_id: int) -> Brief:
    brief = db.session.get(Brief, brief_id)
    if brief is None:
        raise NotFound(f"没有简报 #{brief_id}")
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


def post_progress(post_id: int) -> dict:
    """A post's drafting state, with the text written so far while the model is still at it."""
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound(f"没有帖子 #{post_id}")
    return {"id": post.id, "status": post.status, "error": post.error, "partial": _partial(post)}


class PartialTextRecorder:
    """Stores the text a drafting worker is writing in the post's generation record, so the editor's page
    can show it growing. Writes at most every ``every_s`` seconds: each write is a database commit."""

    def __init__(self, post_id: int, every_s: float = PARTIAL_TEXT_EVERY_S, clock=time.monotonic):
        self.post_id, self.every_s, self.clock = post_id, every_s, clock
        self.last_write = float("-inf")
        self.last_text = ""

    def __call__(self, text: str) -> None:
        now = self.clock()
        if now - self.last_write < self.every_s or text == self.last_text:
            return
        self.last_write, self.last_text = now, text
        try:
            db.session.execute(
                update(Post).where(Post.id == self.post_id, Post.status == PostStatus.GENERATING)
                .values(generation={"partial": text[:PARTIAL_TEXT_MAX_CHARS]}),
                execution_options={"synchronize_session": False})
            db.session.commit()
        except SQLAlchemyError:  # showing progress must never stop the drafting itself
            log.warning("could not record the partial text of post %s", self.post_id, exc_info=True)
            db.session.rollback()


def compose_variant(brief: DraftBrief, brand: BrandContext, persona: PersonaProfile, segment: SegmentProfile,
                    channel_type: str, on_text: TextCallback | None = None) -> ComposedVariant:
    """Run the drafting chain (retriever → prompt → model → parser); a failed generation becomes an error.

    Takes plain values only, so several variants can be composed in threads. ``on_text`` sees the text
    of the candidate being written as it grows.
    """
    result = ComposedVariant(segment=segment.slug)
    on_date = brief.event_date or datetime.now(ZoneInfo(brand.timezone)).date()
    settings = llm_settings()
    try:
        with index_errors():
            retriever = BrandKnowledgeRetriever(index=get_index(), brand_slug=brand.slug, on_date=on_date,
                                                k=current_app.config["STUDIO_RETRIEVAL_K"])
            out = drafting_chain(retriever, settings, on_text=on_text).invoke({
                "query": " ".join([brief.text, *brief.products]), "brief": brief, "brand": brand,
                "persona": persona, "segment": segment, "channel_type": channel_type})
    except GenerationFailed as exc:
        result.error = f"生成失败：{exc}"
        return result
    variant, prompt, facts = out["variant"], out["prompt"], out["facts"]
    result.body, result.citations = variant.text, list(variant.citations)
    result.meta = {"model": settings.model, "mode": settings.mode, "temperature": settings.temperature,
                   "max_tokens": settings.max_tokens, "top_p": settings.top_p, "prompt_files": prompt.files,
                   "chunks": [d.metadata["chunk_id"] for d in out["documents"]],
                   "facts": [{"n": f.number, "doc_id": f.doc_id, "title": f.title, "text": f.text} for f in facts]}
    if settings.factory:
        result.meta["factory"] = settings.factory
    return result


def draft_post(post_id: int) -> None:
    """Write the first revision of a post that is waiting for its draft."""
    post = db.session.get(Post, post_id)
    if post is None or post.status != PostStatus.GENERATING:
        return
    brief = post.brief
    try:
        composed = compose_variant(brief_for_prompt(brief), brand_context(brief.brand),
                                   persona_for_prompt(brief.persona), segment_for_prompt(post.segment),
                                   brief.channel.type, on_text=PartialTextRecorder(post_id))
    except Exception as exc:  # the progress bar must finish whatever went wrong
        log.exception("drafting post %s failed", post_id)
        db.session.rollback()
        post = db.session.get(Post, post_id)
        reason = str(exc) if isinstance(exc, StudioError) else f"内部错误（{type(exc).__name__}）"
        composed = ComposedVariant(segment=post.segment.slug, error=f"生成失败：{reason}")
    # Only the first task to finish writes: a redelivered duplicate finds the post no longer generating.
    won = db.session.execute(
        update(Post).where(Post.id == post_id, Post.status == PostStatus.GENERATING)
        .values(status=PostStatus.ERROR if composed.error else PostStatus.DRAFT, error=composed.error,
                generation=composed.meta or {}, updated_at=utcnow()),
        execution_options={"synchronize_session": False}).rowcount
    if won != 1:
        db.session.rollback()
        return
    if composed.error:
        audit.record("draft_failed", post_id=post_id, detail=composed.error)
    else:
        revision = Revision(post_id=post_id, number=1, body=composed.body, citations=composed.citations,
                            note="模型初稿")
        db.session.add(revision)
        db.session.flush()
        db.session.execute(update(Post).where(Post.id == post_id).values(current_revision_id=revision.id),
                           execution_options={"synchronize_session": False})
        audit.record("drafted", post_id=post_id, detail=f"模型 {composed.meta.get('model')}")
    db.session.commit()


def draft_variants_now(data: BriefInput) -> list[ComposedVariant]:
    """Draft every segment's variant in this process, concurrently, without storing anything."""
    from concurrent.futures import ThreadPoolExecutor

    brand, persona, channel, segments = resolve_brief(data)
    brief = written_brief(data.goal, data.key_message, data.products, data.event_date)
    context = (brand_context(brand), persona_for_prompt(persona), channel.type)
    app = current_app._get_current_object()

    def run(segment: SegmentProfile) -> ComposedVariant:
        with app.app_context():
            return compose_variant(brief, context[0], context[1], segment, context[2])

    with ThreadPoolExecutor(max_workers=min(4, len(segments))) as pool:
        return list(pool.map(run, [segment_for_prompt(segment) for segment in segments]))


def request_regeneration(post_id: int, actor, instruction: str = "") -> None:
    """Queue a new model version of one variant, optionally with an instruction (更口语一点, 短一点)."""
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound(f"没有帖子 #{post_id}")
    if not actor.can("editor"):
        raise Forbidden("只有编辑可以重新生成")
    if post.status == PostStatus.GENERATING:
        raise InvalidInput("初稿还在生成中，请稍候")
    instruction = (instruction or "").strip()
    if len(instruction) > 200:
        raise InvalidInput("修改要求最多200字")
    audit.record("regenerate_requested", post_id=post_id, actor_id=actor.id, detail=instruction or "（无要求）")
    db.session.commit()
    enqueue(REGENERATE_VARIANT, post_id, actor.id, instruction)


def regenerate(post_id: int, actor_id: int, instruction: str = "") -> None:
    """Write a fresh variant for the post's segment as a new revision; a failure is recorded, not raised."""
    from studio.models import User
    from studio.review.workflow import save_revision

    post = db.session.get(Post, post_id)
    actor = db.session.get(User, actor_id)
    if post is None or actor is None:
        return
    brief = post.brief
    prompt_brief = brief_for_prompt(brief)
    if instruction:
        prompt_brief = replace(prompt_brief, text=f"{prompt_brief.text}（修改要求：{instruction}）")
    composed = compose_variant(prompt_brief, brand_context(brief.brand), persona_for_prompt(brief.persona),
                               segment_for_prompt(post.segment), brief.channel.type)
    if composed.error:
        audit.record("draft_failed", post_id=post_id, actor_id=actor_id, detail=f"重新生成：{composed.error}")
        db.session.commit()
        return
    note = f"重新生成：{instruction}" if instruction else "重新生成"
    save_revision(post_id, composed.body, actor, note=note, citations=composed.citations,
                  generation={**composed.meta, "instruction": instruction})
