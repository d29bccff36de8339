"""Claims of an outcome found by structure: a thing measured that moved the way a buyer hopes, and a use
followed at once by a result.

* A ``change`` section: something that should go up (注意力, 视力, 成绩) with a rising verb, or something
  that should go down (血糖, 皱纹, 白头发) with a falling one, a few characters apart (注意力明显提高,
  血脂降下来了, 白头发都变黑了).  It only counts when the sentence, before it, names a use or a time
  (吃了…, 坚持用…, 报了…, 能让…; the education rule also takes a time, 一学期…): 孩子视力下降 goes the
  wrong way, and 入秋以后掉发减少 credits nothing.  A negation between the two (血糖没降下来) is no claim.  A symptom that stopped
  (走路不瘸了, 眼睛都不花了) counts the same way.
* A ``result`` section: a verb of use with its aspect (吃了, 上完, 戴上), then, in the same clause, 就 or
  one of its kin and an outcome (吃了就瘦, 上完就能过八级, 戴上就不疼了); 吃了就停不下来 names no outcome.

The words are data in the rules files (`studio.compliance.rules`); this module compiles and applies them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_HAN = "\u4e00-\u9fff"
_CHANGE_KEYS = {"rising", "falling", "stopped", "conditions", "gap", "outside_claims", "description"}
_DIRECTION_KEYS = {"subjects", "verbs"}
_RESULT_KEYS = {"uses", "aspects", "links", "outcomes", "reach", "outside_claims", "description"}


@dataclass(frozen=True)
class Change:
    """A measured thing that moved the hoped-for way, after a use or a time named in the sentence."""

    regex: re.Pattern  # subject, a gap with no negation, a verb of the subject's direction
    condition: re.Pattern  # a use, a modal of effect or a time, searched before the subject
    outside_claims: str


@dataclass(frozen=True)
class Result:
    """A use followed at once by a result: 吃了就瘦."""

    regex: re.Pattern
    outside_claims: str


def parse_change(raw, where: str) -> Change:
    from . import rules as r

    raw = r._section(raw, _CHANGE_KEYS, where)
    gap = raw.get("gap", 4)
    if not isinstance(gap, int) or isinstance(gap, bool) or not 0 <= gap <= 8:
        raise r.RulesError(f"{where}.gap must be a whole number from 0 to 8")
    arms = []
    for name in ("rising", "falling"):
        if name not in raw:
            continue
        part = r._section(raw[name], _DIRECTION_KEYS, f"{where}.{name}")
        subjects = r._words_of(part.get("subjects"), f"{where}.{name}.subjects", required=True)
        verbs = r._words_of(part.get("verbs"), f"{where}.{name}.verbs", required=True)
        # the gap holds adverbs (明显, 都, 一个月) but never a negation: 血糖没降下来 claims nothing
        arms.append(f"(?:{r._alt_words(subjects)})(?:(?![不没未别])[{_HAN}]){{0,{gap}}}?(?:{r._alt_words(verbs)})")
    stopped = r._words_of(raw.get("stopped"), f"{where}.stopped")
    if stopped:  # a symptom no longer there: 走路不瘸了 (the 了 marks the change)
        arms.append(f"(?:不再?|没再|再也不)(?:{r._alt_words(stopped)})了")
    if not arms:
        raise r.RulesError(f"{where} needs 'rising', 'falling' or 'stopped'")
    condition = r._union(raw.get("conditions"), f"{where}.conditions")
    if condition is None:
        raise r.RulesError(f"{where}.conditions must be a non-empty list")
    return Change(regex=r._compile("|".join(arms), where), condition=condition,
                  outside_claims=r._choice(raw.get("outside_claims", "drop"), r.OUTSIDE_CLAIMS,
                                           f"{where}.outside_claims"))


def parse_result(raw, where: str) -> Result:
    from . import rules as r

    raw = r._section(raw, _RESULT_KEYS, where)
    uses = r._words_of(raw.get("uses"), f"{where}.uses", required=True)
    aspects = r._words_of(raw.get("aspects"), f"{where}.aspects", required=True)
    links = r._words_of(raw.get("links"), f"{where}.links", required=True)
    outcome = r._union(raw.get("outcomes"), f"{where}.outcomes")
    if outcome is None:
        raise r.RulesError(f"{where}.outcomes must be a non-empty list")
    reach = r._reach(raw, where, 8)
    # the use may name what was used before 就 (吃了这款粉就瘦), never across a comma
    source = (f"(?:{r._alt_words(uses)})(?:{r._alt_words(aspects)})[{_HAN}]{{0,{reach}}}?"
              f"(?:{r._alt_words(links)})(?:能|会|可以)?(?:{outcome.pattern})")
    return Result(regex=r._compile(source, where),
                  outside_claims=r._choice(raw.get("outside_claims", "drop"), r.OUTSIDE_CLAIMS,
                                           f"{where}.outside_claims"))


def changes(folded: str, change: Change, sentence_start) -> list[tuple[int, int]]:
    """Spans of changes credited to a use or a time named earlier in their sentence."""
    spans = []
    for m in change.regex.finditer(folded):
        start = sentence_start(m.start())
        if change.condition.search(folded, start, m.start()):
            spans.append(m.span())
    return spans


def results(folded: str, result: Result) -> list[tuple[int, int]]:
    return [m.span() for m in result.regex.finditer(folded)]
