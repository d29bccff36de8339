"""Generation: one grounded variant per segment, in the persona's voice, written by the drafting chain."""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from prompts import DraftBrief, PersonaProfile, SegmentProfile
from studio import audit
from studio.drafting.briefs import BriefInput, resolve_brief
from studio.drafting.chain import BrandKnowledgeRetriever, composing_chain, drafting_chain
from studio.drafting.playbook import PlaybookHint, drafting_hint
from studio.drafting.context import (
    BrandContext,
    brand_context,
    brief_for_prompt,
    persona_for_prompt,
    segment_for_prompt,
    written_brief,
)
from studio.drafting import jobs
from studio.drafting.editor_checks import gate_problems
from studio.drafting.material import kit_products
from studio.drafting.rankers import fluency_scorer, score_cache
from studio.drafting.writer import GenerationFailed, LLMSettings, TextCallback
from studio.errors import StudioError
from studio.extensions import db
from studio.knowledge_base.index import get_index, index_errors
from studio.models import Post, PostStatus, Revision, User, utcnow
from studio.review.workflow import save_revision

log = logging.getLogger(__name__)

# The editor's page polls about once a second; a worker writes what it has at most twice a second.
PARTIAL_TEXT_EVERY_S = 0.5
# What an editor reads when drafting broke in an unexpected way; the exception itself goes to the log.
INTERNAL_ERROR = "出现了意外错误（详情已记入日志）。请点“重新生成”再试，或直接编辑正文"
PARTIAL_TEXT_MAX_CHARS = 4000


@dataclass
class ComposedVariant:
    segment: str
    body: str = ""
    citations: list[str] = field(default_factory=list)
    error: str = ""
    meta: dict = field(default_factory=dict)
    note: str = ""  # what the editor should know about how it was made (a model that was down)


def llm_settings() -> LLMSettings:
    config = current_app.config
    return LLMSettings(base_url=config["OPENAI_BASE_URL"], api_key=config["OPENAI_API_KEY"],
                       model=config["STUDIO_LLM_MODEL"], mode=config["STUDIO_LLM_MODE"],
                       timeout_s=config["STUDIO_LLM_TIMEOUT"], factory=config["STUDIO_LLM_FACTORY"])


class PartialTextRecorder:
    """Stores the text a drafting worker is writing in the post's generation record, so the editor's page
    can show it growing. Writes at most every ``every_s`` seconds: each write is a database commit."""

    def __init__(self, post_id: int, every_s: float = PARTIAL_TEXT_EVERY_S, clock=time.monotonic,
                 token: str | None = None):
        self.post_id, self.every_s, self.clock, self.token = post_id, every_s, clock, token
        self.last_write = float("-inf")
        self.last_text = ""

    def __call__(self, text: str) -> None:
        now = self.clock()
        # Clearing is never held back: text the checks threw away must not stay on the editor's screen.
        if text == self.last_text or (text and now - self.last_write < self.every_s):
            return
        self.last_write, self.last_text = now, text
        try:
            db.session.execute(
                update(Post).where(Post.id == self.post_id, Post.status == PostStatus.GENERATING,
                                   jobs.holds(self.token))
                .values(generation={"partial": text[:PARTIAL_TEXT_MAX_CHARS]}),
                execution_options={"synchronize_session": False})
            db.session.commit()
        except SQLAlchemyError:  # showing progress must never stop the drafting itself
            log.warning("could not record the partial text of post %s", self.post_id, exc_info=True)
            db.session.rollback()


def _written(chain_input: dict, retriever, settings: LLMSettings, on_text
             ) -> tuple[ComposedVariant | None, str, str]:
    """A capable model's own draft, when it passes the editor's checks; else None, why not in the editor's
    words, and the technical detail."""
    try:
        out = drafting_chain(retriever, settings, on_text=on_text).invoke(chain_input)
    except GenerationFailed as exc:
        log.warning("the writing model failed, the draft is composed: %s", exc)
        return None, f"模型没有写出可用的稿子（{exc.reason}）", str(exc)
    variant, prompt, facts = out["variant"], out["prompt"], out["facts"]
    records = kit_products(chain_input["brand"].kit_path)
    problems = gate_problems(variant.text, [f.text for f in facts], records)
    if problems:
        return None, f"模型的稿子没有通过检查（{problems[0]}）", ""
    meta = {"model": settings.model, "mode": settings.mode, "temperature": settings.temperature,
            "max_tokens": settings.max_tokens, "top_p": settings.top_p, "prompt_files": prompt.files,
            "chunks": [d.metadata["chunk_id"] for d in out["documents"]],
            "facts": [{"n": f.number, "doc_id": f.doc_id, "title": f.title, "text": f.text} for f in facts]}
    if settings.factory:
        meta["factory"] = settings.factory
    hint = chain_input.get("playbook")
    if hint is not None and hint.examples:  # the model saw the segment's best posts as examples
        meta["playbook"] = {"segment": hint.segment, "written_at": hint.written_at, "posts": list(hint.posts),
                            "examples": len(hint.examples)}
    return ComposedVariant(segment=chain_input["segment"].slug, body=variant.text,
                           citations=list(variant.citations), meta=meta), "", ""


def _with_rows(facts: list[dict], rows: list[dict]) -> list[dict]:
    """The facts with each product row a post drew on: a row retrieval found is told in full in its place."""
    by_id = {fact["doc_id"]: fact for fact in facts}
    for row in rows:
        if row["doc_id"] in by_id:
            by_id[row["doc_id"]].update(title=row["title"], text=row["text"])
        else:
            facts.append({"n": len(facts) + 1, **row})
    return facts


def compose_variant(brief: DraftBrief, brand: BrandContext, persona: PersonaProfile, segment: SegmentProfile,
                    channel_type: str, on_text: TextCallback | None = None,
                    playbook: PlaybookHint | None = None) -> ComposedVariant:
    """One variant: a chat model writes it when one is configured, and the best composition of script
    lines, brief and fact sentences stands in when it cannot; a base model only ranks compositions.

    Takes plain values only, so several variants can be composed in threads. ``on_text`` sees the text
    of a candidate a model is writing as it grows.
    """
    on_date = brief.event_date or datetime.now(ZoneInfo(brand.timezone)).date()
    settings = llm_settings()
    config = current_app.config
    chain_input = {"query": " ".join([brief.text, *brief.products]), "brief": brief, "brand": brand,
                   "persona": persona, "segment": segment, "channel_type": channel_type, "playbook": playbook}
    note, note_detail = "", ""
    with index_errors():
        retriever = BrandKnowledgeRetriever(index=get_index(), brand_slug=brand.slug, on_date=on_date,
                                            k=config["STUDIO_RETRIEVAL_K"])
        drafting = config["STUDIO_DRAFTING"]
        if drafting == "write" or (drafting == "auto" and settings.mode == "chat"):
            written, note, note_detail = _written(chain_input, retriever, settings, on_text)
            if written is not None:
                return written
            if on_text is not None:
                on_text("")  # what the model wrote did not pass: the page stops showing it
        scorer = fluency_scorer(settings)
        out = composing_chain(retriever, scorer, budget_s=config["STUDIO_RANK_BUDGET_S"],
                              cache=score_cache()).invoke(chain_input)
    variant, facts = out["variant"], out["facts"]
    note = "；".join(part for part in (note, out["note"]) if part)
    if on_text is not None:
        on_text(variant.text)
    meta = {"model": settings.model, "mode": "composed", "ranker": scorer.name if scorer else None,
            "note": note, "note_detail": note_detail, **variant.meta, "chunks": [d.metadata["chunk_id"] for d in out["documents"]],
            "facts": _with_rows([{"n": f.number, "doc_id": f.doc_id, "title": f.title, "text": f.text} for f in facts],
                                out["material"].product_rows)}
    return ComposedVariant(segment=segment.slug, body=variant.text, citations=list(variant.citations),
                           meta=meta, note=note)


def draft_post(post_id: int, token: str | None = None) -> None:
    """Write the first revision of a post that is waiting for its draft, if this job is still the post's."""
    post = db.session.get(Post, post_id)
    if post is None or post.status != PostStatus.GENERATING or not jobs.begin(post_id, token):
        return
    brief = post.brief
    try:
        with jobs.heartbeat(post_id, token):
            composed = compose_variant(brief_for_prompt(brief), brand_context(brief.brand),
                                       persona_for_prompt(brief.persona), segment_for_prompt(post.segment),
                                       brief.channel.type, on_text=PartialTextRecorder(post_id, token=token),
                                       playbook=drafting_hint(brief.brand, post.segment.slug))
    except OperationalError:
        raise  # a busy or unreachable database: the task backs off and tries again
    except Exception as exc:  # the progress bar must finish whatever went wrong
        log.exception("drafting post %s failed", post_id)
        db.session.rollback()
        post = db.session.get(Post, post_id)
        reason = str(exc) if isinstance(exc, StudioError) else INTERNAL_ERROR
        composed = ComposedVariant(segment=post.segment.slug, error=f"生成失败：{reason}")
    # Only the job holding the token writes: an edit took the post over, or the sweep gave the job to
    # another worker, or a redelivered duplicate finds the post no longer generating.
    won = db.session.execute(
        update(Post).where(Post.id == post_id, Post.status == PostStatus.GENERATING, jobs.holds(token))
        .values(status=PostStatus.ERROR if composed.error else PostStatus.DRAFT, error=composed.error,
                generation=composed.meta or {}, updated_at=utcnow(), **jobs.JOB_CLOSED),
        execution_options={"synchronize_session": False}).rowcount
    if won != 1:
        db.session.rollback()
        log.info("draft of post %s not stored: the job was taken over or replaced", post_id)
        return
    if composed.error:
        audit.record("draft_failed", post_id=post_id, detail=composed.error)
    else:
        note = "组合初稿" if composed.meta.get("mode") == "composed" else "模型初稿"
        revision = Revision(post_id=post_id, number=1, body=composed.body, citations=composed.citations,
                            note=f"{note}（{composed.note}）" if composed.note else note)
        db.session.add(revision)
        db.session.flush()
        db.session.execute(update(Post).where(Post.id == post_id).values(current_revision_id=revision.id),
                           execution_options={"synchronize_session": False})
        audit.record("drafted", post_id=post_id, detail=f"模型 {composed.meta.get('model')}")
    db.session.commit()


def draft_variants_now(data: BriefInput) -> list[ComposedVariant]:
    """Draft every segment's variant in this process, concurrently, without storing anything."""
    brand, persona, channel, segments = resolve_brief(data)
    brief = written_brief(data.goal, data.key_message, data.products, data.event_date,
                          [segment.name for segment in segments])
    context = (brand_context(brand), persona_for_prompt(persona), channel.type)
    app = current_app._get_current_object()

    hints = {segment.slug: drafting_hint(brand, segment.slug) for segment in segments}

    def run(segment: SegmentProfile) -> ComposedVariant:
        with app.app_context():
            return compose_variant(brief, context[0], context[1], segment, context[2],
                                   playbook=hints.get(segment.slug))

    with ThreadPoolExecutor(max_workers=min(4, len(segments))) as pool:
        return list(pool.map(run, [segment_for_prompt(segment) for segment in segments]))


def regenerate(post_id: int, actor_id: int, instruction: str = "", token: str | None = None) -> None:
    """Write a fresh variant for the post's segment as a new revision, if this job is still the post's;
    a failure is recorded, not raised."""
    post = db.session.get(Post, post_id)
    actor = db.session.get(User, actor_id)
    if post is None or actor is None or not jobs.begin(post_id, token):
        return
    brief = post.brief
    prompt_brief = brief_for_prompt(brief)
    if instruction:
        prompt_brief = replace(prompt_brief, text=f"{prompt_brief.text}（修改要求：{instruction}）")
    try:
        with jobs.heartbeat(post_id, token):
            composed = compose_variant(prompt_brief, brand_context(brief.brand), persona_for_prompt(brief.persona),
                                       segment_for_prompt(post.segment), brief.channel.type,
                                       playbook=drafting_hint(brief.brand, post.segment.slug))
    except OperationalError:
        raise
    except Exception as exc:
        log.exception("regenerating post %s failed", post_id)
        db.session.rollback()
        reason = str(exc) if isinstance(exc, StudioError) else INTERNAL_ERROR
        composed = ComposedVariant(segment="", error=f"生成失败：{reason}")
    # The result is the job's to store only while it holds the token: an edit in the meantime wins.
    won = db.session.execute(update(Post).where(Post.id == post_id, jobs.holds(token)).values(**jobs.JOB_CLOSED),
                             execution_options={"synchronize_session": False}).rowcount
    if won != 1:
        db.session.rollback()
        log.info("regenerated text of post %s not stored: the job was taken over or replaced", post_id)
        return
    db.session.expire_all()
    if composed.error:
        audit.record("draft_failed", post_id=post_id, actor_id=actor_id, detail=f"重新生成：{composed.error}")
        db.session.commit()
        return
    note = f"重新生成：{instruction}" if instruction else "重新生成"
    if composed.note:
        note = f"{note}（{composed.note}）"
    save_revision(post_id, composed.body, actor, note=note, citations=composed.citations,
                  generation={**composed.meta, "instruction": instruction})
