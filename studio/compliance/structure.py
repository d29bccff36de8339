"""Judgments by structure rather than by list: what follows 最 or 第一, health effects, and claim sentences.

* ``最`` + an adjective or a verb of evaluation (最透亮, 最受欢迎) is a superlative claim; ``最`` + a time,
  position or quantity word (最近, 最后, 最多20位) or a verb of feeling (最喜欢) is not.  The part of
  speech is jieba's, for the words after the marker tagged on their own.
* ``第一`` + a measure word or a noun of sequence (第一次, 第一口) is an ordinal, unless the measure
  introduces "the first to do it" (第一家做…); ``第一`` alone, + 的 or + 名 is a ranking.  In a
  sentence that counts on (第一杯…第二杯) it is an enumeration.
* A health effect is a verb of effect followed closely by a body or health object (调理 + 肠胃).
* A promise is a marker (保证, 确保) with an outcome in the same clause (回本, 见效, 不臭), unless the clause
  promises a service (发货, 补发); a one-character marker counts right before its outcome (包回本, 稳赚).
* A rate of an effect (除臭率100%, 杀菌率99.9%) or 100% + a verb (100%保留营养) promises a result;
  100% + a noun (100%棉) states what something is made of.
* A superlative the post denies (不是最便宜的, 不敢说是最好的) claims nothing, unless the sentence asks
  it rhetorically (谁说这不是最好的？).
* A question someone else asked, quoted to be answered (会员问：“能祛斑吗？”) or told (有群友问…能不能减肥。),
  claims nothing; nor does one asking whether something has an effect (燕麦能降血糖吗？) unless the next
  sentence answers yes or sells (当然能！).
* ``最好`` + a time word is advice (最好当周吃完); ``第一名是`` + someone, in a sentence naming nothing
  offered, names who came first.
* A sentence makes no claim about something offered when it reads as a notice, a story, a question or
  advice and names nothing offered (这款, 我们的, 下单, a price …).

What counts as each class is data in the rules files (`studio.compliance.rules`).
"""
from __future__ import annotations

from bisect import bisect_right

from .rules import Claims, Degree, Denial, Effect, Ordinal, Pledge, Rate
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


    def disowned(self, index: int) -> bool:
        """True when ``index`` lies in words quoted from someone (“…”) that the same sentence then disowns
        (但宣传上不会这么讲 / 我们不这么说): the post reports the praise, it does not make the claim."""
        disowning = self.claims.disowning
        if disowning is None:
            return False
        start, end = self.bounds(index)
        folded = self.folded
        opened = max(folded.rfind(q, start, index) for q in "“「『\"")
        if opened < 0 or any(folded.find(q, opened + 1, index) >= 0 for q in "”」』"):
            return False
        closed = min((i for i in (folded.find(q, index, end) for q in "”」』\"") if i >= 0), default=-1)
        return closed >= 0 and bool(disowning.search(folded, closed, end))

    def asked(self, index: int) -> bool:
        """True when ``index`` lies in a question, not a claim: one someone else asked, quoted to answer it
        (会员问：这款真的能祛斑吗？), one told (有群友问蛋白棒能不能减肥。), or one that asks whether
        something has an effect (燕麦能降血糖吗？) unless the next sentence answers yes or sells
        (当然能！ / 试试我们的…).  An answer or a testimonial still claims."""
        claims, folded = self.claims, self.folded
        start, end = self.bounds(index)
        clause = _clause_start(folded, start, index)
        if claims.reported is not None and claims.reported.search(folded, clause, index):
            return True
        if not folded[start:end].rstrip(" \n\"'”」』").endswith(("?", "吗", "吗。", "呢")):
            return False
        if claims.asking is not None and claims.asking.search(folded, start, index):
            return True
        if claims.unasked is None or not claims.unasked.search(folded, clause, index):
            return False
        if any(ch in ",，;；" for ch in folded[index:end]):
            return False  # …能让你年轻十岁，还等什么？ asks about something else: the claim is not doubted
        after = folded[end:end + 40].lstrip(" \n\"'”」』")
        return not (claims.answers is not None and claims.answers.match(after))


def _clause_start(folded: str, floor: int, index: int) -> int:
    """Where the clause holding ``index`` begins (after the last comma or colon), not before ``floor``."""
    for i in range(index - 1, floor - 1, -1):
        if folded[i] in ",，:：、\"“「":
            return i + 1
    return floor


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
    if picks_one(folded, start, word_end, degree, sentences):
        return None  # 这一泡最香的是第三道: picks one of a set, names nothing offered
    return word_end


def judge_advice(folded: str, end: int, degree: Degree) -> int | None:
    """None when 最好 ending at ``end`` gives advice: a time word follows (最好当周吃完), or a verb of two
    characters or more that does not describe a noun (最好拉伸十分钟; 最好搭配的裙子 and 最好卖, where
    好 + a one-character verb reads "easy to", praise).  Otherwise the end of the word after it, which a
    picking-one judgment reads on from (最好搭配的是白衬衫)."""
    word, tag, word_end = first_word(folded, end, _clause_end(folded, end, degree.reach))
    if not word:
        return end
    if tag in degree.advice_pos:
        return None
    if tag in degree.advice_verb_pos and len(word) > 1 and not folded.startswith("的", word_end):
        return None
    return word_end


def picks_one(folded: str, start: int, end: int, degree: Degree, sentences: Sentences) -> bool:
    """True when the superlative at [start, end) picks one of a set (最香的是第三道) in a sentence that
    names nothing offered."""
    return bool(degree.specifying is not None and degree.specifying.match(folded, end)
                and not sentences.offered(start))


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
            next_word, _, _ = first_word(folded, token_end, stop)
            if next_word in ordinal.first_to_copulas and not sentences.offered(start):
                return None  # 打卡的第一名是小雨妈妈: names who came first, offers nothing
            return token_end  # 第一名
        if added in ordinal.first_to_measures:
            next_word, next_tag, _ = first_word(folded, token_end, stop)
            if next_word in ordinal.first_to_copulas:
                return None  # 配料表第一位是鲜鸡肉: names what stands first
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


def pledges(folded: str, pledge: Pledge) -> list[tuple[int, int]]:
    """Spans of promised outcomes: 保证三个月回本, 保证一周不臭, 包回本, 稳赚; not 保证48小时内发货."""
    spans = []
    if pledge.bound is not None:
        spans += [m.span() for m in pledge.bound.finditer(folded)]
    for m in pledge.markers.finditer(folded):
        stop = _clause_end(folded, m.end(), pledge.reach)
        outcome = pledge.outcome.search(folded, m.end(), stop)
        if outcome is None:
            continue
        if pledge.services is not None and pledge.services.search(folded, m.end(), stop):
            continue  # 保证48小时内发货 / 保证给您补发: a service, not a result
        spans.append((m.start(), outcome.end()))
    return spans


def rates(folded: str, rate: Rate) -> list[tuple[int, int]]:
    """Spans of shares promised as results: 除臭率100%, 100%保留营养; not 含水率11%, 100%棉."""
    spans = []
    if rate.rate is not None:
        spans += [m.span() for m in rate.rate.finditer(folded)]
    if rate.whole is not None:
        for m in rate.whole.finditer(folded):
            stop = _clause_end(folded, m.end(), 8)
            word, _, word_end = first_word(folded, m.end(), stop)
            if word in rate.whole_modals:
                promised, _, promised_end = first_word(folded, word_end, stop)
                if promised:
                    spans.append((m.start(), promised_end))  # 100%能过: what the modal promises
                    continue
            word, tag, word_end = first_word(folded, m.end(), stop, rate.whole_skip)
            if word and tag in rate.whole_pos:
                spans.append((m.start(), word_end))
    return spans


def denial_at(folded: str, start: int, denial: Denial, sentences: Sentences) -> str | None:
    """``"denied"`` for a claim the post denies (不是最便宜的), ``"asked back"`` for a denial the sentence
    asks rhetorically (谁说这不是最好的？ asserts the claim), None when nothing denies it."""
    if not denial.cues.search(folded[max(0, start - 16):start]):
        return None
    if denial.rhetorical is not None:
        s, e = sentences.bounds(start)
        if denial.rhetorical.search(folded, s, e):
            return "asked back"
    return "denied"


def _starts_with_any(word: str, prefixes: frozenset[str]) -> bool:
    return any(word.startswith(p) for p in prefixes)
