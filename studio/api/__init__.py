"""JSON API under /api/v1 with bearer-token auth."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request

from studio import accounts
from studio.errors import StudioError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(StudioError)
def domain_error(exc: StudioError):
    return jsonify({"error": str(exc)}), exc.status


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = accounts.user_for_token(token)
        if user is None:
            return jsonify({"error": "missing or invalid API token"}), 401
        g.api_user = user
        return view(*args, **kwargs)
    return wrapped


from studio.api import routes  # noqa: E402,F401  routes attach to bp
