"""Who opened a short link: a person, or a link preview or robot counted apart; and a key for uniques.

No address or browser string is kept. A person is known by a first-party cookie holding a random id, or,
without one, by a hash of address and browser string salted with a secret that changes every day, so that
nothing stored can be traced back across days.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from functools import lru_cache
from re import _constants, _parser  # the expressions' structure, as re itself reads it

from crawleruseragents import CRAWLER_PATTERNS

VISITOR_COOKIE = "studio_visitor"
VISITOR_COOKIE_DAYS = 365
VISITOR_KEY = re.compile(r"[0-9a-f]{32}")
# Chat platforms fetch a link to draw its preview card the moment it is posted; none of these is a reader.
# crawler-user-agents knows the web's crawlers and most unfurlers; these are the chat apps' own fetchers.
CHAT_PREVIEW_FETCHERS = re.compile(
    r"slackbot|slack-imgproxy|telegrambot|facebookexternalhit|facebot|twitterbot|discordbot|whatsapp/|"
    r"linkedinbot|skypeuripreview|bitlybot|embedly|iframely|"
    r"lark-?link|feishu-?(?:link|bot|preview)|larkbot|dingtalk-?(?:bot|link)|dingtalkbot|"
    r"wxwork-?(?:bot|preview)|wecom-?(?:bot|preview)|wechat-?(?:bot|preview)|micromessenger-?preview",
    re.IGNORECASE)


def robot_reason(method: str, user_agent: str) -> str:
    """Why this request is not a person ("" when it is one): a HEAD, no User-Agent, a preview or a crawler."""
    if method == "HEAD":
        return "head"
    agent = (user_agent or "").strip()
    if not agent:
        return "no-user-agent"
    return _agent_reason(agent[:512])


# The same expression without IGNORECASE, for browser strings in ASCII lowercased first: ten times faster.
CHAT_PREVIEW_FETCHERS_LOWER = re.compile(CHAT_PREVIEW_FETCHERS.pattern)


@lru_cache(maxsize=4096)
def _agent_reason(agent: str) -> str:
    if (CHAT_PREVIEW_FETCHERS_LOWER.search(agent.lower()) if agent.isascii()
            else CHAT_PREVIEW_FETCHERS.search(agent)):
        return "preview"
    return "crawler" if _crawler_patterns().matches(agent) else ""


class CrawlerPatterns:
    """is_crawler of crawler-user-agents, without searching every one of its 61 expressions for each person.

    Each of the library's own compiled expressions is an alternation of about 25 patterns, and each pattern
    contains a run of plain text that any match must contain. An expression is searched only when one of
    its patterns' texts occurs in the browser string (found through its first three characters), so the
    answer is the library's, for a fraction of the time (~0.5 ms a person before)."""

    def __init__(self, expressions: list[re.Pattern]):
        self.expressions = expressions
        self.always: set[int] = set()  # expressions with a pattern whose text could not be told
        self.texts: dict[str, list[tuple[str, int]]] = {}  # first three characters -> (text, expression)
        for number, expression in enumerate(expressions):
            for text in _required_texts(expression):
                if len(text) < 3:
                    self.always.add(number)
                else:
                    self.texts.setdefault(text[:3], []).append((text, number))
        self.starts = frozenset(self.texts)

    def matches(self, agent: str) -> bool:
        wanted = set(self.always)
        for start in {agent[i:i + 3] for i in range(len(agent) - 2)} & self.starts:
            wanted.update(number for text, number in self.texts[start] if text in agent)
        return any(self.expressions[number].search(agent) for number in sorted(wanted))


def _required_texts(expression: re.Pattern) -> list[str]:
    """For each alternative of the expression, its longest run of literal characters ("" when unknown)."""
    try:
        tree = _parser.parse(expression.pattern, expression.flags)
    except Exception:  # noqa: BLE001  an expression this cannot read is simply always searched
        return [""]
    if tree.state.flags & re.IGNORECASE:
        return [""]
    branches = tree.data[0][1][1] if len(tree.data) == 1 and tree.data[0][0] is _constants.BRANCH else [tree]
    texts = []
    for branch in branches:
        longest, run = "", ""
        for op, argument in list(branch) + [(None, None)]:
            if op is _constants.LITERAL:
                run += chr(argument)
            else:
                longest, run = max(longest, run, key=len), ""
        texts.append(longest)
    return texts


@lru_cache(maxsize=1)
def _crawler_patterns() -> CrawlerPatterns:
    return CrawlerPatterns(CRAWLER_PATTERNS._chunks_case_sensitive)  # what is_crawler(agent) searches


def visitor_key(cookie: str, address: str, user_agent: str, secret: str, day: date) -> str:
    """The visitor's key: the one its cookie carries, else a hash of address and browser string under the
    day's salt (the caller then sets the cookie to it, so the person keeps it on later days)."""
    if VISITOR_KEY.fullmatch(cookie or ""):
        return cookie
    salt = _daily_salt(secret, day)
    material = f"{address}\n{(user_agent or '')[:512]}"
    return hmac.new(salt, material.encode(), hashlib.sha256).hexdigest()[:32]


@lru_cache(maxsize=4)
def _daily_salt(secret: str, day: date) -> bytes:
    return hmac.new(secret.encode(), f"visitors:{day.isoformat()}".encode(), hashlib.sha256).digest()
