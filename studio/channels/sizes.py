"""Sizes in the units each platform counts: UTF-8 bytes, UTF-16 units."""
from __future__ import annotations


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def truncate_bytes(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut text to at most `limit` UTF-8 bytes, ending with an ellipsis when cut."""
    if utf8_len(text) <= limit:
        return text
    budget = limit - utf8_len(ellipsis)
    cut = text.encode("utf-8")[:max(budget, 0)].decode("utf-8", errors="ignore")
    return cut + ellipsis
