"""Mentions that would ping a whole group, and mention markup, turned into look-alikes that notify nobody."""
from __future__ import annotations

import re

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
    """Turn @all-style mentions into look-alikes that notify nobody."""
    return _MASS_MENTIONS.sub(lambda m: "＠" + m.group(0)[1:] if m.group(0).startswith("@")
                              else m.group(0).replace("<", "&lt;"), text or "")
