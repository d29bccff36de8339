"""The text a chat app shows for a post, with each shown character traced back to the characters written.

Mentions hide from a plain text search: ``&#64;所有人`` is rendered as ``@所有人``, a zero-width space or
emphasis between ``@`` and ``all`` vanishes on screen, and full-width ``ａｌｌ`` is read as ``all``.
Checks that care what readers and platforms see match on this view and map their finds back to the text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Characters no platform shows: zero-width spaces and joiners, word joiner, BOM, soft hyphen, invisible operators.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f")
# Markdown emphasis and strike markers, and inline HTML tags the renderers keep only as formatting.
_MARKUP = re.compile(r"\*+|~~|</?(?!at\b)[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.IGNORECASE)
# What Markdown turns into a character: named, decimal and hex references, each ended by ';'.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Full-width ASCII letters and digits read as their ASCII selves; the full-width "＠" stays: it pings nobody.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if code != 0xFF20}


@dataclass(frozen=True)
class ShownText:
    text: str
    starts: tuple[int, ...]  # for each shown character, where its source starts in the written text
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The written span behind the shown characters [start, end)."""
        return self.starts[start], self.ends[end - 1]

    def rewritten(self, written: str, start: int, end: int, replacements: dict[str, str]) -> str:
        """The written span behind shown [start, end), with the sources of the shown characters named in
        ``replacements`` replaced and everything else (markup, invisible characters) kept as written."""
        source_start, source_end = self.source_span(start, end)
        pieces, position = [], source_start
        for index in range(start, end):
            char_start, char_end = self.starts[index], self.ends[index]
            if char_start < position:
                continue  # a second character decoded from one reference
            pieces.append(written[position:char_start])
            shown = self.text[index]
            pieces.append(replacements[shown] if shown in replacements else written[char_start:char_end])
            position = char_end
        pieces.append(written[position:source_end])
        return "".join(pieces)


def shown_text(written: str) -> ShownText:
    """The written text as read on screen: references decoded, invisible characters and markup dropped."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index = 0
    length = len(written)
    while index < length:
        char = written[index]
        if char == "&":
            reference = _REFERENCE.match(written, index)
            if reference:
                for decoded in html.unescape(reference.group(0)):
                    if decoded in INVISIBLE:
                        continue
                    chars.append(decoded.translate(_WIDTH))
                    starts.append(index)
                    ends.append(reference.end())
                index = reference.end()
                continue
        elif char in "*~<":
            markup = _MARKUP.match(written, index)
            if markup:
                index = markup.end()
                continue
        elif char in INVISIBLE:
            index += 1
            continue
        chars.append(char.translate(_WIDTH))
        starts.append(index)
        ends.append(index + 1)
        index += 1
    return ShownText("".join(chars), tuple(starts), tuple(ends))
