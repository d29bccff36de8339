"""Markdown parsed once into a flat list of blocks: sanitised HTML, a small tree, then blocks every dialect renders."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from studio.channels.mentions import defuse_shown_strings
from studio.rendering import safe_html

_TAGS = {"p", "br", "strong", "em", "b", "i", "del", "s", "ul", "ol", "li", "blockquote", "code", "pre",
         "h1", "h2", "h3", "h4", "h5", "h6", "a", "hr", "img", "table", "thead", "tbody", "tr", "th", "td"}
_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "code": {"class"}, "ol": {"start"}}
_INLINE = {"strong", "b", "em", "i", "del", "s", "code", "a", "br", "img"}
_VOID = {"br", "hr", "img"}
MAX_TREE_DEPTH = 48
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


@dataclass
class Node:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # Node | str


@dataclass
class Block:
    kind: str  # "paragraph" | "heading" | "item" | "code" | "rule"
    inlines: list = field(default_factory=list)
    level: int = 0  # heading level
    depth: int = 0  # list nesting, 0 = top level
    marker: str = ""  # "•", "3." or "" for a continuation paragraph inside an item
    ordered: bool = False
    quote: int = 0  # blockquote nesting
    list_id: int = 0  # which top-level list an item belongs to
    text: str = ""  # code block body
    lang: str = ""


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        if len(self.stack) > MAX_TREE_DEPTH and tag not in _VOID:
            return  # the walks below recurse per level; deeper markup is kept as its text
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _tree(markdown_text: str) -> Node:
    html = safe_html(markdown_text, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None)
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    _strikethrough(builder.root)
    _merge_adjacent(builder.root)
    _defuse_mentions(builder.root)
    return builder.root


def _defuse_mentions(root: Node) -> None:
    """Mass mentions in the text as shown (references decoded, split by formatting) notify nobody."""
    leaves = _text_leaves(root)
    strings = [parent.children[index] for parent, index in leaves]
    for (parent, index), text in zip(leaves, defuse_shown_strings(strings)):
        parent.children[index] = text


def _text_leaves(root: Node) -> list[tuple[Node, int]]:
    """Where each piece of text sits, in document order."""
    leaves, stack = [], [(root, 0)]
    while stack:
        node, index = stack.pop()
        if index >= len(node.children):
            continue
        stack.append((node, index + 1))
        child = node.children[index]
        if isinstance(child, Node):
            stack.append((child, 0))
        else:
            leaves.append((node, index))
    return leaves


def _strikethrough(node: Node) -> None:
    """~~text~~ (GitHub style, not in Python-Markdown) becomes <del>, except inside code."""
    if node.tag in ("code", "pre"):
        return
    children: list = []
    for child in node.children:
        if isinstance(child, Node):
            _strikethrough(child)
            children.append(child)
            continue
        position = 0
        for match in _STRIKE.finditer(child):
            children.append(child[position:match.start()])
            children.append(Node("del", children=[match.group(1)]))
            position = match.end()
        children.append(child[position:])
    node.children = [c for c in children if not isinstance(c, str) or c]


_SAME = {"b": "strong", "i": "em", "s": "del"}


def _merge_adjacent(node: Node) -> None:
    """**a****b** is one bold run: adjacent twins would otherwise render as ambiguous markers (_a__b_)."""
    merged: list = []
    for child in node.children:
        if isinstance(child, Node):
            child.tag = _SAME.get(child.tag, child.tag)
            previous = merged[-1] if merged else None
            twins = isinstance(previous, Node) and previous.tag == child.tag
            if twins and child.tag in ("strong", "em", "del"):
                previous.children.extend(child.children)
                continue
        merged.append(child)
    node.children = merged
    for child in merged:  # after merging, so twins brought together inside are merged too
        if isinstance(child, Node):
            _merge_adjacent(child)


def plain(node) -> str:
    """The text inside a node, without any markup."""
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    if node.tag == "img":
        return node.attrs.get("alt", "")
    return "".join(plain(child) for child in node.children)


def _has_text(nodes: list) -> bool:
    return any((isinstance(n, str) and n.strip()) or (isinstance(n, Node) and (n.tag == "img" or _has_text(
        n.children))) for n in nodes)


def _walk(node: Node, out: list[Block], quote: int, depth: int, list_id: int = 0) -> None:
    pending: list = []

    def flush():
        if _has_text(pending):
            out.append(Block("paragraph", list(pending), quote=quote, depth=depth))
        pending.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag in _INLINE:
            pending.append(child)
            continue
        flush()
        tag = child.tag
        if tag == "p":
            if _has_text(child.children):
                out.append(Block("paragraph", child.children, quote=quote, depth=depth))
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            out.append(Block("heading", child.children, level=int(tag[1]), quote=quote))
        elif tag in ("ul", "ol"):
            ordered = tag == "ol"
            try:
                number = int(child.attrs.get("start") or 1)
            except ValueError:
                number = 1
            group = list_id or id(child)
            for item in (c for c in child.children if isinstance(c, Node) and c.tag == "li"):
                _item(item, out, quote, depth + 1, f"{number}." if ordered else "•", ordered, group)
                number += 1
        elif tag == "blockquote":
            _walk(child, out, quote + 1, depth, list_id)
        elif tag == "pre":
            code = next((c for c in child.children if isinstance(c, Node) and c.tag == "code"), child)
            lang = next((cls[len("language-"):] for cls in code.attrs.get("class", "").split()
                         if cls.startswith("language-")), "")
            out.append(Block("code", text=plain(code).rstrip("\n"), lang=lang, quote=quote, depth=depth))
        elif tag == "hr":
            out.append(Block("rule", quote=quote))
        elif tag == "table":
            for row in _rows(child):
                out.append(Block("paragraph", _join_cells(row), quote=quote, depth=depth))
        else:
            _walk(child, out, quote, depth, list_id)
    flush()


def _item(item: Node, out: list[Block], quote: int, depth: int, marker: str, ordered: bool,
          list_id: int) -> None:
    inlines: list = []
    rest: list = []
    for child in item.children:
        if isinstance(child, str) and not child.strip() and not inlines:
            continue
        if rest or not (isinstance(child, str) or child.tag in _INLINE or (child.tag == "p" and not inlines)):
            rest.append(child)
        elif isinstance(child, Node) and child.tag == "p":
            inlines.extend(child.children)
        else:
            inlines.append(child)
    out.append(Block("item", inlines, depth=depth, marker=marker, ordered=ordered, quote=quote,
                     list_id=list_id))
    if rest:
        tail: list[Block] = []
        _walk(Node("li", children=rest), tail, quote, depth, list_id)
        for block in tail:  # extra paragraphs of an item continue it, indented, without a marker
            if block.kind == "paragraph":
                block.kind, block.marker, block.list_id = "item", "", list_id
        out.extend(tail)


def _rows(table: Node) -> list[list[Node]]:
    rows = []
    for child in table.children:
        if isinstance(child, Node) and child.tag == "tr":
            rows.append([c for c in child.children if isinstance(c, Node) and c.tag in ("td", "th")])
        elif isinstance(child, Node):
            rows.extend(_rows(child))
    return rows


def _join_cells(cells: list[Node]) -> list:
    joined: list = []
    for index, cell in enumerate(cells):
        if index:
            joined.append(" | ")
        joined.extend(cell.children)
    return joined


def parse_blocks(markdown_text: str) -> list[Block]:
    """Markdown as a flat list of blocks, raw HTML stripped, for any dialect to render."""
    blocks: list[Block] = []
    _walk(_tree(markdown_text), blocks, 0, 0)
    return blocks


def split_title(blocks: list[Block], limit: int = 60) -> tuple[str, list[Block]]:
    """A title for platforms that want one: the leading heading (removed from the body) if any."""
    if blocks and blocks[0].kind == "heading":
        return squash_spaces(plain(Node("h", children=blocks[0].inlines)))[:limit], blocks[1:]
    return "", blocks


def first_line(markdown_text: str, limit: int = 60) -> str:
    """A short preview line: the first heading or the first line of text."""
    for block in parse_blocks(markdown_text):
        text = block.text if block.kind == "code" else plain(Node("x", children=block.inlines))
        for line in text.splitlines():
            if line.strip():
                line = squash_spaces(line)
                return line if len(line) <= limit else line[:limit - 1] + "…"
    return ""


def squash_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
