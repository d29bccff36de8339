"""Writing one post variant with a language model, as LangChain runnables.

One candidate is ``prompt → model → parser``:

* ``mode="completion"`` for base models (the bundled Gemma 3 270M served by llama.cpp): the prompt is a
  few-shot document that ends with the opening of the new post; the model continues it, read as a stream
  so a runaway continuation is cut off early.
* ``mode="chat"`` for instruction-tuned models: a system and a user message.

The parser cleans what comes back, checks it (not empty, Chinese, on topic, no taboo words) and scores it;
the best candidate wins. If nothing usable comes back after ``attempts`` rounds, :class:`GenerationFailed`
says why; a blank text is never returned.

No Flask here: the caller passes everything in, the model included if it is not built from the settings.
"""
from __future__ import annotations

import collections
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

from langchain_core.language_models import BaseLanguageModel
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from prompts import DraftPrompt, Fact
from studio.drafting.model_client import (
    FinishReason,
    GenerationFailed,
    LLMSettings,
    build_model,
    model_errors,
    openai_compatible,
    public_url,
)
from studio.drafting.scoring import GOOD_ENOUGH, Candidate, evaluate, find_citations
from studio.drafting.text import (
    CJK,
    ENTRY_MARKERS,
    TERMINATORS,
    cjk_share,
    clean_text,
    cut_at,
    norm,
    split_sentences,
    trim_tail,
    visible_len,
)

__all__ = ["LLMSettings", "GenerationFailed", "Variant", "write_variant", "candidate_chain", "cjk_share",
           "clean_text", "find_citations"]

# Called with the text of the candidate being written, as it grows.
TextCallback = Callable[[str], None]

# How many times a base model that stopped too early is asked to go on with another paragraph.
EXTENSIONS = 2
# A body (what the model adds after the opening) with fewer Chinese characters than this is too thin.
MIN_BODY_CJK = 12

CHAT_PROMPT = ChatPromptTemplate.from_messages([("system", "{system}"), ("human", "{user}")])


@dataclass
class Variant:
    text: str
    citations: list[str]  # doc_ids of the facts the text relies on
    score: float = 0.0
    tries: int = 0  # completions requested to get this one
    meta: dict = field(default_factory=dict)


@dataclass
class RawText:
    """What the model wrote for one candidate, before cleaning."""

    text: str
    truncated: bool = False  # cut off by max_tokens


# ---------------------------------------------------------------------------------------------
# The model step
# ---------------------------------------------------------------------------------------------

def _runaway(so_far: str, new: str, prompt: DraftPrompt, *, one_line: bool, budget: int) -> str:
    """Why a streaming continuation can be cut off now: "" (go on), "done" or "long"."""
    if one_line and "\n" in new.lstrip("\n"):
        return "done"
    text = so_far + new
    if any(marker and marker in text for marker in prompt.stop) or ENTRY_MARKERS.search(text):
        return "done"
    if visible_len(prompt.prefix + text) > budget:
        return "long"
    lines = [norm(line) for line in text.split("\n")]
    lines = [line for line in lines if len(line) >= 4]
    if len(lines) - len(set(lines)) >= 2:  # the model is looping over the same lines
        return "long"
    return ""


def stream_completion(model: BaseLanguageModel, prompt: DraftPrompt, settings: LLMSettings, so_far: str = "",
                      *, one_line: bool = False, budget: int | None = None,
                      on_text: TextCallback | None = None) -> tuple[str, bool]:
    """A completion read as a stream, so a runaway continuation is cut off (and the server stops
    working on it) as soon as it is clearly finished, too long or looping.

    ``so_far`` is text already written after the prompt (the model goes on from there); ``one_line``
    ends at the first line break; ``budget`` caps the visible length of prefix + so_far + new text;
    ``on_text`` sees so_far + the new text after each chunk. Returns (new text, cut off for length?).
    """
    budget = budget or int(prompt.max_chars * 1.25)
    deadline = time.monotonic() + settings.timeout_s
    finish = FinishReason()
    options = {"seed": random.randrange(1, 2**31 - 1)} if openai_compatible(model) else {}
    parts: list[str] = []
    truncated = False
    with model_errors(settings):
        # OpenAI-style APIs take at most 4 stop strings; the rest are cut locally.
        stream = model.stream(prompt.completion + so_far, config={"callbacks": [finish]},
                              stop=prompt.stop[:4] or None, **options)
        try:
            for piece in stream:
                parts.append(piece if isinstance(piece, str) else str(getattr(piece, "content", "")))
                truncated = truncated or finish.reason == "length"
                new = "".join(parts)
                if on_text:
                    on_text(so_far + new)
                verdict = _runaway(so_far, new, prompt, one_line=one_line, budget=budget)
                if verdict:
                    truncated = verdict == "long"
                    break
                if time.monotonic() > deadline:
                    raise GenerationFailed(f"model server at {public_url(settings.base_url)} did not finish "
                                           f"within {settings.timeout_s:g} s", "timeout")
        finally:
            stream.close()  # closing the connection tells the server to stop generating
    new = "".join(parts)
    if one_line:
        new = new.lstrip("\n").split("\n", 1)[0]
    return new, truncated


def _message_text(message) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content or [])


def ask_chat(model: BaseLanguageModel, prompt: DraftPrompt, settings: LLMSettings,
             on_text: TextCallback | None = None) -> RawText:
    """One chat answer: CHAT_PROMPT | model."""
    options = {}
    if openai_compatible(model):
        # Chinese takes more tokens per character in most tokenizers: leave room for a full post. LangChain
        # would send max_completion_tokens, which llama.cpp and many OpenAI-compatible providers ignore.
        options["extra_body"] = {"max_tokens": max(settings.max_tokens, int(prompt.max_chars * 1.6))}
    with model_errors(settings):
        message = (CHAT_PROMPT | model.bind(**options)).invoke({"system": prompt.system, "user": prompt.user})
    text = _message_text(message)
    if on_text:
        on_text(text)
    finish = (getattr(message, "response_metadata", None) or {}).get("finish_reason")
    return RawText(text, truncated=finish == "length")


def _body(raw: str, prompt: DraftPrompt) -> str:
    """A raw continuation up to where the model began something else (a stop string or a new entry)."""
    body = cut_at(raw, list(prompt.stop))
    match = ENTRY_MARKERS.search(body)
    return (body[: match.start()] if match else body).rstrip()


def _first_sentences(text: str, limit: int) -> str:
    """Whole sentences from the start of ``text`` up to about ``limit`` characters (at least one)."""
    kept = ""
    for sentence in split_sentences(text):
        if kept and len(kept) + len(sentence) > limit:
            break
        kept += sentence
    return kept


def _compose_completion(model: BaseLanguageModel, prompt: DraftPrompt, settings: LLMSettings,
                        on_text: TextCallback | None = None) -> RawText:
    """Write a post with a base model in up to three steps, returning the raw text after the prefix.

    1. The model continues the prefix (the stage's opening) with the body, drawing on the facts.
    2. A base model often closes a post after one line: while the body is too short it is asked to go
       on with another paragraph (the server reuses the evaluated prompt, so this costs only new tokens).
    3. The stage's closing words (a call to action fitting the segment) are appended and the model
       finishes that one line.
    """
    show = (lambda raw: on_text(prompt.prefix + _body(raw, prompt))) if on_text else None
    closing = prompt.closing.strip()
    reserve = visible_len(closing) + 25 if closing else 0
    budget = max(prompt.min_chars, prompt.max_chars - reserve)
    raw, truncated = stream_completion(model, prompt, settings, budget=budget, on_text=show)
    body = _body(raw, prompt)
    for _ in range(EXTENSIONS):
        long_enough = visible_len(prompt.prefix + body + closing) + 10 >= prompt.min_chars
        if truncated or (long_enough and len(CJK.findall(body)) >= MIN_BODY_CJK):
            break
        so_far = body + "\n"
        more, truncated = stream_completion(model, prompt, settings, so_far=so_far, budget=budget, on_text=show)
        more = _body(more, prompt)
        if not norm(more):
            break
        body = so_far + more.lstrip("\n")
    if truncated:
        body = trim_tail(body, True)
        truncated = False
    if not closing or norm(closing) in norm(body) or not norm(body):
        return RawText(body, truncated)
    so_far = body.rstrip() + "\n" + closing
    tail, truncated = stream_completion(model, prompt, settings, so_far=so_far, one_line=True,
                                        budget=prompt.max_chars + 40, on_text=show)
    tail = _first_sentences(_body(tail, prompt).split("\n", 1)[0], 40)
    if not norm(tail):  # nothing added: end the closing words themselves
        ending = closing if closing[-1] in TERMINATORS else closing.rstrip("：:，,、 ") + "～"
        return RawText(body.rstrip() + "\n" + ending)
    return RawText(so_far + tail, truncated)


# ---------------------------------------------------------------------------------------------
# prompt → model → parser
# ---------------------------------------------------------------------------------------------

def post_parser(facts: list[Fact], key_terms: list[str], settings: LLMSettings) -> Runnable:
    """{"prompt", "raw"} → Candidate: the raw text cleaned into a post, checked and scored."""

    def parse(values: dict) -> Candidate:
        prompt, raw = values["prompt"], values["raw"]
        prefix = prompt.prefix if settings.mode == "completion" else ""
        text = clean_text(raw.text, prefix=prefix, stop=prompt.stop, truncated=raw.truncated,
                          max_chars=prompt.max_chars)
        generated = text[len(prefix):] if prefix and text.startswith(prefix) else text
        return evaluate(text, generated, prompt, facts, key_terms, few_shot=settings.mode == "completion")

    return RunnableLambda(parse, name="post_parser")


def candidate_chain(model: BaseLanguageModel, settings: LLMSettings, facts: list[Fact], key_terms: list[str],
                    on_text: TextCallback | None = None) -> Runnable:
    """{"prompt": DraftPrompt} → Candidate, one generation."""
    if settings.mode == "chat":
        generate = RunnableLambda(lambda prompt: ask_chat(model, prompt, settings, on_text), name="chat_model")
    else:
        generate = RunnableLambda(lambda prompt: _compose_completion(model, prompt, settings, on_text),
                                  name="completion_model")
    return RunnablePassthrough.assign(raw=itemgetter("prompt") | generate) | post_parser(facts, key_terms, settings)


def write_variant(prompt: DraftPrompt, facts: list[Fact], *, key_terms: list[str], settings: LLMSettings,
                  model: BaseLanguageModel | None = None, on_text: TextCallback | None = None) -> Variant:
    """Ask the model for candidates, keep the best usable one; raise GenerationFailed otherwise.

    ``model`` defaults to the one the settings describe; ``on_text`` sees each candidate's text as it grows.
    """
    model = model or build_model(settings)
    key_terms = [t.strip() for t in key_terms if t and t.strip()]
    chain = candidate_chain(model, settings, facts, key_terms, on_text)
    reasons: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    tries = 0
    started = time.monotonic()
    for attempt in range(max(1, settings.attempts)):
        usable: list[Candidate] = []
        for _ in range(max(1, settings.candidates)):
            t0 = time.monotonic()
            candidate = chain.invoke({"prompt": prompt})
            tries += 1
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
    raise GenerationFailed(f"no usable text after {tries} tries: {summary}", "unusable")
