"""Rendering for channels that take the post as written: the studio's sandbox chat and the generic webhook."""
from __future__ import annotations

from functools import lru_cache

from studio.channels.base import Rendering
from studio.channels.dialects import to_plain_text


@lru_cache(maxsize=256)
def reader_text(markdown: str) -> str:
    """The post as plain text; cached because one post usually goes to many groups at once."""
    return to_plain_text(markdown)


def plain_rendering(markdown: str, limit: int, document: dict) -> Rendering:
    """The post as a reader sees it, its written characters counted against the channel's limit."""
    size = len(markdown)
    problem = f"正文 {size} 字，超过该渠道上限 {limit} 字" if size > limit else ""
    return Rendering("text", reader_text(markdown), (document,), size, limit, "字", problem)
