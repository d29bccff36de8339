"""Turning a raw model continuation (or chat answer) into a post: cut, de-duplicated, trimmed.

No Flask here.
"""
from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
TERMINATORS = "。！？!?～~…」』”）)】"
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2764]")
_SPECIAL_TOKEN = re.compile(r"<\|?/?[A-Za-z_][A-Za-z0-9_\-|]{0,30}\|?>")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
# Lines that begin another part of the few-shot document (the model starting a new entry).
ENTRY_MARKERS = re.compile(
    r"^\s*(?:#{2,}|第\s*[0-9一二三四五六七八九十]+\s*篇|品牌[：:]|执笔[：:]|发给[：:]|写法[：:]|资料[：:]|文案[：:]"
    r"|(?:要点|说明|产品|日期|备注|标签|话题)[：:]|《|\[[^\]\n]{1,6}[\]】]|【[^】]{1,8}】\s*$)",
    re.MULTILINE,
)
_HASHTAG_LINE = re.compile(r"^(?:\s*#[^\s#]{1,20}#?)+\s*$", re.MULTILINE)
_LEADING_LABEL = re.compile(r"^\s*(?:文案|正文|帖子|发帖内容|回复)\s*[：:]\s*")
_PREAMBLE = re.compile(r"^[^\n]{0,40}(?:以下是|下面是|好的|当然)[^\n]{0,40}[：:]\s*\n")


def cjk_share(text: str) -> float:
    """Share of CJK characters among the letters of ``text`` (0.0 when it has no letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if CJK.match(ch)) / len(letters)


def norm(text: str) -> str:
    """Text without spaces and punctuation, for comparing lines and sentences."""
    return "".join(ch for ch in text if ch.isalnum()).lower()


def visible_len(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


def cut_at(text: str, markers: list[str]) -> str:
    cut = len(text)
    for marker in markers:
        if marker:
            index = text.find(marker)
            if index != -1:
                cut = min(cut, index)
    return text[:cut]


def split_sentences(line: str) -> list[str]:
    """Sentences of a line, each keeping its closing punctuation."""
    parts = re.findall(r"[^。！？!?；;…～~]+[。！？!?；;…～~]*[」』”）)]?|[。！？!?；;…～~]+", line)
    return [p for p in parts if p]


def _echoes(sentence: str, earlier: set[str]) -> bool:
    """Whether most of a sentence's character pairs already appeared in one earlier sentence."""
    grams = {sentence[i:i + 2] for i in range(len(sentence) - 1)}
    if len(grams) < 4:
        return False
    for old in earlier:
        old_grams = {old[i:i + 2] for i in range(len(old) - 1)}
        if len(grams & old_grams) >= 0.7 * len(grams):
            return True
    return False


def _drop_fragments(text: str) -> str:
    """Remove stray lines of a word or two ("奶粉", "体测") that a base model drops between paragraphs."""
    lines = text.split("\n")
    kept = [line for index, line in enumerate(lines)
            if index == 0 or not line.strip() or len(CJK.findall(line)) >= 5 or ends_complete(line)]
    return "\n".join(kept)


def _drop_repeats(text: str) -> str:
    """Remove repeated lines and repeated sentences, and collapse stuttering ("好好好好好")."""
    text = re.sub(r"(.{1,8}?)\1{3,}", r"\1\1", text)
    seen_lines: list[str] = []
    seen_sentences: set[str] = set()
    kept_lines = []
    for line in text.split("\n"):
        key = norm(line)
        if key and any(key == old or (len(key) >= 8 and key in old) for old in seen_lines):
            continue
        sentences = []
        for sentence in split_sentences(line):
            skey = norm(sentence)
            if len(skey) >= 4 and (skey in seen_sentences or _echoes(skey, seen_sentences)):
                continue
            if skey:
                seen_sentences.add(skey)
            sentences.append(sentence)
        new_line = "".join(sentences).strip()
        if key:
            seen_lines.append(key)
        if new_line or not line.strip():
            kept_lines.append(new_line)
    return "\n".join(kept_lines)


def ends_complete(line: str) -> bool:
    line = line.rstrip()
    return bool(line) and (line[-1] in TERMINATORS or bool(_EMOJI.match(line[-1])))


def trim_tail(text: str, truncated: bool) -> str:
    """Drop a trailing half sentence.

    A model cut off by max_tokens usually stops mid-sentence: go back to the last sentence end.  A
    model that stopped by itself may end a line without punctuation; that line is kept.
    """
    text = text.rstrip()
    if not text or not truncated or ends_complete(text):
        return text
    last = max(text.rfind(ch) for ch in TERMINATORS)
    newline = text.rfind("\n")
    if last == -1 and newline == -1:
        return ""
    if newline > last:
        return text[:newline].rstrip()
    return text[: last + 1].rstrip()


def _limit_length(text: str, max_chars: int) -> str:
    """Shorten a too-long post at a sentence end not beyond ``max_chars`` visible characters."""
    if visible_len(text) <= max_chars:
        return text
    count, cut = 0, 0
    for index, ch in enumerate(text):
        if not ch.isspace():
            count += 1
        if count > max_chars:
            break
        if ch in TERMINATORS or ch == "\n":
            cut = index + 1
    return text[:cut].rstrip() if cut else text


def clean_text(raw: str, *, prefix: str = "", stop: list[str] | None = None, truncated: bool = False,
               max_chars: int | None = None) -> str:
    """Turn a raw model continuation (or chat answer) into a post: ``prefix`` + the cleaned text."""
    body = (raw or "").replace("\r\n", "\n")
    body = _SPECIAL_TOKEN.sub("", body)
    body = cut_at(body, list(stop or []))
    if not prefix:  # a chat answer may open with "好的，以下是文案：" or a "文案：" label
        body = _PREAMBLE.sub("", body.lstrip(), count=1)
        body = _LEADING_LABEL.sub("", body.lstrip())
    match = ENTRY_MARKERS.search(body)
    if match:
        body = body[: match.start()]
        truncated = False  # the model finished this post and began another one
    text = prefix + body
    text = _URL.sub("", text)
    text = re.sub(r"(?<=[\u3400-\u9fff，。！？、：；）])[ \t\u3000]+(?=[\u3400-\u9fff（])", "", text)
    text = _MARKDOWN_HEADING.sub("", text)
    text = _HASHTAG_LINE.sub("", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"[ \t\u3000]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = _drop_repeats(text)
    text = _drop_fragments(text)
    text = trim_tail(text, truncated)
    if max_chars:
        text = _limit_length(text, max_chars)
    text = text.strip().strip("\"'“”")
    return re.sub(r"\n{3,}", "\n\n", text).strip()

