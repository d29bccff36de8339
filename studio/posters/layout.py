"""Chinese line breaking with 禁则 (kinsoku), and fitting text into a box by shrinking, then an ellipsis.

Break opportunities follow the Unicode line-breaking rules in the form that matters for Chinese posters:
a break may fall between any two ideographs, after a space, and nowhere inside a run of Latin letters and
digits (19:30, ¥598, SKU-A12, 3.5kg, 50%). On top of that, closing punctuation never starts a line and an
opening bracket never ends one, so each is glued to its neighbour before lines are filled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

ELLIPSIS = "…"

# A line may not start with these (行首禁则).
NO_LINE_START = set("，。！？、；：）》」』”’%％〉】〕〗｝］,.!?;:)]}…—·・ー～~々ぁぃぅぇぉっゃゅょ℃°")
# A line may not end with these (行尾禁则); a currency sign stays with its amount.
NO_LINE_END = set("（《「『“‘〈【〔〖｛［([{¥￥$＄#＃@")
# Characters that join letters and digits into one run when they sit between two of them: 19:30, 3.5, A-12.
_RUN_JOINERS = set(":.,-/_+&'·")
_RUN_CHAR = re.compile(r"[0-9A-Za-z\u00C0-\u024F]")
_RUN_SUFFIX = set("%％℃°")


def _is_run_char(char: str) -> bool:
    return bool(_RUN_CHAR.match(char)) or "０" <= char <= "９" or "Ａ" <= char <= "ｚ"


def _no_break_between(text: str, i: int) -> bool:
    """True when no line may break between text[i-1] and text[i]."""
    before, after = text[i - 1], text[i]
    if after.isspace():
        return True  # breaks go after spaces, and a space never starts a line
    if before.isspace():
        return False
    if after in NO_LINE_START or before in NO_LINE_END:
        return True
    if before == after and before in "—…":
        return True  # —— and …… are one mark
    if _is_run_char(before) and (_is_run_char(after) or after in _RUN_SUFFIX):
        return True
    if before in _RUN_JOINERS and _is_run_char(after) and i >= 2 and _is_run_char(text[i - 2]):
        return True
    if after in _RUN_JOINERS and _is_run_char(before) and i + 1 < len(text) and _is_run_char(text[i + 1]):
        return True
    return False


def clusters(text: str) -> list[str]:
    """Split one paragraph into the smallest pieces a line may break between, in order."""
    pieces: list[str] = []
    start = 0
    for i in range(1, len(text)):
        if not _no_break_between(text, i):
            pieces.append(text[start:i])
            start = i
    if text:
        pieces.append(text[start:])
    return pieces


Measure = Callable[[str], float]


def break_lines(text: str, width: float, measure: Measure) -> list[str]:
    """Fill lines greedily up to `width`; explicit newlines start a new paragraph.

    A line is measured as the sum of its pieces, each measured once. A piece wider than a whole line only
    because of its closing mark lets the mark hang; one wider still (a very long code or URL) is the only
    thing ever cut mid-run.
    """
    measure = _memo(measure)
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        line, line_width = "", 0.0
        for piece in clusters(paragraph):
            if line and line_width + measure(piece.rstrip()) > width:
                lines.append(line.rstrip())
                line, line_width = "", 0.0
            line += piece
            line_width += measure(piece)
            if measure(_without_hanging(line)) > width and len(clusters(line)) == 1:
                cut = _cut_to_width(line, width, measure)
                lines.extend(cut[:-1])
                line = cut[-1]
                line_width = measure(line)
        if line.strip():
            lines.append(line.rstrip())
    return lines


def _without_hanging(line: str) -> str:
    """The line less the closing marks at its end: a piece that fits only without them keeps them hanging
    past the edge (标点悬挂), rather than a code cut in two or a mark starting the next line."""
    return line.rstrip().rstrip("".join(NO_LINE_START))


def _memo(measure: Measure) -> Measure:
    """Measure each distinct string once; fitting asks for the same pieces many times."""
    if getattr(measure, "memoized", False):
        return measure
    widths: dict[str, float] = {}

    def cached(text: str) -> float:
        if text not in widths:
            widths[text] = measure(text)
        return widths[text]

    cached.memoized = True
    return cached


PHRASE_ENDS = set("，。：；！？、,;:!? ")


def phrase_lines(text: str, width: float, measure: Measure) -> list[str] | None:
    """Whole phrases (ending at a comma, colon, full stop or space) packed into lines, or None when a
    phrase is wider than a line."""
    measure = _memo(measure)
    phrases, current = [], ""
    for piece in clusters(text.replace("\n", " ")):
        current += piece
        if piece[-1] in PHRASE_ENDS:
            phrases.append(current)
            current = ""
    if current:
        phrases.append(current)
    lines, line = [], ""
    for phrase in phrases:
        if measure(phrase.strip()) > width:
            return None
        if line and measure((line + phrase).strip()) > width:
            lines.append(line.strip())
            line = ""
        line += phrase
    if line.strip():
        lines.append(line.strip())
    return lines


def balanced_lines(text: str, width: float, measure: Measure) -> list[str]:
    """Lines broken at phrase ends when that takes no more lines, else as even as the breaks allow, in
    as few lines as greedy filling needs: for titles and calls to action, where a last line of one or
    two characters, or a word cut in two, looks like a mistake."""
    lines = break_lines(text, width, measure)
    if len(lines) < 2:
        return lines
    by_phrase = phrase_lines(text, width, measure)
    if by_phrase and len(by_phrase) <= len(lines):
        return by_phrase
    low, high = width / 2, width
    best = lines
    for _ in range(12):
        middle = (low + high) / 2
        attempt = break_lines(text, middle, measure)
        if len(attempt) <= len(lines):
            best, high = attempt, middle
        else:
            low = middle
    return best


def without_orphan(lines: list[str], width: float, measure: Measure) -> list[str]:
    """A last line of a single piece takes the piece before it along, when that still fits."""
    if len(lines) < 2 or len(clusters(lines[-1])) > 1:
        return lines
    pieces = clusters(lines[-2])
    if len(pieces) < 3:
        return lines
    moved = pieces[-1] + lines[-1]
    if measure(moved) > width:
        return lines
    return lines[:-2] + ["".join(pieces[:-1]).rstrip(), moved]


def _cut_to_width(text: str, width: float, measure: Measure) -> list[str]:
    """Last resort for one piece wider than the line: cut by characters."""
    out, line = [], ""
    for char in text:
        if line and measure(line + char) > width:
            # Even here a closing mark does not start a line: the character before it comes along.
            carry = line[-1] if char in NO_LINE_START and len(line) > 1 else ""
            out.append(line[:len(line) - len(carry)])
            line = carry
        line += char
    out.append(line)
    return out


def with_ellipsis(line: str, width: float, measure: Measure) -> str:
    """The line shortened by whole pieces until it fits `width` with an ellipsis at its end."""
    pieces = clusters(line)
    while pieces:
        head = "".join(pieces).rstrip().rstrip("，。、；：,.;:!！?？")
        while head and head[-1] in NO_LINE_END:
            head = head[:-1]
        if head and measure(head + ELLIPSIS) <= width:
            return head + ELLIPSIS
        pieces.pop()
    return ELLIPSIS


@dataclass
class FittedText:
    """Lines laid out at one font size; `truncated` when the text ends in an ellipsis."""

    lines: list[str]
    size: int
    line_height: float
    truncated: bool


def fit_text(text: str, width: float, height: float, measure_at: Callable[[int], Measure], *,
             max_size: int, min_size: int, leading: float = 1.3, max_lines: int | None = None,
             balance: bool = False) -> FittedText:
    """The largest size from max_size down to min_size whose lines fit the box; at the floor, the lines
    that fit and an ellipsis. `balance` evens the lines out; otherwise only a one-piece last line is
    avoided."""
    if balance:
        # A title set a little smaller but broken at its phrases reads better than one cut mid-word.
        for size in range(max_size, max(min_size, round(max_size * 0.75)) - 1, -2):
            room = max(1, int((height + 0.01) // (size * leading)))
            lines = phrase_lines(text, width, _memo(measure_at(size)))
            if lines and len(lines) <= min(room, max_lines or room):
                return FittedText(lines, size, size * leading, False)
    size = max_size
    while True:
        measure = _memo(measure_at(size))
        line_height = size * leading
        lines = break_lines(text, width, measure)
        room = max(1, int((height + 0.01) // line_height))
        if max_lines:
            room = min(room, max_lines)
        if len(lines) <= room:
            if balance:
                lines = balanced_lines(text, width, measure)
            elif len(lines) > 1:
                lines = without_orphan(lines, width, measure)
            return FittedText(lines, size, line_height, False)
        if size <= min_size:
            kept = lines[:room]
            kept[-1] = with_ellipsis(kept[-1], width, measure)
            return FittedText(kept, size, line_height, True)
        size = max(min_size, size - max(1, round(size * 0.06)))
