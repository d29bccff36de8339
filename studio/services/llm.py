"""Writing one post variant with a language model behind an OpenAI-compatible API.

Two ways to ask:

* ``mode="completion"`` for base models (the bundled Gemma 3 270M served by llama.cpp): the prompt is a
  few-shot document that ends with the opening of the new post; the model continues it.
* ``mode="chat"`` for instruction-tuned models: a system and a user message.

Whatever comes back is cleaned, checked (not empty, Chinese, on topic, no taboo words) and scored; the
best candidate wins.  If nothing usable comes back after ``attempts`` rounds, :class:`GenerationFailed`
says why; a blank text is never returned.

No Flask here: the caller passes everything in.
"""
from __future__ import annotations

import collections
import difflib
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import openai

from prompts.loader import DraftPrompt, Fact
from studio.compliance import lint_text

__all__ = ["LLMSettings", "GenerationFailed", "Variant", "write_variant", "cjk_share", "clean_text"]


@dataclass
class LLMSettings:
    base_url: str
    api_key: str
    model: str
    mode: str = "completion"  # "completion" for base models, "chat" for instruct models
    temperature: float = 0.8
    max_tokens: int = 220
    timeout_s: float = 60
    candidates: int = 2
    attempts: int = 4
    top_p: float = 0.9
    # llama.cpp sampling extras, sent only in completion mode; None leaves them to the server.
    repeat_penalty: float | None = 1.15
    top_k: int | None = 40
    min_p: float | None = 0.05


class GenerationFailed(Exception):
    """The model produced nothing usable, or could not be reached; the message says why."""


@dataclass
class Variant:
    text: str
    citations: list[str]  # doc_ids of the facts the text relies on
    score: float = 0.0
    tries: int = 0  # completions requested to get this one
    meta: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_TERMINATORS = "。！？!?～~…」』”）)】"
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2764]")
_SPECIAL_TOKEN = re.compile(r"<\|?/?[A-Za-z_][A-Za-z0-9_\-|]{0,30}\|?>")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
# Lines that begin another part of the few-shot document (the model starting a new entry).
_ENTRY_MARKERS = re.compile(
    r"^\s*(?:#{2,}|第\s*[0-9一二三四五六七八九十]+\s*篇|品牌[：:]|执笔[：:]|发给[：:]|写法[：:]|资料[：:]|文案[：:]"
    r"|(?:要点|说明|产品|日期|备注|标签|话题)[：:]|《|\[[^\]\n]{1,6}[\]】]|【[^】]{1,8}】\s*$)",
    re.MULTILINE,
)
_HASHTAG_LINE = re.compile(r"^(?:\s*#[^\s#]{1,20}#?)+\s*$", re.MULTILINE)
_LEADING_LABEL = re.compile(r"^\s*(?:文案|正文|帖子|发帖内容|回复)\s*[：:]\s*")
_PREAMBLE = re.compile(r"^[^\n]{0,40}(?:以下是|下面是|好的|当然)[^\n]{0,40}[：:]\s*\n")
_NUM_WITH_UNIT = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?\s*(?:%|％|℃|°C|°|度|元|块|克|千克|公斤|斤|两|毫升|ml|mL|ML|升|L|年|月|日|号|天|周|次"
    r"|包|盒|罐|瓶|片|泡|人|位|名|分钟|秒|小时|点|岁|个|件|款|饼|袋|杯|折|倍|期|份|支|套|张|粒|颗|米|厘米|毫米|cm|mm|g|kg"
    r"|磅|种|码|寸|英寸|千卡|大卡|卡|级|层|档|色|步|招|周岁|个月)"
)
# Figures a brand must get right: prices, discounts, temperatures, weights, volumes, dates.
_CHECKED_FIGURE = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?\s*(?:%|％|折|元|块钱|℃|°C|度|克|千克|公斤|斤|毫升|ml|mL|升|g|kg|年|月|日|号)"
)
_BARE_NUMBER = re.compile(r"(?<![\w.])\d{3,}(?![\w.])")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]{2,}|\d+[A-Za-z]{1,4}\b")
_SPLIT = re.compile(r"[\s,，、。！？!?；;：:（）()《》「」『』“”\"'【】\[\]/|·\-—~～]+")
_QUOTED = re.compile(r"[「『“《\"]([^」』”》\"]{2,20})[」』”》\"]")


def cjk_share(text: str) -> float:
    """Share of CJK characters among the letters of ``text`` (0.0 when it has no letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters)


def _norm(text: str) -> str:
    """Text without spaces and punctuation, for comparing lines and sentences."""
    return "".join(ch for ch in text if ch.isalnum()).lower()


def _visible_len(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


def _cut_at(text: str, markers: list[str]) -> str:
    cut = len(text)
    for marker in markers:
        if marker:
            index = text.find(marker)
            if index != -1:
                cut = min(cut, index)
    return text[:cut]


def _split_sentences(line: str) -> list[str]:
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
            if index == 0 or not line.strip() or len(_CJK.findall(line)) >= 5 or _ends_complete(line)]
    return "\n".join(kept)


def _drop_repeats(text: str) -> str:
    """Remove repeated lines and repeated sentences, and collapse stuttering ("好好好好好")."""
    text = re.sub(r"(.{1,8}?)\1{3,}", r"\1\1", text)
    seen_lines: list[str] = []
    seen_sentences: set[str] = set()
    kept_lines = []
    for line in text.split("\n"):
        key = _norm(line)
        if key and any(key == old or (len(key) >= 8 and key in old) for old in seen_lines):
            continue
        sentences = []
        for sentence in _split_sentences(line):
            skey = _norm(sentence)
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


def _ends_complete(line: str) -> bool:
    line = line.rstrip()
    return bool(line) and (line[-1] in _TERMINATORS or bool(_EMOJI.match(line[-1])))


def _trim_tail(text: str, truncated: bool) -> str:
    """Drop a trailing half sentence.

    A model cut off by max_tokens usually stops mid-sentence: go back to the last sentence end.  A
    model that stopped by itself may end a line without punctuation; that line is kept.
    """
    text = text.rstrip()
    if not text or not truncated or _ends_complete(text):
        return text
    last = max(text.rfind(ch) for ch in _TERMINATORS)
    newline = text.rfind("\n")
    if last == -1 and newline == -1:
        return ""
    if newline > last:
        return text[:newline].rstrip()
    return text[: last + 1].rstrip()


def _limit_length(text: str, max_chars: int) -> str:
    """Shorten a too-long post at a sentence end not beyond ``max_chars`` visible characters."""
    if _visible_len(text) <= max_chars:
        return text
    count, cut = 0, 0
    for index, ch in enumerate(text):
        if not ch.isspace():
            count += 1
        if count > max_chars:
            break
        if ch in _TERMINATORS or ch == "\n":
            cut = index + 1
    return text[:cut].rstrip() if cut else text


def clean_text(raw: str, *, prefix: str = "", stop: list[str] | None = None, truncated: bool = False,
               max_chars: int | None = None) -> str:
    """Turn a raw model continuation (or chat answer) into a post: ``prefix`` + the cleaned text."""
    body = (raw or "").replace("\r\n", "\n")
    body = _SPECIAL_TOKEN.sub("", body)
    body = _cut_at(body, list(stop or []))
    if not prefix:  # a chat answer may open with "好的，以下是文案：" or a "文案：" label
        body = _PREAMBLE.sub("", body.lstrip(), count=1)
        body = _LEADING_LABEL.sub("", body.lstrip())
    match = _ENTRY_MARKERS.search(body)
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
    text = _trim_tail(text, truncated)
    if max_chars:
        text = _limit_length(text, max_chars)
    text = text.strip().strip("\"'“”")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ---------------------------------------------------------------------------------------------
# Topic terms and citations
# ---------------------------------------------------------------------------------------------

def _term_variants(term: str) -> list[str]:
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
    terms += [re.sub(r"\s+", "", m.group(0)) for m in _NUM_WITH_UNIT.finditer(body)]
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


def _contains(text: str, term: str) -> bool:
    if not term:
        return False
    if term[0].isdigit():  # "5克" must not match inside "25克"
        return re.search(r"(?<![\d.])" + re.escape(term), text) is not None
    return term.lower() in text.lower()


def _cjk_bigrams(text: str) -> set[str]:
    chars = [ch if _CJK.match(ch) else " " for ch in text]
    joined = "".join(chars)
    return {joined[i:i + 2] for i in range(len(joined) - 1) if " " not in joined[i:i + 2]}


def find_citations(text: str, facts: list[Fact]) -> list[str]:
    cited = []
    for fact in facts:
        if any(_contains(text, term) for term in fact_terms(fact)) and fact.doc_id not in cited:
            cited.append(fact.doc_id)
    if cited or not facts:
        return cited
    chars = set(_CJK.findall(text))
    best = max(facts, key=lambda f: (len(chars & set(_CJK.findall(f"{f.title}{f.text}"))), -f.number))
    return [best.doc_id]


# ---------------------------------------------------------------------------------------------
# Checking and scoring candidates

# Characters in a row shared with a shown example post that count as copying it.
COPY_LIMIT = 12


def _longest_copy(text: str, posts: list[str]) -> tuple[int, str]:
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
# ---------------------------------------------------------------------------------------------

@dataclass
class _Candidate:
    text: str
    reason: str = ""  # why it was rejected; empty when usable
    score: float = 0.0
    doubtful: bool = False  # usable, but with something a better candidate might not have
    seconds: float = 0.0


def _evaluate(text: str, generated: str, prompt: DraftPrompt, facts: list[Fact],
              key_terms: list[str], few_shot: bool = True) -> _Candidate:
    """Reject unusable text (returns a reason) or score a usable one (higher is better).

    ``few_shot`` is true for base models given the few-shot document (completion mode); an instruct
    model (chat mode) saw no other brands' examples, and a figure it adds that the retrieved facts do
    not show (it may know the brand's wider material) lowers its score instead of ruling it out.
    """
    if not _norm(generated):
        return _Candidate(text, reason="empty output")
    share = cjk_share(generated)
    if share < 0.5:
        return _Candidate(text, reason=f"not Chinese ({share:.0%} CJK letters)")
    length = _visible_len(text)
    if length < max(20, int(prompt.min_chars * 0.6)):
        return _Candidate(text, reason=f"too short ({length} characters)")
    # The compliance engine knows word boundaries: taboo 亲 must not reject 亲切.
    hits = [f.text for f in lint_text(text, persona_taboo=list(prompt.taboo))
            if f.rule == "persona.taboo" and f.severity == "block"]
    if hits:
        return _Candidate(text, reason=f"uses a taboo word ({hits[0]})")
    own = generated.replace(prompt.closing, "\n") if prompt.closing else generated
    if few_shot:
        # A small base model shown other brands' posts tends to lift their names, prices and sentences,
        # and to make up figures: all of these make a post wrong, so such a candidate is dropped.
        copied = [term for term in prompt.borrowed if _contains(generated, term)]
        if copied:
            return _Candidate(text, reason=f"copied an example's details ({copied[0]})")
        longest, sample = _longest_copy(own, prompt.example_posts)
        if longest >= COPY_LIMIT:
            return _Candidate(text, reason=f"copied an example's sentence ({sample})")
    sources = "\n".join([prompt.user, *(f"{f.title} {f.text}" for f in facts)])
    invented = [m.group(0) for m in _CHECKED_FIGURE.finditer(generated)
                if not _contains(sources, re.sub(r"\s+", "", m.group(0)))]
    if invented and few_shot:
        return _Candidate(text, reason=f"states a figure not in the facts ({invented[0]})")

    variants = {v for term in key_terms for v in _term_variants(term)}
    key_hits = {v for v in variants if _contains(generated, v)}
    fact_hits = {t for f in facts for t in fact_terms(f) if _contains(generated, t)}
    fact_grams = set().union(*(_cjk_bigrams(f"{f.title}{f.text}") for f in facts)) if facts else set()
    shared_grams = _cjk_bigrams(generated) & (fact_grams | {g for t in key_terms for g in _cjk_bigrams(t)})
    if not key_hits and not fact_hits and len(shared_grams) < 4:
        shown = "、".join(list(dict.fromkeys(t for t in key_terms if t))[:4]) or "the facts"
        return _Candidate(text, reason=f"off-topic (mentions none of {shown})")

    score = 0.0
    if prompt.min_chars <= length <= prompt.max_chars:
        score += 2.0
    else:
        target = prompt.min_chars if length < prompt.min_chars else prompt.max_chars
        score += 2.0 - min(2.0, abs(length - target) / max(target, 1) * 4)
    score += min(len(key_hits | {t for t in key_terms if t and _contains(text, t)}), 3) * 1.0
    score += min(len(fact_hits), 4) * 0.75
    score += min(len(shared_grams), 10) * 0.05
    if any(c and c in text for c in prompt.catchphrases):
        score += 1.0
    if _ends_complete(text):
        score += 0.5
    score -= 1.5 * len(invented)
    score += share  # the more Chinese the better
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and max(_visible_len(line) for line in lines) > 160:
        score -= 0.5  # a wall of text reads badly in a chat group
    if prompt.persona_posts:
        echoed, _sample = _longest_copy(own, prompt.persona_posts)
        if echoed >= COPY_LIMIT:
            score -= 1.5  # repeating the persona's own sample post word for word
    return _Candidate(text, score=round(score, 3), doubtful=bool(invented))


# A candidate scoring this much (length in range, on topic with facts, complete ending, in voice) is kept
# without generating the remaining candidates of its attempt.
GOOD_ENOUGH = 6.0
# How many times a base model that stopped too early is asked to go on with another paragraph.
EXTENSIONS = 2
# A body (what the model adds after the opening) with fewer Chinese characters than this is too thin.
MIN_BODY_CJK = 12


# ---------------------------------------------------------------------------------------------
# Talking to the server
# ---------------------------------------------------------------------------------------------

def _public_url(url: str) -> str:
    """The base URL without user:password, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _redact(message: str, settings: LLMSettings) -> str:
    message = str(message)
    if settings.api_key and len(settings.api_key) >= 4:
        message = message.replace(settings.api_key, "***")
    message = re.sub(r"\b(sk|key|tok)-[A-Za-z0-9_\-]{6,}", r"\1-***", message)
    return message[:300]


def _client(settings: LLMSettings) -> openai.OpenAI:
    return openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed",
                         timeout=settings.timeout_s, max_retries=0)


def _runaway(so_far: str, new: str, prompt: DraftPrompt, *, one_line: bool, budget: int) -> str:
    """Why a streaming continuation can be cut off now: "" (go on), "done" or "long"."""
    if one_line and "\n" in new.lstrip("\n"):
        return "done"
    text = so_far + new
    if any(marker and marker in text for marker in prompt.stop) or _ENTRY_MARKERS.search(text):
        return "done"
    if _visible_len(prompt.prefix + text) > budget:
        return "long"
    lines = [_norm(line) for line in text.split("\n")]
    lines = [line for line in lines if len(line) >= 4]
    if len(lines) - len(set(lines)) >= 2:  # the model is looping over the same lines
        return "long"
    return ""


def _stream_completion(client: openai.OpenAI, prompt: DraftPrompt, settings: LLMSettings,
                       so_far: str = "", *, one_line: bool = False, budget: int | None = None) -> tuple[str, bool]:
    """A completion read as a stream, so a runaway continuation is cut off (and the server stops
    working on it) as soon as it is clearly finished, too long or looping.

    ``so_far`` is text already written after the prompt (the model goes on from there); ``one_line``
    ends at the first line break; ``budget`` caps the visible length of prefix + so_far + new text.
    Returns (new text, cut off for length?).
    """
    extra = {key: value for key, value in (("repeat_penalty", settings.repeat_penalty),
                                           ("top_k", settings.top_k), ("min_p", settings.min_p))
             if value is not None}
    budget = budget or int(prompt.max_chars * 1.25)
    deadline = time.monotonic() + settings.timeout_s
    stream = client.completions.create(
        model=settings.model,
        prompt=prompt.completion + so_far,
        temperature=settings.temperature,
        top_p=settings.top_p,
        max_tokens=settings.max_tokens,
        stop=prompt.stop[:4] or None,  # OpenAI-style APIs take at most 4; the rest are cut locally
        seed=random.randrange(1, 2**31 - 1),
        stream=True,
        extra_body=extra or None,
    )
    parts: list[str] = []
    truncated = False
    try:
        for chunk in stream:
            for choice in chunk.choices or []:
                parts.append(choice.text or "")
                if choice.finish_reason == "length":
                    truncated = True
            verdict = _runaway(so_far, "".join(parts), prompt, one_line=one_line, budget=budget)
            if verdict:
                truncated = verdict == "long"
                break
            if time.monotonic() > deadline:
                raise GenerationFailed(f"model server at {_public_url(settings.base_url)} did not finish "
                                       f"within {settings.timeout_s:g} s")
    finally:
        stream.close()  # closing the connection tells the server to stop generating
    new = "".join(parts)
    if one_line:
        new = new.lstrip("\n").split("\n", 1)[0]
    return new, truncated


def _request(client: openai.OpenAI, prompt: DraftPrompt, settings: LLMSettings,
             so_far: str = "", **stream_options) -> tuple[str, bool]:
    """One completion: (raw text, cut off by max_tokens?)."""
    url = _public_url(settings.base_url)
    try:
        if settings.mode == "chat":
            response = client.chat.completions.create(
                model=settings.model,
                messages=[{"role": "system", "content": prompt.system},
                          {"role": "user", "content": prompt.user}],
                temperature=settings.temperature,
                top_p=settings.top_p,
                # Chinese takes more tokens per character in most tokenizers: leave room for a full post.
                max_tokens=max(settings.max_tokens, int(prompt.max_chars * 1.6)),
            )
            choice = response.choices[0] if response.choices else None
            content = (choice.message.content if choice and choice.message else "") or ""
        else:
            return _stream_completion(client, prompt, settings, so_far, **stream_options)
    except openai.APITimeoutError as exc:
        raise GenerationFailed(f"model server at {url} did not answer within {settings.timeout_s:g} s") from exc
    except openai.APIConnectionError as exc:
        raise GenerationFailed(f"model server unreachable at {url}") from exc
    except openai.AuthenticationError as exc:
        raise GenerationFailed(f"model server at {url} rejected the API key (HTTP {exc.status_code})") from exc
    except openai.NotFoundError as exc:
        raise GenerationFailed(
            f"model server at {url} answered 404 (model {settings.model!r} or the "
            f"{'chat' if settings.mode == 'chat' else 'completions'} endpoint not found)") from exc
    except openai.APIStatusError as exc:
        detail = _redact(getattr(exc, "message", "") or str(exc), settings)
        raise GenerationFailed(f"model server at {url} returned HTTP {exc.status_code}: {detail}") from exc
    except openai.OpenAIError as exc:
        raise GenerationFailed(f"model call failed: {_redact(exc, settings)}") from exc
    truncated = bool(choice and getattr(choice, "finish_reason", None) == "length")
    return content, truncated


def _body(raw: str, prompt: DraftPrompt) -> str:
    """A raw continuation up to where the model began something else (a stop string or a new entry)."""
    body = _cut_at(raw, list(prompt.stop))
    match = _ENTRY_MARKERS.search(body)
    return (body[: match.start()] if match else body).rstrip()


def _first_sentences(text: str, limit: int) -> str:
    """Whole sentences from the start of ``text`` up to about ``limit`` characters (at least one)."""
    kept = ""
    for sentence in _split_sentences(text):
        if kept and len(kept) + len(sentence) > limit:
            break
        kept += sentence
    return kept


def _compose_completion(client: openai.OpenAI, prompt: DraftPrompt, settings: LLMSettings) -> tuple[str, bool]:
    """Write a post with a base model in up to three steps, returning (raw text after the prefix, cut off?).

    1. The model continues the prefix (the stage's opening) with the body, drawing on the facts.
    2. A base model often closes a post after one line: while the body is too short it is asked to go
       on with another paragraph (the server reuses the evaluated prompt, so this costs only new tokens).
    3. The stage's closing words (a call to action fitting the segment) are appended and the model
       finishes that one line.
    """
    closing = prompt.closing.strip()
    reserve = _visible_len(closing) + 25 if closing else 0
    budget = max(prompt.min_chars, prompt.max_chars - reserve)
    raw, truncated = _request(client, prompt, settings, budget=budget)
    body = _body(raw, prompt)
    for _ in range(EXTENSIONS):
        long_enough = _visible_len(prompt.prefix + body + closing) + 10 >= prompt.min_chars
        if truncated or (long_enough and len(_CJK.findall(body)) >= MIN_BODY_CJK):
            break
        so_far = body + "\n"
        more, truncated = _request(client, prompt, settings, so_far=so_far, budget=budget)
        more = _body(more, prompt)
        if not _norm(more):
            break
        body = so_far + more.lstrip("\n")
    if truncated:
        body = _trim_tail(body, True)
        truncated = False
    if not closing or _norm(closing) in _norm(body) or not _norm(body):
        return body, truncated
    so_far = body.rstrip() + "\n" + closing
    tail, truncated = _request(client, prompt, settings, so_far=so_far, one_line=True,
                               budget=prompt.max_chars + 40)
    tail = _first_sentences(_body(tail, prompt).split("\n", 1)[0], 40)
    if not _norm(tail):  # nothing added: end the closing words themselves
        ending = closing if closing[-1] in _TERMINATORS else closing.rstrip("：:，,、 ") + "～"
        return body.rstrip() + "\n" + ending, False
    return so_far + tail, truncated


def write_variant(prompt: DraftPrompt, facts: list[Fact], *, key_terms: list[str],
                  settings: LLMSettings) -> Variant:
    """Ask the model for candidates, keep the best usable one; raise GenerationFailed otherwise."""
    if settings.mode not in ("completion", "chat"):
        raise GenerationFailed(f"unknown LLM mode {settings.mode!r} (use 'completion' or 'chat')")
    client = _client(settings)
    key_terms = [t.strip() for t in key_terms if t and t.strip()]
    prefix = prompt.prefix if settings.mode == "completion" else ""
    reasons: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    tries = 0
    started = time.monotonic()
    for attempt in range(max(1, settings.attempts)):
        usable: list[_Candidate] = []
        for _ in range(max(1, settings.candidates)):
            t0 = time.monotonic()
            if settings.mode == "completion":
                raw, truncated = _compose_completion(client, prompt, settings)
            else:
                raw, truncated = _request(client, prompt, settings)
            tries += 1
            text = clean_text(raw, prefix=prefix, stop=prompt.stop, truncated=truncated,
                              max_chars=prompt.max_chars)
            generated = text[len(prefix):] if prefix and text.startswith(prefix) else text
            candidate = _evaluate(text, generated, prompt, facts, key_terms,
                                  few_shot=settings.mode == "completion")
            candidate.seconds = time.monotonic() - t0
            if candidate.reason:
                kind = candidate.reason.split(" (")[0]
                reasons[kind] += 1
                examples[kind] = candidate.reason
            else:
                usable.append(candidate)
                if candidate.score >= GOOD_ENOUGH and not candidate.doubtful:
                    break  # no need to spend another generation on this attempt
        if usable:
            best = max(usable, key=lambda c: c.score)
            return Variant(text=best.text, citations=find_citations(best.text, facts), score=best.score,
                           tries=tries, meta={"attempt": attempt + 1,
                                              "seconds": round(time.monotonic() - started, 2)})
    summary = "; ".join(f"{examples[kind]} ×{count}" for kind, count in reasons.most_common(3))
    raise GenerationFailed(f"no usable text after {tries} tries: {summary}")
