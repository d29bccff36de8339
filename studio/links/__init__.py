"""Tracked short links: `/l/<token>` sends a reader to a stored destination with UTM tags, and counts."""
from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app
from sqlalchemy import delete

from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.links.recorder import Click, recorder
from studio.links.visitors import robot_reason, visitor_key
from studio.models import STUDIO_SETTINGS, Brand, LinkClick, ShortLink, utcnow

TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 10  # 62^10: not guessable by walking the space
MAX_DESTINATION = 2000
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
CLICK_PARAM = "click_ref"  # names the link to the shop, for orders; only for brands that take orders
ORDER_SECRET = "order_webhook_secret"  # in the brand's studio settings; see conversions.py


def conversions_on(brand_settings: dict | None) -> bool:
    """Whether a brand with these settings takes orders by webhook, and so wants its links' tokens passed on."""
    return bool(((brand_settings or {}).get(STUDIO_SETTINGS) or {}).get(ORDER_SECRET))


def check_destination(url: str) -> str:
    """The destination as given, if it is an absolute http(s) address without credentials."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        parts, hostname = None, None
    if not parts or parts.scheme not in ("http", "https") or not hostname:
        raise InvalidInput(f"链接必须是 http(s) 地址 / the link must be an http(s) address: {url[:120]!r}")
    if parts.username or parts.password:
        raise InvalidInput("链接不能带用户名或密码 / the link must not carry a user name or password")
    if len(url) > MAX_DESTINATION or any(ord(char) < 33 for char in url):
        raise InvalidInput("链接过长或含空白字符 / the link is too long or contains spaces or control characters")
    return url


def create_link(destination: str, *, brand_id: int | None = None, utm: dict | None = None,
                post_id: int | None = None, segment_id: int | None = None, channel_id: int | None = None,
                delivery_id: int | None = None) -> ShortLink:
    """A new short link with a random token; added to the session, committed by the caller."""
    tags = {key: str(value) for key, value in (utm or {}).items() if key in UTM_KEYS and value}
    link = ShortLink(token=new_token(), destination=check_destination(destination), brand_id=brand_id,
                     utm=tags, clicks=0, unique_clicks=0, bot_clicks=0, post_id=post_id, segment_id=segment_id,
                     channel_id=channel_id, delivery_id=delivery_id)
    db.session.add(link)
    db.session.flush()
    return link


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def short_url(base_url: str, token: str) -> str:
    """The public address of a short link."""
    return f"{base_url.rstrip('/')}/l/{token}"


def destination_with_utm(destination: str, utm: dict) -> str:
    """The destination with its own query string kept and the UTM tags (and click_ref) it does not set itself
    added."""
    parts = urlsplit(destination)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    query += [(key, value) for key, value in utm.items() if key in UTM_KEYS + (CLICK_PARAM,) and key not in present]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@dataclass(frozen=True)
class Visit:
    """What the redirect knows of one request, before anything about it is kept."""

    method: str
    user_agent: str
    address: str
    cookie: str = ""


@dataclass(frozen=True)
class Followed:
    target: str
    visitor: str  # the key the visitor's cookie should carry; "" for a robot


def follow_link(token: str, visit: Visit) -> Followed:
    """Count the request (a person, once more if seen before, or a robot apart) and say where it goes.

    Only ever a stored http(s) destination. Counters move by UPDATE ... + n and a visitor is recognised by
    an insert that finds its row taken, so clicks arriving together are all counted, and counted once; the
    request returns once its click is committed (see recorder.py).
    """
    link_id, target = _resolve(token)
    now = utcnow()
    reason = robot_reason(visit.method, visit.user_agent)
    visitor = "" if reason else visitor_key(visit.cookie, visit.address, visit.user_agent,
                                            current_app.config["SECRET_KEY"], now.date())
    recorder(current_app._get_current_object()).record(Click(link_id, now, visitor, reason))
    return Followed(target, visitor)


def _resolve(token: str) -> tuple[int, str]:
    """A token's link id and where it leads, from a short-lived cache: a burst reads each link once."""
    cached = _resolved.get(token)
    if cached is not None and cached[2] > time.monotonic():
        return cached[0], cached[1]
    link = db.session.execute(db.select(ShortLink.id, ShortLink.destination, ShortLink.utm, Brand.settings)
                              .outerjoin(Brand, Brand.id == ShortLink.brand_id)
                              .where(ShortLink.token == token)).first() if _plausible(token) else None
    db.session.rollback()  # the read ends here: the click writer, not this request, writes
    if link is None:
        raise NotFound("没有这个链接 / no such link")
    tags = dict(link.utm or {})
    if conversions_on(link.settings):  # the shop sends the token back with an order: see conversions.py
        tags[CLICK_PARAM] = token
    target = destination_with_utm(check_destination(link.destination), tags)
    if len(_resolved) >= RESOLVED_CACHE_SIZE:
        _resolved.clear()
    _resolved[token] = (link.id, target, time.monotonic() + RESOLVED_CACHE_SECONDS)
    return link.id, target


# Links never change after they are made; the cache only saves a read per click in a burst.
RESOLVED_CACHE_SECONDS = 30.0
RESOLVED_CACHE_SIZE = 10_000
_resolved: dict[str, tuple[int, str, float]] = {}


def forget_old_clicks(retention_days: float) -> int:
    """Delete click events past the retention period; the counters and visitor keys stay."""
    cutoff = utcnow() - timedelta(days=retention_days)
    deleted = db.session.execute(delete(LinkClick).where(LinkClick.at < cutoff)).rowcount
    db.session.commit()
    return deleted


def _plausible(token: str) -> bool:
    return 8 <= len(token) <= 32 and all(char in TOKEN_ALPHABET for char in token)


def get_link(token: str) -> ShortLink:
    link = db.session.scalar(db.select(ShortLink).where(ShortLink.token == token))
    if link is None:
        raise NotFound("没有这个链接 / no such link")
    return link
