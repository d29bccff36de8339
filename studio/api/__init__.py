"""JSON API under /api/v1 with bearer-token auth."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request

from studio import accounts, memberships
from studio.errors import InvalidInput, StudioError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(StudioError)
def domain_error(exc: StudioError):
    return jsonify({"error": str(exc)}), exc.status


def json_object() -> dict:
    """The request body as a JSON object, or InvalidInput saying what is wrong with it."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        # json gives up on deep nesting with RecursionError, which is not a ValueError and so not silenced
        raise InvalidInput("request body is nested too deeply") from None
    if not isinstance(data, dict):
        raise InvalidInput("request body must be a JSON object")
    return data


def text_field(data: dict, name: str) -> str:
    """A string member of a JSON object ('' when absent), or InvalidInput naming the field."""
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"field {name!r} must be a string")
    return value


def list_field(data: dict, name: str) -> str | list[str] | None:
    """A list of strings or one comma-separated string (for parse_list), or InvalidInput naming the field."""
    value = data.get(name)
    if value is None or isinstance(value, str) or \
            (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        return value
    raise InvalidInput(f"field {name!r} must be a list of strings")


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = accounts.user_for_token(token)
        if user is None:
            return jsonify({"error": "missing or invalid API token"}), 401
        g.api_user = user
        memberships.act_as(user)
        return view(*args, **kwargs)
    return wrapped


from studio.api import routes  # noqa: E402,F401  routes attach to bp
