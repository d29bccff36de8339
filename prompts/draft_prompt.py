"""Building the draft prompt: the texts a model is given to write one post variant.

Chat models get a system and a user message; base models get a few-shot document of example posts
that ends with the opening of the new post.  Every text comes from the template files (see
``prompts.loader``).  Nothing here knows about Flask, the database or the model server.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from knowledge.kit import LIFECYCLE_STAGES  # one list: the brand kit validates segments by it
from prompts.draft_inputs import DraftBrief, Fact, PersonaProfile, SegmentProfile
from prompts.loader import TemplateFile, TemplateReader, list_templates, parse_sections, render_text
from prompts.text_values import one_line, word_list

_DEFAULT_STAGE = "通用"
_STAGE_ALIASES = {
    "onboarding": "引入", "welcome": "引入", "new": "引入", "intro": "引入", "introduction": "引入",
    "icebreak": "破冰", "icebreaking": "破冰", "ice_breaking": "破冰", "engage": "破冰",
    "activation": "促活", "active": "促活", "activate": "促活", "nurture": "促活",
    "conversion": "转化", "convert": "转化", "vip": "转化",
    "retention": "留存", "retain": "留存", "loyal": "留存", "loyalty": "留存",
    "reactivation": "召回", "winback": "召回", "win_back": "召回", "lapsed": "召回", "dormant": "召回",
}

# How much of the context a base model gets: few examples, short facts (Gemma 270M runs with n_ctx 2048).
_COMPLETION_EXAMPLES = 2
_COMPLETION_FACTS = 4
_COMPLETION_FACT_CHARS = 110
_COMPLETION_PERSONA_CHARS = 160
_CHAT_FACT_CHARS = 800
_PROVEN_POST_CHARS = 300  # of each proven post shown to a chat model
_SENTENCE_END = "。！？!?；;～~…"
# A number, with its unit when it has one: what a post may lift from a shown example.
_NUMBER_TERM = re.compile(r"(?<![\d.])\d+(?:[.:：]\d+)?\s*(?:%|％|℃|°C|度|元|块|克|公斤|斤|毫升|ml|mL|升|年|月|日|号|点|天"
                          r"|次|包|盒|罐|瓶|片|泡|人|位|名|分钟|小时|个|件|款|饼|袋|杯|折|份|支|套|张|粒|颗|g|kg)?")
_FACT_TITLE = re.compile(r"^\s*\[\d+\]\s*([^：:\n]{2,30})[：:]", re.MULTILINE)


@dataclass
class DraftPrompt:
    system: str
    user: str
    completion: str
    stop: list[str]
    files: dict[str, str]  # template file name -> short sha256 version
    # The opening the completion document ends with; a base model's output continues it.
    prefix: str = ""
    # The first words of the closing line (the stage's call to action); a base model finishes it.
    closing: str = ""
    min_chars: int = 50
    max_chars: int = 300
    catchphrases: list[str] = field(default_factory=list)
    taboo: list[str] = field(default_factory=list)
    stage: str = _DEFAULT_STAGE
    channel_type: str = "default"
    # Names and figures that belong only to the few-shot examples (their brands, authors, products,
    # prices, dates); a post that contains one copied an example instead of using its own facts.
    borrowed: list[str] = field(default_factory=list)
    # The posts shown as examples in the completion prompt: other brands' (shipped) and the persona's own.
    example_posts: list[str] = field(default_factory=list)
    persona_posts: list[str] = field(default_factory=list)


def normalize_stage(stage: str | None) -> str:
    raw = (stage or "").strip()
    if raw in LIFECYCLE_STAGES:
        return raw
    for known in LIFECYCLE_STAGES:
        if known in raw:  # "引入期", "转化阶段"
            return known
    return _STAGE_ALIASES.get(raw.lower().replace("-", "_").replace(" ", "_"), _DEFAULT_STAGE)


def _shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, preferably at the end of a sentence."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    best = max(cut.rfind(ch) for ch in _SENTENCE_END + "，,")
    if best >= limit * 0.5:
        return cut[: best + 1]
    return cut + "…"


def _chinese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _with_pause(phrase: str) -> str:
    """A catchphrase used as the first words of a post needs a pause after it."""
    phrase = phrase.strip()
    if not phrase:
        return ""
    if phrase[-1] in _SENTENCE_END + "，,～~、:：":
        return phrase
    return phrase + "！"


def _fact_lines(templates: TemplateReader, facts: list[Fact], limit_chars: int, max_facts: int | None) -> str:
    tpl = templates.get("draft/fact.txt")
    chosen = facts if max_facts is None else facts[:max_facts]
    return "\n".join(
        tpl.render(number=f.number, doc_id=f.doc_id, title=one_line(f.title),
                   text=_shorten(f.text, limit_chars))
        for f in chosen
    )


def _load_examples(templates: TemplateReader, stage: str) -> list[tuple[TemplateFile, dict[str, str]]]:
    """The shipped few-shot examples to show, chosen by the new post's stage.

    Examples of the *same* stage are left out on purpose: a small base model given an example whose
    opening matches the new post's opening copies that example's sentences (and its prices).  With
    examples of other stages it instead copies from the new post's own facts, which is what we want.
    """
    examples = []
    for name in list_templates("examples", templates.overrides_dir):
        tpl = templates.get(name, record=False)
        sections = parse_sections(tpl.body)
        if sections.get("资料") and sections.get("文案"):
            examples.append((tpl, sections))
    others = [e for e in examples if normalize_stage(e[0].meta.get("stage")) != stage]
    chosen = (others or examples)[:_COMPLETION_EXAMPLES]
    for tpl, _sections in chosen:
        templates.get(tpl.name)  # record the version of the examples actually shown
    return chosen


def _mask_skeletons(post: str, templates: TemplateReader) -> str:
    """An example post without the stages' fixed opening/closing words: reusing those is by design,
    so only the rest counts when checking whether a new post copied the example."""
    literals: set[str] = set()
    for name in list_templates("stages", templates.overrides_dir):
        meta = templates.get(name, record=False).meta
        for key in ("opening", "closing"):
            literals.update(part for part in re.split(r"\$\{[A-Za-z_]+\}", meta.get(key, "")) if len(part) >= 3)
    for literal in sorted(literals, key=len, reverse=True):
        post = post.replace(literal, "\u2063")  # an invisible separator no model output contains
    return post


def _borrowed_terms(entries: list[dict], exclude: str) -> list[str]:
    """Brands, authors, product names and figures of the shown examples that the new post must not reuse."""
    terms: list[str] = []
    for entry in entries:
        terms += [entry.get("brand", ""), entry.get("author", "")]
        for match in _FACT_TITLE.finditer(entry.get("facts", "")):
            title = match.group(1).strip()
            terms.append(title)
            # "新品桂花酒酿吐司" is copied as "酒酿吐司": every 4-character piece of a long title counts.
            terms += [title[i:i + 4] for i in range(len(title) - 3)] if len(title) > 4 else []
        for text in (entry.get("facts", ""), entry.get("post", "")):
            terms += [re.sub(r"\s+", "", m.group(0)) for m in _NUMBER_TERM.finditer(text)
                      if not m.group(0).strip().isdigit() or len(m.group(0).strip()) >= 3]
    unique: list[str] = []
    for term in terms:
        term = term.strip()
        if len(term) >= 3 - bool(re.search(r"[^\d\W]", term) and not term[0].isdigit()) \
                and term not in exclude and term not in unique:
            unique.append(term)
    return unique


def build_draft_prompt(*, brand_name: str, persona: PersonaProfile | Mapping,
                       segment: SegmentProfile | Mapping, channel_type: str, brief: DraftBrief | Mapping,
                       facts: list[Fact],
                       overrides_dir: Path | None = None, proven_posts: Sequence[str] = ()) -> DraftPrompt:
    """The prompt for one post variant, in both forms (chat messages and a completion document).

    ``proven_posts`` are the segment's posts that people clicked most: a chat model sees them as examples."""
    templates = TemplateReader(overrides_dir)
    persona = PersonaProfile.of(persona)
    segment = SegmentProfile.of(segment)
    brief = DraftBrief.of(brief)
    facts = list(facts or [])

    brand_name = one_line(brand_name) or "我们"
    persona_name = one_line(persona.name) or "社群主理人"
    persona_voice = one_line(persona.voice) or "亲切、真诚、口语化"
    catchphrases = word_list(persona.catchphrases)
    taboo = word_list(persona.taboo)
    persona_examples = [one_line(e) for e in persona.examples if one_line(e)]

    stage = normalize_stage(segment.lifecycle_stage)
    stage_tpl = templates.get(f"stages/{stage}.txt" if templates.exists(f"stages/{stage}.txt")
                              else f"stages/{_DEFAULT_STAGE}.txt")
    channel_key = re.sub(r"[^a-z0-9_-]", "", (channel_type or "").lower()) or "default"
    channel_name = f"channels/{channel_key}.txt"
    channel_tpl = templates.get(channel_name if templates.exists(channel_name) else "channels/default.txt")
    min_chars = channel_tpl.meta_int("min_chars", 50)
    max_chars = channel_tpl.meta_int("max_chars", 300)

    products = word_list(brief.products)
    key_message = one_line(brief.key_message)
    goal = one_line(brief.goal)
    date_text = _chinese_date(brief.event_date)
    brief_text = one_line(brief.text)
    segment_name = one_line(segment.name) or "社群成员"
    segment_description = one_line(segment.description)
    product = products[0] if products else (
        one_line(facts[0].title) if facts else (key_message[:20] or brand_name))

    values = {
        "brand_name": brand_name,
        "persona_name": persona_name,
        "persona_voice": persona_voice,
        "persona_backstory": one_line(persona.backstory),
        "catchphrases": "、".join(catchphrases),
        "taboo": "、".join(taboo),
        "segment_name": segment_name,
        "segment_description": segment_description,
        "stage": stage,
        "goal": goal,
        "key_message": key_message,
        "products": "、".join(products),
        "product": product,
        "date": date_text,
        "brief_text": brief_text,
        "channel_name": channel_tpl.meta.get("name", channel_key),
        "channel_short": channel_tpl.meta.get("short", ""),
        "channel_guidance": channel_tpl.body.strip(),
        "min_chars": min_chars,
        "max_chars": max_chars,
        "catchphrase": _with_pause(catchphrases[0]) if catchphrases else "",
    }

    # ---- chat mode: system + user messages -------------------------------------------------
    sample_tpl = templates.get("draft/system_persona_sample.txt")
    system_values = dict(values, persona_samples="\n".join(
        sample_tpl.render(text=_shorten(e, 400)) for e in persona_examples[:3]))
    system = templates.get("draft/system.txt").render(drop_empty=True, **system_values).strip()
    proven = [_shorten(one_line(text), _PROVEN_POST_CHARS) for text in proven_posts if one_line(text)]
    user_values = dict(values, stage_guidance=stage_tpl.body.strip(),
                       facts=_fact_lines(templates, facts, _CHAT_FACT_CHARS, None),
                       proven_posts=templates.get("draft/proven_posts.txt").render(
                           posts="\n".join(f"{n}. {text}" for n, text in enumerate(proven, 1))).strip()
                       if proven else "")
    user = templates.get("draft/user.txt").render(drop_empty=True, **user_values).strip()

    # ---- completion mode: a few-shot collection ending with the new post's opening ------------
    entry_tpl = templates.get("draft/completion_example.txt")
    entries: list[dict] = []
    for tpl, sections in _load_examples(templates, stage):
        example_stage = normalize_stage(tpl.meta.get("stage"))
        guide_name = f"stages/{example_stage}.txt"
        guidance = templates.get(guide_name).meta.get("short", "") if templates.exists(guide_name) else ""
        entries.append({
            "brand": tpl.meta.get("brand", ""), "author": tpl.meta.get("author", ""),
            "voice": tpl.meta.get("voice", ""), "audience": tpl.meta.get("audience", ""),
            "guidance": guidance, "facts": sections["资料"], "post": sections["文案"], "shipped": True,
        })
    # The persona's own post goes right before the new one: the nearest entry sets the voice.
    if persona_examples:
        persona_tpl = templates.get("draft/completion_persona_example.txt")
        entries.append({
            "brand": brand_name, "author": persona_name, "voice": persona_voice,
            "audience": persona_tpl.meta.get("audience", segment_name),
            "guidance": persona_tpl.meta.get("guidance", ""),
            "facts": persona_tpl.body.strip(),
            "post": _shorten(persona_examples[0], _COMPLETION_PERSONA_CHARS),
        })
    examples_text = "\n\n".join(
        entry_tpl.render(number=i, **{k: v for k, v in entry.items() if k != "shipped"}).strip()
        for i, entry in enumerate(entries, start=1))

    brief_lines = templates.get("draft/completion_brief.txt").render(drop_empty=True, **values).strip()
    current_facts = "\n".join(part for part in (
        _fact_lines(templates, facts, _COMPLETION_FACT_CHARS, _COMPLETION_FACTS), brief_lines) if part)
    guidance = stage_tpl.meta.get("short", "")
    prefix = render_text(stage_tpl.meta.get("opening", ""), values, name=stage_tpl.name).strip()
    closing = render_text(stage_tpl.meta.get("closing", ""), values, name=stage_tpl.name).strip()
    current = entry_tpl.render(
        number=len(entries) + 1, brand=brand_name, author=persona_name, voice=persona_voice,
        audience=segment_name, guidance=guidance, facts=current_facts, post="",
    ).rstrip() + "\n" + prefix
    borrowed = _borrowed_terms([e for e in entries if e.get("shipped")], exclude=f"{current}\n{user}\n{system}")
    doc_tpl = templates.get("draft/completion.txt")
    completion = doc_tpl.render(**dict(values, examples=examples_text, current=current))
    stop = doc_tpl.stop_sequences()

    return DraftPrompt(
        system=system, user=user, completion=completion, stop=stop, files=dict(templates.files),
        prefix=prefix, closing=closing, min_chars=min_chars, max_chars=max_chars, catchphrases=catchphrases,
        taboo=taboo, stage=stage, channel_type=channel_key, borrowed=borrowed,
        example_posts=[_mask_skeletons(entry["post"], templates) for entry in entries if entry.get("shipped")],
        persona_posts=[entry["post"] for entry in entries if not entry.get("shipped")],
    )
