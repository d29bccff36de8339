"""Tidying the plain values a prompt is filled with: one line each, lists split from 'a、b，c'."""
from __future__ import annotations

import re


def one_line(value) -> str:
    """``value`` as text on one line, runs of whitespace collapsed."""
    return re.sub(r"\s+", " ", str(value or "")).strip()


def word_list(values) -> list[str]:
    """Non-empty one-line items of a list, or of a string separated by newlines, commas, 、, ; or |."""
    if values is None:
        return []
    if isinstance(values, str):
        values = re.split(r"[\n,，、;；|]+", values)
    return [one_line(v) for v in values if one_line(v)]
