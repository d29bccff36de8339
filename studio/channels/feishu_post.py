"""Feishu's rich-text "post": a JSON structure of lines and styled elements rather than a string."""
from __future__ import annotations

from studio.channels.blocks import Block, plain, squash_spaces
from studio.channels.dialects import ACTIVE_STYLES, same_list
from studio.channels.mentions import neutralise_tags

_FEISHU_STYLE = {"strong": "bold", "em": "italic", "strike": "lineThrough"}


def _feishu_elements(nodes: list, active: frozenset, line: list, lines: list) -> list:
    """Append the post elements for these inline nodes; a <br> starts a new line."""
    for node in nodes:
        if isinstance(node, str):
            _feishu_text(line, node.replace("\n", " "), active)
            continue
        tag = node.tag
        if tag in ACTIVE_STYLES:
            line = _feishu_elements(node.children, active | {ACTIVE_STYLES[tag]}, line, lines)
        elif tag == "br":
            lines.append(line)
            line = []
        elif tag == "a" and node.attrs.get("href"):
            line.append({"tag": "a", "text": squash_spaces(plain(node)) or node.attrs["href"],
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
        if previous is not None and not same_list(previous, block):
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
