"""The advertising-law (广告法) check: find risky spans in a post, with offsets into the original text.

Pure Python (no Flask).  What is flagged lives in the YAML files of ``studio/compliance/rules/``;
this module only knows how to apply them:

* term rules (absolute/superlative claims, health and medical claims …), each term with its own
  harmless contexts (``allow_after`` / ``allow_before`` / ``exceptions``) plus the shared
  ``safe_phrases``;
* structure where lists do not generalize: ``最`` and ``第一`` judged by the part of speech of the word
  after them (`studio.compliance.structure`), health effects found as a verb of effect + a body or
  health object, and whether the sentence claims anything about something offered — a notice, a story,
  a question or advice does not, and findings marked ``outside_claims`` are dropped or downgraded there;
  a question someone else asked, quoted to answer it (会员问：…吗？), is dropped whatever the rule;
  promises of an outcome (保证 + 回本, 包回本) and shares promised as results (除臭率100%, 100%保留营养);
  a measure moved after a use (吃了三周，血脂降下来了) and a use with an immediate result (吃了就瘦),
  found by `studio.compliance.outcomes`;
* a claim the post denies (不是最便宜的) in a rule marked ``deniable``;
* the persona's taboo words and the brand's deny list (a single-character word only counts when it
  stands alone; a longer one is not flagged when jieba puts it inside another word, and a word that
  is also a rule term inherits that term's harmless contexts);
* the brand's allow list: a finding lying inside an allowed span is dropped;
* a learned second opinion (`studio.compliance.claim_model`, kept beside the rules): a ``warn`` for a clause
  it takes for a claim that no finding names;
* negation (``别熬夜``, ``不要说最便宜``) turns a finding into a ``warn``;
* mass mentions (``@所有人`` …) unless the post is an announcement, and the channel length limit
  (non-whitespace characters, as the drafting pipeline counts them).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from . import outcomes, structure
from .claim_model import ClaimModel, clause_features, clauses, load_model
from .rules import DEFAULT_RULES_DIR, Entry, Group, RuleSet, fold, load_rules
from .shown import shown_text
from .tagging import tokenizer

_WINDOW = 16  # characters looked at before a match for allow_before and negation
# jieba splits a text into runs of these characters and cuts each run on its own.
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_BLOCK_REACH = 400  # a run longer than this is cut from this far before the match
_SEVERITY_RANK = {"block": 2, "warn": 1}
_LAW_RULES = ("absolute.", "conduct.", "education.", "health.")  # the model judges these, not taboo or length
MODEL_MESSAGE = "这句读来像在宣称效果、比较或保证（模型判断，把握约{share}%），规则里没有对应的说法，请核对有无依据"
MODEL_SUGGESTION = "改成可以核实的事实描述，或删去这句"


@dataclass(frozen=True)
class _Hit:
    """A place a rule matched, before the sentence it stands in has been looked at."""

    start: int
    end: int
    group: Group
    severity: str
    message: str
    suggestion: str
    outside_claims: str
    found_by_structure: bool = False
    broad: bool = False  # a change or a result: a narrower rule finding the same place names it better


@dataclass
class Finding:
    start: int
    end: int
    text: str
    rule: str
    severity: str
    message: str
    suggestion: str

    def to_dict(self) -> dict:
        return asdict(self)


def lint_text(text: str, *, persona_taboo=(), brand_allow=(), brand_deny=(), max_chars: int | None = None,
              announcement: bool = False, rules_dir: Path | None = None) -> list[Finding]:
    """Findings for ``text``, sorted by start; ``text[f.start:f.end] == f.text`` for each."""
    rules = load_rules(rules_dir)
    text = text or ""
    scan = _Scan(text, rules, brand_allow)
    findings: list[Finding] = []
    findings += scan.rule_findings()
    findings += scan.word_findings(_words(persona_taboo), rules.context.persona_taboo)
    findings += scan.word_findings(_words(brand_deny), rules.context.brand_deny)
    if not announcement:
        findings += scan.mention_findings()
    model = load_model(Path(rules_dir) if rules_dir is not None else DEFAULT_RULES_DIR)
    if model is not None:
        findings = scan.second_opinion(model, findings)
    if max_chars is not None:
        findings += scan.length_findings(max_chars)
    return sorted(_one_per_span(findings), key=lambda f: (f.start, -f.end, f.rule))


def _one_per_span(findings: list[Finding]) -> list[Finding]:
    """One finding per span: a word that breaks two rules (最好 is absolute and the persona's taboo) is listed
    once, under the stricter rule, with both reasons."""
    by_span: dict[tuple[int, int], Finding] = {}
    for f in findings:
        kept = by_span.get((f.start, f.end))
        if kept is None:
            by_span[(f.start, f.end)] = f
            continue
        first, second = (f, kept) if f.severity == "block" and kept.severity != "block" else (kept, f)
        message = first.message if second.message in first.message else f"{first.message}；{second.message}"
        by_span[(f.start, f.end)] = replace(first, message=message, suggestion=first.suggestion or second.suggestion)
    return list(by_span.values())


def _words(values) -> list[str]:
    seen, words = set(), []
    for value in values or ():
        word = str(value).strip() if value is not None else ""
        if word and word not in seen:
            seen.add(word)
            words.append(word)
    return words


class _Scan:
    """One text under one rule set."""

    def __init__(self, text: str, rules: RuleSet, brand_allow):
        self.text = text
        self.folded = fold(text)
        self.rules = rules
        self.ctx = rules.context
        self._allowed = self._spans_of_literals(_words(brand_allow))
        self._safe: list[tuple[int, int]] | None = None
        self._tokens: dict[int, list[tuple[int, int]]] = {}
        self._sentences = structure.Sentences(self.folded, rules.context.claims)

    # -- harmless spans -------------------------------------------------------------------
    def _spans_of_literals(self, words: list[str]) -> list[tuple[int, int]]:
        spans = []
        lowered = self.folded.lower()
        for word in words:
            needle = fold(word).lower()
            start = lowered.find(needle)
            while start != -1:
                spans.append((start, start + len(needle)))
                start = lowered.find(needle, start + 1)
        return spans

    def _safe_spans(self) -> list[tuple[int, int]]:
        if self._safe is None:
            self._safe = [m.span() for p in self.ctx.safe_phrases for m in p.finditer(self.folded)
                          if m.end() > m.start()]
        return self._safe

    @staticmethod
    def _inside(start: int, end: int, spans) -> bool:
        return any(s <= start and end <= e for s, e in spans)

    def _harmless_here(self, entry: Entry, start: int, end: int) -> bool:
        """Does one of the entry's harmless contexts apply to the match at [start, end)?"""
        folded = self.folded
        if any(p.match(folded, end) for p in entry.allow_after):
            return True
        before = folded[max(0, start - _WINDOW):start]
        if any(p.search(before) for p in entry.allow_before):
            return True
        for pattern in entry.exceptions:
            lo, hi = max(0, start - 40), min(len(folded), end + 40)
            for m in pattern.finditer(folded, lo, hi):
                if m.start() <= start and end <= m.end():
                    return True
        return False

    def _silenced(self, start: int, end: int) -> bool:
        return self._inside(start, end, self._allowed) or self._inside(start, end, self._safe_spans())

    def _negated(self, start: int) -> bool:
        negators = self.ctx.negators
        return bool(negators and negators.search(self.folded[max(0, start - _WINDOW):start]))

    def _finding(self, start, end, rule, severity, message, suggestion, negatable=True) -> Finding:
        span = self.text[start:end]
        if negatable and severity == "block" and self._negated(start):
            severity = "warn"
            message = message + self.ctx.negation_note
        return Finding(start, end, span, rule, severity, _fill(message, span), _fill(suggestion, span))

    # -- term rules ----------------------------------------------------------------------
    def rule_findings(self) -> list[Finding]:
        hits: list[_Hit] = []
        for group in self.rules.term_groups():
            if group.topic is None or group.topic.search(self.folded):
                hits += self._term_hits(group)
        # A match inside a longer (or equally long, more severe) match of another term is the same claim.
        hits.sort(key=lambda h: (h.found_by_structure, h.broad, -(h.end - h.start), -_SEVERITY_RANK[h.severity]))
        kept: list[_Hit] = []
        for hit in hits:
            if hit.found_by_structure:  # a term already reports this claim, under its own rule
                if not any(k.start < hit.end and hit.start < k.end for k in kept):
                    kept.append(hit)
            elif not any(k.start <= hit.start and hit.end <= k.end for k in kept):
                kept.append(hit)
        findings = []
        for hit in kept:
            if self._sentences.asked(hit.start) or self._sentences.disowned(hit.start):
                continue  # 会员问：这款真的能祛斑吗？ quotes a question; “…最好的炸锅”，但宣传上不会这么讲 disowns praise
            severity = hit.severity
            if hit.outside_claims != "keep" and self._sentences.outside_claims(hit.start):
                if hit.outside_claims == "drop":
                    continue
                severity = "warn"
            # a denial asked back rhetorically asserts the claim: no negation softens it
            negatable = hit.group.negatable and self._denial(hit.group, hit.start) != "asked back"
            findings.append(self._finding(hit.start, hit.end, hit.group.id, severity, hit.message, hit.suggestion,
                                          negatable))
        return findings

    def second_opinion(self, model: ClaimModel, found: list[Finding]) -> list[Finding]:
        """The rule findings the claim model does not overrule, plus a warn for each clause it is confident
        makes a claim that no rule finding touches.

        A law rule's finding in a clause scored below the model's ``overrule_below`` is dropped (0, the
        default, drops none): the rules' false flags on unseen text are mostly such clauses, but so are a
        few short claims they judge on purpose.
        """
        scored = [(start, end, model.probability(clause_features(self.text, start, end)))
                  for start, end in clauses(self.text)]

        def clause_probability(start: int, end: int) -> float:
            return max((p for s, e, p in scored if s < end and start < e), default=1.0)

        kept = [f for f in found if not f.rule.startswith(_LAW_RULES)
                or clause_probability(f.start, f.end) >= model.overrule_below]
        # a clause a finding already names needs no second warning, nor does a word the brand allowed
        named = [(f.start, f.end) for f in kept] + self._allowed
        for start, end, probability in scored:
            if probability < model.threshold:
                continue
            start += len(self.text[start:end]) - len(self.text[start:end].lstrip())
            end -= len(self.text[start:end]) - len(self.text[start:end].rstrip())
            if any(s < end and start < e for s, e in named):
                continue
            sentences, last = self._sentences, end - 1  # judged where the clause's claim ends, after any 问：
            if sentences.asked(last) or sentences.disowned(last) or sentences.outside_claims(last):
                continue  # a question, praise reported and disowned, a notice or advice naming nothing offered
            kept.append(Finding(start, end, self.text[start:end], "likely_claim", "warn",
                                MODEL_MESSAGE.format(share=round(probability * 100)), MODEL_SUGGESTION))
        return kept

    def _term_hits(self, group: Group) -> list[_Hit]:
        matches = [(entry, m.start(), m.end()) for entry in group.entries
                   for m in entry.regex.finditer(self.folded) if m.end() > m.start()]
        hits = []
        for entry, start, end in matches:
            if entry.judge and any(other is not entry and s <= start and end <= e and e - s > end - start
                                   for other, s, e in matches):
                continue  # a longer term of the rule (最好, 全网第一) judges this place itself
            if self._harmless_here(entry, start, end) or self._silenced(start, end):
                continue
            if entry.whole_word and entry.literal is not None and self._split_by_other_word(start, end):
                continue
            end = self._judged(group, entry, start, end)
            if end is None:
                continue
            if self._denied(group, start):
                continue  # 不是最便宜的: the post denies the claim
            hits.append(_Hit(start, end, group, entry.severity, entry.message, entry.suggestion,
                             entry.outside_claims))
        folded, structural = self.folded, []
        if group.effect is not None:
            structural += [(s, group.effect.outside_claims) for s in structure.effects(folded, group.effect)]
        if group.pledge is not None:
            structural += [(s, group.pledge.outside_claims) for s in structure.pledges(folded, group.pledge)]
        if group.rate is not None:
            structural += [(s, group.rate.outside_claims) for s in structure.rates(folded, group.rate)]
        broad = len(structural)
        if group.change is not None:
            structural += [(s, group.change.outside_claims) for s in
                           outcomes.changes(folded, group.change, lambda i: self._sentences.bounds(i)[0])]
        if group.result is not None:
            structural += [(s, group.result.outside_claims) for s in outcomes.results(folded, group.result)]
        for i, ((start, end), outside_claims) in enumerate(structural):
            if not self._silenced(start, end) and not self._denied(group, start):
                hits.append(_Hit(start, end, group, group.severity, group.message, group.suggestion,
                                 outside_claims, found_by_structure=True, broad=i >= broad))
        return hits

    def _denial(self, group: Group, start: int) -> str | None:
        denial = self.ctx.denial
        if not group.deniable or denial is None:
            return None
        return structure.denial_at(self.folded, start, denial, self._sentences)

    def _denied(self, group: Group, start: int) -> bool:
        return self._denial(group, start) == "denied"

    def _judged(self, group: Group, entry: Entry, start: int, end: int) -> int | None:
        """The end of the claim at [start, end) as the entry's judge sees it; None when it is no claim."""
        if entry.judge == "degree":
            return structure.judge_degree(self.folded, start, end, group.degree, self._sentences)
        if entry.judge == "advice":
            word_end = structure.judge_advice(self.folded, end, group.degree)
            if word_end is None or structure.picks_one(self.folded, start, word_end, group.degree,
                                                       self._sentences):
                return None  # 最好当周吃完: advice; 最好搭配的是白衬衫: picks one, offers nothing
            return end
        if entry.judge == "ordinal":
            return structure.judge_ordinal(self.folded, start, end, group.ordinal, self._sentences)
        if group.degree is not None and entry.literal is not None and entry.literal.startswith("最") \
                and structure.picks_one(self.folded, start, end, group.degree, self._sentences):
            return None  # 咖啡因含量最高的是罗布斯塔豆: picks one of a set, names nothing offered
        return end

    # -- persona taboo and brand deny words -----------------------------------------------
    def word_findings(self, words: list[str], spec: dict) -> list[Finding]:
        findings = []
        lowered = self.folded.lower()
        for word in words:
            needle = fold(word).lower()
            inherited = self.rules.literal_entries(word)
            start = lowered.find(needle)
            while start != -1:
                end = start + len(needle)
                if self._word_counts(needle, start, end, inherited):
                    findings.append(self._finding(start, end, spec["id"], spec["severity"], spec["message"],
                                                  spec["suggestion"]))
                start = lowered.find(needle, start + 1)
        return findings

    def _word_counts(self, needle: str, start: int, end: int, inherited: list[tuple[Group, Entry]]) -> bool:
        if self._silenced(start, end) or any(self._harmless_here(e, start, end) for _, e in inherited):
            return False
        if any(e.judge and self._judged(g, e, start, end) is None for g, e in inherited):
            return False  # the rule's judgment applies to the word too: 第一次 is no 第一
        if len(needle) == 1:
            return self._stands_alone(start, end)
        if inherited:  # a rule term too: its own harmless contexts above are the word boundary
            return True
        if _is_han(needle[0]) or _is_han(needle[-1]):
            return not self._split_by_other_word(start, end)
        # Latin words: whole words only.
        return not (_is_word_char(self.folded, start - 1) or _is_word_char(self.folded, end))

    def _stands_alone(self, start: int, end: int) -> bool:
        ctx = self.ctx
        if not _is_han(self.folded[start]):
            return not (_is_word_char(self.folded, start - 1) or _is_word_char(self.folded, end))
        before_ok = start == 0 or bool(ctx.single_before and ctx.single_before.search(
            self.folded[max(0, start - _WINDOW):start]))
        after_ok = end == len(self.folded) or bool(
            ctx.single_after and ctx.single_after.match(self.folded, end))
        return before_ok and after_ok

    def _split_by_other_word(self, start: int, end: int) -> bool:
        """True when a jieba word that does not contain the whole match straddles one of its edges."""
        for s, e in self._jieba_tokens(start):
            if s >= end:
                break
            straddles = (s < start < e) or (s < end < e)
            if straddles and not (s <= start and end <= e):
                return True
        return False

    def _jieba_tokens(self, index: int) -> list[tuple[int, int]]:
        """jieba's words of the run of text around ``index`` (jieba cuts each such run on its own)."""
        block = next((m for m in _JIEBA_BLOCK.finditer(self.folded, max(0, index - _BLOCK_REACH))
                      if m.start() <= index < m.end()), None)
        if block is None:
            return []
        if block.start() not in self._tokens:
            self._tokens[block.start()] = [(block.start() + s, block.start() + e)
                                           for _, s, e in tokenizer().tokenize(block.group())]
        return self._tokens[block.start()]

    # -- channel rules --------------------------------------------------------------------
    def mention_findings(self) -> list[Finding]:
        findings = []
        shown = shown_text(self.text)  # as read on screen: "&#64;所有人" pings; "＠所有人" is the safe form
        for group in self.rules.group("mass_mention"):
            for entry, escape in zip(group.entries, group.escapes):
                for m in entry.regex.finditer(shown.text):
                    if m.end() <= m.start():
                        continue
                    start, end = shown.source_span(*m.span())
                    span = self.text[start:end]
                    suggestion = (shown.rewritten(self.text, *m.span(), escape) if escape
                                  else _fill(entry.suggestion, span))
                    findings.append(Finding(start, end, span, group.id, group.severity,
                                            _fill(group.message, span), suggestion))
        return findings

    def length_findings(self, max_chars: int) -> list[Finding]:
        groups = self.rules.group("length")
        if not groups or max_chars < 0:
            return []
        group = groups[0]
        visible = [i for i, ch in enumerate(self.text) if not ch.isspace()]
        if len(visible) <= max_chars:
            return []
        start, end = visible[max_chars], visible[-1] + 1
        values = {"max_chars": max_chars, "length": len(visible), "overflow": len(visible) - max_chars}
        span = self.text[start:end]
        return [Finding(start, end, span, group.id, group.severity, _fill(group.message, span, values),
                        _fill(group.suggestion, span, values))]


def _fill(template: str, span: str, values: dict | None = None) -> str:
    """Replace {text} (and the given names) in a rule's message; other braces stay as written."""
    out = template.replace("{text}", span)
    for key, value in (values or {}).items():
        out = out.replace("{" + key + "}", str(value))
    return out


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _is_word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isascii() and (text[index].isalnum() or text[index] == "_")


def findings_as_dicts(findings: list[Finding]) -> list[dict]:
    return [f.to_dict() for f in findings]

