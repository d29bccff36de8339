"""Web pages: one blueprint, one module per area."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for

from studio.errors import Forbidden, NotFound, SelfApproval, StudioError
from studio.i18n import gettext as _, translate_message
from studio.models import DeliveryStatus, PostStatus

bp = Blueprint("web", __name__)


@bp.errorhandler(StudioError)
def show_domain_error(exc: StudioError):
    """Expected failures go back to the page the user came from, with the reason. A record that is not there
    (or is another brand's) is a 404 page, so that nothing tells the two apart; a missing role is a 403 page."""
    if isinstance(exc, NotFound):
        return render_template("error_page.html", message=str(exc)), 404
    if isinstance(exc, Forbidden) and not isinstance(exc, SelfApproval):  # a review rule, read on the post page
        return render_template("error_page.html", message=str(exc), title=_("没有权限")), 403
    flash(translate_message(str(exc)), "error")
    back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
    return redirect(back or url_for("web.dashboard"))


@bp.app_template_filter("mask_target")
def mask_target(target: str) -> str:
    """Show where a channel posts without its key: webhook URLs carry credentials in the path, the query
    and before the host (user:password@)."""
    target = target or ""
    if "://" not in target:
        return target if len(target) <= 8 else target[:4] + "…"
    try:
        parts = urlsplit(target)
        host = parts.netloc.rpartition("@")[2]
    except ValueError:
        return "…"
    rest = parts.path.strip("/") or parts.query or parts.fragment
    return f"{parts.scheme}://{host}/" + ("…" if rest else "")


def register_blueprints(app) -> None:
    from studio.web import (  # noqa: F401  routes attach to bp
        brand_settings, brands, briefs, calendar, dashboard, groups, members, orders, post_posters, posts, reports,
        rituals, sandbox, tokens, triage, users)

    app.register_blueprint(bp)
    from studio.web.links import bp as links_bp
    app.register_blueprint(links_bp)
    from studio.web import link_redirect
    link_redirect.install(app)  # `/l/<token>` answered before Flask's dispatch; the route above stays
    # Pages compare states by member, the same names the services use.
    app.jinja_env.globals.update(PostStatus=PostStatus, DeliveryStatus=DeliveryStatus)
