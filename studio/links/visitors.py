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

from crawleruseragents import is_crawler

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


@lru_cache(maxsize=4096)
def _agent_reason(agent: str) -> str:
    if CHAT_PREVIEW_FETCHERS.search(agent):
        return "preview"
    return "crawler" if is_crawler(agent) else ""


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
