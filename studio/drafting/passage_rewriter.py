"""Rewriting one passage of a post with the configured LangChain model.

Each candidate is prompt → model → parser, as for drafts: the model's text is cleaned, then checked (not
empty, Chinese, changed, still about the passage, no figure the passage does not state, no new compliance
block) and scored; the best usable one wins. An empty or unusable result raises GenerationFailed, so an
editor never gets a blank passage. No Flask here: the caller passes the lint check in.
"""
from __future__ import annotations

import collections
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.language_models import BaseLanguageModel
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from prompts.rewrite import RewritePrompt
from studio.compliance import Finding
from studio.compliance.figures import numbers, unstated_figures
from studio.drafting.model_client import GenerationFailed, LLMSettings, build_model
from studio.drafting.scoring import COPY_LIMIT, Candidate, cjk_bigrams, longest_copy
from studio.drafting.text import cjk_share, clean_text, ends_complete, norm, visible_len
from studio.drafting.writer import RawText, ask_chat, stream_completion

# Instructions that ask for a shorter passage.
_SHORTER = re.compile(r"短|精简|简洁|简短|压缩|删减|少一点|shorter|concise", re.IGNORECASE)
# Instructions that allow a longer passage.
_LONGER = re.compile(r"长|详细|丰富|展开|多写|longer|detail", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:改写|原文|要求)\s*[：:]\s*")
# A rewrite scoring this much kept the meaning, changed the wording and fits the instruction.
GOOD_REWRITE = 4.5
# Rewrites are short and cheap, and a small model often hands the passage back unchanged: ask often enough.
REWRITE_TRIES = 12

Lint = Callable[[str], list[Finding]]


@dataclass
class Rewrite:
    text: str
    findings: list[Finding]  # warnings the rewrite still has (blocks are never returned)
    score: float
    tries: int


def _generate(model: BaseLanguageModel, prompt: RewritePrompt, settings: LLMSettings) -> RawText:
    if settings.mode == "chat":
        return ask_chat(model, prompt, settings)
    # A one-line passage gets a one-line rewrite: a base model goes on with the next notebook entry.
    text, truncated = stream_completion(model, prompt, settings, one_line="\n" not in prompt.passage,
                                         budget=prompt.max_chars)
    return RawText(text, truncated)


def check_rewrite(text: str, prompt: RewritePrompt, lint: Lint, already: set[str]
                  ) -> tuple[Candidate, list[Finding]]:
    """Reject an unusable rewrite (with a reason) or score a usable one; also its remaining warnings.

    ``already`` holds the spans the passage itself is flagged for: a rewrite is judged only on what it adds."""
    passage = prompt.passage
    if not norm(text):
        return Candidate(text, reason="empty output"), []
    if cjk_share(passage) >= 0.5 and cjk_share(text) < 0.5:
        return Candidate(text, reason="not Chinese"), []
    if norm(text) == norm(passage):
        return Candidate(text, reason="unchanged"), []
    copied, sample = longest_copy(text, prompt.example_posts)
    if copied >= COPY_LIMIT:
        return Candidate(text, reason=f"copied an example ({sample})"), []
    # A rewrite only rewords: every figure and number it states must already be in the passage.
    invented = [figure.text for figure in unstated_figures(text, passage)]
    invented += [number for number in numbers(text) if number not in numbers(passage)]
    if invented:
        return Candidate(text, reason=f"states a figure not in the passage ({invented[0]})"), []
    before, after = cjk_bigrams(passage), cjk_bigrams(text)
    kept = len(before & after) / len(before) if before else 1.0
    if before and len(before & after) < min(4, max(1, len(before) // 4)):
        return Candidate(text, reason="off-topic (shares too little with the passage)"), []
    shorter = bool(_SHORTER.search(prompt.instruction))
    ratio = visible_len(text) / max(1, visible_len(passage))
    if shorter and ratio >= 1.0:
        return Candidate(text, reason="not shorter"), []
    if ratio > 2.0 and not _LONGER.search(prompt.instruction):
        return Candidate(text, reason="much longer than the passage"), []
    findings = lint(text)
    blocked = [f for f in findings if f.severity == "block" and f.text not in already]
    if blocked:
        return Candidate(text, reason=f"fails the compliance check ({blocked[0].text})"), []
    change = 1 - difflib.SequenceMatcher(None, norm(text), norm(passage), autojunk=False).ratio()
    score = 3.0 * kept + 2.0 * min(change, 0.5)
    score += 1.0 if (ratio < 0.9 if shorter else 0.6 <= ratio <= 1.6) else 0.0
    score += 0.5 if ends_complete(text) or not ends_complete(passage) else 0.0
    warnings = [f for f in findings if f.severity != "block" and f.text not in already]
    score -= 0.5 * len(warnings)
    return Candidate(text, score=round(score, 3)), findings


def rewrite_passage_text(prompt: RewritePrompt, *, settings: LLMSettings, lint: Lint,
                         model: BaseLanguageModel | None = None) -> Rewrite:
    """Up to REWRITE_TRIES rewrites, the best usable one kept; GenerationFailed says why none was."""
    model = model or build_model(settings)
    already = {f.text for f in lint(prompt.passage)}

    def parse(values: dict) -> tuple[Candidate, list[Finding]]:
        raw: RawText = values["raw"]
        text = clean_text(raw.text, stop=prompt.stop, truncated=raw.truncated, max_chars=prompt.max_chars)
        return check_rewrite(_LABEL.sub("", text).strip(), prompt, lint, already)

    chain = (RunnablePassthrough.assign(raw=RunnableLambda(lambda v: _generate(model, v["prompt"], settings),
                                                           name="rewrite_model"))
             | RunnableLambda(parse, name="rewrite_parser"))
    reasons: collections.Counter[str] = collections.Counter()
    best: tuple[Candidate, list[Finding]] | None = None
    tries = 0
    for _ in range(REWRITE_TRIES):
        candidate, findings = chain.invoke({"prompt": prompt})
        tries += 1
        if candidate.reason:
            reasons[candidate.reason.split(" (")[0]] += 1
            continue
        if best is None or candidate.score > best[0].score:
            best = (candidate, findings)
        if candidate.score >= GOOD_REWRITE:
            break
    if best is None:
        summary = "; ".join(f"{reason} ×{count}" for reason, count in reasons.most_common(3))
        raise GenerationFailed(f"no usable rewrite after {tries} tries: {summary}", "unusable")
    candidate, findings = best
    return Rewrite(text=candidate.text, findings=[f for f in findings if f.severity != "block"],
                   score=candidate.score, tries=tries)
