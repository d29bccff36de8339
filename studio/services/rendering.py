"""Markdown to safe HTML, and plain-text forms for channels."""
from __future__ import annotations

import re

import markdown as md
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
                "h1", "h2", "h3", "h4", "h5", "h6", "a", "hr", "del", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

# Mentions that would ping a whole group on WeCom, Feishu, DingTalk, Slack or Telegram.
_MASS_MENTIONS = re.compile(r"@(all|所有人|全体成员|everyone|channel|here)(?![A-Za-z0-9_])"
                            r"|<at\s+(user_)?id=\"?all\"?\s*/?>", re.IGNORECASE)


def markdown_to_safe_html(text: str) -> str:
    """Render Markdown and strip anything a browser could run."""
    html = md.markdown(text or "", extensions=["extra", "sane_lists", "nl2br"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")


def defuse_mass_mentions(text: str) -> str:
    """Turn @all-style mentions into look-alikes that notify nobody."""
    return _MASS_MENTIONS.sub(lambda m: "＠" + m.group(0)[1:] if m.group(0).startswith("@")
                              else m.group(0).replace("<", "&lt;"), text or "")


def markdown_to_plain_text(text: str) -> str:
    """A readable plain-text form of a Markdown post (links keep their address), for channels without Markdown."""
    from workers.channels.formatting import to_plain_text

    return to_plain_text(text or "")
