"""Web pages: one blueprint, one module per area."""
from flask import Blueprint, flash, redirect, request, url_for

from studio.services.errors import StudioError

bp = Blueprint("web", __name__)


@bp.errorhandler(StudioError)
def show_domain_error(exc: StudioError):
    """Expected failures go back to the page the user came from, with the reason."""
    flash(str(exc), "error")
    back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
    return redirect(back or url_for("web.dashboard"))


def register_blueprints(app) -> None:
    from studio.web import brands, briefs, dashboard, posts, sandbox  # noqa: F401  routes attach to bp

    app.register_blueprint(bp)
