"""Markdown to safe HTML, in time linear in the text, for the studio's pages and every channel.

Python-Markdown rescans the rest of a paragraph for each unclosed '[' and recurses once per level of list or
quote nesting, so a few thousand brackets or a deep list stall or crash it. Before rendering, a linear pass
takes those constructs apart (they become literal characters); text over the size limit, or that still trips
the renderer, is shown as escaped plain text.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import markdown as md
import nh3

MAX_RENDER_CHARS = 20000
# No post needs more: links inside links mean nothing, and chat apps flatten deeper lists and quotes.
BRACKETS_CHECKED_FROM = 32  # a paragraph with more '[' than this has its unclosed and deep ones taken apart
MAX_BRACKET_DEPTH = 2
MAX_QUOTE_DEPTH = 6
MAX_LIST_INDENT = 24  # columns; 6 levels of four-space indentation

# Chat posts need code blocks and tables; footnotes, abbreviations, definition lists, attribute lists and
# Markdown inside HTML only add ways to stall the renderer.
MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
                "h1", "h2", "h3", "h4", "h5", "h6", "a", "hr", "del", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

_QUOTE_PREFIX = re.compile(r"(?: {0,3}>)+")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_LIST_ITEM = re.compile(r"([ \t]*)((?:[-*+]|\d{1,9}[.)])(?:[ \t]|$))")


@dataclass(frozen=True)
class RenderProblem:
    line: int  # 1-based
    reason: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.reason}"


def markdown_to_safe_html(text: str) -> str:
    """Render Markdown for a page and strip anything a browser could run."""
    return safe_html(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener noreferrer nofollow")


def safe_html(text: str, *, tags: set[str], attributes: dict, link_rel: str | None) -> str:
    """Markdown → sanitized HTML with the given allow-lists, bounded in time for any input."""
    text = text or ""
    if len(text) > MAX_RENDER_CHARS:
        return plain_html(text)
    try:
        rendered = md.markdown(tamed(text), extensions=MARKDOWN_EXTENSIONS, output_format="html")
    except RecursionError:
        return plain_html(text)
    return nh3.clean(rendered, tags=tags, attributes=attributes, url_schemes={"http", "https", "mailto"},
                     link_rel=link_rel)


def plain_html(text: str) -> str:
    """Text shown as written, one paragraph per blank-line-separated block."""
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    return "".join(f"<p>{html_lib.escape(p).replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs if p)


def render_problems(text: str) -> list[RenderProblem]:
    """What in the text the renderer would not show as written: too long, too deep, or too many brackets."""
    if len(text or "") > MAX_RENDER_CHARS:
        return [RenderProblem(1, f"正文过长（最多{MAX_RENDER_CHARS}字） / longer than {MAX_RENDER_CHARS} characters")]
    problems: list[RenderProblem] = []
    _tame(text or "", problems)
    return sorted(problems, key=lambda problem: problem.line)


def tamed(text: str) -> str:
    """The text with constructs that make rendering superlinear turned into literal characters."""
    return _tame(text, None)


def _tame(text: str, problems: list[RenderProblem] | None) -> str:
    lines = text.split("\n")
    paragraph_start = 0
    for number, line in enumerate(lines):
        lines[number] = _tame_line(line, number, problems)
        if not line.strip():
            _tame_brackets(lines, paragraph_start, number, problems)
            paragraph_start = number + 1
    _tame_brackets(lines, paragraph_start, len(lines), problems)
    text = "\n".join(lines)
    if text.count("<") > BRACKETS_CHECKED_FROM:
        text = _escape_unclosed_tags(text, problems)
    return text


def _escape_unclosed_tags(text: str, problems: list[RenderProblem] | None) -> str:
    """A tag start whose '>' never comes before the next '<' is text: written as '&lt;', the HTML reader
    does not scan the rest of the post for its end, once per such '<'."""
    angles = [(m.start(), m.group(0)) for m in re.finditer(r"[<>]", text)]
    pieces, position, escaped = [], 0, 0
    for number, (start, char) in enumerate(angles):
        if char != "<" or not _TAG_START.match(text, start):
            continue
        if number + 1 < len(angles) and angles[number + 1][1] == ">":
            continue
        pieces.append(text[position:start])
        pieces.append("&lt;")
        position = start + 1
        escaped += 1
    if not escaped:
        return text
    pieces.append(text[position:])
    if problems is not None:
        problems.append(RenderProblem(1, f"有 {escaped} 个未闭合的尖括号标签 / {escaped} unclosed '<' tags"))
    return "".join(pieces)


def _tame_line(line: str, number: int, problems: list[RenderProblem] | None) -> str:
    quotes = _QUOTE_PREFIX.match(line)
    if quotes and quotes.group(0).count(">") > MAX_QUOTE_DEPTH:
        prefix = quotes.group(0)
        cut = _nth(prefix, ">", MAX_QUOTE_DEPTH) + 1
        line = prefix[:cut] + "\\" + line[cut:].lstrip(" ")
        if problems is not None:
            problems.append(RenderProblem(number + 1, f"引用嵌套超过 {MAX_QUOTE_DEPTH} 层 / quotes nested too deep"))
        return line
    start = quotes.end() if quotes else 0
    item = _LIST_ITEM.match(line, start)
    if item and len(item.group(1).expandtabs(4)) > MAX_LIST_INDENT:
        line = line[:start] + " " * MAX_LIST_INDENT + line[item.start(2):]
        if problems is not None:
            problems.append(RenderProblem(number + 1, f"列表缩进超过 {MAX_LIST_INDENT} 格 / a list nested too deep"))
    return line


def _tame_brackets(lines: list[str], start: int, end: int, problems: list[RenderProblem] | None) -> None:
    """Escape what makes a bracket-heavy paragraph rescan itself: unclosed or deep '[', and link targets
    '](…' that are unclosed, quoted or nested."""
    paragraph = "\n".join(lines[start:end])
    if paragraph.count("[") <= BRACKETS_CHECKED_FROM and paragraph.count("](") <= BRACKETS_CHECKED_FROM:
        return
    escape = _loose_brackets(paragraph) | _loose_link_targets(paragraph)
    if not escape:
        return
    paragraph = "".join("\\" + char if index in escape else char for index, char in enumerate(paragraph))
    lines[start:end] = paragraph.split("\n")
    if problems is not None:
        problems.append(RenderProblem(start + 1, f"这一段有 {len(escape)} 个未闭合或嵌套过深的括号 / "
                                                 f"{len(escape)} unclosed or deeply nested brackets"))


def _loose_brackets(paragraph: str) -> set[int]:
    open_at: list[tuple[int, bool]] = []  # each '[' still open, and whether it is nested too deep
    escape: set[int] = set()
    index = 0
    while index < len(paragraph):
        char = paragraph[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            open_at.append((index, len(open_at) >= MAX_BRACKET_DEPTH))
        elif char == "]" and open_at:
            opened, deep = open_at.pop()
            if deep:
                escape.update((opened, index))
        index += 1
    escape.update(opened for opened, _deep in open_at)
    return escape


def _loose_link_targets(paragraph: str) -> set[int]:
    """The '(' of each '](' whose target does not close before a quote or the next '](': the renderer would
    scan on from each of them. Each scan here stops at the next '](', so the pass is linear."""
    escape: set[int] = set()
    target = paragraph.find("](")
    while target != -1:
        following = paragraph.find("](", target + 2)
        stop = following if following != -1 else len(paragraph)
        depth, index, closed = 1, target + 2, False
        while index < stop:
            char = paragraph[index]
            if char in "\"'":
                break
            depth += (char == "(") - (char == ")")
            if depth == 0:
                closed = True
                break
            index += 1
        if not closed:
            escape.add(target + 1)
        target = following
    return escape


def _nth(text: str, char: str, n: int) -> int:
    index = -1
    for _ in range(n):
        index = text.index(char, index + 1)
    return index
