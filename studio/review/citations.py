"""Which retrieved facts the post's text actually uses, sentence by sentence.

A draft's citation list is written when it is drafted; edits can drop what a fact contributed. A fact counts as
cited only while a sentence of the current text draws on it: the sentence was made from it (the generation
record says so and the sentence is still there), it repeats a run of the fact's wording, or it states one of the
fact's figures.
"""
from __future__ import annotations

import re

from studio.compliance.figures import find_figures, unstated_figures

SHARED_RUN = 6  # characters of a fact's wording a sentence must repeat to count as drawing on it
_SENTENCE = re.compile(r"[^。！？!?~～\n]+[。！？!?~～]*")
_WORDING = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


def body_sentences(body: str) -> list[str]:
    return [m.group(0).strip() for m in _SENTENCE.finditer(body or "") if m.group(0).strip()]


def fact_uses(body: str, facts: list[dict], record: list[dict] | None = None) -> dict[str, list[str]]:
    """For each fact's document id, the sentences of ``body`` that use it (empty when none does)."""
    sentences = body_sentences(body)
    made_from: dict[str, set[str]] = {}
    for entry in record or []:
        kind, _sep, doc_id = str(entry.get("source", "")).partition(":")
        if kind in ("fact", "product") and doc_id:
            made_from.setdefault(doc_id, set()).add(str(entry.get("text", "")).strip())
    uses: dict[str, list[str]] = {}
    for fact in facts:
        doc_id, text = fact.get("doc_id", ""), fact.get("text", "")
        runs = _runs(text)
        uses[doc_id] = [sentence for sentence in sentences
                        if _made_from(sentence, made_from.get(doc_id, ()))
                        or runs & _runs(sentence) or _shares_figure(sentence, text)]
    return uses


def _made_from(sentence: str, made: set[str] | tuple) -> bool:
    return any(piece and (piece in sentence or sentence in piece) for piece in made)


def _runs(text: str) -> set[str]:
    """Every run of SHARED_RUN word characters in ``text``."""
    runs = set()
    for chunk in _WORDING.findall(text or ""):
        runs.update(chunk[i:i + SHARED_RUN] for i in range(len(chunk) - SHARED_RUN + 1))
    return runs


def _shares_figure(sentence: str, fact_text: str) -> bool:
    figures = find_figures(sentence)
    return bool(figures) and len(unstated_figures(sentence, fact_text)) < len(figures)
