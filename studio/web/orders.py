"""Orders on the reports page: what came through the brand's links, the webhook's secret, and coupon imports."""
from flask import current_app, flash, redirect, request, url_for

from studio.auth import role_required
from studio.extensions import db
from studio.i18n import gettext as _
from studio.links import redemptions
from studio.links.analytics import brand_by_slug
from studio.links.conversions import webhook_secret
from studio.web import bp
from studio.web.reports import render_reports
from studio.web.uploads import uploaded_csv

MAX_CSV_BYTES = 5 * 1024 * 1024


@bp.post("/brands/<slug>/orders/secret")
@role_required("admin")
def rotate_order_secret(slug: str):
    """A new webhook secret, shown on this one page and never again; the old one stops working now."""
    secret, _created = webhook_secret(brand_by_slug(slug, "admin"), rotate=True)
    db.session.commit()
    current_app.logger.info("order webhook secret of %s replaced", slug)  # the secret itself is never logged
    return render_reports(slug, request.form.get("by", "segment"), new_secret=secret)


@bp.post("/brands/<slug>/orders/import")
@role_required("editor")
def import_redemptions(slug: str):
    result = redemptions.import_redemptions(slug, uploaded_csv(max_bytes=MAX_CSV_BYTES))
    flash(_("已导入核销记录：{rows} 行，新订单 {created}，重复 {duplicates}，未知券码 {skipped}", **result), "ok")
    return redirect(url_for("web.reports", slug=slug, _anchor="orders"))
