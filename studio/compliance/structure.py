"""Judgments by structure rather than by list: what follows 最 or 第一, health effects, and claim sentences.

* ``最`` + an adjective or a verb of evaluation (最透亮, 最受欢迎) is a superlative claim; ``最`` + a time,
  position or quantity word (最近, 最后, 最多20位) or a verb of feeling (最喜欢) is not.  The part of
  speech is jieba's, for the words after the marker tagged on their own.
* ``第一`` + a measure word or a noun of sequence (第一次, 第一口) is an ordinal, unless the measure
  introduces "the first to do it" (第一家做…); ``第一`` alone, + 的 or + 名 is a ranking.  In a
  sentence that counts on (第一杯…第二杯) it is an enumeration.
* A health effect is a verb of effect followed closely by a body or health object (调理 + 肠胃).
* A sentence makes no claim about something offered when it reads as a notice, a story, a question or
  advice and names nothing offered (这款, 我们的, 下单, a price …).

What counts as each class is data in the rules files (`studio.compliance.rules`).
"""
from __future__ import annotations

from bisect import bisect_right

from .rules import Claims, Degree, Effect, Ordinal
from .tagging import first_word


class Sentences:
    """The sentences of a text, each judged once: does it make a claim about something offered?"""

    def __init__(self, folded: str, claims: Claims):
        self.folded = folded
        self.claims = claims
        self._starts: list[int] | None = None
        self._offered: dict[int, bool] = {}

    def bounds(self, index: int) -> tuple[int, int]:
        """[start, end) of the sentence holding ``index`` (its closing punctuation included)."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in self.claims.sentence_end.finditer(self.folded)]
        i = bisect_right(self._starts, index) - 1
        start = self._starts[i]
        end = self._starts[i + 1] if i + 1 < len(self._starts) else len(self.folded)
        return start, end

    def offered(self, index: int) -> bool:
        """True when the sentence at ``index`` names something offered (这款, 我们的, 下单, a price …)."""
        start, end = self.bounds(index)
        if start not in self._offered:
            offering = self.claims.offering
            self._offered[start] = bool(offering and offering.search(self.folded, start, end))
        return self._offered[start]

    def outside_claims(self, index: int) -> bool:
        """True when the sentence at ``index`` is a notice, story, question or advice naming nothing offered."""
        if self.offered(index):
            return False
        start, end = self.bounds(index)
        return any(p.search(self.folded, start, end) for _, p in self.claims.non_claim)


def _clause_end(folded: str, start: int, reach: int) -> int:
    stop = min(len(folded), start + reach)
    for i in range(start, stop):
        if not ("\u3400" <= folded[i] <= "\u9fff" or folded[i].isalnum()):
            return i
    return stop


def judge_degree(folded: str, start: int, end: int, degree: Degree, sentences: Sentences) -> int | None:
    """The end of the claim ``最`` + word at [start, end), or None when what follows is no claim."""
    stop = _clause_end(folded, end, degree.reach)
    word, tag, word_end = first_word(folded, end, stop, degree.skip)
    if not word or tag in degree.narrative_pos or _starts_with_any(word, degree.narrative_words):
        return None
    if tag not in degree.claim_pos:
        return None
    if degree.of_time is not None and degree.of_time.match(folded, word_end):
        return None  # 入冬以来最冷的一天: the superlative describes a day, not anything offered
    if degree.specifying is not None and degree.specifying.match(folded, word_end) \
            and not sentences.offered(start):
        return None  # 这一泡最香的是第三道: picks one of a set, names nothing offered
    return word_end


def judge_ordinal(folded: str, start: int, end: int, ordinal: Ordinal, sentences: Sentences) -> int | None:
    """The end of the ranking claim ``第一`` at [start, end), or None when it is an ordinal."""
    if ordinal.series is not None:
        s, e = sentences.bounds(start)
        if ordinal.series.search(folded[s:start]) or ordinal.series.search(folded, end, e):
            return None  # 第一杯先闻香，第二杯再细品: an enumeration
    stop = _clause_end(folded, end, 12)
    token, _, token_end = first_word(folded, start, stop)
    if len(token) > end - start and token.startswith(folded[start:end]):
        # jieba knows the ordinal as one word (第一次, 第一批, 第一名, 第一家, 第一印象): what it adds decides
        added = token[end - start:]
        if added in ordinal.claim_words:
            return token_end  # 第一名
        if added in ordinal.first_to_measures:
            _, next_tag, _ = first_word(folded, token_end, stop)
            return token_end if next_tag in ordinal.first_to_pos else None  # 第一家做上门除螨的店
        return None
    word, tag, word_end = first_word(folded, end, stop)
    if not word:
        return end  # 我们就是第一！
    if word in ordinal.claim_words:
        return word_end  # 第一梯队
    if word in ordinal.sequence_words or tag in ordinal.sequence_pos:
        return None  # 第一泡, 第一时间
    return end


def effects(folded: str, effect: Effect) -> list[tuple[int, int]]:
    """Spans of verb + object health-effect claims, less those inside the section's harmless phrases."""
    spans = []
    for m in effect.regex.finditer(folded):
        start, end = m.span()
        if not any(x.start() <= start and end <= x.end()
                   for p in effect.exceptions for x in p.finditer(folded, max(0, start - 20), end + 20)):
            spans.append((start, end))
    return spans


def _starts_with_any(word: str, prefixes: frozenset[str]) -> bool:
    return any(word.startswith(p) for p in prefixes)
