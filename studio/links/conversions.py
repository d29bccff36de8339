"""Orders from the brand's shop, attributed to the short link a buyer came from.

Two ways in: a signed order webhook (one JSON order per request), and an import of coupon redemptions (CSV).
An order names its link by the link's token, by a landing URL that carries the token (the redirect adds
`click_ref=<token>` to destinations once the brand has an order webhook), or by a coupon code handed out
with a link. Each order counts once per order id, so a shop's retries and a re-imported file add nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite

from studio.errors import InvalidInput
from studio.extensions import db
from studio.links import CLICK_PARAM, ORDER_SECRET, conversions_on
from studio.models import Brand, Conversion, Coupon, ShortLink, utcnow
from studio.secret_box import decrypt, encrypt

SECRET_SETTING = ORDER_SECRET
SIGNATURE_HEADER = "X-Studio-Signature"
CURRENCY = "CNY"
MAX_AMOUNT = Decimal("100000000")  # one order of a hundred million yuan is a typo, not a sale
MAX_ORDER_ID = 128
MAX_CODE = 64
LATEST_CLOCK_SKEW = timedelta(days=1)  # an order time further ahead than this is a wrong field, not a clock


# -- the webhook's secret and signature ---------------------------------------------------------------------

def webhook_secret(brand: Brand, rotate: bool = False) -> tuple[str, bool]:
    """The brand's order webhook secret and whether it is new; a new one is made when asked or missing.

    Committed by the caller. Only a new secret should ever be shown in full.
    """
    current = brand.studio_setting(SECRET_SETTING)
    if current and not rotate:
        return decrypt(current), False
    secret = "whsec_" + secrets.token_urlsafe(32)
    brand.store_studio_setting(SECRET_SETTING, encrypt(secret))  # at rest, like every channel secret
    return secret, True


def conversions_enabled(brand: Brand) -> bool:
    """Whether the brand takes orders by webhook, and so wants the token carried to its shop."""
    return conversions_on(brand.settings)


def sign(secret: str, body: bytes) -> str:
    """The signature header value a sender computes: HMAC-SHA256 of the raw body, in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(brand: Brand, body: bytes, header: str) -> bool:
    secret = brand.studio_setting(SECRET_SETTING)
    return bool(secret) and hmac.compare_digest(sign(decrypt(secret), body), (header or "").strip())


def secret_hint(secret: str) -> str:
    """Enough of a secret to tell which one is set, never enough to use it."""
    return secret[:10] + "…" if secret else ""


def stored_secret_hint(brand: Brand) -> str:
    """The hint of the brand's order webhook secret; "" when none is set."""
    return secret_hint(decrypt(brand.studio_setting(SECRET_SETTING) or ""))


# -- one order ----------------------------------------------------------------------------------------------

def record_order(brand: Brand, data: dict, source: str = "webhook") -> dict:
    """Store one order from its JSON fields, attributed if it names a link of the brand; committed here.

    Fields: order_id and amount (required), currency (CNY), ordered_at (ISO 8601; a time without an offset
    is in the brand's zone; default now), and token, landing_url or coupon to attribute it.
    """
    order = _order_fields(brand, data)
    link, attributed_by = attribute(brand, token=_text(data, "token", 32), coupon=_text(data, "coupon", MAX_CODE),
                                    landing_url=_text(data, "landing_url", 4000))
    created = insert_order(brand, order, link, attributed_by, source)
    db.session.commit()
    stored = db.session.scalar(db.select(Conversion).where(Conversion.brand_id == brand.id,
                                                           Conversion.order_id == order["order_id"]))
    return _as_dict(stored, duplicate=not created)


def _order_fields(brand: Brand, data: dict) -> dict:
    order_id = data.get("order_id")
    if isinstance(order_id, int) and not isinstance(order_id, bool):
        order_id = str(order_id)
    if not isinstance(order_id, str) or not order_id.strip():
        raise InvalidInput("字段 order_id 缺失或不是字符串 / field 'order_id' is missing or not a string")
    order_id = order_id.strip()
    if len(order_id) > MAX_ORDER_ID or any(ord(char) < 32 for char in order_id):
        raise InvalidInput(f"字段 order_id 过长或含控制字符 / field 'order_id' is longer than {MAX_ORDER_ID} "
                           "characters or holds control characters")
    currency = data.get("currency") or CURRENCY
    if currency != CURRENCY:
        raise InvalidInput(f"字段 currency 只能是 {CURRENCY} / field 'currency' must be {CURRENCY}")
    return {"order_id": order_id, "amount_cents": amount_in_cents(data.get("amount"), "amount"),
            "currency": CURRENCY, "ordered_at": order_time(data.get("ordered_at"), brand.timezone, "ordered_at")}


def amount_in_cents(value, field: str) -> int:
    """A non-negative amount of yuan (number or decimal string) in cents, or InvalidInput naming the field."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidInput(f"字段 {field} 应为金额（元），如 128.00 / field {field!r} must be an amount such as 128.00")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(f"字段 {field} 不是金额：{str(value)[:40]!r} / field {field!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise InvalidInput(f"字段 {field} 应在 0 到 {MAX_AMOUNT} 元之间 / field {field!r} must be between 0 and "
                           f"{MAX_AMOUNT}")
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def order_time(value, zone_name: str, field: str) -> datetime:
    """Naive UTC from ISO 8601 (no offset: the brand's zone); now when empty; never far in the future."""
    if value in (None, ""):
        return utcnow()
    if not isinstance(value, str):
        raise InvalidInput(f"字段 {field} 应为 ISO 8601 时间 / field {field!r} must be an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"字段 {field} 不是 ISO 8601 时间：{value[:40]!r} / field {field!r} is not an ISO 8601 "
                           "time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone_name))
    moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    if moment > utcnow() + LATEST_CLOCK_SKEW:
        raise InvalidInput(f"字段 {field} 在未来 / field {field!r} is in the future")
    return moment


def _text(data: dict, name: str, limit: int) -> str:
    value = data.get(name)
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidInput(f"字段 {name} 应为不超过 {limit} 字的字符串 / field {name!r} must be a string of at most "
                           f"{limit} characters")
    return value.strip()


# -- attribution --------------------------------------------------------------------------------------------

def attribute(brand: Brand, *, token: str = "", coupon: str = "", landing_url: str = "") \
        -> tuple[ShortLink | None, str]:
    """The brand's link an order names, and by what; (None, "") when it names none of the brand's links.

    A token wins over a landing URL, and both over a coupon: they name the very delivery the buyer clicked.
    Another brand's token attributes nothing, so one brand cannot learn of or move another's figures.
    """
    if token:
        link = _brand_link(brand, token)
        if link is not None:
            return link, "token"
    found = token_in_url(landing_url) if landing_url else ""
    if found:
        link = _brand_link(brand, found)
        if link is not None:
            return link, "landing_url"
    if coupon:
        link = db.session.scalar(db.select(ShortLink).join(Coupon, Coupon.link_id == ShortLink.id)
                                 .where(Coupon.brand_id == brand.id, Coupon.code == normalize_code(coupon)))
        if link is not None:
            return link, "coupon"
    return None, ""


def token_in_url(url: str) -> str:
    """The link token a landing URL carries: its click_ref parameter, or a short link's own path."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    carried = parse_qs(parts.query).get(CLICK_PARAM)
    if carried:
        return carried[0]
    segments = parts.path.rstrip("/").split("/")
    return segments[-1] if len(segments) >= 2 and segments[-2] == "l" else ""


def _brand_link(brand: Brand, token: str) -> ShortLink | None:
    return db.session.scalar(db.select(ShortLink).where(ShortLink.token == token, ShortLink.brand_id == brand.id))


def normalize_code(code: str) -> str:
    """Coupon codes match whatever case a buyer typed."""
    return (code or "").strip().upper()


def add_coupon(brand: Brand, code: str, link: ShortLink) -> Coupon:
    """Hand out `code` with `link`: its redemptions count for the link. Added to the session, not committed."""
    normalized = normalize_code(code)
    if not normalized or len(normalized) > MAX_CODE or any(char.isspace() or ord(char) < 32 for char in normalized):
        raise InvalidInput(f"券码应为 1 到 {MAX_CODE} 个非空白字符 / a coupon code is 1 to {MAX_CODE} characters "
                           "without spaces")
    taken = db.session.scalar(db.select(ShortLink.token).join(Coupon, Coupon.link_id == ShortLink.id)
                              .where(Coupon.brand_id == brand.id, Coupon.code == normalized))
    if taken:
        raise InvalidInput(f"券码 {normalized} 已用于链接 {taken} / coupon code {normalized} already belongs to "
                           f"link {taken}")
    coupon = Coupon(brand_id=brand.id, code=normalized, link_id=link.id)
    db.session.add(coupon)
    return coupon


def insert_order(brand: Brand, order: dict, link: ShortLink | None, attributed_by: str, source: str,
            coupon: str = "") -> bool:
    """Insert the order unless its id is already stored (a retry, or a race with one); whether it was new."""
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = module.insert(Conversion).values(
        brand_id=brand.id, link_id=link.id if link else None, attributed_by=attributed_by, source=source,
        coupon=normalize_code(coupon), received_at=utcnow(), **order).on_conflict_do_nothing()
    # RETURNING, not rowcount: the one answer both drivers give alike for a row skipped by the conflict
    return db.session.execute(statement.returning(Conversion.id)).first() is not None


def _as_dict(conversion: Conversion, duplicate: bool = False) -> dict:
    token = db.session.scalar(db.select(ShortLink.token).where(ShortLink.id == conversion.link_id)) \
        if conversion.link_id else None
    return {"order_id": conversion.order_id, "amount": f"{conversion.amount_cents / 100:.2f}",
            "currency": conversion.currency,
            "ordered_at": conversion.ordered_at.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z"),
            "token": token, "attributed_by": conversion.attributed_by or None, "source": conversion.source,
            "duplicate": duplicate}


# -- what the reports read ----------------------------------------------------------------------------------

def orders_by_link(brand: Brand) -> dict[int, tuple[int, int]]:
    """(orders, cents) of each link of the brand that has any."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for link_id, cents in db.session.execute(db.select(Conversion.link_id, Conversion.amount_cents)
                                             .where(Conversion.brand_id == brand.id,
                                                    Conversion.link_id.is_not(None))):
        totals[link_id][0] += 1
        totals[link_id][1] += cents
    return {link_id: (orders, cents) for link_id, (orders, cents) in totals.items()}


def order_summary(brand: Brand) -> dict:
    """All the brand's orders, and how many of them (and how much) came through its links."""
    rows = db.session.execute(db.select(Conversion.link_id, Conversion.amount_cents)
                              .where(Conversion.brand_id == brand.id)).all()
    attributed = [cents for link_id, cents in rows if link_id is not None]
    return {"orders": len(rows), "revenue": _yuan(sum(cents for _, cents in rows)),
            "attributed_orders": len(attributed), "attributed_revenue": _yuan(sum(attributed)),
            "unattributed_orders": len(rows) - len(attributed)}


def _yuan(cents: int) -> float:
    return round(cents / 100, 2)
