"""What counts as a figure in a post, and whether a source text states it.

A figure is a statement of fact a brand must get right: a price (598元, ¥1,280, 12块), a date
(2024年12月6日, 12月, 6号), a time of day (19:30, 8点), a number with a unit (90℃, 100g, 3分钟, 8折,
20人) or a SKU (BT-2024). A bare number (白牡丹2024) or an ordinal (第3次) is not a figure.

The drafting check, the passage rewriter and the editor's grounding check all use this one
definition, so a draft the model was allowed to write is never underlined for the same figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Spaces may sit between a number and its unit, a line break may not.
_GAP = r"[^\S\n]*"
_PRICE = rf"[¥￥]{_GAP}{_NUMBER}(?:{_GAP}元)?|{_NUMBER}{_GAP}(?:元|块钱|块)"
_DATE = (rf"(?:\d{{4}}{_GAP}年{_GAP})?\d{{1,2}}{_GAP}月{_GAP}\d{{1,2}}{_GAP}[日号]"
         rf"|\d{{4}}{_GAP}年{_GAP}\d{{1,2}}{_GAP}月|\d{{4}}-\d{{1,2}}-\d{{1,2}}|{_NUMBER}{_GAP}(?:年|月|日|号)")
_TIME = r"\d{1,2}[:：]\d{2}"
# Longer units first where one begins another (块钱/块 are prices, handled above).
_UNIT = ("%|％|折|℃|°C|度|千克|公斤|克|斤|毫升|ml|mL|升|kg|g|小时|分钟|秒|天|周|点|位|人|盒|包|袋|泡"
         "|公里|米")
_QUANTITY = rf"{_NUMBER}{_GAP}(?:{_UNIT})"
_SKU = r"[A-Z]{2,5}-\d{2,4}"
# A figure starts at the start of a number or code: not inside 2.5, 25 or a word such as V60.
FIGURE = re.compile(rf"(?<![\dA-Za-z.])(?:{_PRICE}|{_DATE}|{_TIME}|{_QUANTITY}|{_SKU})")
NUMBER = re.compile(_NUMBER)

_WIDE = str.maketrans("０１２３４５６７８９：％￥", "0123456789:%¥")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_YUAN = re.compile(r"¥(\d+(?:\.\d+)?)元?|(\d+(?:\.\d+)?)块钱?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY = re.compile(r"(?<=\d)号")
_PRICE_VALUE = re.compile(r"(\d+(?:\.\d+)?)元")


def normalize(text: str) -> str:
    """``text`` with one spelling per figure: ¥1,280 → 1280元, 90°C → 90℃, 19：30 → 19:30, 6号 → 6日.

    Applied alike to a figure and to the text that should state it, so the spelling never decides."""
    text = re.sub(r"\s+", "", text.translate(_WIDE)).replace("°C", "℃").replace("mL", "ml")
    text = _THOUSANDS.sub("", text)
    text = _YUAN.sub(lambda m: f"{m.group(1) or m.group(2)}元", text)
    text = _ISO_DATE.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日", text)
    return _DAY.sub("日", text)


@dataclass(frozen=True)
class Figure:
    """One figure as written in a text, with its place in that text."""

    text: str
    start: int
    end: int

    @property
    def normalized(self) -> str:
        return normalize(self.text)

    @property
    def price(self) -> float | None:
        """The amount in yuan when the figure is a price."""
        match = _PRICE_VALUE.fullmatch(self.normalized)
        return float(match.group(1)) if match else None


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order."""
    return [Figure(m.group(0), m.start(), m.end()) for m in FIGURE.finditer(text)]


def _stated(figure: Figure, normalized_sources: str) -> bool:
    # "5克" is not stated by "25克" nor by "2.5克"; "12月" is stated by "12月6日".
    return re.search(r"(?<![\d.])" + re.escape(figure.normalized), normalized_sources) is not None


def unstated_figures(text: str, sources: str) -> list[Figure]:
    """The figures of ``text`` that ``sources`` does not state."""
    normalized_sources = normalize(sources)
    return [figure for figure in find_figures(text) if not _stated(figure, normalized_sources)]


def stated_prices(text: str) -> set[float]:
    """The amounts of every price ``text`` states."""
    return {figure.price for figure in find_figures(text) if figure.price is not None}


def numbers(text: str) -> list[str]:
    """Every number written in ``text``, figure or not, as digits only (1,280 → 1280)."""
    return [_THOUSANDS.sub("", m.group(0)) for m in NUMBER.finditer(text.translate(_WIDE))]
