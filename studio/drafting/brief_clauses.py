"""What of a brief goes into the post, and what is an instruction to the writer.

An editor writes a brief as instructions: "欢迎新茶友，介绍小茶和周五品鉴会，提醒用90℃的水冲泡，语气亲切".
The clauses that carry content ("欢迎新茶友", "用90℃的水冲泡") go into the post; instruction words
("提醒") are taken off; style requests ("语气亲切") are dropped; "介绍X" makes X a topic the facts speak to.
The rules are data (``prompts/scripts/brief.yaml``), so a brand can teach its own editors' phrasing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from prompts.loader import PromptTemplateError
from prompts.scripts_library import read_rules, rules_version

_CLAUSES = re.compile(r"[^，,。；;！!？?~～\n]+[，,。；;！!？?~～]?")
_ENDS = "，,。；;！!？?~～"
_SENTENCE_CLAUSES = re.compile(r"[^，,。；;！!？?]+(?:[，,。；;！!？?]|$)")
_POST_CLAUSES = re.compile(r"[^，,。；;！!？?\n~～]+")
LABEL_MAX_CHARS = 16
ORPHAN_MAX_CHARS = 5  # a clause this short after one told to another segment only finishes that one
LONG_LABEL_MAX_CHARS = 32  # "给刚进群和还没参加过的香友讲清楚怎么参加：" is a label only when it reads as a task
# What is left of "再提醒两句", "顺带提两件事" once the instruction is off: a count, not a subject.
_COUNT = re.compile(r"[一二两三四五几\d]+(?:句话?|点|件事|个|条|件)?|一下")
_LIST_ITEM = re.compile(r"[-*•·]\s*\S|\d{1,2}[.、)）]\s*\D")
_NOTICE = re.compile(r"注意|注|提醒|温馨提示|备注|PS|ps|另外|补充|重点|要点")
_GREETING = re.compile(r"(?:好久不见|你好|您好|大家好|早上好|晚上好|早安|晚安|新年好)(?:啊|呀|哦)?[~～！!。]?$")
# 米粉开罐后要不要放冰箱: a yes-or-no question
_EITHER_WAY = re.compile(r"要不要|能不能|可不可以|会不会|有没有|该不该")
_QUESTION_END = re.compile(r"(?:吗|呢|好不好|怎么样|如何|什么|哪些|哪样|哪一样|哪个)$")


@dataclass(frozen=True)
class BriefRules:
    drop: tuple[re.Pattern, ...]
    topic: tuple[re.Pattern, ...]
    rewrite: tuple[tuple[re.Pattern, str], ...]
    label: tuple[re.Pattern, ...] = ()
    trim: tuple[re.Pattern, ...] = ()


@dataclass
class BriefContent:
    """The brief as post text (``message``) and the topics it asks to be told about from the facts."""

    message: str = ""
    topics: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def _compile(pattern, where: str) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern:
        raise PromptTemplateError(f"{where}: should be a regular expression")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise PromptTemplateError(f"{where}: bad regular expression: {exc}") from None


def brief_rules(overrides_dir: Path | None = None) -> BriefRules:
    """The brief rules of the built-in file or the kit's, read again when either changes."""
    return _brief_rules(overrides_dir, rules_version("brief", overrides_dir))


@lru_cache(maxsize=32)
def _brief_rules(overrides_dir: Path | None, version: tuple) -> BriefRules:
    data = read_rules("brief", overrides_dir)
    name = data["_name"]
    rewrite = []
    for number, item in enumerate(data.get("rewrite") or [], 1):
        if not isinstance(item, dict) or not isinstance(item.get("replace", ""), str):
            raise PromptTemplateError(f"{name}#rewrite/{number}: should be {{match: REGEX, replace: TEXT}}")
        rewrite.append((_compile(item.get("match"), f"{name}#rewrite/{number}"), item.get("replace", "")))
    return BriefRules(
        drop=tuple(_compile(p, f"{name}#drop/{n}") for n, p in enumerate(data.get("drop") or [], 1)),
        topic=tuple(_compile(p, f"{name}#topic/{n}") for n, p in enumerate(data.get("topic") or [], 1)),
        rewrite=tuple(rewrite),
        label=tuple(_compile(p, f"{name}#label/{n}") for n, p in enumerate(data.get("label") or [], 1)),
        trim=tuple(_compile(p, f"{name}#trim/{n}") for n, p in enumerate(data.get("trim") or [], 1)))


def _split_topics(text: str) -> list[str]:
    """"小茶和群里每周五的品鉴会" → ["小茶", "群里每周五的品鉴会"]."""
    text = re.sub(r"(?:就好|就行|即可|就够了?)$", "", text)
    return [part.strip() for part in re.split(r"和|与|及|以及|、", text) if len(part.strip()) >= 2]


def _clause(body: str, rules: BriefRules, content: BriefContent) -> tuple[str, bool]:
    """The clause as post text, and whether it is a question the editor asked to put to the group;
    empty when it is an instruction or a topic (recorded in ``content``)."""
    if any(pattern.match(body) for pattern in rules.drop):
        content.dropped.append(body)
        return "", False
    for pattern in rules.trim:  # "可颂面团49元6个可以提一句": what to say, then how much of it
        found = pattern.search(body)
        if found and found.start() >= 2 and found.end() == len(body):
            content.dropped.append(body[found.start():])
            body = body[:found.start()]
    topic = next((pattern.match(body) for pattern in rules.topic if pattern.match(body)), None)
    if topic:
        content.topics += _split_topics(body[topic.end():])
        content.dropped.append(body)
        return "", False
    for pattern, replacement in rules.rewrite:
        match = pattern.match(body)
        if match:
            rest = body[match.end():]
            return (replacement + rest).strip(), "问" in match.group(0) and not _GREETING.match(rest)
    return body.strip(), False


def _label_text(label: str, rules: BriefRules) -> str:
    """A label as post text: "科普闽南工夫茶礼仪" → "闽南工夫茶礼仪" keeps its subject, not the instruction
    before it; "再提醒两句" → "温馨提示"; a label that is only the task ("破冰话题", "写短点") is dropped."""
    if any(pattern.match(label) for pattern in rules.drop):
        return ""
    rewrites = [(pattern, "") for pattern in rules.topic] + list(rules.rewrite)
    for pattern, replacement in rewrites:
        match = pattern.match(label)
        if match and match.end():
            rest = label[match.end():]
            if len(rest) >= 2 and not _COUNT.fullmatch(rest) and rest not in ("自己", "大家", "一下"):
                return rest
            return replacement.rstrip("：:")
    if "“" not in label and any(pattern.search(label) for pattern in rules.label):
        return ""  # a label naming something in quotes (主题“新核桃开剥”) is content
    return label


# 问一句“好久不见，最近在喝什么”: the words in quotes are what the post says.
# 文案里请用上这句：“…”: so are the words a post is asked to use.
_QUOTED_LINE = re.compile(r"(?:(?:文案|正文|帖子|结尾|最后|开头|先)(?:里|中|处)?(?:再|就|只)?)?(?:请|要|记得|务必)?"
                          r"(?:温和|轻松|轻轻|温柔|简单|亲切|自然|随口)?地?"
                          r"(?<![别不勿免禁])(?:问|问候|问一问|说|加|写|带|用|用上|引用|放|放上|加上|带上|写上|(?=一句))"
                          r"(?:一句|一下|一声|大家|这句话?|这一句|这段话?)?[：:]?“([^”]{2,80})”")
_ASKING = re.compile(r"吗|呢|什么|怎么|哪|多少|几[点个次天]|是不是|有没有")


def _said(match: re.Match) -> str:
    line = match.group(1).strip().rstrip("，,")
    if line and line[-1] not in "。！!？?~～":
        line += "？" if _ASKING.search(line) else "。"
    return line


def _clauses(text: str) -> list[str]:
    """Clauses, but a bracket or quote is never cut: "（白露那天落下的刺球，每天上午发“今日一把”）" is one."""
    clauses: list[str] = []
    depth = 0
    for piece in _CLAUSES.findall(text):
        if depth > 0 and clauses:
            clauses[-1] += piece
        else:
            clauses.append(piece)
        depth += sum(piece.count(o) - piece.count(c) for o, c in ("（）", "()", "“”"))
        depth = max(depth, 0)
    return clauses


_ASIDE = re.compile(r"[（(]([^（）()]{1,80})[）)]")


def _without_instruction_asides(text: str, rules: BriefRules, content: BriefContent) -> str:
    """"重点写馅和酥皮（不要写出抢购的感觉）": an aside made only of instructions is the editor's."""
    def aside(match: re.Match) -> str:
        kept = []
        for clause in _CLAUSES.findall(match.group(1)):
            body = clause.strip().rstrip(_ENDS)
            label, colon, rest = body.partition("：")
            if body and (any(p.match(body) or (colon and p.match(rest)) for p in rules.drop)
                         or any(p.match(body) for p in rules.trim)):
                content.dropped.append(body)
            elif body:
                kept.append(clause.strip())
        if not kept:
            return ""
        # "（注意：这是手工的样子，千万别写成“微瑕款”）" keeps what it tells the reader; an aside that
        # is a sentence of its own ("。（周花季订也能用券，可以顺手提一句）") is said as one
        said = "".join(kept).rstrip("，,；;")
        return f"{said}。" if match.start() == 0 or text[match.start() - 1] in "。！!？?\n" else f"（{said}）"
    return _ASIDE.sub(aside, text)


def brief_content(text: str, rules: BriefRules) -> BriefContent:
    content = BriefContent()
    kept: list[str] = []
    text = _without_instruction_asides(text.strip(), rules, content)
    for raw in _clauses(_QUOTED_LINE.sub(_said, text)):
        clause = raw.strip()
        # "- 1月23日两期周花加银柳" on a line of its own: a list keeps its lines
        listed = bool(_LIST_ITEM.match(clause)) and f"\n{clause[:12]}" in f"\n{text}"
        body, end = clause.rstrip(_ENDS), clause[len(clause.rstrip(_ENDS)):]
        label, colon, rest = body.partition("：")
        if not colon:  # "写清楚这几条——价格1599": a dash labels what follows it too
            label, colon, rest = body.partition("——")
        asked = False
        if colon and rest.strip() and (len(label) <= LABEL_MAX_CHARS or (
                len(label) <= LONG_LABEL_MAX_CHARS and any(p.search(label) for p in rules.label))):
            # "破冰话题：邀请茶友……": a label that names the task is the editor's, not the members';
            # another label ("上新预告：") stays, and what follows it is read as a clause of its own.
            said_label = _label_text(label, rules)
            if said_label != label:
                content.dropped.append(label)
            rest, asked = _clause(rest.strip(), rules, content)
            if rest:
                body = f"{said_label}：{rest}" if said_label else rest
            else:  # "欢迎新进群的香友：先介绍一下麓麓" still welcomes; a bare "注意：" says nothing
                body = said_label if said_label == label and not _NOTICE.fullmatch(label) else ""
        else:
            body, asked = _clause(body, rules, content)
        if not body or body.endswith("：") or len(re.sub(r"\W", "", body)) < 2:
            continue
        if "：" in body[:8] and kept:  # "温馨提示：…" opens a sentence of its own
            kept[-1] = kept[-1].rstrip("，；") + ("" if kept[-1].rstrip("，；")[-1:] in "。！!？?~～" else "。")
        if end not in "！!？?" and (asked or _QUESTION_END.search(body) or _EITHER_WAY.search(body)):  # 问问最近皮肤还好吗 asks
            end = "？"
        if listed:
            kept.append(f"\n{body}" + (end if end and end in "。！!？?~～，," else "；"))
            continue
        kept.append(body + (end if end and end in "。！!？?~～" else "；" if end in "；;" else "，"))
    message = _balanced_quotes("".join(kept).strip().rstrip("，,；;"))
    if message and message[-1] not in "。！!？?~～":
        message += "。"
    content.message = re.sub(r"：，", "：", message)
    return content


def audience_tags(names: tuple[str, ...] | list[str]) -> dict[str, str]:
    """What names each segment in a clause: "星河会员" and "萤火会员" by "星河" and "萤火" (the ending they
    share says nothing of whom), "活跃香友" by its whole name."""
    tags = {}
    for name in names:
        shared = max((_shared_ending(name, other) for other in names if other != name), default=0)
        tag = name[:len(name) - shared] if len(name) - shared >= 2 else name
        tags[name] = tag.rstrip("的")
    return tags


def _shared_ending(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def addressed_to(message: str, segment_name: str, audience: tuple[str, ...]) -> str:
    """The brief's message as one segment of several should read it: a clause that speaks of other
    segments of the brief only ("星河会员别忘了每年有2次免费名额") is not told to this one.  Empty when
    every clause is for others."""
    if len(audience) < 2 or segment_name not in audience:
        return message
    tags = audience_tags(list(audience))
    own = tags[segment_name]
    others = [tag for name, tag in tags.items() if name != segment_name and tag not in segment_name]
    kept: list[str] = []
    skipped = False
    for clause in _SENTENCE_CLAUSES.findall(message):
        if own not in clause and any(tag in clause for tag in others):
            skipped = True
            if clause[-1] in "。！!？?" and kept and kept[-1][-1] in "，,":
                kept[-1] = kept[-1][:-1] + clause[-1]
            continue
        if skipped and len(re.sub(r"\W", "", clause)) <= ORPHAN_MAX_CHARS:
            continue  # "别浪费了~" after "盛放会员每月能免费上1节，" goes with it
        if skipped:  # "其他香友10月3日开放" once the members' own date is not told
            clause = re.sub(r"^(?:其他|其余|其它)(?=[\u4e00-\u9fff]{2})", "", clause)
        kept.append(clause)
        skipped = False
    return "".join(kept)


def _balanced_quotes(text: str) -> str:
    """Without a closing quote whose opening one went with an instruction (问一句“好久不见，…”)."""
    out, depth = [], 0
    for char in text:
        if char == "“":
            depth += 1
        elif char == "”":
            if not depth:
                continue
            depth -= 1
        out.append(char)
    return "".join(out)


def instruction_leaks(body: str, rules: BriefRules, brief: str = "", persona_name: str = "",
                      catchphrases: tuple[str, ...] = ()) -> list[str]:
    """Clauses of a post that read as instructions to its writer ("介绍……", "语气温柔"): a brief echoed.
    A clause copied from the brief that still begins with any instruction the rules rewrite ("最后邀请大家…")
    counts too, and so does one that asks the persona to do something (请球球一步一步教大家…).
    The persona's own catchphrases are its voice, whatever they sound like ("慢一点，香才闻得清")."""
    for line in sorted(catchphrases, key=len, reverse=True):
        if len(line) >= 2:
            body = body.replace(line, "。")
    strip_only = [pattern for pattern, replacement in rules.rewrite if not replacement]
    rewritten = [(pattern, replacement) for pattern, replacement in rules.rewrite if replacement]
    plain_brief = re.sub(r"\s", "", brief)
    found = []
    for raw in _POST_CLAUSES.findall(body):
        for clause in (raw.strip().rstrip(_ENDS), raw.strip().rstrip(_ENDS).partition("：")[2]):
            if not clause:
                continue
            copied = len(clause) >= 4 and re.sub(r"\s", "", clause) in plain_brief
            asked = bool(persona_name) and bool(re.search(
                rf"(?:请|麻烦){re.escape(persona_name)}|让{re.escape(persona_name)}(?:先|来|再)?(?:做|写|介绍|讲|说|教|发|聊)",
                clause))
            # "顺便说一句，" alone is a transition; "顺便说一下会员日" tells the writer what to say
            governs = any((m := p.match(clause)) and len(clause) - m.end() >= 2 for p in strip_only)
            if asked or governs or any(p.match(clause) for p in (*rules.drop, *rules.topic)) or (
                    copied and any(_instructed(p.match(clause), clause, replacement) for p, replacement in rewritten)):
                found.append(clause)
                break
    return found


def _instructed(match: re.Match | None, clause: str, replacement: str) -> bool:
    """An instruction word the rules rewrite still opens the clause; "提醒：…" labels a notice instead."""
    if not match or not match.group(0) or replacement.startswith(match.group(0)):
        return False
    return clause[match.end():match.end() + 1] not in "：:"
