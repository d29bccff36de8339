"""Markdown → each chat platform's own syntax.

A post is parsed once (Markdown → sanitised HTML → a small tree → a flat list of blocks) and then
rendered by a *dialect*: plain text, WeCom markdown, DingTalk markdown, Feishu lark_md, Slack mrkdwn or
Telegram MarkdownV2. Feishu's rich-text "post" is a JSON structure rather than a string, so it has its own
builder here too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown as md
import nh3

_TAGS = {"p", "br", "strong", "em", "b", "i", "del", "s", "ul", "ol", "li", "blockquote", "code", "pre",
         "h1", "h2", "h3", "h4", "h5", "h6", "a", "hr", "img", "table", "thead", "tbody", "tr", "th", "td"}
_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "code": {"class"}, "ol": {"start"}}
_INLINE = {"strong", "b", "em", "i", "del", "s", "code", "a", "br", "img"}
_VOID = {"br", "hr", "img"}
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


# ---------------------------------------------------------------- parsing


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
    html = md.markdown(markdown_text or "", extensions=["extra", "sane_lists", "nl2br"], output_format="html")
    html = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel=None)
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    _strikethrough(builder.root)
    _merge_adjacent(builder.root)
    return builder.root


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
        return _squash(plain(Node("h", children=blocks[0].inlines)))[:limit], blocks[1:]
    return "", blocks


def first_line(markdown_text: str, limit: int = 60) -> str:
    """A short preview line: the first heading or the first line of text."""
    for block in parse_blocks(markdown_text):
        text = block.text if block.kind == "code" else plain(Node("x", children=block.inlines))
        for line in text.splitlines():
            if line.strip():
                line = _squash(line)
                return line if len(line) <= limit else line[:limit - 1] + "…"
    return ""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- dialects


def _wrap(inner: str, opening: str, closing: str) -> str:
    """Markers hug the text: surrounding whitespace stays outside them."""
    core = inner.strip()
    if not core:
        return inner
    lead = inner[:len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{opening}{core}{closing}{trail}"


class Dialect:
    """Plain text; subclasses override what their platform can show."""

    paragraph_gap = "\n\n"
    item_indent = "  "

    def escape(self, text: str) -> str:
        return text

    def strong(self, inner: str) -> str:
        return inner

    def em(self, inner: str) -> str:
        return inner

    def strike(self, inner: str) -> str:
        return inner

    def code(self, text: str) -> str:
        return self.escape(text)

    def link(self, inner: str, href: str, text: str) -> str:
        if not href or href == text or href == f"mailto:{text}":
            return inner or self.escape(href)
        return f"{inner} {self.escape(href)}" if inner.strip() else self.escape(href)

    def image(self, alt: str, src: str) -> str:
        label = self.escape(f"[图片{('：' + alt) if alt else ''}]")
        return self.link(label, src, "") if src else label

    def line_break(self) -> str:
        return "\n"

    def heading(self, inner: str, level: int) -> str:
        return inner

    def item_marker(self, marker: str, ordered: bool) -> str:
        return self.escape(marker)

    def code_block(self, text: str, lang: str) -> str:
        return self.escape(text)

    def rule(self) -> str:
        return "——————"

    def quote_line(self, line: str, depth: int) -> str:
        return "> " * depth + line

    def join(self, parts: list[str]) -> str:
        return "".join(parts)

    def finish(self, text: str) -> str:
        return text


class WeComMarkdown(Dialect):
    """企业微信 markdown: headings, bold, links, inline code, quotes; no lists, italics or code blocks."""

    def strong(self, inner):
        return _wrap(inner, "**", "**")

    def code(self, text):
        return f"`{text}`" if "`" not in text else text

    def link(self, inner, href, text):
        return f"[{inner.strip() or href}]({href})" if href else inner

    def heading(self, inner, level):
        return f"{'#' * min(level, 6)} {inner}"

    def finish(self, text):
        return neutralise_tags(text)


class DingTalkMarkdown(Dialect):
    """钉钉 markdown: headings, bold, italic, links, images, lists, quotes; hard breaks need two spaces."""

    item_indent = "    "

    def strong(self, inner):
        return _wrap(inner, "**", "**")

    def em(self, inner):
        return _wrap(inner, "*", "*")

    def link(self, inner, href, text):
        return f"[{inner.strip() or href}]({href})" if href else inner

    def image(self, alt, src):
        return f"![{alt}]({src})" if src else alt

    def line_break(self):
        return "  \n"

    def heading(self, inner, level):
        return f"{'#' * min(level, 6)} {inner}"

    def item_marker(self, marker, ordered):
        return marker if ordered else "-"

    def code_block(self, text, lang):
        return "  \n".join(text.splitlines())


class LarkMarkdown(Dialect):
    """Feishu card lark_md: bold, italic, strikethrough, links; no headings (they become bold lines)."""

    def strong(self, inner):
        return _wrap(inner, "**", "**")

    def em(self, inner):
        return _wrap(inner, "*", "*")

    def strike(self, inner):
        return _wrap(inner, "~~", "~~")

    def link(self, inner, href, text):
        return f"[{inner.strip() or href}]({href})" if href else inner

    def heading(self, inner, level):
        return _wrap(inner, "**", "**")

    def finish(self, text):
        return neutralise_tags(text)


class SlackMrkdwn(Dialect):
    """Slack mrkdwn: *bold*, _italic_, ~strike~, `code`, <url|text>; & < > must be escaped."""

    def escape(self, text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def strong(self, inner):
        return _wrap(inner, "*", "*")

    def em(self, inner):
        return _wrap(inner, "_", "_")

    def strike(self, inner):
        return _wrap(inner, "~", "~")

    def code(self, text):
        return f"`{self.escape(text)}`" if "`" not in text else self.escape(text)

    def link(self, inner, href, text):
        if not href:
            return inner
        label = self.escape(_squash(text)).replace("|", "¦")
        target = href.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
        return f"<{target}|{label}>" if label and label != target else f"<{target}>"

    def heading(self, inner, level):
        return _wrap(inner, "*", "*")

    def code_block(self, text, lang):
        return f"```\n{self.escape(text)}\n```"

    def rule(self):
        return "———"


_TELEGRAM_SPECIAL = re.compile(r"([_*\[\]()~`>#+\-=|{}.!\\])")


def telegram_escape(text: str) -> str:
    """Escape every MarkdownV2 special character (and the backslash) in ordinary text."""
    return _TELEGRAM_SPECIAL.sub(r"\\\1", text)


class TelegramMarkdownV2(Dialect):
    """Telegram MarkdownV2: every special character outside our own markup is backslash-escaped."""

    def escape(self, text):
        return telegram_escape(text)

    def strong(self, inner):
        return _wrap(inner, "*", "*")

    def em(self, inner):
        return _wrap(inner, "_", "_")

    def strike(self, inner):
        return _wrap(inner, "~", "~")

    def code(self, text):
        return "`" + text.replace("\\", "\\\\").replace("`", "\\`") + "`"

    def link(self, inner, href, text):
        if not href:
            return inner
        target = href.replace("\\", "\\\\").replace(")", "\\)")
        return f"[{inner.strip() or self.escape(href)}]({target})"

    def heading(self, inner, level):
        return _wrap(inner, "*", "*")

    def code_block(self, text, lang):
        body = text.replace("\\", "\\\\").replace("`", "\\`")
        lang = re.sub(r"[^A-Za-z0-9_+-]", "", lang)
        return f"```{lang}\n{body}\n```"

    def rule(self):
        return "———"

    def quote_line(self, line, depth):
        return ">" + line

    def join(self, parts):
        # "_a_" next to "_b_" would read as "__" (underline); Telegram ignores a \r put between them.
        text = ""
        for part in parts:
            if text.endswith("_") and part.startswith("_"):
                text += "\r"
            text += part
        return text


class TelegramVisible(Dialect):
    """What a Telegram reader sees once MarkdownV2 is parsed: used to measure the 4096-character limit."""

    def code_block(self, text, lang):
        return text + "\n"

    def rule(self):
        return TelegramMarkdownV2.rule(self)

    def link(self, inner, href, text):
        return inner or href

    def quote_line(self, line, depth):
        return line


_ACTIVE = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "del": "strike", "s": "strike"}


def render_inlines(nodes: list, dialect: Dialect, active: frozenset = frozenset()) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(dialect.escape(node.replace("\n", " ")))
            continue
        tag = node.tag
        if tag in _ACTIVE:
            style = _ACTIVE[tag]
            inner = render_inlines(node.children, dialect, active | {style})
            parts.append(inner if style in active else getattr(dialect, style)(inner))
        elif tag == "code":
            parts.append(dialect.code(plain(node)))
        elif tag == "a":
            inner = render_inlines(node.children, dialect, active)
            parts.append(dialect.link(inner, node.attrs.get("href", ""), plain(node)))
        elif tag == "br":
            parts.append(dialect.line_break())
        elif tag == "img":
            parts.append(dialect.image(node.attrs.get("alt", ""), node.attrs.get("src", "")))
        else:
            parts.append(render_inlines(node.children, dialect, active))
    # Every newline left here came from a line break: spaces around it are noise.
    return re.sub(r"[ \t]*\n[ \t]*", lambda _m: dialect.line_break(), dialect.join(parts))


def render_blocks(blocks: list[Block], dialect: Dialect) -> str:
    pieces: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if block.kind == "heading":
            body = dialect.heading(render_inlines(block.inlines, dialect, frozenset({"strong"})).strip(),
                                   block.level)
        elif block.kind == "item":
            inner = render_inlines(block.inlines, dialect).strip()
            indent = dialect.item_indent * max(block.depth - 1, 0)
            if block.marker:
                body = f"{indent}{dialect.item_marker(block.marker, block.ordered)} {inner}"
            else:
                body = f"{indent}{dialect.item_indent}{inner}"
        elif block.kind == "code":
            body = dialect.code_block(block.text, block.lang)
        elif block.kind == "rule":
            body = dialect.rule()
        else:
            indent = dialect.item_indent * block.depth
            body = indent + render_inlines(block.inlines, dialect).strip()
        if block.quote:
            body = "\n".join(dialect.quote_line(line, block.quote) for line in body.split("\n"))
        if previous is not None:
            tight = _same_list(previous, block)
            pieces.append("\n" if tight else dialect.paragraph_gap)
        pieces.append(body)
        previous = block
    return dialect.finish("".join(pieces).strip("\n"))


def _same_list(previous: Block, block: Block) -> bool:
    return previous.kind == block.kind == "item" and previous.list_id == block.list_id


def render(markdown_text: str, dialect: Dialect) -> str:
    return render_blocks(parse_blocks(markdown_text), dialect)


def to_plain_text(markdown_text: str) -> str:
    return neutralise_tags(render(markdown_text, Dialect()))


_MENTION_TAGS = re.compile(r"<(?=\s*(?:at\b|@|!))", re.IGNORECASE)


def neutralise_tags(text: str) -> str:
    """Mention markup (<at …>, <@…>, <!…>) left in text must not ping anyone: use a look-alike '<'."""
    return _MENTION_TAGS.sub("＜", text)


# ---------------------------------------------------------------- Feishu post (rich text)

_FEISHU_STYLE = {"strong": "bold", "em": "italic", "strike": "lineThrough"}


def _feishu_elements(nodes: list, active: frozenset, line: list, lines: list) -> list:
    """Append the post elements for these inline nodes; a <br> starts a new line."""
    for node in nodes:
        if isinstance(node, str):
            _feishu_text(line, node.replace("\n", " "), active)
            continue
        tag = node.tag
        if tag in _ACTIVE:
            line = _feishu_elements(node.children, active | {_ACTIVE[tag]}, line, lines)
        elif tag == "br":
            lines.append(line)
            line = []
        elif tag == "a" and node.attrs.get("href"):
            line.append({"tag": "a", "text": _squash(plain(node)) or node.attrs["href"],
                         "href": node.attrs["href"]})
        elif tag == "img":
            src = node.attrs.get("src", "")
            label = f"[图片{('：' + node.attrs.get('alt')) if node.attrs.get('alt') else ''}]"
            line.append({"tag": "a", "text": label, "href": src} if src else {"tag": "text", "text": label})
        else:
            line = _feishu_elements(node.children, active, line, lines)
    return line


def _feishu_text(line: list, text: str, active: frozenset) -> None:
    if not text:
        return
    text = neutralise_tags(text)
    style = sorted(_FEISHU_STYLE[s] for s in active if s in _FEISHU_STYLE)
    last = line[-1] if line else None
    if last and last["tag"] == "text" and last.get("style", []) == style:
        last["text"] += text
        return
    element = {"tag": "text", "text": text}
    if style:
        element["style"] = style
    line.append(element)


def _strip_line(line: list) -> list:
    if line and line[0]["tag"] == "text":
        line[0]["text"] = line[0]["text"].lstrip(" ")
    if line and line[-1]["tag"] == "text":
        line[-1]["text"] = line[-1]["text"].rstrip(" ")
    return [e for e in line if e["tag"] != "text" or e["text"]]


def _prepend(line: list, text: str) -> None:
    if line and line[0]["tag"] == "text" and not line[0].get("style"):
        line[0]["text"] = text + line[0]["text"]
    else:
        line.insert(0, {"tag": "text", "text": text})


def feishu_post_content(blocks: list[Block]) -> list[list[dict]]:
    """Blocks as Feishu post content: a list of lines, each a list of text/a elements."""
    content: list[list[dict]] = []
    previous: Block | None = None
    for block in blocks:
        if previous is not None and not _same_list(previous, block):
            content.append([])  # a blank line between paragraphs
        prefix = "> " * block.quote
        lines: list[list[dict]] = []
        if block.kind == "code":
            lines = [[{"tag": "text", "text": neutralise_tags(row)}] for row in block.text.split("\n")]
        elif block.kind == "rule":
            lines = [[{"tag": "text", "text": "——————"}]]
        else:
            active = frozenset({"strong"}) if block.kind == "heading" else frozenset()
            last = _feishu_elements(block.inlines, active, [], lines)
            lines.append(last)
            lines = [_strip_line(line) for line in lines]
            if block.kind == "item":
                indent = "  " * max(block.depth - 1, 0)
                lead = f"{indent}{block.marker} " if block.marker else f"{indent}  "
                _prepend(lines[0], lead)
            elif block.depth:
                _prepend(lines[0], "  " * block.depth)
        for line in lines:
            if prefix:
                _prepend(line, prefix)
            content.append(line)
        previous = block
    # Feishu wants no empty element lists: blank lines carry an empty text element.
    return [line or [{"tag": "text", "text": ""}] for line in content]


# ---------------------------------------------------------------- sizes


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


def defused(markdown_text: str) -> str:
    """The post as adapters receive it: mass mentions already defused (check() gets the raw body)."""
    return defuse_mass_mentions(markdown_text or "")


# Mentions that would ping a whole group on WeCom, Feishu, DingTalk, Slack or Telegram.
_MASS_MENTIONS = re.compile(r"@(all|所有人|全体成员|everyone|channel|here)(?![A-Za-z0-9_])"
                            r"|<at\s+(user_)?id=\"?all\"?\s*/?>", re.IGNORECASE)


def defuse_mass_mentions(text: str) -> str:
    """Turn @all-style mentions into look-alikes that notify nobody."""
    return _MASS_MENTIONS.sub(lambda m: "＠" + m.group(0)[1:] if m.group(0).startswith("@")
                              else m.group(0).replace("<", "&lt;"), text or "")
