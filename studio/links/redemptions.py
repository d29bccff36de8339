"""An import of coupon redemptions, as a shop exports them: each one an order, attributed by its code.

Columns: `code,order_id,amount,redeemed_at`, optionally `token` (when the shop kept the link it came from).
A file with any bad row changes nothing and every bad line is named. Codes the studio never handed out are
other campaigns' coupons: they are skipped and named, not stored as orders.
"""
from __future__ import annotations

import csv
import io

from studio.errors import InvalidInput
from studio.extensions import db
from studio.links.analytics import brand_by_slug
from studio.links.conversions import (MAX_CODE, MAX_ORDER_ID, amount_in_cents, attribute,
                                      insert_order, normalize_code, order_time)

REQUIRED = ("code", "order_id", "amount", "redeemed_at")
OPTIONAL = ("token",)
MAX_ROWS = 100_000
SHOWN_UNKNOWN = 20  # unknown codes named in the result; the count is always whole


def import_redemptions(brand_slug: str, text: str) -> dict:
    """Store the redemptions as orders; a re-import stores nothing twice. Committed here, all or nothing."""
    brand = brand_by_slug(brand_slug, "editor")
    rows = _read(text, brand.timezone)
    created = duplicates = attributed = 0
    unknown: dict[str, int] = {}
    for row in rows:
        link, attributed_by = attribute(brand, token=row["token"], coupon=row["code"])
        if link is None:
            unknown[row["code"]] = unknown.get(row["code"], 0) + 1
            continue
        order = {"order_id": row["order_id"], "amount_cents": row["amount_cents"], "currency": "CNY",
                 "ordered_at": row["ordered_at"]}
        if insert_order(brand, order, link, attributed_by, "import", coupon=row["code"]):
            created += 1
            attributed += 1
        else:
            duplicates += 1
    db.session.commit()
    return {"rows": len(rows), "created": created, "duplicates": duplicates, "attributed": attributed,
            "skipped": sum(unknown.values()), "unknown_codes": sorted(unknown)[:SHOWN_UNKNOWN]}


def _read(text: str, zone_name: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InvalidInput(f"核销记录缺少列：{', '.join(missing)}（需要 {','.join(REQUIRED)}）/ the redemptions file "
                           f"lacks the columns {', '.join(missing)}")
    rows, problems, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(f"第 {line} 行起：超过 {MAX_ROWS} 行，请分批导入 / line {line}: more than {MAX_ROWS} rows")
            break
        cells = {(key or "").strip(): (value or "").strip() if isinstance(value, str) else ""
                 for key, value in raw.items()}
        if not any(cells.values()):
            continue
        row, reasons = _row(cells, zone_name)
        if row and row["order_id"] in seen and seen[row["order_id"]][:2] != (row["code"], row["amount_cents"]):
            reasons.append(f"订单 {row['order_id']} 在第 {seen[row['order_id']][2]} 行也出现，内容不同 / order "
                           "appears twice with different values")
        if reasons:
            problems.append(f"第 {line} 行 / line {line}: " + "；".join(reasons))
        else:
            seen.setdefault(row["order_id"], (row["code"], row["amount_cents"], line))
            rows.append(row)
    if problems:
        raise InvalidInput("核销记录没有导入，请修正后重试 / nothing imported:\n" + "\n".join(problems))
    return rows


def _row(cells: dict, zone_name: str) -> tuple[dict | None, list[str]]:
    reasons = []
    code = normalize_code(cells.get("code", ""))
    if not code or len(code) > MAX_CODE:
        reasons.append(f"code 应为 1 到 {MAX_CODE} 个字符 / bad code")
    order_id = cells.get("order_id", "")
    if not order_id or len(order_id) > MAX_ORDER_ID:
        reasons.append(f"order_id 缺失或超过 {MAX_ORDER_ID} 字 / missing or too long order_id")
    values = {}
    for field, parse in (("amount_cents", lambda: amount_in_cents(cells.get("amount", ""), "amount")),
                         ("ordered_at", lambda: order_time(cells.get("redeemed_at", ""), zone_name, "redeemed_at"))):
        try:
            values[field] = parse()
        except InvalidInput as problem:
            reasons.append(str(problem))
    if not cells.get("redeemed_at"):
        reasons.append("redeemed_at 缺失 / missing redeemed_at")
    if reasons:
        return None, reasons
    return {"code": code, "order_id": order_id, "token": cells.get("token", "")[:32], **values}, []
