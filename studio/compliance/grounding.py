"""Grounding: every stated figure in a draft must come from a fact it cites (or from the brief)."""
from __future__ import annotations

import re

from studio.compliance import Finding

# Statements of fact the check looks at: a number with a unit, a price, a date or time, a SKU.
FIGURE = re.compile(
    r"(?<![\dA-Za-z.])(?:\d+(?:\.\d+)?\s*(?:%|％|折|元|块钱|块|℃|°C|度|克|千克|公斤|斤|毫升|ml|mL|升|g|kg|年|月|日|号|点|"
    r"小时|分钟|秒|天|周|位|人|盒|包|袋|泡|米|公里)|\d{1,2}[:：]\d{2}|[A-Z]{2,5}-\d{2,4})")
PRICE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:元|块钱|块)")
SENTENCE = re.compile(r"[^。！？!?\n；;]+[。！？!?；;]?")


def _normalize(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("：", ":").replace("％", "%").replace("°C", "℃")


def _present(figure: str, sources: str) -> bool:
    figure = _normalize(figure)
    return re.search(r"(?<![\d.])" + re.escape(figure), sources) is not None


def check_grounding(text: str, facts: list[dict], brief_text: str = "") -> list[Finding]:
    """Findings for figures no cited fact (nor the brief) supports; a price that contradicts one blocks."""
    sources = _normalize("\n".join([brief_text, *(f"{f.get('title', '')} {f.get('text', '')}" for f in facts)]))
    source_prices = {float(p) for p in PRICE.findall(sources)}
    findings = []
    for sentence in SENTENCE.finditer(text):
        for match in FIGURE.finditer(sentence.group(0)):
            figure = match.group(0)
            if _present(figure, sources):
                continue
            start = sentence.start() + match.start()
            price = PRICE.fullmatch(_normalize(figure))
            contradicts = bool(price and source_prices and float(price.group(1)) not in source_prices)
            findings.append(Finding(
                start=start, end=start + len(figure), text=figure,
                rule="ungrounded-claim", severity="block" if contradicts else "warn",
                message=(f"价格“{figure}”与引用资料中的价格（{'、'.join(f'{p:g}元' for p in sorted(source_prices))}）不符"
                         if contradicts else f"“{figure}”在引用的资料中找不到出处：{sentence.group(0).strip()}"),
                suggestion="改成资料中的数字，或删去这一说法" if contradicts else "核对后改成资料中的说法，或删去"))
    return findings
