"""Rewriting a passage the editor selected, in the persona's voice, checked like every generation."""
from __future__ import annotations

import logging
from dataclasses import replace

from prompts.rewrite import build_rewrite_prompt
from studio import audit
from studio.compliance import lint_text
from studio.drafting.context import brand_context, persona_for_prompt
from studio.drafting.generation import llm_settings
from studio.drafting.model_client import GenerationFailed
from studio.drafting.passage_rewriter import rewrite_passage_text
from studio.drafting.text import norm
from studio.errors import Forbidden, GenerationError, InvalidInput
from studio.extensions import db
from studio.models import PostStatus
from studio.posts import get_post
from studio.review import post_lint

log = logging.getLogger(__name__)

MAX_PASSAGE_CHARS = 1000
MAX_INSTRUCTION_CHARS = 200
# A small base model asked to rewrite mostly copies the passage back: it samples more freely than for drafts.
REWRITE_TEMPERATURE = 1.0


def rewrite_passage(post_id: int, actor, passage: str, instruction: str = "") -> dict:
    """The passage rewritten by the model (not stored: the editor's next save makes the revision)."""
    post = get_post(post_id)
    if not actor.can("editor", brand_id=post.brief.brand_id):
        raise Forbidden("只有编辑可以改写")
    if post.status == PostStatus.GENERATING:
        raise InvalidInput("初稿还在生成中，请稍候")
    passage = (passage or "").replace("\r\n", "\n").strip()
    if not norm(passage):
        raise InvalidInput("请先在正文中选中要改写的段落")
    if len(passage) > MAX_PASSAGE_CHARS:
        raise InvalidInput(f"选中的段落过长（最多{MAX_PASSAGE_CHARS}字），请分段改写")
    instruction = (instruction or "").strip()
    if len(instruction) > MAX_INSTRUCTION_CHARS:
        raise InvalidInput(f"改写要求最多{MAX_INSTRUCTION_CHARS}字")
    brief = post.brief
    brand = brand_context(brief.brand)
    prompt = build_rewrite_prompt(passage=passage, instruction=instruction, brand_name=brand.name,
                                  persona=persona_for_prompt(brief.persona),
                                  overrides_dir=brand.prompt_overrides)
    # The channel's length limit is for the whole post, not for one passage of it.
    options = {**post_lint.lint_options(brief.brand, brief.persona, brief.channel), "max_chars": None}
    settings = llm_settings()
    settings = replace(settings, temperature=max(settings.temperature, REWRITE_TEMPERATURE))
    try:
        rewrite = rewrite_passage_text(prompt, settings=settings, lint=lambda text: lint_text(text, **options))
    except GenerationFailed as exc:
        log.warning("rewriting a passage of post %s failed: %s", post_id, exc)
        raise GenerationError(f"改写失败，原文未改动：{exc.reason}") from exc
    audit.record("passage_rewritten", post_id=post_id, actor_id=actor.id,
                 detail=f"{prompt.instruction}（{rewrite.tries} 次生成）")
    db.session.commit()
    return {"text": rewrite.text, "instruction": prompt.instruction, "tries": rewrite.tries,
            "findings": post_lint.finding_dicts(rewrite.findings, rewrite.text)}
