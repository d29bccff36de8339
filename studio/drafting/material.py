"""Gathering what one variant is composed from: the stage's scripts, the brief's content, the ranked fact
sentences and the subject products' rows.  No Flask here."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from knowledge.loaders import load_csv
from prompts import LIFECYCLE_STAGES, DraftBrief, Fact, PersonaProfile, SegmentProfile, normalize_stage
from prompts.loader import read_template, template_exists
from prompts.scripts_library import stage_scripts
from studio.drafting import record_checks
from studio.drafting.brief_clauses import addressed_to, audience_tags, brief_content, brief_rules
from studio.drafting.composer import Material
from studio.drafting.context import BrandContext
from studio.drafting.editor_checks import loops
from studio.drafting.fact_sentences import (
    FactSentence,
    passage_sentences,
    product_sayings,
    product_sentence,
    rank_sentences,
)

_PLAIN = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")
_GIVEN_AWAY = re.compile(r"(?:送|赠|抽|奖|领)[一两\d]*[份袋盒罐包支瓶个张]?$")
_DEICTIC = re.compile(r"(?:这|那|该|此)一?(?:款|支|个|种|批|袋|盒|罐|瓶|份)")
PRODUCT_LINE_SCORE = 2.0  # the row of the product a brief names is about its subject by construction


def _csv_signature(kit_path: str) -> tuple:
    folder = Path(kit_path) / "knowledge"
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.csv"))) if folder.is_dir() else ()


@lru_cache(maxsize=16)
def _products(kit_path: str, signature: tuple) -> tuple[record_checks.ProductRecord, ...]:
    documents = []
    for name, _ in signature:
        path = Path(kit_path) / "knowledge" / name
        raw = path.read_bytes()
        documents += load_csv(path, name, raw, raw.decode("utf-8-sig", errors="replace"), [])
    return tuple(record_checks.product_records(documents))


def kit_products(kit_path: str) -> list[record_checks.ProductRecord]:
    """The rows of the kit's product tables; read again when a table changes."""
    return list(_products(kit_path, _csv_signature(kit_path))) if kit_path else []


def max_chars(channel_type: str, overrides_dir: Path | None) -> int:
    name = f"channels/{re.sub(r'[^a-z0-9_-]', '', (channel_type or '').lower()) or 'default'}.txt"
    template = read_template(name if template_exists(name, overrides_dir) else "channels/default.txt",
                             overrides_dir)
    return template.meta_int("max_chars", 300)


def named_products(text: str, records: list[record_checks.ProductRecord],
                   aliases: dict[str, set[str]]) -> tuple[list[record_checks.ProductRecord], set[str]]:
    """The products a brief names, by any name no other product shares, in the order it names them, and
    the keys of those it only gives away ("结束后抽2位送经典七日装"): those come after the ones it is about."""
    plain = _PLAIN.sub("", text)
    found = []
    for record in records:
        # "白牡丹2024" names one row; a bare "白牡丹" that two rows share names neither.
        places = [m.start() for alias in aliases[record.key] if (name := _PLAIN.sub("", alias))
                  for m in re.finditer(re.escape(name), plain)]
        if places:
            given = all(_GIVEN_AWAY.search(plain[max(0, at - 8):at]) for at in places)
            found.append((given, min(places), record))
    ordered = sorted(found, key=lambda item: item[:2])
    return [record for _given, _at, record in ordered], {record.key for given, _at, record in ordered if given}


def build_material(brief: DraftBrief, brand: BrandContext, persona: PersonaProfile, segment: SegmentProfile,
                   channel_type: str, facts: list[Fact]) -> Material:
    overrides = brand.prompt_overrides
    stage = normalize_stage(segment.lifecycle_stage)
    scripts = stage_scripts(stage, channel_type, overrides)
    content = brief_content(brief.key_message or brief.text, brief_rules(overrides))
    content.message = addressed_to(content.message, segment.name, brief.audience) or content.message
    if brief.goal and brief.goal not in (brief.key_message or ""):
        content.topics.append(brief.goal)
    records = kit_products(brand.kit_path)
    subject_text = " ".join([brief.text, *brief.products])
    aliases = record_checks.product_aliases(records)
    subjects, given = named_products(subject_text, records, aliases)
    # A product is named by any name no other product shares ("正山小种" for 正山小种·2025).
    subject_names = [*brief.products, *content.topics, *(alias for r in subjects for alias in aliases[r.key])]
    others = [r.name for r in records if r not in subjects]
    taboo = tuple(word for word in persona.taboo if word)
    subject_aliases = [_PLAIN.sub("", alias) for r in subjects for alias in aliases[r.key] if alias]
    # "两家门店的手冲单里都有这款豆": "this one" is the product of the passage, which only a post about
    # that product may leave unnamed.
    sentences = [FactSentence(text, fact.doc_id, f"fact:{fact.doc_id}") for fact in facts
                 for text in passage_sentences(fact)
                 if not _DEICTIC.search(text) or any(alias in _PLAIN.sub("", fact.text) for alias in subject_aliases)]
    sayings = product_sayings(overrides)
    # The products the brief is about take turns to be told first; one only given away is told last.
    told = [record for record in subjects if record.key not in given]
    rotation = _rotation(brief, segment, stage)
    if told and segment.name in brief.audience:
        told = told[rotation % len(told):] + told[:rotation % len(told)]
    product_lines = [FactSentence(line, record.key, f"product:{record.key}", PRODUCT_LINE_SCORE)
                     for record in [*told, *(record for record in subjects if record.key in given)]
                     if (line := product_sentence(record, stage, sayings,
                                                  lambda text: _misleading(text, records, subject_text)))
                     and not loops(content.message + line)]
    topic_words = [*brief.products, *content.topics, *(r.name for r in subjects)]
    # A sentence true where it was written ("赠送白牡丹小罐25g") can read as the wrong figure for the
    # product it names; a post only carries sentences the product records agree with.
    # Nor one that would make the post say the same words a third time.
    catchphrases = [c for c in persona.catchphrases if c]
    # Nor one that speaks to another segment of the brief ("星河会员也可以报名做领读人" to 萤火会员).
    usable = [s for s in sentences if not any(word in s.text for word in (*taboo, *catchphrases))
              and addressed_to(s.text, segment.name, brief.audience) == s.text
              and not record_checks.contradictions(s.text, records) and not loops(content.message + s.text)]
    # A sentence naming a segment of the brief ("盛放会员每月可以免费上1节") is that segment's own to lead
    # with; the others take turns over the rest, which every segment of the brief sees alike.
    tags = audience_tags(list(brief.audience)) if segment.name in brief.audience and len(brief.audience) > 1 else {}
    own = [s for s in usable if tags and tags[segment.name] in s.text]
    shared = [s for s in usable if not any(tag in s.text for tag in tags.values())]

    def ranking(sentences):
        return rank_sentences(sentences, topic_text=" ".join(topic_words) or subject_text, subjects=subject_names,
                              stage_words=scripts.stage_words, other_products=others, said=content.message)
    ranked, own_ranked = ranking(shared), ranking(own)
    return Material(scripts=scripts, persona=persona, brand_name=brand.name, message=content.message,
                    facts=ranked, own_facts=own_ranked[:1], product_lines=product_lines,
                    product_rows=[_row_fact(r, sayings) for r in subjects],
                    max_chars=max_chars(channel_type, overrides), taboo=taboo,
                    seed=f"{brief.text}/{segment.slug}", rotation=rotation)


def _misleading(phrase: str, records, brief_text: str) -> bool:
    """A row's phrase a reader could take for the wrong figure: one the records would call a contradiction,
    or a price, weight or volume of another value than the brief states (the brief's figure is the news)."""
    if record_checks.contradictions(phrase, records):
        return True
    for _kind, _name, figure in record_checks.NUMERIC_KINDS:
        said, briefed = set(figure.findall(phrase)), set(figure.findall(brief_text))
        if said and briefed and not said & briefed:
            return True
    return False


def _row_fact(record: record_checks.ProductRecord, sayings) -> dict:
    """A product row as the fact a post cites: said in full (the template gives each figure its unit)
    and as recorded."""
    said = product_sentence(record, "", tuple(replace(s, stages=()) for s in sayings))
    lines = "\n".join(f"{name}：{value}" for name, value in record.fields.items())
    return {"doc_id": record.key, "title": record.name, "text": f"{said}\n{lines}"}


def _rotation(brief: DraftBrief, segment: SegmentProfile, stage: str) -> int:
    """Which of the best facts and subject products a variant leads with: its place among the brief's
    segments, so the variants of one brief each tell another; the stage's place when drafted alone."""
    if segment.name in brief.audience:
        return list(brief.audience).index(segment.name)
    return _stage_index(stage)


def _stage_index(stage: str) -> int:
    return LIFECYCLE_STAGES.index(stage) if stage in LIFECYCLE_STAGES else 0
