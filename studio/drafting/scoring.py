"""Checking a candidate post (empty, not Chinese, off-topic, copied, taboo) and scoring a usable one.

No Flask here.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from prompts import DraftPrompt, Fact
from studio.compliance import lint_text
from studio.compliance.figures import find_figures, unstated_figures
from studio.drafting.text import CJK, cjk_share, ends_complete, norm, visible_len

# Counted things (冲泡7次, 3个, 2杯) are no figures a post is held to, but a fact that states one is
# distinctive enough to tell which fact a post drew on.
_COUNT = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?\s*(?:°(?!C)|两|ML|L|次|罐|瓶|片|名|岁|个|件|款|饼|杯|倍|期|份|支|套|张|粒|颗|厘米|毫米|cm|mm"
    r"|磅|种|码|寸|英寸|千卡|大卡|卡|级|层|档|色|步|招)"
)
_BARE_NUMBER = re.compile(r"(?<![\w.])\d{3,}(?![\w.])")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]{2,}|\d+[A-Za-z]{1,4}\b")
_SPLIT = re.compile(r"[\s,，、。！？!?；;：:（）()《》「」『』“”\"'【】\[\]/|·\-—~～]+")
_QUOTED = re.compile(r"[「『“《\"]([^」』”》\"]{2,20})[」』”》\"]")


# ---------------------------------------------------------------------------------------------
# Topic terms and citations
# ---------------------------------------------------------------------------------------------

def term_variants(term: str) -> list[str]:
    """Searchable pieces of a key term: short terms as they are, long phrases as 4-character pieces."""
    term = term.strip()
    if not term:
        return []
    if len(term) <= 8:
        return [term]
    pieces = []
    for part in _SPLIT.split(term):
        if len(part) < 2:
            continue
        if len(part) <= 8:
            pieces.append(part)
        else:
            pieces.extend(part[i:i + 4] for i in range(len(part) - 3))
    return pieces or [term]


def fact_terms(fact: Fact) -> list[str]:
    """The distinctive content of a fact: numbers with units, Latin words, title words, quoted names."""
    terms: list[str] = []
    body = f"{fact.title}\n{fact.text}"
    terms += [re.sub(r"\s+", "", figure.text) for figure in find_figures(body)]
    terms += [re.sub(r"\s+", "", m.group(0)) for m in _COUNT.finditer(body)]
    terms += [m.group(0) for m in _BARE_NUMBER.finditer(body)]
    terms += [m.group(0) for m in _LATIN_WORD.finditer(body)]
    terms += [m.group(1) for m in _QUOTED.finditer(body)]
    title = (fact.title or "").strip()
    if len(title) >= 3:
        terms.append(title)
    terms += [part for part in _SPLIT.split(title) if len(part) >= 3]
    unique = []
    for term in terms:
        term = term.strip()
        if term and term not in unique:
            unique.append(term)
    return unique


def contains(text: str, term: str) -> bool:
    if not term:
        return False
    if term[0].isdigit():  # "5克" must not match inside "25克"
        return re.search(r"(?<![\d.])" + re.escape(term), text) is not None
    return term.lower() in text.lower()


def cjk_bigrams(text: str) -> set[str]:
    chars = [ch if CJK.match(ch) else " " for ch in text]
    joined = "".join(chars)
    return {joined[i:i + 2] for i in range(len(joined) - 1) if " " not in joined[i:i + 2]}


def find_citations(text: str, facts: list[Fact]) -> list[str]:
    cited = []
    for fact in facts:
        if any(contains(text, term) for term in fact_terms(fact)) and fact.doc_id not in cited:
            cited.append(fact.doc_id)
    if cited or not facts:
        return cited
    chars = set(CJK.findall(text))
    best = max(facts, key=lambda f: (len(chars & set(CJK.findall(f"{f.title}{f.text}"))), -f.number))
    return [best.doc_id]


# ---------------------------------------------------------------------------------------------
# Checking and scoring candidates
# ---------------------------------------------------------------------------------------------

def invented_figures(generated: str, prompt: DraftPrompt, facts: list[Fact]) -> list[str]:
    """The figures a candidate states that neither its prompt nor the retrieved facts do."""
    sources = "\n".join([prompt.user, *(f"{f.title} {f.text}" for f in facts)])
    return [figure.text for figure in unstated_figures(generated, sources)]


# Characters in a row shared with a shown example post that count as copying it.
COPY_LIMIT = 12


def longest_copy(text: str, posts: list[str]) -> tuple[int, str]:
    """Longest run of characters (ignoring spaces) that ``text`` shares with one of ``posts``."""
    best, sample = 0, ""
    compact = re.sub(r"\s+", "", text)
    for post in posts:
        other = re.sub(r"\s+", "", post)
        match = difflib.SequenceMatcher(None, compact, other, autojunk=False).find_longest_match(
            0, len(compact), 0, len(other))
        if match.size > best:
            best, sample = match.size, compact[match.a: match.a + match.size]
    return best, sample


@dataclass
class Candidate:
    text: str
    reason: str = ""  # why it was rejected; empty when usable
    score: float = 0.0
    doubtful: bool = False  # usable, but with something a better candidate might not have
    seconds: float = 0.0


def evaluate(text: str, generated: str, prompt: DraftPrompt, facts: list[Fact],
             key_terms: list[str], few_shot: bool = True) -> Candidate:
    """Reject unusable text (returns a reason) or score a usable one (higher is better).

    ``few_shot`` is true for base models given the few-shot document (completion mode); an instruct
    model (chat mode) saw no other brands' examples, and a figure it adds that the retrieved facts do
    not show (it may know the brand's wider material) lowers its score instead of ruling it out.
    """
    if not norm(generated):
        return Candidate(text, reason="empty output")
    share = cjk_share(generated)
    if share < 0.5:
        return Candidate(text, reason=f"not Chinese ({share:.0%} CJK letters)")
    length = visible_len(text)
    if length < max(20, int(prompt.min_chars * 0.6)):
        return Candidate(text, reason=f"too short ({length} characters)")
    # The compliance engine knows word boundaries: taboo 亲 must not reject 亲切.
    hits = [f.text for f in lint_text(text, persona_taboo=list(prompt.taboo))
            if f.rule == "persona.taboo" and f.severity == "block"]
    if hits:
        return Candidate(text, reason=f"uses a taboo word ({hits[0]})")
    own = generated.replace(prompt.closing, "\n") if prompt.closing else generated
    if few_shot:
        # A small base model shown other brands' posts tends to lift their names, prices and sentences,
        # and to make up figures: all of these make a post wrong, so such a candidate is dropped.
        copied = [term for term in prompt.borrowed if contains(generated, term)]
        if copied:
            return Candidate(text, reason=f"copied an example's details ({copied[0]})")
        longest, sample = longest_copy(own, prompt.example_posts)
        if longest >= COPY_LIMIT:
            return Candidate(text, reason=f"copied an example's sentence ({sample})")
    invented = invented_figures(generated, prompt, facts)
    if invented and few_shot:
        return Candidate(text, reason=f"states a figure not in the facts ({invented[0]})")

    variants = {v for term in key_terms for v in term_variants(term)}
    key_hits = {v for v in variants if contains(generated, v)}
    fact_hits = {t for f in facts for t in fact_terms(f) if contains(generated, t)}
    fact_grams = set().union(*(cjk_bigrams(f"{f.title}{f.text}") for f in facts)) if facts else set()
    shared_grams = cjk_bigrams(generated) & (fact_grams | {g for t in key_terms for g in cjk_bigrams(t)})
    if not key_hits and not fact_hits and len(shared_grams) < 4:
        shown = "、".join(list(dict.fromkeys(t for t in key_terms if t))[:4]) or "the facts"
        return Candidate(text, reason=f"off-topic (mentions none of {shown})")

    score = 0.0
    if prompt.min_chars <= length <= prompt.max_chars:
        score += 2.0
    else:
        target = prompt.min_chars if length < prompt.min_chars else prompt.max_chars
        score += 2.0 - min(2.0, abs(length - target) / max(target, 1) * 4)
    score += min(len(key_hits | {t for t in key_terms if t and contains(text, t)}), 3) * 1.0
    score += min(len(fact_hits), 4) * 0.75
    score += min(len(shared_grams), 10) * 0.05
    if any(c and c in text for c in prompt.catchphrases):
        score += 1.0
    if ends_complete(text):
        score += 0.5
    score -= 1.5 * len(invented)
    score += share  # the more Chinese the better
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and max(visible_len(line) for line in lines) > 160:
        score -= 0.5  # a wall of text reads badly in a chat group
    if prompt.persona_posts:
        echoed, _sample = longest_copy(own, prompt.persona_posts)
        if echoed >= COPY_LIMIT:
            score -= 1.5  # repeating the persona's own sample post word for word
    return Candidate(text, score=round(score, 3), doubtful=bool(invented))


# A candidate scoring this much (length in range, on topic with facts, complete ending, in voice) is kept
# without generating the remaining candidates of its attempt.
GOOD_ENOUGH = 6.0
