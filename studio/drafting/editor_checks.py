"""What an editor sees at a glance in a draft and would not keep: prompt text copied in, record fields
pasted as a list, loops, sentences nothing the model was given supports, and a post with no trace of the
persona's voice.

Each check returns the evidence it found (empty when the draft passes), so a report can show why.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from prompts import PersonaProfile
from prompts.loader import scaffold_fragments
from studio.drafting.record_checks import contradictions

# "key：value" at the start of a line or after a list mark: how product records and FAQ fields are written.
# A label does not end in a digit: "20:00" is a time of day, not a field.
_FIELD_LABEL = re.compile(r"(?:^|\n)[ \t]*(?:[-•*·][ \t]*)?([^\s：:，。！？,!?]{0,15}[^\s\d：:，。！？,!?])[：:]", re.M)
# An English snake_case key such as net_weight_g: only a pasted record puts one in a Chinese post.
_RAW_KEY = re.compile(r"\b([a-z]+(?:_[a-z]+)+)\s*[：:]")
_CONTENT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]")
_SENTENCE_END = re.compile(r"[。！？!?\n~～；;]+")

# In sentences, digits and Latin letters count as one character each: "A) 1级" and "B) 2级" are one line said twice.
_NUMERALS = str.maketrans({**{d: "0" for d in "0123456789"},
                           **{c: "A" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}})
SUPPORT_SHARE = 0.5  # a sentence must share at least half its character pairs with what the model was given
SUPPORT_MIN_PAIRS = 6  # shorter sentences (greetings, "大家也试一试") are not judged
LOOP_NGRAM = 6  # characters of content (punctuation and spaces removed)
LOOP_TIMES = 3  # the same 6 characters three times in one short post is a loop, not emphasis


def scaffold_leaks(body: str, fragments: Iterable[str]) -> list[str]:
    """Fixed prompt wording (labels, instructions) that the post repeats."""
    return sorted(fragment for fragment in fragments if fragment in body)


def field_labels(fact_texts: Iterable[str]) -> set[str]:
    """The field names the facts are written with ("品名", "价格", "net_weight_g")."""
    return {match.group(1) for text in fact_texts for match in _FIELD_LABEL.finditer("\n" + text)}


def field_dump(body: str, labels: set[str]) -> list[str]:
    """Record fields pasted into the post: two or more of the facts' field labels, or a raw English key."""
    used = {label for label in labels if re.search(re.escape(label) + r"\s*[：:]", body)}
    raw = {match.group(1) for match in _RAW_KEY.finditer(body)}
    return sorted(used | raw) if raw or len(used) >= 2 else []


def loops(body: str) -> list[str]:
    """Runs the post repeats: a sentence said twice, or the same 6 characters three times."""
    shape = body.translate(_NUMERALS)
    sentences = [s for s in (_CONTENT.sub("", part) for part in _SENTENCE_END.split(shape)) if len(s) >= LOOP_NGRAM]
    found = [sentence for sentence, times in Counter(sentences).items() if times >= 2]
    content = _CONTENT.sub("", body)  # numbers kept here: a date range repeats its digits' shape
    grams = Counter(content[i:i + LOOP_NGRAM] for i in range(len(content) - LOOP_NGRAM + 1))
    repeated = [gram for gram, times in grams.items() if times >= LOOP_TIMES]
    # The grams of one repeated run overlap and say the same thing: the first is evidence enough.
    return found + repeated[:1]


def _pairs(text: str) -> set[str]:
    content = _CONTENT.sub("", text)
    return {content[i:i + 2] for i in range(len(content) - 1)}


def unsupported_sentences(body: str, sources: Iterable[str]) -> list[str]:
    """Sentences mostly made of words found nowhere in the facts, the brief, the persona or the prompt
    templates: what a model invents ("它还含有保湿成分，可以防止宝宝脱发")."""
    known = set().union(*(_pairs(source) for source in sources))
    found = []
    for sentence in _SENTENCE_END.split(body):
        pairs = _pairs(sentence)
        if len(pairs) >= SUPPORT_MIN_PAIRS and len(pairs & known) / len(pairs) < SUPPORT_SHARE:
            found.append(sentence.strip())
    return found


def persona_voice(body: str, persona: PersonaProfile) -> list[str]:
    """The persona's name or catchphrases in the post: the trace of a voice a member would recognise."""
    marks = [persona.name, *persona.catchphrases]
    return [mark for mark in marks if mark and _CONTENT.sub("", mark) and _CONTENT.sub("", mark) in
            _CONTENT.sub("", body)]


# A clause told to the writer, recognised by its grammar rather than by the drafting rules' phrase lists,
# so the check sees echoes those rules have not learnt yet.
_WRITER_DIRECTIVE = re.compile(
    # what not to write: 别写错, 不要写出抢购的感觉, 别放开头 ("不能用在课程上" tells the reader)
    r"(?:别|不要|不用|不必|勿|避免|千万别)(?:再|太)?(?:写|提|编|堆|搞成|弄成|出现|夸|催)"
    r"|不(?:写|提)(?![供前醒高升交现取出])"
    # where a thing goes: 结尾提一句过敏原, 放在最后
    r"|(?:开头|结尾|末尾|文末|最后一句)(?:再|要|就)?(?:提|说|写|加|带|补|放|问|点)"
    r"|(?:放|写|挪)(?:在)?(?:开头|结尾|末尾|最后|前面|后面)|(?:别|不要)(?:放|摆)(?:在)?(?:开头|结尾|前面)"
    # a question to answer or a detail to cover, by count: 回答两个问题, 这两个时间
    r"|^(?:回答|解答)|(?:这|那)[一两三四几]个(?:时间|数字|问题|要点|步骤|重点|细节)$"
    # how much to say: 可以提一句, 带一笔, 说两句
    r"|(?:提|带|补)(?:一句|一下|两句|几句|一笔)"
    # what to dwell on or how to write it: 重点写馅和酥皮, 写清楚, 写成通知
    r"|重点(?:写|说|讲|突出|介绍|放在)|写(?:成|得|出|错|清楚|明白|进去|上去)"
    # colloquial "一下": 介绍下阿酵, 说下出炉时间
    r"|^(?:先|再|也|顺便|顺带)?(?:介绍|说|讲|提|聊)下(?![单午周次个面雨班架载来去])"
    r"|^(?:先|再|也)?(?:介绍|说明|强调|突出)(?:一下)?"
    r"|招呼一下|语气|口气|口吻|文风|调性")
_CLAUSE = re.compile(r"[^，,。；;！!？?\n~～（）()]+")


def writer_directives(body: str, brief: str) -> list[str]:
    """Clauses the post copied from the brief that speak to the writer, not the members: "别写错",
    "重点写馅和酥皮", "可颂面团49元6个可以提一句"."""
    plain_brief = re.sub(r"\s", "", brief)
    return [clause for raw in _CLAUSE.findall(body)
            if len(clause := re.sub(r"\s", "", raw)) >= 3 and clause in plain_brief
            and _WRITER_DIRECTIVE.search(clause)]


def gate_problems(body: str, fact_texts: list[str], records: list) -> list[str]:
    """What a model's draft shows that an editor would not keep: the checks a written draft must pass
    before it is preferred to a composed one."""
    problems = [f"照抄了提示词：{leak}" for leak in scaffold_leaks(body, scaffold_fragments())]
    problems += [f"粘贴了字段：{label}" for label in field_dump(body, field_labels(fact_texts))]
    problems += [f"重复：{run}" for run in loops(body)]
    problems += [f"与产品资料不符：{found}" for found in contradictions(body, records)]
    return problems
