"""Composing a post from material people wrote: script lines for the stage and channel, the brief's own
words, fact sentences from the brand's documents and product rows, and the persona's catchphrases.

Nothing here invents: every sentence of a composition is one of those, and the composition records
where each came from.  Several compositions are made per variant; :mod:`studio.drafting.ranking` picks one.
No Flask here.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from prompts import PersonaProfile
from prompts.scripts_library import StageScripts
from studio.drafting.editor_checks import loops
from studio.drafting.fact_sentences import FactSentence

CANDIDATES = 4
PROVEN_PLANS = 2  # how many of the candidate plans use the segment's proven lines where a slot has them
LEADS = 4  # the best facts the stages take turns to lead with
FACT_MIN_SCORE = 0.8  # below this a sentence shares little more than common words with the brief
FACT_FLOOR_SCORE = 0.35  # a sentence sharing a few words with the brief: used when nothing better is there
RELATED_FLOOR_SCORE = 0.15  # retrieved for the brief and touching what its message tells (see fact_sentences)
SECOND_FACT_MIN_SCORE = 1.5  # about what naming the brief's subject scores (see fact_sentences.rank_sentences)
_END = "。！？!?~～…"
# A catchphrase that greets ("小茶来啦~") opens a post; the others ("喝口好茶，慢慢来") close it.
_GREETING = re.compile(r"(来啦|来了|到啦|到咯|报到|上线|早安|晚安|你好|哈喽|嗨)[~～!！。]*$")


@dataclass(frozen=True)
class Material:
    """Everything one variant may be composed from."""

    scripts: StageScripts
    persona: PersonaProfile
    brand_name: str
    message: str  # the brief's content clauses
    facts: list[FactSentence]  # ranked, best first
    product_lines: list[FactSentence]  # the subject products' rows said as sentences
    product_rows: list[dict] = field(default_factory=list)  # those rows as facts: {"doc_id", "title", "text"}
    max_chars: int = 300
    taboo: tuple[str, ...] = ()
    seed: str = ""  # different segments of one brief get different wordings
    rotation: int = 0  # the variant's place among the brief's, or its stage's: which top fact it leads with
    proven: tuple[str, ...] = ()  # script lines ("script:…") the segment's best posts used: tried first
    own_facts: list[FactSentence] = field(default_factory=list)  # about this segment alone ("盛放会员每月…")


@dataclass
class Part:
    text: str
    source: str  # "script:…", "brief", "fact:<doc_id>", "product:<sku>", "persona:catchphrase"
    doc_id: str = ""
    relevance: float = 0.0  # a fact's ranking score


@dataclass
class Composition:
    paragraphs: list[list[Part]]
    plan: int  # which of the candidate plans made it
    score: float = 0.0  # set by ranking
    fluency: float | None = None

    @property
    def relevance(self) -> float:
        """How well the facts it still carries fit the brief and stage."""
        return sum(part.relevance for part in self.parts)

    @property
    def parts(self) -> list[Part]:
        return [part for paragraph in self.paragraphs for part in paragraph]

    @property
    def text(self) -> str:
        return "\n\n".join("".join(part.text for part in paragraph) for paragraph in self.paragraphs if paragraph)

    @property
    def citations(self) -> list[str]:
        return list(dict.fromkeys(part.doc_id for part in self.parts if part.doc_id))

    def record(self) -> list[dict]:
        """Which script line, fact or brief clause each sentence of the post is."""
        return [{"text": part.text, "source": part.source} for part in self.parts]


def _offset(seed: str, salt: str) -> int:
    return int(hashlib.sha1(f"{seed}/{salt}".encode()).hexdigest()[:8], 16)


def _ending(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in _END + "：:" else text + "。"


def _catchphrases(persona: PersonaProfile, taboo: tuple[str, ...]) -> tuple[list[str], list[str]]:
    usable = [c.strip() for c in persona.catchphrases if c.strip() and not any(t in c for t in taboo)]
    greetings = [c for c in usable if _GREETING.search(c) or (persona.name and c.startswith(persona.name))]
    return greetings, [c for c in usable if c not in greetings]


class _Picker:
    """Renders a slot's lines for one plan, rotating through them so plans and segments differ."""

    def __init__(self, material: Material):
        self.material = material
        greetings, sayings = _catchphrases(material.persona, material.taboo)
        self.catchphrases = {"openers": greetings, "closers": sayings or greetings}
        self.values = {"persona": material.persona.name, "brand": material.brand_name,
                       "address": material.scripts.address}

    def options(self, slot: str) -> list[tuple[str, str]]:
        rendered = []
        for line in self.material.scripts.lines(slot):
            phrases = self.catchphrases.get(slot, []) if "${catchphrase}" in line.text else [""]
            for phrase in phrases:
                text = line.render({**self.values, "catchphrase": phrase})
                if text is not None and not any(word in text for word in self.material.taboo):
                    source = "persona:catchphrase" if line.text.strip() == "${catchphrase}" else f"script:{line.source}"
                    rendered.append((_ending(text) if slot != "fact_leads" else text, source))
        return rendered

    def pick(self, slot: str, plan: int, avoid: str = "") -> Part | None:
        options = [option for option in self.options(slot) if option[0] != avoid]
        if not options:
            return None
        proven = [option for option in options if option[1] in self.material.proven]
        if proven and plan < PROVEN_PLANS:
            options = proven
        text, source = options[(_offset(self.material.seed, slot) + plan) % len(options)]
        return Part(text, source)


def _fact_sets(material: Material) -> list[list[FactSentence]]:
    """The fact choices of the plans.  Every plan leads with the variant's fact: each variant of a brief
    takes another of the best few, so they differ in substance, not only in greeting.  A second fact
    comes from below those."""
    products = material.product_lines[:1]
    # The variants of a brief take turns over one ranking, the brief's, without what each stage adds to
    # it: were each to take its turn over its own stage's ranking, two could land on the same fact.
    ranking = sorted(material.facts, key=lambda fact: (-_brief_score(fact), fact.text))
    facts = [fact for fact in ranking if _brief_score(fact) >= FACT_MIN_SCORE]
    # With a single fact about the brief every stage would lead with it: the next ones that are not
    # off-topic give the other variants of the brief something else to say.
    wanted = max(2, material.rotation + 1)
    facts += [fact for fact in ranking if FACT_FLOOR_SCORE <= _brief_score(fact) < FACT_MIN_SCORE][:wanted - len(facts)]
    if len(facts) <= material.rotation:  # a third segment of a brief takes a fact that only touches it
        facts += [fact for fact in ranking
                  if RELATED_FLOOR_SCORE <= _brief_score(fact) < FACT_FLOOR_SCORE][:wanted - len(facts)]
    top = min(LEADS, len(facts))
    lead = facts[material.rotation % top: material.rotation % top + 1] if top else []
    if top == 1 and material.rotation % 2:  # one fact to tell: every other stage tells it
        lead = []
    own = [fact for fact in material.own_facts if _brief_score(fact) >= FACT_FLOOR_SCORE]
    lead = own[:1] or lead
    # A second fact only when it is about the brief too, not merely the next one retrieved.
    second = [fact for fact in facts[LEADS:LEADS + 1] if fact.score >= SECOND_FACT_MIN_SCORE]
    sets = [lead, [*lead, *second], [*products, *lead], products or lead]
    return [s for s in sets if s] or [[]]


def _brief_score(fact: FactSentence) -> float:
    return round(fact.score - fact.stage_fit, 3)


def compose(material: Material, count: int = CANDIDATES) -> list[Composition]:
    """``count`` compositions, each a different plan of wordings and facts, all within the length."""
    picker = _Picker(material)
    fact_sets = _fact_sets(material)
    compositions = []
    for plan in range(count):
        facts = fact_sets[plan % len(fact_sets)]
        opener = picker.pick("openers", plan)
        closer = picker.pick("closers", plan, avoid=opener.text if opener else "")
        chosen = {
            "opener": opener,
            "intro": picker.pick("intro", plan),  # only stages that introduce the persona have intro lines
            "hook": picker.pick("hooks", plan) if material.message or facts else None,
            "message": Part(_ending(material.message), "brief") if material.message else None,
            "cta": picker.pick("ctas", plan),
            "closer": closer,
        }
        composition = Composition(paragraphs=[], plan=plan)
        for row in material.scripts.layout:
            paragraph: list[Part] = []
            for name in row:
                if name != "fact":
                    if chosen.get(name) is not None:
                        paragraph.append(chosen[name])
                    continue
                for number, fact in enumerate(facts):
                    # A fact right after "先说件事：" or at a paragraph's start needs no "顺便说一句，".
                    follows = paragraph[-1].text if paragraph else ""
                    lead = picker.pick("fact_leads", plan + number) if follows and follows[-1] not in "：:" else None
                    paragraph.append(Part((lead.text if lead else "") + fact.text, fact.source, fact.doc_id,
                                          fact.score))
            composition.paragraphs.append(paragraph)
        _fit(composition, material.max_chars)
        _unloop(composition)
        compositions.append(composition)
    return compositions


def _unloop(composition: Composition) -> None:
    """Leave out facts, last first, while the post says the same words three times over."""
    facts = [part for part in composition.parts if part.doc_id]
    while facts and loops(composition.text):
        last = facts.pop()
        for paragraph in composition.paragraphs:
            if last in paragraph:
                paragraph.remove(last)


def _fit(composition: Composition, max_chars: int) -> None:
    """Drop what matters least until the post fits: a second fact, the intro, the hook, the opener, the facts."""
    for source_prefix in ("fact#2", "intro", "hooks", "openers", "fact", "product"):
        if len(composition.text) <= max_chars:
            return
        for paragraph in composition.paragraphs:
            for part in reversed(paragraph):
                if _matches(part, source_prefix, paragraph):
                    paragraph.remove(part)
                    break
            if len(composition.text) <= max_chars:
                return


def _matches(part: Part, what: str, paragraph: list[Part]) -> bool:
    if what == "fact#2":
        facts = [p for p in paragraph if p.doc_id]
        return len(facts) >= 2 and part is facts[-1]
    if what in ("fact", "product"):
        return part.source.startswith(f"{what}:")
    return f"#{what}/" in part.source


def script_parts(material: Material) -> list[str]:
    """Every script line a composition for this stage and persona could use, as it would read: what
    ranking can score before any brief arrives."""
    picker = _Picker(material)
    return list(dict.fromkeys(text for slot in ("openers", "intro", "hooks", "ctas", "closers")
                              for text, _source in picker.options(slot)))
