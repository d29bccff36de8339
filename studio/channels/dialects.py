"""Each chat platform's markup for the parsed blocks: plain text, WeCom and DingTalk markdown, Feishu lark_md,
Slack mrkdwn and Telegram MarkdownV2."""
from __future__ import annotations

import re

from studio.channels.blocks import Block, parse_blocks, plain, squash_spaces
from studio.channels.mentions import neutralise_tags


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
        label = self.escape(squash_spaces(text)).replace("|", "¦")
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


ACTIVE_STYLES = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "del": "strike", "s": "strike"}


def render_inlines(nodes: list, dialect: Dialect, active: frozenset = frozenset()) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(dialect.escape(node.replace("\n", " ")))
            continue
        tag = node.tag
        if tag in ACTIVE_STYLES:
            style = ACTIVE_STYLES[tag]
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
            tight = same_list(previous, block)
            pieces.append("\n" if tight else dialect.paragraph_gap)
        pieces.append(body)
        previous = block
    return dialect.finish("".join(pieces).strip("\n"))


def same_list(previous: Block, block: Block) -> bool:
    return previous.kind == block.kind == "item" and previous.list_id == block.list_id


def render(markdown_text: str, dialect: Dialect) -> str:
    return render_blocks(parse_blocks(markdown_text), dialect)


def to_plain_text(markdown_text: str) -> str:
    return neutralise_tags(render(markdown_text, Dialect()))
