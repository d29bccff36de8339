"""Tracked short links: `/l/<token>` sends a reader to a stored destination with UTM tags, and counts."""
from __future__ import annotations

import secrets
import string
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import update

from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.models import ShortLink, utcnow

TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 10  # 62^10: not guessable by walking the space
MAX_DESTINATION = 2000
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")


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


def create_link(destination: str, *, brand_id: int | None = None, utm: dict | None = None) -> ShortLink:
    """A new short link with a random token; added to the session, committed by the caller."""
    tags = {key: str(value) for key, value in (utm or {}).items() if key in UTM_KEYS and value}
    link = ShortLink(token=new_token(), destination=check_destination(destination), brand_id=brand_id,
                     utm=tags, clicks=0)
    db.session.add(link)
    db.session.flush()
    return link


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def short_url(base_url: str, token: str) -> str:
    """The public address of a short link."""
    return f"{base_url.rstrip('/')}/l/{token}"


def destination_with_utm(destination: str, utm: dict) -> str:
    """The destination with its own query string kept and the UTM tags it does not set itself added."""
    parts = urlsplit(destination)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    query += [(key, value) for key, value in utm.items() if key in UTM_KEYS and key not in present]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def follow_link(token: str, *, count: bool = True) -> str:
    """Count a click (unless told not to) and return where it goes; only ever a stored http(s) destination."""
    link = db.session.scalar(db.select(ShortLink).where(ShortLink.token == token)) if _plausible(token) else None
    if link is None:
        raise NotFound("没有这个链接 / no such link")
    target = destination_with_utm(check_destination(link.destination), link.utm or {})
    if not count:
        return target
    # One UPDATE, so clicks arriving together are all counted.
    db.session.execute(update(ShortLink).where(ShortLink.id == link.id)
                       .values(clicks=ShortLink.clicks + 1, last_clicked_at=utcnow()))
    db.session.commit()
    return target


def _plausible(token: str) -> bool:
    return 8 <= len(token) <= 32 and all(char in TOKEN_ALPHABET for char in token)


def get_link(token: str) -> ShortLink:
    link = db.session.scalar(db.select(ShortLink).where(ShortLink.token == token))
    if link is None:
        raise NotFound("没有这个链接 / no such link")
    return link
