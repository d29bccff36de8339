"""Facts as whole sentences a post can carry: prose sentences taken from the cited chunks as people wrote
them, and a product's table row said as a sentence by the template in ``prompts/scripts/products.yaml``,
figures exactly as recorded.

Sentences are ranked for one brief and one stage: about the brief's subject first, then what the stage
talks about (a price for 转化, an activity for 促活).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.loaders import column_base
from prompts import Fact
from prompts.loader import PromptTemplateError, render_text
from prompts.scripts_library import read_rules, rules_version
from studio.drafting.record_checks import ProductRecord

PRODUCT_SENTENCE_MAX_CHARS = 110
_POINTS_ELSEWHERE = re.compile(r"^(?:见|详见|参见|参考|同上)|以[^，。；]{1,12}为准|视[^，。；]{1,8}而定")
_UNIT_AFTER_VALUE = re.compile(r"\$\{value\}(?:克|千克|元|毫升|个月|天|小时|g|ml)")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_FIELD_LINE = re.compile(r"^\s*(?:[-*•]\s*)?[^\s：:，。]{1,24}[：:]")
_ANSWER = re.compile(r"^\s*(?:[-*•]\s*)?(?:答|A)[：:]\s*")
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.、)）])\s*")
# A sentence that points back ("它", "这款", "以上") means nothing without the one before it.
_ANAPHORA = re.compile(r"^(?:它|他|她|这|那|其|该|此|上述|以上|如下|以下|同时|另外|此外|而且|但|不过|所以|因此"
                       # "方法和普洱水洗挂耳一样": what is compared was named in the sentence before
                       r"|(?:方法|做法|用法|步骤|味道|口感|价格|规格|原理|流程)(?:和|跟|与|同))")
# "他被请到……": without the sentence before, nobody knows who.
_PRONOUN = re.compile(r"(?<!其)[他她它]")
_CONTENT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")
_ENTITLEMENT = re.compile(r"免费|赠|送|享|名额|优先|折|减|券|积分|礼")
MIN_CHARS, MAX_CHARS = 10, 70
REPEATED_SHARE = 0.28  # a sentence this much made of what the post already says restates it: left out
RELATED_WEIGHT = 2.0  # per share of the message a sentence touches, up to a quarter of it


@dataclass(frozen=True)
class FactSentence:
    text: str
    doc_id: str  # what the post cites for it
    source: str  # "fact:<doc_id>" or "product:<sku>", for the generation record
    score: float = 0.0
    stage_fit: float = 0.0  # the part of the score the stage gave: variants share one ranking without it


def bigrams(text: str) -> set[str]:
    content = _CONTENT.sub("", text)
    return {content[i:i + 2] for i in range(len(content) - 1)}


def passage_sentences(fact: Fact) -> list[str]:
    """The prose sentences of a chunk that stand on their own."""
    found = []
    lead_in = False  # the list below "老面会员另外：" is that tier's
    for line in fact.text.splitlines():
        line = _ANSWER.sub("", line)
        listed = bool(_LIST_MARK.match(line))
        if line.strip() and not listed:
            lead_in = line.rstrip().endswith(("：", ":"))
        if not line.strip() or line.lstrip().startswith(("#", "|", ">", "问", "Q")) or _FIELD_LINE.match(line):
            continue
        line = _LIST_MARK.sub("", line)
        # "每年有1次免费上课的名额" told out of its list would promise everyone what one tier has.
        if listed and lead_in and _ENTITLEMENT.search(line):
            continue
        for sentence in _SENTENCE.findall(line):
            sentence = sentence.strip()
            # A line that does not end like a sentence is a heading or a label ("荣誉与加入茶韵山房").
            if not sentence or sentence[-1] not in "。！？!?":
                continue
            if (MIN_CHARS <= len(sentence) <= MAX_CHARS and not _ANAPHORA.match(sentence)
                    and not _PRONOUN.search(sentence)
                    and not re.search(r"[？?]|https?://|www\.", sentence)):
                found.append(sentence)
    return found


@dataclass(frozen=True)
class FieldSaying:
    names: tuple[str, ...]
    say: str
    stages: tuple[str, ...]


def product_sayings(overrides_dir: Path | None = None) -> tuple[FieldSaying, ...]:
    """How product rows are said, from the built-in file or the kit's, read again when either changes."""
    return _product_sayings(overrides_dir, rules_version("products", overrides_dir))


@lru_cache(maxsize=32)
def _product_sayings(overrides_dir: Path | None, version: tuple) -> tuple[FieldSaying, ...]:
    data = read_rules("products", overrides_dir)
    sayings = []
    for number, item in enumerate(data.get("fields") or [], 1):
        where = f"{data['_name']}#fields/{number}"
        if not isinstance(item, dict) or not isinstance(item.get("say"), str) or "${value}" not in item["say"] \
                or not isinstance(item.get("names"), list) or not item["names"]:
            raise PromptTemplateError(f"{where}: should be {{names: [...], say: '…${{value}}…', stages: [...]}}")
        sayings.append(FieldSaying(tuple(str(n).lower() for n in item["names"]), item["say"],
                                   tuple(item.get("stages") or ())))
    return tuple(sayings)


def product_sentence(record: ProductRecord, stage: str, sayings: tuple[FieldSaying, ...],
                     rejects: Callable[[str], bool] = lambda text: False) -> str:
    """"福鼎白牡丹·2024春是一款白茶，产自福建福鼎磻溪镇，售价168元。" — only the fields the stage uses,
    and none that ``rejects`` (a phrase a reader could take for the wrong figure)."""
    fields = {}
    for name, value in record.fields.items():
        fields[name.strip().lower()] = value.strip()
        fields.setdefault(column_base(name), value.strip())
    phrases = []
    for saying in sayings:
        if saying.stages and stage not in saying.stages:
            continue
        value = next((fields[name] for name in saying.names if fields.get(name)), "").rstrip("。")
        # "见盒内各单品" is a note to the reader of the table, not a value; "燕麦保湿面膜是一款面膜" says nothing
        if _POINTS_ELSEWHERE.search(value) or _said_by_name(value, record.name):
            value = ""
        phrase = render_text(_say_unit_once(saying.say, value), {"value": value},
                             name="products.yaml") if value else ""
        if phrase and not rejects(f"{record.name}{phrase}"):
            phrases.append(phrase)
    if not phrases:
        return ""
    first, rest = phrases[0], phrases[1:]
    joiner = "" if first.startswith(("是", "属于")) else "，"
    sentence = f"{record.name}{joiner}{first}"
    for phrase in rest:
        # A row with many long cells would make one sentence the whole post: later fields wait.
        if len(sentence) + len(phrase) < PRODUCT_SENTENCE_MAX_CHARS:
            sentence += f"，{phrase}"
    return sentence + "。"


def _said_by_name(value: str, name: str) -> bool:
    """"冷冻面团" for 冷冻酵种欧包面团, "即食板栗" for 镇安板栗仁·即食: the name already says it."""
    return len(value) >= 2 and all(char in name for char in value)


def _say_unit_once(say: str, value: str) -> str:
    """"净含量${value}克" for a cell that already reads "200g" drops its own unit."""
    if not value or value[-1].isdigit():
        return say
    return _UNIT_AFTER_VALUE.sub("${value}", say, count=1)


def rank_sentences(sentences: list[FactSentence], *, topic_text: str, subjects: list[str],
                   stage_words: list[str], other_products: list[str], said: str) -> list[FactSentence]:
    """Best first: sentences that name what the brief is about and add to what the message already says,
    then what fits the stage; a sentence about another product only when the brief names none."""
    wanted, already = bigrams(topic_text), bigrams(said)
    ranked, seen = [], set()
    for sentence in sentences:
        pairs = bigrams(sentence.text)
        if not pairs or sentence.text in seen:
            continue
        seen.add(sentence.text)
        repeated = len(pairs & already) / len(pairs)
        if repeated > REPEATED_SHARE:
            continue
        plain = _CONTENT.sub("", sentence.text)
        score = 2.0 * any(subject and _CONTENT.sub("", subject) in plain for subject in subjects)
        score += len(pairs & wanted) / len(pairs) ** 0.5
        # The stage only breaks near ties: the stages take turns over one ranking (see the composer).
        stage_fit = 0.1 * min(4, sum(word in sentence.text for word in stage_words))
        score += stage_fit
        score -= 4.0 * max(0.0, repeated - 0.25)  # says again what the brief already says
        # Touching what the message tells (its 答疑夜, its 积分) without saying it again adds to it.
        score += RELATED_WEIGHT * min(repeated, 0.25)
        if subjects and any(_CONTENT.sub("", name) in plain for name in other_products):
            score -= 3.0
        ranked.append(FactSentence(sentence.text, sentence.doc_id, sentence.source, round(score, 3),
                                   round(stage_fit, 3)))
    return sorted(ranked, key=lambda s: -s.score)
