"""Measure drafting on a set of briefs: is each variant something an editor would keep?"""
from __future__ import annotations

import re
import statistics
import time
from itertools import combinations

from knowledge.errors import KitError
from knowledge.kit import load_brand_kit
from prompts import DraftBrief
from prompts.loader import scaffold_fragments, template_texts
from prompts.scripts_library import script_texts
from studio.compliance import lint_text
from studio.compliance.grounding import check_grounding
from studio.drafting import editor_checks, rankers, record_checks
from studio.drafting.brief_clauses import brief_rules, instruction_leaks
from studio.drafting.briefs import BriefInput, resolve_brief
from studio.drafting.context import brand_context, persona_for_prompt, segment_for_prompt
from studio.drafting.generation import ComposedVariant, compose_variant, llm_settings
from studio.drafting.writer import cjk_share
from studio.errors import InvalidInput
from studio.extensions import db
from studio.models import KnowledgeDocument
from studio.review import post_lint

CHECKS = ("non_empty", "chinese", "lint_clean", "grounded", "mentions_product", "within_length",
          "distinct_segments", "no_scaffold", "no_field_dump", "no_loop", "no_contradiction", "supported",
          "persona_voice", "no_instruction")
MAX_FAILURES_SHOWN = 30
DISTINCT_BELOW = 0.6  # char-bigram Jaccard similarity above which two segment variants count as the same post


def load_briefs(lines: list[str]) -> list[dict]:
    """Parse JSON Lines of briefs; a bad line is named."""
    import json

    briefs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"第 {number} 行不是有效的 JSON / line {number}: {exc}") from None
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item.get(k).strip()
                                                  for k in ("brief", "persona", "channel")) \
                or not isinstance(item.get("segments"), list) or not item["segments"]:
            raise InvalidInput(f"第 {number} 行应为 {{id, brief, persona, segments: [...], channel}} / line {number}")
        briefs.append(item)
    if not briefs:
        raise InvalidInput("没有可评估的简报 / no briefs")
    return briefs


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def similarity(a: str, b: str) -> float:
    first, second = _bigrams(a), _bigrams(b)
    return len(first & second) / len(first | second) if first and second else 0.0


def _mentions(body: str, products: list[str], records: list, aliases: dict[str, set[str]]) -> bool:
    """Whether the post names one of the products, in full or by a part of its name no other product
    shares (普洱水洗挂耳 for 普洱水洗挂耳·10袋装): an editor reads either as naming it."""
    plain = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", body)
    named = [r for r in records if r.name in products or r.key in products]
    return any(name in body for name in products) or any(
        alias in plain for record in named for alias in aliases[record.key])


def _product_names(brand_id: int) -> list[str]:
    rows = db.session.scalars(db.select(KnowledgeDocument).where(KnowledgeDocument.brand_id == brand_id,
                                                                 KnowledgeDocument.type == "product_fact"))
    names = set()
    for row in rows:
        names.add(row.title)
        if row.source.endswith(".csv"):
            names.add(row.doc_id)  # a SKU
    return sorted((n for n in names if n), key=len, reverse=True)


def _product_records(kit_path: str) -> list[record_checks.ProductRecord]:
    """The brand's product table rows; none when the kit folder is gone (the check then has nothing to say)."""
    try:
        return record_checks.product_records(load_brand_kit(kit_path, strict=False).documents)
    except KitError:
        return []


def evaluate_briefs(brand_slug: str, briefs: list[dict]) -> dict:
    """Draft every variant of every brief in turn and score each against the checks."""
    rows, seconds, pair_similarities, failures = [], [], [], []
    fragments, records, aliases, rules = scaffold_fragments(), {}, {}, brief_rules()
    # Timed as the drafter worker drafts: it opens the index and jieba, loads the lint and the ranking model
    # and scores the script lines when it starts, before any brief arrives. That time is reported apart.
    started = time.monotonic()
    rankers.warm_up_drafting(llm_settings(), brand_slug)
    warm_up_s = time.monotonic() - started
    slowest = {"seconds": 0.0}
    # What a model is given to write from, besides the facts: the wording of every prompt template.
    given = [*template_texts(("draft", "examples", "stages", "channels")), *script_texts()]
    for item in briefs:
        data = BriefInput(brand=brand_slug, persona=item["persona"], channel=item["channel"],
                          segments=[str(s) for s in item["segments"]], key_message=item["brief"],
                          products=[str(p) for p in item.get("products", [])])
        brand, persona, channel, segments = resolve_brief(data)
        if brand.slug not in records:
            records[brand.slug] = _product_records(brand.kit_path)
            aliases[brand.slug] = record_checks.product_aliases(records[brand.slug])
        products = [name for name in _product_names(brand.id) if name in item["brief"]] + data.products
        options = post_lint.lint_options(brand, persona, channel)
        limit = options.get("max_chars")
        brief = DraftBrief(key_message=data.key_message, products=tuple(data.products), text=data.key_message,
                           audience=tuple(segment.name for segment in segments))
        voice = persona_for_prompt(persona)
        variants: list[ComposedVariant] = []
        for segment in segments:
            started = time.monotonic()
            variant = compose_variant(brief, brand_context(brand), voice,
                                      segment_for_prompt(segment), channel.type)
            seconds.append(time.monotonic() - started)
            if seconds[-1] > slowest["seconds"]:
                slowest = {"brief": item.get("id") or item["brief"][:40], "segment": segment.slug,
                           "seconds": round(seconds[-1], 2)}
            variants.append(variant)
        pair_similarities += [similarity(a.body, b.body) for a, b in combinations(variants, 2)
                              if a.body and b.body]
        for variant in variants:
            body = variant.body
            facts = [f for f in variant.meta.get("facts", []) if f["doc_id"] in variant.citations] or \
                variant.meta.get("facts", [])
            others = [v.body for v in variants if v is not variant and v.body]
            labels = editor_checks.field_labels(f["text"] for f in variant.meta.get("facts", []))
            evidence = {"no_scaffold": editor_checks.scaffold_leaks(body, fragments),
                        "no_field_dump": editor_checks.field_dump(body, labels),
                        "no_loop": editor_checks.loops(body),
                        "no_contradiction": record_checks.contradictions(body, records[brand.slug], item["brief"]),
                        "supported": editor_checks.unsupported_sentences(body, [
                            *(f["text"] for f in variant.meta.get("facts", [])), item["brief"], *data.products,
                            voice.name, *voice.catchphrases, *voice.examples, *given]),
                        "no_instruction": instruction_leaks(body, rules, item["brief"], voice.name,
                                                                tuple(voice.catchphrases))
                                          + editor_checks.writer_directives(body, item["brief"])}
            row = {
                "non_empty": bool(body.strip()) and not variant.error,
                "chinese": cjk_share(body) >= 0.5,
                "lint_clean": not any(f.severity == "block" for f in lint_text(body, **options)),
                "grounded": not check_grounding(body, facts, item["brief"]),
                "mentions_product": not products or _mentions(body, products, records[brand.slug], aliases[brand.slug]),
                "within_length": bool(body) and (limit is None or len(body) <= limit),
                "distinct_segments": all(similarity(body, other) < DISTINCT_BELOW for other in others),
                **{check: not found for check, found in evidence.items()},
                "persona_voice": bool(editor_checks.persona_voice(body, voice)),
            }
            rows.append(row)
            failed = [check for check in CHECKS if not row[check]]
            if failed and len(failures) < MAX_FAILURES_SHOWN:
                failures.append({"brief": item.get("id") or item["brief"][:40], "segment": variant.segment,
                                 "failed": failed, "evidence": {k: v for k, v in evidence.items() if v},
                                 "error": variant.error or None, "body": body})
    n = len(rows)
    report = {"variants": n, "acceptable": round(sum(all(r.values()) for r in rows) / n, 4)}
    report.update({check: round(sum(r[check] for r in rows) / n, 4) for check in CHECKS})
    ordered = sorted(seconds)
    report["p50_s"] = round(statistics.median(ordered), 2)
    report["p95_s"] = round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)
    report["slowest"] = slowest
    report["warm_up_s"] = round(warm_up_s, 2)
    report["pairwise_similarity_mean"] = round(statistics.mean(pair_similarities), 4) if pair_similarities else None
    report["failures"] = failures  # the drafts an editor would not keep, with the checks they failed
    return report
