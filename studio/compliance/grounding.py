"""Grounding: every stated figure in a draft must come from a fact it cites (or from the brief)."""
from __future__ import annotations

import re

from studio.compliance import Finding
from studio.compliance.figures import stated_prices, unstated_figures

SENTENCE = re.compile(r"[^。！？!?\n；;]+[。！？!?；;]?")


def _sentence_at(text: str, position: int) -> str:
    # A figure never holds a sentence end, so it lies inside exactly one sentence.
    return next(m.group(0) for m in SENTENCE.finditer(text) if m.start() <= position < m.end())


def check_grounding(text: str, facts: list[dict], brief_text: str = "") -> list[Finding]:
    """Findings for figures no cited fact (nor the brief) supports; a price that contradicts one blocks."""
    sources = "\n".join([brief_text, *(f"{f.get('title', '')} {f.get('text', '')}" for f in facts)])
    source_prices = stated_prices(sources)
    shown_prices = "、".join(f"{price:g}元" for price in sorted(source_prices))
    findings = []
    for figure in unstated_figures(text, sources):
        contradicts = bool(figure.price is not None and source_prices and figure.price not in source_prices)
        findings.append(Finding(
            start=figure.start, end=figure.end, text=figure.text,
            rule="ungrounded-claim", severity="block" if contradicts else "warn",
            message=(f"价格“{figure.text}”与引用资料中的价格（{shown_prices}）不符"
                     if contradicts else
                     f"“{figure.text}”在引用的资料中找不到出处：{_sentence_at(text, figure.start).strip()}"),
            suggestion="改成资料中的数字，或删去这一说法" if contradicts else "核对后改成资料中的说法，或删去"))
    return findings
