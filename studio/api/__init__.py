"""JSON API under /api/v1 with bearer-token auth."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request

from studio import api_tokens, memberships
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


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def _authorized(view, scope: str | None):
    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            token = api_tokens.authenticate(_bearer_token())
        except api_tokens.TokenRefused as exc:
            return jsonify({"error": str(exc)}), 401
        limit = current_app.config["STUDIO_API_RATE_LIMIT"]
        wait = api_tokens.take_request(token, limit)
        if wait:
            response = jsonify({"error": f"rate limit of {limit} requests a minute for this token reached: "
                                         f"retry in {wait} s"})
            response.headers["Retry-After"] = str(wait)
            return response, 429
        if scope is not None:
            api_tokens.require_scope(token, scope)
        g.api_token, g.api_user = token, token.user
        memberships.act_as(token.user)
        return view(*args, **kwargs)
    return wrapped


def token_required(view):
    """Any valid API token (then rate-limited); g.api_token is its row, g.api_user its user."""
    return _authorized(view, None)


def scope_required(scope: str):
    """A valid API token that carries the scope (else 403); brand and role checks are the route's."""
    if scope not in api_tokens.SCOPES:
        raise ValueError(f"unknown API scope {scope!r}")
    return lambda view: _authorized(view, scope)


from studio.api import routes  # noqa: E402,F401  routes attach to bp
