"""Split Markdown documents into retrieval chunks without breaking sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .loaders import Document

# Bump when the chunking output changes, so indexes re-chunk unchanged documents.
CHUNKER_VERSION = "1"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)、])\s+")
_ANSWER_LINE = re.compile(r"^\s*(?:\*\*)?(?:A|答)\s*(?:\*\*)?\s*[:：]", re.I)
_SENTENCE = re.compile(r".+?(?:[。！？；!?;]+[”’」』）)\"']*|$)", re.S)


@dataclass
class _Piece:
    """A sentence and the separator that joins it to the text before it."""

    sep: str
    text: str


def chunk_document(doc: Document, *, max_chars: int = 320, overlap_chars: int = 40) -> list[str]:
    """Chunks of a document: product rows whole, FAQ pairs kept together, others split."""
    if doc.type == "product_fact" and doc.source.lower().endswith(".csv"):
        return [doc.text.strip()]
    overlap = 0 if doc.type == "faq" else overlap_chars
    return split_into_chunks(doc.text, max_chars=max_chars, overlap_chars=overlap)


def split_into_chunks(text: str, *, max_chars: int = 320, overlap_chars: int = 40) -> list[str]:
    """Split Markdown by headings, then paragraphs/list items, then sentences, up to max_chars each."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return []
    if len(text) <= max_chars:
        return [text]
    chunks: list[str] = []
    for path, lines in _sections(text):
        prefix = " > ".join(path) + "\n" if path else ""
        budget = max(max_chars - len(prefix), max_chars // 2)
        for body in _pack(_paragraphs(lines), budget, overlap_chars):
            chunks.append(prefix + body)
    return chunks


def _sections(text: str) -> list[tuple[list[str], list[str]]]:
    """(heading path, body lines) for every heading section that has a body."""
    sections: list[tuple[list[str], list[str]]] = []
    path: list[tuple[int, str]] = []
    lines: list[str] = []
    for line in text.split("\n"):
        match = _HEADING.match(line)
        if match:
            if any(l.strip() for l in lines):
                sections.append(([t for _, t in path], lines))
            level = len(match.group(1))
            path = [(lv, t) for lv, t in path if lv < level] + [(level, match.group(2))]
            lines = []
        else:
            lines.append(line)
    if any(l.strip() for l in lines):
        sections.append(([t for _, t in path], lines))
    return sections


def _paragraphs(lines: list[str]) -> list[list[_Piece]]:
    """Paragraphs (blank-line separated, one per list item) as lists of sentences."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        starts_new = not stripped or _LIST_ITEM.match(line)
        # An answer line stays with its question even across a blank line.
        if _ANSWER_LINE.match(line) and not current and paragraphs:
            current = paragraphs.pop()
        elif starts_new and current:
            paragraphs.append(current)
            current = []
        if stripped:
            current.append(stripped)
    if current:
        paragraphs.append(current)
    return [_sentences(para) for para in paragraphs]


def _sentences(lines: list[str]) -> list[_Piece]:
    pieces = []
    for line_number, line in enumerate(lines):
        for i, match in enumerate(_SENTENCE.finditer(line)):
            sentence = match.group(0)
            if sentence.strip():
                pieces.append(_Piece("\n" if i == 0 and line_number > 0 else "", sentence))
    return pieces


def _length(pieces: list[_Piece]) -> int:
    return sum(len(p.sep) + len(p.text) for p in pieces) - (len(pieces[0].sep) if pieces else 0)


def _join(pieces: list[_Piece]) -> str:
    return "".join(p.sep + p.text for p in pieces)[len(pieces[0].sep):].strip()


def _pack(paragraphs: list[list[_Piece]], budget: int, overlap_chars: int) -> list[str]:
    """Greedily pack whole paragraphs, else whole sentences, into chunks of at most budget chars."""
    chunks: list[str] = []
    current: list[_Piece] = []

    def flush() -> list[_Piece]:
        """Emit the current chunk; return the trailing sentences to repeat in the next one."""
        chunks.append(_join(current))
        tail: list[_Piece] = []
        for piece in reversed(current):
            if _length([piece] + tail) > overlap_chars:
                break
            tail.insert(0, piece)
        # Repeating a whole chunk adds no context, only duplicates.
        return tail if len(tail) < len(current) else []

    def fits(pieces: list[_Piece]) -> bool:
        return _length(current + pieces) <= budget

    for paragraph in paragraphs:
        paragraph = [_Piece("\n", paragraph[0].text)] + paragraph[1:]
        if fits(paragraph):
            current += paragraph
            continue
        if current and _length(paragraph) <= budget:
            tail = flush()
            current = tail + paragraph if _length(tail + paragraph) <= budget else paragraph
            continue
        for piece in paragraph:
            for part in _hard_cut(piece, budget):
                if fits([part]):
                    current.append(part)
                    continue
                tail = flush()
                current = tail + [part] if _length(tail + [part]) <= budget else [part]
    if current:
        chunks.append(_join(current))
    return [c for c in chunks if c]


def _hard_cut(piece: _Piece, budget: int) -> list[_Piece]:
    """A sentence longer than the budget is cut into budget-sized parts."""
    if len(piece.text) <= budget:
        return [piece]
    parts = [piece.text[i:i + budget] for i in range(0, len(piece.text), budget)]
    return [_Piece(piece.sep, parts[0])] + [_Piece("", p) for p in parts[1:]]
