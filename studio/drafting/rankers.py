"""Which model ranks composed drafts, the scores it has given, and what a drafting process loads before
its first brief."""
from __future__ import annotations

import fcntl
import logging
import time
from pathlib import Path

from flask import current_app

from prompts import LIFECYCLE_STAGES
from prompts.scripts_library import stage_scripts
from studio import localmodel
from studio.compliance import lint_text, tagging
from studio.drafting.composer import Material, script_parts
from studio.drafting.context import brand_context, persona_for_prompt
from studio.drafting.model_client import LLMSettings
from studio.drafting.ranking import PREFIX, EndpointScorer, FluencyScorer, LocalScorer, ScoreCache
from studio.extensions import db
from studio.knowledge_base import warm_up as knowledge_warm_up
from studio.knowledge_base.index import get_index
from studio.models import Brand

log = logging.getLogger(__name__)


def fluency_scorer(settings: LLMSettings) -> FluencyScorer | None:
    """The bundled model scores in this process when its file is here; another base model through its
    completion endpoint; a chat model or a custom factory is not asked to score."""
    if settings.factory or settings.mode != "completion":
        return None
    path = localmodel.model_path(Path(current_app.config["STUDIO_DATA_DIR"]))
    if settings.model == localmodel.MODEL_ALIAS and path.is_file():
        return LocalScorer(path, threads=current_app.config["STUDIO_RANK_THREADS"])
    return EndpointScorer(base_url=settings.base_url, api_key=settings.api_key, model=settings.model)


_score_caches: dict[str, ScoreCache] = {}


def score_cache() -> ScoreCache:
    """The ranking scores every process of this studio shares, in its data folder."""
    path = str(Path(current_app.config["STUDIO_DATA_DIR"]) / "ranking-scores.sqlite3")
    if path not in _score_caches:
        _score_caches[path] = ScoreCache(Path(path))
    return _score_caches[path]


def warm_up_drafting(settings: LLMSettings, brand_slug: str | None = None) -> None:
    """All a drafting process loads before its first brief, as the drafter worker does when it starts:
    the facts first (a brief's retrieval needs the index and jieba before any ranking), then the ranking."""
    try:
        knowledge_warm_up.warm_up_index(brand_slug)
        tagging.tokenizer()
    except Exception as exc:  # noqa: BLE001  e.g. a database not migrated yet; drafts still work cold
        log.warning("knowledge warm-up failed: %s", exc)
    warm_up(settings, brand_slug)


def warm_up(settings: LLMSettings, brand_slug: str | None = None) -> None:
    """Open the index, the lint's dictionary and the ranking model: what a drafting process loads once;
    and score the script lines of every brand, or of one."""
    started = time.monotonic()
    try:
        get_index()
        lint_text("预热：最近第一次")
        scorer = fluency_scorer(settings)
        if isinstance(scorer, LocalScorer):
            prescore_scripts(scorer, brand_slug)
    except Exception:  # a draft will meet the same problem and report it; warming up must not stop a worker
        log.warning("warming up for drafting failed", exc_info=True)
    log.info("ready to draft in %.1f s", time.monotonic() - started)


def prescore_scripts(scorer: FluencyScorer, brand_slug: str | None = None) -> int:
    """Score the script lines of every brand, persona, stage and channel not scored yet, so the first
    briefs wait only for their facts. Returns how many lines were scored.

    One process at a time: the drafter's pool processes start together, and the second finds the lines
    the first has scored."""
    cache = score_cache()
    with open(f"{cache.path or Path(current_app.config['STUDIO_DATA_DIR']) / 'ranking-scores'}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _prescore(scorer, cache, brand_slug)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _prescore(scorer: FluencyScorer, cache: ScoreCache, brand_slug: str | None) -> int:
    scored = 0
    brands = db.select(Brand) if brand_slug is None else db.select(Brand).where(Brand.slug == brand_slug)
    for brand in db.session.scalars(brands):
        context = brand_context(brand)
        prefix = PREFIX.format(brand=brand.name)
        for persona in brand.personas:
            profile = persona_for_prompt(persona)
            for stage in LIFECYCLE_STAGES:
                for channel_type in sorted({channel.type for channel in brand.channels}):
                    material = Material(scripts=stage_scripts(stage, channel_type, context.prompt_overrides),
                                        persona=profile, brand_name=brand.name, message="", facts=[],
                                        product_lines=[], taboo=tuple(w for w in profile.taboo if w))
                    texts = script_parts(material)
                    missing = [t for t in texts if t not in cache.get(scorer.name, prefix, texts)]
                    if missing:
                        values = scorer(prefix, missing, budget_s=60.0)
                        cache.put(scorer.name, prefix, {t: v for t, v in zip(missing, values) if v is not None})
                        scored += len(missing)
    return scored
