"""API tokens: scoped, hashed, expiring and revocable bearer tokens for /api/v1.

What a token may do is the intersection of three things: the user's role in a brand (their membership;
a site admin holds every brand), the token's scopes, and the token's brand (none: every brand the user
is a member of). Only a token's sha256 digest is stored; the token itself is shown once, when it is made.
"""
from __future__ import annotations

import hashlib
import logging
import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, update

from studio import audit, memberships
from studio.distribution import rate_budget
from studio.errors import Forbidden, InvalidInput, NotFound, StudioError
from studio.extensions import db
from studio.models import ApiToken, Brand, User, utcnow

log = logging.getLogger(__name__)

# What a token can be given, each one a kind of request; the brand role it needs still applies.
SCOPES = (
    "knowledge:read",  # search a brand's knowledge
    "posts:read",      # read briefs, posts, revisions, lint findings, the review queue, deliveries, rituals, calendar
    "posts:write",     # briefs, edits, submitting, regenerating, posters, rituals, tracked links (editor)
    "review",          # approve posts or send them back (reviewer)
    "schedule",        # schedule and reschedule, groups and audiences, failed deliveries (editor or reviewer)
    "analytics:read",  # tracked links' clicks and breakdown reports
)
TOKEN_MARK = "cs_"
PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, so an API client does not cost a write per request.
LAST_USED_EVERY = timedelta(minutes=1)
MAX_EXPIRY_DAYS = 3650
RATE_WINDOW_SECONDS = 60.0


class TokenRefused(StudioError):
    """No token, an unknown one, or one that expired or was revoked."""

    status = 401


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_scopes(scopes) -> list[str]:
    """The scopes in SCOPES order, all of them when none are named; InvalidInput names an unknown one."""
    named = [scope.strip() for item in (scopes or ()) for scope in str(item).split(",") if scope.strip()]
    unknown = [scope for scope in named if scope not in SCOPES]
    if unknown:
        raise InvalidInput(f"未知的权限范围 {unknown[0]!r} / unknown scope {unknown[0]!r}: "
                           f"one of {', '.join(SCOPES)}")
    return [scope for scope in SCOPES if scope in named] if named else list(SCOPES)


def issue_token(username: str, *, brand: str | None = None, scopes=None, expires_days: int | None = None,
                name: str = "", issued_by: User | None = None) -> tuple[str, ApiToken]:
    """Make a token for the user and return it with its row; the token's text is never stored or shown again.

    ``brand`` (a slug) limits the token to that brand, of which the user must be a member (a site admin is
    a member of all). ``issued_by`` is the person asking on the web, who may only make their own tokens;
    None is the command line."""
    user = memberships.user_named(username)
    if issued_by is not None and issued_by.id != user.id:
        raise Forbidden("只能为自己创建令牌 / you can only make tokens of your own")
    granted = check_scopes(scopes)
    brand_row = None
    if brand:
        brand_row = db.session.scalar(db.select(Brand).where(Brand.slug == brand))
        if brand_row is None or (issued_by is not None and user.role_in(brand_row.id) is None):
            raise NotFound(f"没有品牌 {brand!r} / unknown brand {brand!r}")
        if user.role_in(brand_row.id) is None:
            raise InvalidInput(f"{username} 不是品牌 {brand!r} 的成员 / {username} is not a member of brand "
                               f"{brand!r}")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise InvalidInput(f"有效天数应在 1 到 {MAX_EXPIRY_DAYS} 之间 / expiry must be 1 to {MAX_EXPIRY_DAYS} days")
    if len(name or "") > 100:
        raise InvalidInput("令牌名称最多100字 / a token's name is at most 100 characters")
    token = TOKEN_MARK + _token_body()
    now = utcnow()
    row = ApiToken(user_id=user.id, brand_id=brand_row.id if brand_row else None, scopes=granted,
                   prefix=token[len(TOKEN_MARK):len(TOKEN_MARK) + PREFIX_LENGTH], digest=digest_of(token),
                   name=(name or "").strip(), created_at=now,
                   expires_at=now + timedelta(days=expires_days) if expires_days else None)
    db.session.add(row)
    audit.record("api_token.issue", actor_id=issued_by.id if issued_by else None,
                 brand_id=row.brand_id, detail=f"{username}: {row.prefix} ({', '.join(granted)})")
    db.session.commit()
    return token, row


def state_of(row: ApiToken, now: datetime | None = None) -> str:
    """active, expired or revoked."""
    now = now or utcnow()
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "active"


def describe(row: ApiToken, now: datetime | None = None) -> dict:
    """A token as lists show it: never its text or digest."""
    stamp = lambda moment: moment.isoformat(timespec="seconds") + "Z" if moment else None  # noqa: E731
    return {"id": row.id, "prefix": row.prefix, "name": row.name or "",
            "brand": row.brand.slug if row.brand is not None else None, "scopes": list(row.scopes or []),
            "created_at": stamp(row.created_at), "expires_at": stamp(row.expires_at),
            "last_used_at": stamp(row.last_used_at), "revoked_at": stamp(row.revoked_at),
            "state": state_of(row, now)}


def list_tokens(username: str) -> list[dict]:
    """The user's tokens, newest first, revoked and expired ones included."""
    user = memberships.user_named(username)
    now = utcnow()
    rows = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.id.desc())).all()
    return [describe(row, now) for row in rows]


def _token_body() -> str:
    """43 URL-safe characters; the prefix shown in lists starts with a letter or digit, so that it can be typed
    after a command (a leading '-' would read as an option)."""
    while True:
        body = secrets.token_urlsafe(32)
        if body[0].isalnum():
            return body


def revoke_token(username: str, which: str | int, revoked_by: User | None = None) -> dict:
    """Revoke one of the user's tokens, named by its id (an int), or by its prefix, its full text or its id
    (a string); revoking it again changes nothing. NotFound when the user has no such token."""
    user = memberships.user_named(username)
    query = db.select(ApiToken).where(ApiToken.user_id == user.id)
    if isinstance(which, int):
        found = db.session.scalars(query.where(ApiToken.id == which)).all()
    else:
        text = (which or "").strip()
        if text.startswith(TOKEN_MARK) and len(text) > len(TOKEN_MARK) + PREFIX_LENGTH:
            found = db.session.scalars(query.where(ApiToken.digest == digest_of(text))).all()
        else:
            found = db.session.scalars(query.where(ApiToken.prefix == text.removeprefix(TOKEN_MARK))).all() \
                if text else []
            if not found and text.isdigit():
                found = db.session.scalars(query.where(ApiToken.id == int(text))).all()
    if not found:
        raise NotFound(f"{username} 没有令牌 {str(which)!r} / {username} has no token {str(which)!r}")
    if len(found) > 1:
        raise InvalidInput(f"前缀 {which!r} 对应多个令牌，请用编号 / prefix {which!r} names several tokens: use the id "
                           f"({', '.join(str(row.id) for row in found)})")
    row = found[0]
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("api_token.revoke", actor_id=revoked_by.id if revoked_by else None, brand_id=row.brand_id,
                     detail=f"{username}: {row.prefix}")
        db.session.commit()
    return describe(row)


def authenticate(token: str) -> ApiToken:
    """The token's row when it may be used now, or TokenRefused saying why not; records when it was used."""
    if not token:
        raise TokenRefused("missing or invalid API token")
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.digest == digest_of(token)))
    if row is None:
        raise TokenRefused("missing or invalid API token")
    now = utcnow()
    if row.revoked_at is not None:
        raise TokenRefused("this API token was revoked")
    if row.expires_at is not None and row.expires_at <= now:
        raise TokenRefused("this API token has expired")
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        # Conditional, so that concurrent requests in the same minute write it once between them.
        db.session.execute(update(ApiToken).where(
            ApiToken.id == row.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - LAST_USED_EVERY))
            .values(last_used_at=now).execution_options(synchronize_session=False))
        db.session.commit()
    return row


def take_request(row: ApiToken, per_minute: int) -> int:
    """Count one request against the token's budget: 0 when it may go, else the whole seconds to wait.

    The budget is a sliding window shared by every process (Redis when the broker is Redis, else the
    database); ``per_minute`` 0 or less means no limit."""
    if per_minute <= 0:
        return 0
    key, windows = f"api-token:{row.id}", ((per_minute, RATE_WINDOW_SECONDS),)
    backend = rate_budget.get_backend()
    try:
        wait = backend.reserve(key, windows)
    except Exception as exc:  # noqa: BLE001  Redis is down: the API keeps answering, counted in the database
        if isinstance(backend, rate_budget.DatabaseBudget):
            raise
        log.warning("API rate limit store unavailable (%s: %s); counting in the database meanwhile",
                    type(exc).__name__, exc)
        wait = rate_budget.DatabaseBudget().reserve(key, windows)
    return max(1, math.ceil(wait)) if wait > 0 else 0


def require_scope(row: ApiToken, scope: str) -> None:
    """Forbidden unless the token carries the scope."""
    if scope not in (row.scopes or []):
        raise Forbidden(f"令牌没有 {scope} 权限范围 / this API token lacks the scope {scope!r}")


def require_brand(row: ApiToken, brand_id: int, *roles: str, what: str = "") -> str:
    """The user's role in the brand when the token reaches it and the role is one of ``roles`` (a brand admin
    holds all). A brand outside the token or the user's memberships is NotFound, like an unknown id."""
    if row.brand_id is not None and row.brand_id != brand_id:
        raise NotFound(what or "没有这条记录 / not found")
    try:
        return memberships.require(row.user, brand_id, *roles, what=what or "没有这条记录 / not found")
    except Forbidden:
        raise Forbidden("需要{}权限 / the {} role is required in this brand".format(
            "或".join(memberships.ROLE_NAMES.get(r, r) for r in roles), " or ".join(roles))) from None


def brand_for(row: ApiToken, slug: str, *roles: str) -> Brand:
    """The brand with this slug when the token reaches it (see require_brand); NotFound otherwise."""
    what = f"没有品牌 {slug!r} / unknown brand {slug!r}"
    if not isinstance(slug, str) or not slug or len(slug) > 64 or not slug.isprintable():
        raise NotFound(what)
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == slug))
    if brand is None:
        raise NotFound(what)
    require_brand(row, brand.id, *roles, what=what)
    return brand


def reachable_brands(row: ApiToken) -> list[Brand]:
    """The brands the token reaches: its own brand, or every brand its user is a member of, by name."""
    return [brand for brand in token_brands(row.user) if row.brand_id in (None, brand.id)]


def token_brands(user: User) -> list[Brand]:
    """The brands the user may limit a token to: those they are a member of (all, for a site admin)."""
    return db.session.scalars(db.select(Brand).where(memberships.visible(user, Brand.id))
                              .order_by(Brand.name)).all()
