"""Mentions that would ping a whole group, and mention markup, turned into look-alikes that notify nobody."""
from __future__ import annotations

import re

from studio.compliance.shown import shown_text

_MENTION_TAGS = re.compile(r"<(?=\s*(?:at\b|@|!))", re.IGNORECASE)


def neutralise_tags(text: str) -> str:
    """Mention markup (<at …>, <@…>, <!…>) left in text must not ping anyone: use a look-alike '<'."""
    return _MENTION_TAGS.sub("＜", text)


def defused(markdown_text: str) -> str:
    """The post as adapters receive it: mass mentions already defused (check() gets the raw body)."""
    return defuse_mass_mentions(markdown_text or "")


# Mentions that would ping a whole group on WeCom, Feishu, DingTalk, Slack or Telegram.
_MASS_MENTIONS = re.compile(r"@(all|所有人|全体成员|everyone|channel|here)(?![A-Za-z0-9_])"
                            r"|<at\s+(user_)?id=\"?all\"?\s*/?>", re.IGNORECASE)


def defuse_mass_mentions(text: str) -> str:
    """Turn @all-style mentions into look-alikes that notify nobody, found in the text as a reader sees it
    (character references decoded, invisible characters and emphasis dropped)."""
    text = text or ""
    shown = shown_text(text)
    pieces, position = [], 0
    for match in _MASS_MENTIONS.finditer(shown.text):
        start, end = shown.source_span(*match.span())
        if start < position:
            continue
        replacements = _LOOK_ALIKE_AT if match.group(0).startswith("@") else _ESCAPED_TAG
        pieces.append(text[position:start])
        pieces.append(shown.rewritten(text, *match.span(), replacements))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


_LOOK_ALIKE_AT = {"@": "＠"}
_ESCAPED_TAG = {"<": "&lt;"}


def defuse_shown_strings(strings: list[str]) -> list[str]:
    """Defuse mentions in text shown as consecutive pieces (a mention may be split by formatting)."""
    joined = "".join(strings)
    shown = shown_text(joined)
    at_positions = set()
    for match in _MASS_MENTIONS.finditer(shown.text):
        if match.group(0).startswith("@"):
            at_positions.add(shown.starts[match.start()])
    if not at_positions:
        return strings
    result, offset = [], 0
    for piece in strings:
        result.append("".join("＠" if offset + index in at_positions and char == "@" else char
                              for index, char in enumerate(piece)))
        offset += len(piece)
    return result
