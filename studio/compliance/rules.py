"""Loading and validating the compliance rule files (``studio/compliance/rules/*.yaml``).

Every ``*.yaml`` file in the rules folder is read, in name order, and merged into one `RuleSet`.
A file is a mapping with any of these keys:

``groups``
    A list of rules.  Each rule (group) has ``id``, ``severity`` (``block`` or ``warn``), a Chinese
    ``message`` and ``suggestion`` (``{text}`` stands for the matched text), optionally ``kind``
    (``terms`` — the default —, ``mass_mention`` or ``length``), ``negatable`` (default true: a
    negated match is downgraded to ``warn``) and ``allow_after`` / ``allow_before`` applying to all its
    entries.  ``terms`` lists the entries: a plain string is a literal term; a mapping has ``term``
    (a literal) or ``pattern`` (a regular expression) plus optional ``severity``, ``message``,
    ``suggestion``, ``allow_after`` / ``allow_before`` (regex fragments: the match is harmless when the
    text right after / right before it matches one of them) and ``exceptions`` (regexes of harmless
    phrases: the match is harmless when it lies inside one of them).
    A term entry may also name a ``judge`` (``degree`` or ``ordinal``, configured by the group's key of
    that name): after its harmless contexts, the words that follow decide, by part of speech (jieba's
    tags), whether the match is a claim — ``最`` + an adjective is one, ``最`` + a time or quantity word is
    not; ``第一`` + a measure word is an ordinal.  A judged entry defers to any longer entry of its
    group that covers it.  ``degree`` has ``claim_pos`` and ``narrative_pos`` (tags), ``narrative_words``
    (words after 最 that tell time, quantity or feeling), ``skip``, ``reach``, and the regexes
    ``of_time`` (最冷的一天) and ``specifying`` (最香的是…: a claim only about something offered);
    ``ordinal`` has ``sequence_pos``, ``sequence_words``, ``claim_words``, ``first_to_measures`` +
    ``first_to_pos`` (第一家 + a verb) unless the next word is one of ``first_to_copulas`` (第一位是…),
    and ``series`` (another ordinal: an enumeration).
    ``outside_claims`` (group or entry: ``keep`` — the default —, ``warn`` or
    ``drop``) says what becomes of a finding in a sentence that makes no claim about anything offered
    (a notice, a story, a question, advice: see ``context.claims``).  ``whole_word: true`` (group or
    entry) ignores a literal term that jieba reads as parts of two other words (防治|病虫害 is not 治病).
    A group's ``effect`` section finds claims by structure instead of by list: a verb of its ``verbs``,
    at most ``gap`` characters (none after a one-character verb), then a word of its ``objects``
    (调理 + 宝宝 + 肠胃); its ``exceptions`` are harmless phrases and its ``outside_claims`` defaults to
    ``drop``; ``object_suffixes`` name a condition by its last character (毛球症, 皮肤病).  A ``pledge``
    section finds promises: one of its ``markers`` (保证, 确保; not before a ``compounds`` ending such as
    保证金) with one of its ``outcomes`` (regex fragments: 回本, 见效, 不臭) in the same clause, within
    ``reach`` characters, unless the clause names one of its ``services`` (发货, 补发); a
    ``bound_markers`` character only right before one of its ``bound_outcomes`` (包回本, 稳赚).  A ``rate``
    section finds shares promised as results: one of its ``stems`` before 率, an optional word of its
    ``links`` and a percentage (除臭率100%), and its ``whole`` regex (100%) followed, past ``whole_skip``
    words, by a word tagged one of ``whole_pos`` (100%保留营养, not 100%棉).  Both default to
    ``outside_claims: drop`` and ``keep`` respectively; ``whole_modals`` (100% + 能 / 会) promise whatever
    follows.  A ``change`` section finds a measure moved the hoped-for way (``rising`` / ``falling``, each
    ``subjects`` and ``verbs``, at most ``gap`` characters apart with no negation between) after one of
    its ``conditions`` earlier in the sentence (吃了…，血脂降下来了); a ``result`` section a verb of
    ``uses`` with one of its ``aspects``, then within ``reach`` characters one of its ``links`` and one of
    its ``outcomes`` (吃了就瘦); see `studio.compliance.outcomes`.  ``topic`` (a list of regexes) limits a
    rule to posts about one kind of product: the rule applies only when one of them matches somewhere in
    the post (酒 for the rules of alcohol advertising).  ``deniable: true`` drops a match the
    post denies (``context.denial``: 不是最便宜的).  A group with an ``effect``, ``pledge``, ``rate``,
    ``change`` or ``result`` section may have no terms.  The judge ``advice`` (for 最好) uses the
    ``degree`` section's ``advice_pos`` (a time word after it is advice: 最好当周吃完) and
    ``advice_verb_pos`` (a verb of two characters or more, not before 的: 最好拉伸十分钟).
    ``mass_mention`` groups list ``patterns`` (each ``pattern`` plus ``escape`` — a character map
    applied to the match to build the suggestion — or a fixed ``suggestion``).  A ``length`` group has
    no terms; its message may use ``{max_chars}``, ``{length}`` and ``{overflow}``.

``context``
    Shared settings (``negation``, ``denial`` — ``cues`` that deny the claim right after them,
    ``saying_cues`` that may name their subject before 是, and ``rhetorical`` regexes of a sentence that
    asks the denial back —, ``single_char``, ``safe_phrases``, ``claims``, ``persona_taboo``,
    ``brand_deny``); each key may be defined by one file only.  ``claims`` has ``offering`` (regexes of
    what marks a sentence about something offered: 这款, 我们的, 下单, a price), ``asking`` /
    ``reported`` / ``unasked`` / ``answers`` (a question quoted, told, or asked about an effect, unless
    the next sentence answers yes), ``disowning`` (what, after a closing quote, disowns the words quoted:
    不会这么讲) and ``non_claim`` (kinds
    of sentences that claim nothing, each a list of regexes: notice, story, question, advice …); a
    sentence is outside claims when it matches a ``non_claim`` regex and no ``offering`` one (sentences
    end where ``sentence_end`` matches: 。！？；, a newline).

Parts of speech are jieba's tags (``a`` adjective, ``v`` verb, ``t`` time word, ``m`` numeral, ``q``
measure word …); a name jieba does not use is an error.

Patterns are matched case-insensitively against the text with full-width ASCII folded to half-width
(one character for one, so offsets stay those of the original).  Any problem raises `RulesError`
naming the file and the place in it.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_RULES_DIR = Path(__file__).resolve().parent / "rules"
SEVERITIES = ("block", "warn")
KINDS = ("terms", "mass_mention", "length")
FLAGS = re.IGNORECASE

_FILE_KEYS = {"groups", "context", "description", "version"}
_GROUP_KEYS = {"id", "kind", "severity", "message", "suggestion", "negatable", "terms", "patterns",
               "allow_after", "allow_before", "description", "outside_claims", "whole_word", "degree",
               "ordinal", "effect", "pledge", "rate", "deniable", "change", "result", "topic"}
_TERM_KEYS = {"term", "pattern", "severity", "message", "suggestion", "allow_after", "allow_before",
              "exceptions", "judge", "outside_claims", "whole_word"}
_MENTION_KEYS = {"pattern", "escape", "suggestion"}
_CONTEXT_KEYS = {"negation", "denial", "single_char", "safe_phrases", "claims", "persona_taboo", "brand_deny"}
_DEGREE_KEYS = {"skip", "claim_pos", "narrative_pos", "narrative_words", "of_time", "specifying", "reach",
                "advice_pos", "advice_verb_pos", "description"}
_ORDINAL_KEYS = {"sequence_pos", "sequence_words", "claim_words", "first_to_measures", "first_to_pos",
                 "first_to_copulas", "series", "description"}
_EFFECT_KEYS = {"verbs", "objects", "object_suffixes", "gap", "exceptions", "outside_claims", "description"}
_PLEDGE_KEYS = {"markers", "compounds", "outcomes", "services", "bound_markers", "bound_outcomes", "reach",
                "outside_claims", "description"}
_RATE_KEYS = {"stems", "links", "whole", "whole_skip", "whole_pos", "whole_modals", "outside_claims", "description"}
_DENIAL_KEYS = {"cues", "saying_cues", "scopes", "rhetorical", "description"}
_CLAIMS_KEYS = {"offering", "non_claim", "asking", "reported", "unasked", "answers", "disowning", "sentence_end"}

OUTSIDE_CLAIMS = ("keep", "warn", "drop")
JUDGES = ("degree", "ordinal", "advice")
# Every part-of-speech tag jieba gives (its dictionary's tags plus eng and x for Latin words and punctuation).
JIEBA_POS = frozenset("a ad ag an b c d df dg e eng f g h i j k l m mg mq n ng nr nrfg nrt ns nt nz o p q r "
                      "rg rr rz s t tg u ud ug uj ul uv uz v vd vg vi vn vq x y z zg".split())


class RulesError(ValueError):
    """A rules file is missing, unreadable or malformed; the message names the file and the place."""


# Full-width ASCII (！ to ～) becomes half-width and the ideographic space a space: same length.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20


def fold(text: str) -> str:
    """The text rules are matched against; always as long as ``text``."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Entry:
    """One term or pattern of a rule, compiled."""

    label: str  # the literal term, or the pattern source
    regex: re.Pattern
    literal: str | None
    severity: str
    message: str
    suggestion: str
    allow_after: tuple[re.Pattern, ...] = ()
    allow_before: tuple[re.Pattern, ...] = ()
    exceptions: tuple[re.Pattern, ...] = ()
    judge: str | None = None  # "degree" or "ordinal": the words after the match decide
    outside_claims: str = "keep"  # what becomes of a finding in a sentence that claims nothing
    whole_word: bool = False  # not when jieba reads the match as parts of two other words


@dataclass(frozen=True)
class Degree:
    """最 and its kin: a claim when an adjective or a verb of evaluation follows, not a time or quantity."""

    skip: frozenset[str]  # words passed over before judging (最为柔软, 最最)
    claim_pos: frozenset[str]
    narrative_pos: frozenset[str]
    narrative_words: frozenset[str]  # time, position, quantity, feelings: 近, 后, 多, 喜欢, 适合 …
    of_time: re.Pattern | None = None  # 最冷的一天: what follows the word makes it about a time
    specifying: re.Pattern | None = None  # 最香的是第三道: a claim only in a sentence about something offered
    reach: int = 8  # characters looked at after the marker
    advice_pos: frozenset[str] = frozenset()  # 最好 + a time word (最好当周吃完) is advice, not a claim
    advice_verb_pos: frozenset[str] = frozenset()  # 最好 + a verb of 2+ characters, not before 的: advice


@dataclass(frozen=True)
class Ordinal:
    """第一: an ordinal when a measure word or a noun of sequence follows, a ranking claim otherwise."""

    sequence_pos: frozenset[str]
    sequence_words: frozenset[str]  # measures jieba tags otherwise (第一泡: 泡 is a verb to jieba)
    claim_words: frozenset[str]  # 名, 梯队: a rank, not a step
    first_to_measures: frozenset[str]  # 第一家 + a verb: "the first to do it" is a claim
    first_to_pos: frozenset[str]
    series: re.Pattern | None  # another ordinal in the sentence: an enumeration (第一杯 … 第二杯)
    first_to_copulas: frozenset[str] = frozenset()  # 第一位是鲜鸡肉: names what stands first, no claim


@dataclass(frozen=True)
class Effect:
    """A health or beauty effect found by structure: a verb of effect, then a body or health object."""

    regex: re.Pattern
    exceptions: tuple[re.Pattern, ...]
    outside_claims: str


@dataclass(frozen=True)
class Pledge:
    """A promise of an outcome: a marker (保证, 确保) and, in the same clause, an outcome that is no service."""

    markers: re.Pattern  # 保证 / 确保 …, not inside a compound noun (保证金)
    outcome: re.Pattern  # 回本, 见效, 不臭 …: searched in the clause after the marker
    services: re.Pattern | None  # 发货, 补发 …: a promise of service, not of an outcome
    bound: re.Pattern | None  # a one-character marker right before its outcome: 包回本, 稳赚, 保本
    reach: int
    outside_claims: str


@dataclass(frozen=True)
class Rate:
    """A share promised as a result: a rate of an effect (除臭率100%) or 100% + a verb (100%保留营养)."""

    rate: re.Pattern | None  # stem of an effect … 率 [link] number %
    whole: re.Pattern | None  # 100% / 百分百, judged by the part of speech of the word after it
    whole_skip: frozenset[str]
    whole_pos: frozenset[str]
    outside_claims: str
    whole_modals: frozenset[str] = frozenset()  # 100% + 能 / 会: a promise of whatever follows


@dataclass(frozen=True)
class Denial:
    """A claim the post denies (不是最便宜的, 不敢说是最好的), unless the sentence asks it rhetorically."""

    cues: re.Pattern  # matched at the end of the text before the claim
    rhetorical: re.Pattern | None  # 谁说 / 难道 / a question: the denial asserts the claim


@dataclass(frozen=True)
class Group:
    id: str
    kind: str
    severity: str
    message: str
    suggestion: str
    negatable: bool
    entries: tuple[Entry, ...]
    source: str
    escapes: tuple[dict | None, ...] = ()  # mass_mention: per entry character map, or None
    degree: Degree | None = None
    ordinal: Ordinal | None = None
    effect: Effect | None = None
    pledge: Pledge | None = None
    rate: Rate | None = None
    deniable: bool = False  # a claim of this rule the post denies is no claim (context.denial)
    change: object | None = None  # outcomes.Change: 注意力明显提高 after 吃了…
    result: object | None = None  # outcomes.Result: 吃了就瘦
    topic: re.Pattern | None = None  # the rule applies only to a post this matches somewhere (酒类广告)


@dataclass(frozen=True)
class Claims:
    """What makes a sentence a claim about something offered, and what marks one that claims nothing."""

    offering: re.Pattern | None = None
    non_claim: tuple[tuple[str, re.Pattern], ...] = ()
    asking: re.Pattern | None = None  # 会员问： / 私信问“: a question someone else asked, quoted to answer it
    reported: re.Pattern | None = None  # 有群友问蛋白棒能不能减肥。: a question told, not asked
    unasked: re.Pattern | None = None  # 燕麦能降血糖吗？: a modal of effect in a question with no asker
    answers: re.Pattern | None = None  # 当然能 / 试试我们的…: the next sentence makes the question a claim
    disowning: re.Pattern | None = None  # “…”，但宣传上不会这么讲: quoted praise the post does not adopt
    sentence_end: re.Pattern = re.compile(r"[。！？!?；;\n]")


@dataclass(frozen=True)
class Context:
    negators: re.Pattern | None = None  # matched at the end of the text before a term
    negation_note: str = "（否定语境，仅作提示）"
    denial: Denial | None = None
    single_before: re.Pattern | None = None
    single_after: re.Pattern | None = None
    safe_phrases: tuple[re.Pattern, ...] = ()
    claims: Claims = field(default_factory=Claims)
    persona_taboo: dict = field(default_factory=dict)
    brand_deny: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSet:
    groups: tuple[Group, ...]
    context: Context
    files: tuple[str, ...]

    def term_groups(self) -> list[Group]:
        return [g for g in self.groups if g.kind == "terms"]

    def group(self, kind: str) -> list[Group]:
        return [g for g in self.groups if g.kind == kind]

    def entries_for_literal(self, literal: str) -> list[Entry]:
        """Rule entries whose literal term equals ``literal`` (taboo and deny words inherit their context)."""
        return [e for _, e in self.literal_entries(literal)]

    def literal_entries(self, literal: str) -> list[tuple[Group, Entry]]:
        """(rule, entry) for each entry whose literal term equals ``literal``."""
        key = fold(literal).lower()
        return [(g, e) for g in self.term_groups() for e in g.entries if e.literal is not None
                and fold(e.literal).lower() == key]


_cache: dict[str, tuple[tuple, RuleSet]] = {}
_lock = threading.Lock()


def load_rules(rules_dir: str | Path | None = None) -> RuleSet:
    """The rules of ``rules_dir`` (default: the built-in folder), validated and compiled.

    Cached per folder; a file added, removed or edited is noticed on the next call.
    """
    folder = Path(rules_dir) if rules_dir is not None else DEFAULT_RULES_DIR
    if not folder.is_dir():
        raise RulesError(f"规则目录不存在 / rules folder not found: {folder}")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise RulesError(f"规则目录里没有 .yaml 文件 / no rules files in {folder}")
    signature = tuple((p.name, *_stat(p)) for p in files)
    key = str(folder.resolve())
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == signature:
            return cached[1]
    ruleset = _build(files)
    with _lock:
        _cache[key] = (signature, ruleset)
    return ruleset


def _stat(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def _build(files: list[Path]) -> RuleSet:
    groups: list[Group] = []
    context_parts: dict[str, tuple[str, object]] = {}
    seen_ids: dict[str, str] = {}
    for path in files:
        data = _read(path)
        where = path.name
        for index, raw in enumerate(_as_list(data.get("groups", []), f"{where}: groups"), 1):
            group = _group(raw, f"{where}: groups[{index}]", where)
            if group.id in seen_ids:
                raise RulesError(f"{where}: rule id {group.id!r} is already used in {seen_ids[group.id]}")
            seen_ids[group.id] = where
            groups.append(group)
        context = data.get("context", {})
        if not isinstance(context, dict):
            raise RulesError(f"{where}: context must be a mapping")
        for name, value in context.items():
            if name not in _CONTEXT_KEYS:
                raise RulesError(f"{where}: context: unknown key {name!r} (known: {sorted(_CONTEXT_KEYS)})")
            if name in context_parts:
                raise RulesError(f"{where}: context.{name} is already defined in {context_parts[name][0]}")
            context_parts[name] = (where, value)
    if len([g for g in groups if g.kind == "length"]) > 1:
        raise RulesError("only one rule of kind 'length' may exist")
    return RuleSet(groups=tuple(groups), context=_context(context_parts), files=tuple(p.name for p in files))


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{path.name}: cannot read the rules file: {exc}") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{path.name}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RulesError(f"{path.name}: the file must be a mapping with 'groups' and/or 'context'")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise RulesError(f"{path.name}: unknown top-level key(s) {sorted(unknown)} "
                         f"(known: {sorted(_FILE_KEYS)})")
    return data


def _as_list(value, where: str) -> list:
    if not isinstance(value, list):
        raise RulesError(f"{where} must be a list")
    return value


def _text(value, where: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise RulesError(f"{where} must be a non-empty string")
    return value


def _compile(source: str, where: str) -> re.Pattern:
    try:
        return re.compile(source, FLAGS)
    except re.error as exc:
        raise RulesError(f"{where}: bad regular expression {source!r}: {exc}") from None


def _fragments(value, where: str, *, anchor: str) -> tuple[re.Pattern, ...]:
    """allow_after fragments are matched at the term's end; allow_before ones must end at its start."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else _as_list(value, where)
    compiled = []
    for i, item in enumerate(items, 1):
        source = _text(item, f"{where}[{i}]")
        compiled.append(_compile(f"(?:{source})\\Z" if anchor == "end" else f"(?:{source})", f"{where}[{i}]"))
    return tuple(compiled)


def _group(raw, where: str, source: str) -> Group:
    if not isinstance(raw, dict):
        raise RulesError(f"{where} must be a mapping")
    unknown = set(raw) - _GROUP_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)} (known: {sorted(_GROUP_KEYS)})")
    gid = _text(raw.get("id"), f"{where}.id")
    where = f"{where} ({gid})"
    kind = raw.get("kind", "terms")
    if kind not in KINDS:
        raise RulesError(f"{where}: kind must be one of {KINDS}, not {kind!r}")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise RulesError(f"{where}: severity must be 'block' or 'warn', not {severity!r}")
    message = _text(raw.get("message"), f"{where}.message")
    suggestion = _text(raw.get("suggestion"), f"{where}.suggestion")
    negatable = raw.get("negatable", True)
    if not isinstance(negatable, bool):
        raise RulesError(f"{where}.negatable must be true or false")
    after = _fragments(raw.get("allow_after"), f"{where}.allow_after", anchor="start")
    before = _fragments(raw.get("allow_before"), f"{where}.allow_before", anchor="end")
    outside = _choice(raw.get("outside_claims", "keep"), OUTSIDE_CLAIMS, f"{where}.outside_claims")
    whole_word = _flag(raw.get("whole_word", False), f"{where}.whole_word")
    structural = ("degree", "ordinal", "effect", "pledge", "rate", "deniable", "change", "result")
    if kind != "terms" and any(k in raw for k in structural):
        raise RulesError(f"{where}: only a 'terms' rule may have 'degree', 'ordinal', 'effect', 'pledge', "
                         "'rate' or 'deniable'")
    if kind == "length":
        if raw.get("terms") or raw.get("patterns"):
            raise RulesError(f"{where}: a 'length' rule has no terms or patterns")
        return Group(gid, kind, severity, message, suggestion, False, (), source)
    if kind == "mass_mention":
        patterns = _as_list(raw.get("patterns"), f"{where}.patterns")
        if not patterns or raw.get("terms"):
            raise RulesError(f"{where}: a 'mass_mention' rule needs a non-empty 'patterns' list and no terms")
        entries, escapes = [], []
        for i, item in enumerate(patterns, 1):
            at = f"{where}.patterns[{i}]"
            if not isinstance(item, dict) or set(item) - _MENTION_KEYS or "pattern" not in item:
                raise RulesError(f"{at} must be a mapping with 'pattern' and optional 'escape'/'suggestion'")
            escape = item.get("escape")
            if escape is not None and not (isinstance(escape, dict) and all(
                    isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in escape.items())):
                raise RulesError(f"{at}.escape must map single characters to strings")
            pattern = _text(item["pattern"], f"{at}.pattern")
            own = _text(item.get("suggestion"), f"{at}.suggestion", required=False)
            entries.append(Entry(pattern, _compile(pattern, at), None, severity, message, own or suggestion))
            escapes.append(escape)
        return Group(gid, kind, severity, message, suggestion, False, tuple(entries), source, tuple(escapes))
    degree = _degree(raw["degree"], f"{where}.degree") if "degree" in raw else None
    ordinal = _ordinal(raw["ordinal"], f"{where}.ordinal") if "ordinal" in raw else None
    effect = _effect(raw["effect"], f"{where}.effect") if "effect" in raw else None
    pledge = _pledge(raw["pledge"], f"{where}.pledge") if "pledge" in raw else None
    rate = _rate(raw["rate"], f"{where}.rate") if "rate" in raw else None
    from . import outcomes  # imports this module's helpers, so it is loaded here

    change = outcomes.parse_change(raw["change"], f"{where}.change") if "change" in raw else None
    result = outcomes.parse_result(raw["result"], f"{where}.result") if "result" in raw else None
    deniable = _flag(raw.get("deniable", False), f"{where}.deniable")
    topic = _union(raw.get("topic"), f"{where}.topic") if "topic" in raw else None
    terms = _as_list(raw.get("terms", []), f"{where}.terms")
    if not terms and all(x is None for x in (effect, pledge, rate, change, result)):
        raise RulesError(f"{where}.terms is empty")
    entries = []
    for i, item in enumerate(terms, 1):
        entry = _entry(item, f"{where}.terms[{i}]", severity, message, suggestion, after, before, outside,
                       whole_word)
        if entry.judge and {"degree": degree, "ordinal": ordinal, "advice": degree}[entry.judge] is None:
            raise RulesError(f"{where}.terms[{i}]: judge {entry.judge!r} needs the rule's '{entry.judge}' section")
        entries.append(entry)
    return Group(gid, kind, severity, message, suggestion, negatable, tuple(entries), source,
                 degree=degree, ordinal=ordinal, effect=effect, pledge=pledge, rate=rate, deniable=deniable,
                 change=change, result=result, topic=topic)


def _choice(value, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise RulesError(f"{where} must be one of {list(choices)}, not {value!r}")
    return value


def _flag(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise RulesError(f"{where} must be true or false")
    return value


def _section(raw, keys: set[str], where: str) -> dict:
    if not isinstance(raw, dict):
        raise RulesError(f"{where} must be a mapping")
    unknown = set(raw) - keys
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)} (known: {sorted(keys)})")
    return raw


def _words_of(raw, where: str, *, required: bool = False) -> frozenset[str]:
    items = _as_list(raw if raw is not None else [], where)
    if required and not items:
        raise RulesError(f"{where} must be a non-empty list")
    return frozenset(_text(item, f"{where}[{i}]").strip() for i, item in enumerate(items, 1))


def _pos_of(raw, where: str) -> frozenset[str]:
    """A list of jieba part-of-speech tags; an unknown tag is named with its place."""
    items = _as_list(raw if raw is not None else [], where)
    for i, tag in enumerate(items, 1):
        if tag not in JIEBA_POS:
            raise RulesError(f"{where}[{i}]: unknown part of speech {tag!r} "
                             f"(jieba's tags: {' '.join(sorted(JIEBA_POS))})")
    return frozenset(items)


def _degree(raw, where: str) -> Degree:
    raw = _section(raw, _DEGREE_KEYS, where)
    claim_pos = _pos_of(raw.get("claim_pos"), f"{where}.claim_pos")
    narrative_pos = _pos_of(raw.get("narrative_pos"), f"{where}.narrative_pos")
    if not claim_pos:
        raise RulesError(f"{where}.claim_pos must be a non-empty list")
    both = claim_pos & narrative_pos
    if both:
        raise RulesError(f"{where}: part(s) of speech {sorted(both)} are in both claim_pos and narrative_pos")
    reach = raw.get("reach", 8)
    if not isinstance(reach, int) or isinstance(reach, bool) or not 1 <= reach <= 40:
        raise RulesError(f"{where}.reach must be a whole number from 1 to 40")
    return Degree(skip=_words_of(raw.get("skip"), f"{where}.skip"), claim_pos=claim_pos,
                  narrative_pos=narrative_pos,
                  narrative_words=_words_of(raw.get("narrative_words"), f"{where}.narrative_words"),
                  of_time=_compile(_text(raw["of_time"], f"{where}.of_time"), f"{where}.of_time")
                  if "of_time" in raw else None,
                  specifying=_compile(_text(raw["specifying"], f"{where}.specifying"), f"{where}.specifying")
                  if "specifying" in raw else None, reach=reach,
                  advice_pos=_pos_of(raw.get("advice_pos"), f"{where}.advice_pos"),
                  advice_verb_pos=_pos_of(raw.get("advice_verb_pos"), f"{where}.advice_verb_pos"))


def _ordinal(raw, where: str) -> Ordinal:
    raw = _section(raw, _ORDINAL_KEYS, where)
    sequence_pos = _pos_of(raw.get("sequence_pos"), f"{where}.sequence_pos")
    if not sequence_pos:
        raise RulesError(f"{where}.sequence_pos must be a non-empty list")
    series = raw.get("series")
    return Ordinal(sequence_pos=sequence_pos,
                   sequence_words=_words_of(raw.get("sequence_words"), f"{where}.sequence_words"),
                   claim_words=_words_of(raw.get("claim_words"), f"{where}.claim_words"),
                   first_to_measures=_words_of(raw.get("first_to_measures"), f"{where}.first_to_measures"),
                   first_to_pos=_pos_of(raw.get("first_to_pos"), f"{where}.first_to_pos"),
                   first_to_copulas=_words_of(raw.get("first_to_copulas"), f"{where}.first_to_copulas"),
                   series=_compile(_text(series, f"{where}.series"), f"{where}.series") if series is not None
                   else None)


def _effect(raw, where: str) -> Effect:
    raw = _section(raw, _EFFECT_KEYS, where)
    verbs = _words_of(raw.get("verbs"), f"{where}.verbs", required=True)
    objects = _words_of(raw.get("objects"), f"{where}.objects", required=True)
    suffixes = _words_of(raw.get("object_suffixes"), f"{where}.object_suffixes")
    gap = raw.get("gap", 4)
    if not isinstance(gap, int) or isinstance(gap, bool) or not 0 <= gap <= 10:
        raise RulesError(f"{where}.gap must be a whole number from 0 to 10")
    alt = lambda words: "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))  # noqa: E731
    long_verbs = [v for v in verbs if len(v) > 1]
    short_verbs = [v for v in verbs if len(v) == 1]
    heads = []
    if long_verbs:
        heads.append(f"(?:{alt(long_verbs)})[\u4e00-\u9fff]{{0,{gap}}}?")
    if short_verbs:
        heads.append(f"(?:{alt(short_verbs)})")
    # a condition named by its suffix (毛球症, 皮肤病): one to three characters before the suffix
    named = [f"[\u4e00-\u9fff]{{1,3}}?(?:{alt(suffixes)})"] if suffixes else []
    source = f"(?:{'|'.join(heads)})(?:{'|'.join([alt(objects), *named])})"
    exceptions = tuple(_compile(_text(x, f"{where}.exceptions[{i}]"), f"{where}.exceptions[{i}]")
                       for i, x in enumerate(_as_list(raw.get("exceptions", []), f"{where}.exceptions"), 1))
    return Effect(regex=_compile(source, where), exceptions=exceptions,
                  outside_claims=_choice(raw.get("outside_claims", "drop"), OUTSIDE_CLAIMS,
                                         f"{where}.outside_claims"))


def _alt_words(words) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))


def _union(items, where: str) -> re.Pattern | None:
    """One regex of a list of regex fragments; a bad fragment is named by its place."""
    sources = [_text(x, f"{where}[{i}]") for i, x in enumerate(_as_list(items, where), 1)]
    for i, source in enumerate(sources, 1):
        if _compile(source, f"{where}[{i}]").search(""):
            raise RulesError(f"{where}[{i}]: {source!r} matches the empty string")
    return _compile("|".join(f"(?:{x})" for x in sources), where) if sources else None


def _reach(raw, where: str, default: int) -> int:
    reach = raw.get("reach", default)
    if not isinstance(reach, int) or isinstance(reach, bool) or not 1 <= reach <= 40:
        raise RulesError(f"{where}.reach must be a whole number from 1 to 40")
    return reach


def _pledge(raw, where: str) -> Pledge:
    raw = _section(raw, _PLEDGE_KEYS, where)
    markers = _words_of(raw.get("markers"), f"{where}.markers", required=True)
    compounds = _words_of(raw.get("compounds"), f"{where}.compounds")
    outcome = _union(raw.get("outcomes"), f"{where}.outcomes")
    if outcome is None:
        raise RulesError(f"{where}.outcomes must be a non-empty list")
    services = _words_of(raw.get("services"), f"{where}.services")
    bound_markers = _words_of(raw.get("bound_markers"), f"{where}.bound_markers")
    bound_outcomes = _words_of(raw.get("bound_outcomes"), f"{where}.bound_outcomes")
    if bool(bound_markers) != bool(bound_outcomes):
        raise RulesError(f"{where}: bound_markers and bound_outcomes go together")
    not_compound = f"(?!{_alt_words(compounds)})" if compounds else ""
    return Pledge(markers=_compile(f"(?:{_alt_words(markers)}){not_compound}", f"{where}.markers"),
                  outcome=outcome,
                  services=_compile(_alt_words(services), f"{where}.services") if services else None,
                  bound=_compile(f"(?:{_alt_words(bound_markers)})(?:{_alt_words(bound_outcomes)})",
                                 f"{where}.bound_markers") if bound_markers else None,
                  reach=_reach(raw, where, 14),
                  outside_claims=_choice(raw.get("outside_claims", "drop"), OUTSIDE_CLAIMS,
                                         f"{where}.outside_claims"))


def _rate(raw, where: str) -> Rate:
    raw = _section(raw, _RATE_KEYS, where)
    stems = _words_of(raw.get("stems"), f"{where}.stems")
    links = _words_of(raw.get("links"), f"{where}.links")
    rate = None
    if stems:
        # a link word or a few words of time may stand between 率 and the share: 通过率连续三年100%
        link = f"(?:{_alt_words(links)}|[\u4e00-\u9fff]{{0,6}}?)" if links else ""
        # the stem may stand a character or two before 率: 去除率, 杀菌率
        rate = _compile(rf"(?:{_alt_words(stems)})[\u4e00-\u9fff]{{0,2}}?率\s*{link}\s*\d+(?:\.\d+)?\s*%",
                        f"{where}.stems")
    whole = _compile(_text(raw["whole"], f"{where}.whole"), f"{where}.whole") if "whole" in raw else None
    whole_pos = _pos_of(raw.get("whole_pos"), f"{where}.whole_pos")
    if whole is not None and not whole_pos:
        raise RulesError(f"{where}.whole_pos must name the parts of speech that make 100% a promise")
    if rate is None and whole is None:
        raise RulesError(f"{where} needs 'stems' or 'whole'")
    return Rate(rate=rate, whole=whole, whole_skip=_words_of(raw.get("whole_skip"), f"{where}.whole_skip"),
                whole_pos=whole_pos, whole_modals=_words_of(raw.get("whole_modals"), f"{where}.whole_modals"),
                outside_claims=_choice(raw.get("outside_claims", "keep"), OUTSIDE_CLAIMS,
                                       f"{where}.outside_claims"))


def _denial(raw, where: str) -> Denial:
    raw = _section(raw, _DENIAL_KEYS, where)
    cues = _words_of(raw.get("cues"), f"{where}.cues", required=True)
    saying = _words_of(raw.get("saying_cues"), f"{where}.saying_cues")
    # a verb of saying may name what it denies before 是: 不敢说这款扫地机是最好的
    said = f"|(?:{_alt_words(saying)})[\\u4e00-\\u9fff]{{0,8}}?是?" if saying else ""
    # a scope may stand between the denial and the claim: 不是全城最便宜的
    scopes = _words_of(raw.get("scopes"), f"{where}.scopes")
    scope = f"(?:{_alt_words(scopes)})?" if scopes else ""
    return Denial(cues=_compile(f"(?:{_alt_words(cues)}{said})\\s*{scope}\\Z", f"{where}.cues"),
                  rhetorical=_union(raw.get("rhetorical", []), f"{where}.rhetorical"))


def _entry(item, where, severity, message, suggestion, after, before, outside="keep", whole_word=False) -> Entry:
    if isinstance(item, str):
        item = {"term": item}
    if not isinstance(item, dict):
        raise RulesError(f"{where} must be a string or a mapping")
    unknown = set(item) - _TERM_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)} (known: {sorted(_TERM_KEYS)})")
    if ("term" in item) == ("pattern" in item):
        raise RulesError(f"{where}: give exactly one of 'term' or 'pattern'")
    if "term" in item:
        literal = _text(item["term"], f"{where}.term").strip()
        label = literal
        where = f"{where} ({literal})"
        regex = _compile(re.escape(fold(literal)), where)
    else:
        literal = None
        label = _text(item["pattern"], f"{where}.pattern")
        regex = _compile(label, where)
        if regex.search(""):
            raise RulesError(f"{where}: pattern {label!r} matches the empty string")
    sev = item.get("severity", severity)
    if sev not in SEVERITIES:
        raise RulesError(f"{where}: severity must be 'block' or 'warn', not {sev!r}")
    exceptions = tuple(_compile(_text(x, f"{where}.exceptions[{i}]"), f"{where}.exceptions[{i}]")
                       for i, x in enumerate(_as_list(item.get("exceptions", []), f"{where}.exceptions"), 1))
    judge = item.get("judge")
    if judge is not None:
        _choice(judge, JUDGES, f"{where}.judge")
    return Entry(
        label=label, regex=regex, literal=literal, severity=sev,
        message=_text(item.get("message", message), f"{where}.message"),
        suggestion=_text(item.get("suggestion", suggestion), f"{where}.suggestion"),
        allow_after=after + _fragments(item.get("allow_after"), f"{where}.allow_after", anchor="start"),
        allow_before=before + _fragments(item.get("allow_before"), f"{where}.allow_before", anchor="end"),
        exceptions=exceptions, judge=judge,
        outside_claims=_choice(item.get("outside_claims", outside), OUTSIDE_CLAIMS, f"{where}.outside_claims"),
        whole_word=_flag(item.get("whole_word", whole_word), f"{where}.whole_word"))


def _context(parts: dict[str, tuple[str, object]]) -> Context:
    values: dict = {}
    if "negation" in parts:
        where, raw = parts["negation"]
        where = f"{where}: context.negation"
        if not isinstance(raw, dict):
            raise RulesError(f"{where} must be a mapping with 'cues', 'fillers' and 'note'")
        cues = [_text(c, f"{where}.cues") for c in _as_list(raw.get("cues"), f"{where}.cues")]
        fillers = [_text(c, f"{where}.fillers") for c in _as_list(raw.get("fillers", []), f"{where}.fillers")]
        max_fillers = raw.get("max_fillers", 2)
        if not isinstance(max_fillers, int) or max_fillers < 0:
            raise RulesError(f"{where}.max_fillers must be a whole number")
        quotes = _text(raw.get("quotes", "“\"'「『"), f"{where}.quotes")
        alt = lambda words: "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # noqa: E731
        filler = f"(?:{alt(fillers)}){{0,{max_fillers}}}" if fillers else ""
        source = f"(?:{alt(cues)}){filler}[{re.escape(quotes)}]?\\Z"
        values["negators"] = _compile(source, where)
        values["negation_note"] = _text(raw.get("note", "（否定语境，仅作提示）"), f"{where}.note")
    if "denial" in parts:
        where, raw = parts["denial"]
        values["denial"] = _denial(raw, f"{where}: context.denial")
    if "single_char" in parts:
        where, raw = parts["single_char"]
        where = f"{where}: context.single_char"
        if not isinstance(raw, dict) or not {"before", "after"} <= set(raw):
            raise RulesError(f"{where} must be a mapping with 'before' and 'after' regexes")
        values["single_before"] = _compile(f"(?:{_text(raw['before'], where)})\\Z", f"{where}.before")
        values["single_after"] = _compile(_text(raw["after"], where), f"{where}.after")
    if "safe_phrases" in parts:
        where, raw = parts["safe_phrases"]
        values["safe_phrases"] = tuple(
            _compile(_text(p, f"{where}: context.safe_phrases[{i}]"), f"{where}: context.safe_phrases[{i}]")
            for i, p in enumerate(_as_list(raw, f"{where}: context.safe_phrases"), 1))
    if "claims" in parts:
        where, raw = parts["claims"]
        values["claims"] = _claims(raw, f"{where}: context.claims")
    for name in ("persona_taboo", "brand_deny"):
        if name in parts:
            where, raw = parts[name]
            where = f"{where}: context.{name}"
            if not isinstance(raw, dict):
                raise RulesError(f"{where} must be a mapping with id, severity, message, suggestion")
            if raw.get("severity") not in SEVERITIES:
                raise RulesError(f"{where}.severity must be 'block' or 'warn'")
            values[name] = {"id": _text(raw.get("id"), f"{where}.id"), "severity": raw["severity"],
                            "message": _text(raw.get("message"), f"{where}.message"),
                            "suggestion": _text(raw.get("suggestion"), f"{where}.suggestion")}
    values.setdefault("persona_taboo", {"id": "persona.taboo", "severity": "block",
                                        "message": "“{text}”是当前人设的禁用词", "suggestion": "删除或换一种说法"})
    values.setdefault("brand_deny", {"id": "brand.deny", "severity": "block",
                                     "message": "“{text}”在品牌禁用词表中", "suggestion": "删除或换一种说法"})
    return Context(**values)


def _claims(raw, where: str) -> Claims:
    raw = _section(raw, _CLAIMS_KEYS, where)

    def union(items, at: str) -> re.Pattern | None:
        sources = [_text(x, f"{at}[{i}]") for i, x in enumerate(_as_list(items, at), 1)]
        for i, source in enumerate(sources, 1):
            _compile(source, f"{at}[{i}]")  # name the bad one, not the union
        return _compile("|".join(f"(?:{x})" for x in sources), at) if sources else None

    non_claim = raw.get("non_claim", {})
    if not isinstance(non_claim, dict):
        raise RulesError(f"{where}.non_claim must map a kind of sentence (notice, story …) to a list of regexes")
    kinds = []
    for kind, items in non_claim.items():
        pattern = union(items, f"{where}.non_claim.{kind}")
        if pattern is not None:
            kinds.append((str(kind), pattern))
    values = {"offering": union(raw.get("offering", []), f"{where}.offering"), "non_claim": tuple(kinds),
              **{key: union(raw.get(key, []), f"{where}.{key}")
                 for key in ("asking", "reported", "unasked", "answers", "disowning")}}
    if "sentence_end" in raw:
        values["sentence_end"] = _compile(_text(raw["sentence_end"], f"{where}.sentence_end"),
                                          f"{where}.sentence_end")
    return Claims(**values)
