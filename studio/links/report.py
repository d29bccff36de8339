"""A brand's report: one breakdown of what worked, every group's health, and the breakdown as CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from studio.links.analytics import analytics, brand_by_slug
from studio.links.conversions import conversions_enabled, order_summary, stored_secret_hint
from studio.links.health import group_health

CSV_FIELDS = ("key", "label", "deliveries", "groups", "reach", "clicks", "unique", "bots", "rate", "rate_low",
              "ranked", "orders", "revenue")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def brand_report(brand_slug: str, by: str, min_reach: int, now: datetime | None = None) -> dict:
    """The brand, the rows of the breakdown `by`, the health of each of its groups, and its orders."""
    brand = brand_by_slug(brand_slug)
    return {"brand": brand, "by": by, "min_reach": min_reach,
            "rows": analytics(brand_slug, by, min_reach), "groups": group_health(brand_slug, now),
            "orders": order_summary(brand), "webhook_on": conversions_enabled(brand),
            "secret_hint": stored_secret_hint(brand)}


def breakdown_csv(brand_slug: str, by: str, min_reach: int, header: list[str],
                  labels: dict[str, str] | None = None) -> bytes:
    """The rows of the breakdown `by` as CSV (see rows_as_csv)."""
    return rows_as_csv(analytics(brand_slug, by, min_reach), header, labels)


def rows_as_csv(rows: list[dict], header: list[str], labels: dict[str, str] | None = None) -> bytes:
    """The rows in CSV_FIELDS order under `header`, UTF-8 with a byte order mark so Excel reads Chinese.

    `labels` names the words for yes/no and for a blank label; cells a spreadsheet would take for a
    formula are quoted with a leading apostrophe.
    """
    labels = labels or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        values = dict(row, label=row["label"] or labels.get("blank", ""),
                      ranked=labels.get("yes", "yes") if row["ranked"] else labels.get("no", "no"))
        writer.writerow([_cell(values[name]) for name in CSV_FIELDS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text
