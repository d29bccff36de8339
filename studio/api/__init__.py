"""JSON API under /api/v1: typed bodies (pydantic), bearer-token auth with scopes, one error shape, cursors.

Each route says who may call it with scope_required(scope), token_required or public; the OpenAPI document
is generated from the routes, their models and these marks."""
from __future__ import annotations

import base64
import binascii
import json
import re

from flask import current_app, g, jsonify, request
from flask_openapi3 import APIBlueprint, Info, Tag
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from studio import api_tokens, memberships
from studio.api.schemas import ErrorBody
from studio.errors import InvalidInput, StudioError

API_PREFIX = "/api/v1"
SCHEME = "token"
SECURITY_SCHEMES = {SCHEME: {
    "type": "http", "scheme": "bearer",
    "description": "A token from `studio user token` or the API tokens page. Each operation names the scope it "
                   "needs in its security requirement (knowledge:read, posts:read, posts:write, review, schedule, "
                   "analytics:read): without it 403. A brand the token or its user does not reach is 404, like "
                   "an unknown id; a brand role the user lacks 403; an unknown, expired or revoked token 401; "
                   "over the token's requests per minute, 429 with Retry-After."}}
# Every operation may answer these, each with ErrorBody.
ERROR_STATUSES = (400, 401, 403, 404, 409, 429)


class RateLimited(StudioError):
    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class StudioBlueprint(APIBlueprint):
    """An APIBlueprint whose operations carry the security their view's auth mark declares."""

    def _collect_openapi_info(self, rule, func, **kwargs):
        if not hasattr(func, "api_auth"):
            raise TypeError(f"API view {func.__name__} must say who may call it: scope_required, token_required "
                            "or public")
        if func.api_auth:
            kwargs["security"] = [{SCHEME: [func.api_scope] if func.api_scope else []}]
        kwargs["openapi_extensions"] = {"x-scope": func.api_scope, "x-public": not func.api_auth,
                                        **(kwargs.get("openapi_extensions") or {})}
        # Grouped in the document by the module the route lives in: posts, scheduling, groups, rituals, links.
        area = func.__module__.rsplit(".", 1)[-1].removesuffix("_routes")
        kwargs["tags"] = kwargs.get("tags") or [Tag(name="brands" if area == "routes" else area)]
        return super()._collect_openapi_info(rule, func, **kwargs)


bp = StudioBlueprint("api", __name__, url_prefix=API_PREFIX,
                     abp_responses={status: ErrorBody for status in ERROR_STATUSES})


def openapi_options() -> dict:
    """What the application class needs to generate the API's OpenAPI document (no documentation UI)."""
    return {"info": Info(title="Community Content Studio API", version="1"), "security_schemes": SECURITY_SCHEMES,
            "doc_ui": False, "validation_error_status": 400, "validation_error_model": ErrorBody,
            "validation_error_callback": validation_error_response}


# ------------------------------------------------------------------------------------------------ errors


def error_response(status: int, code: str, message: str, field: str | None = None):
    return jsonify({"error": {"code": code, "message": message, "field": field}}), status


def error_code(exc: Exception) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def field_error(field: str, message: str) -> InvalidInput:
    """InvalidInput that names the request field at fault."""
    exc = InvalidInput(message)
    exc.field = field
    return exc


@bp.errorhandler(StudioError)
def domain_error(exc: StudioError):
    response, status = error_response(exc.status, error_code(exc), str(exc), getattr(exc, "field", None))
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response, status


def validation_error_response(exc: ValidationError):
    """A pydantic error as the API's error shape, naming the first field at fault."""
    problems = exc.errors(include_url=False)
    first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
    field = str(first["loc"][0]) if first["loc"] else None
    if field is None:
        message = "request body must be a JSON object"
    else:
        message = "; ".join(f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                            for problem in problems[:3])
    response, status = error_response(400, "validation_error", message, field)
    response.status_code = status
    return response


def http_error(exc: HTTPException):
    """Werkzeug's errors (unknown path, wrong method, body too large) in the API's shape; pages keep theirs."""
    if not request.path.startswith(API_PREFIX + "/") or exc.code is None or exc.code < 400 or exc.response:
        return exc
    code = re.sub(r"\W+", "_", (exc.name or "error").lower()).strip("_")
    response, status = error_response(exc.code, code, exc.description or exc.name)
    if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response, status


def init_app(app) -> None:
    app.register_api(bp)
    app.register_error_handler(HTTPException, http_error)


# ------------------------------------------------------------------------------------------------ auth


def _mark(view, auth: bool, scope: str | None):
    view.api_auth, view.api_scope = auth, scope
    return view


def token_required(view):
    """Any valid API token (then rate-limited); g.api_token is its row, g.api_user its user."""
    return _mark(view, True, None)


def scope_required(scope: str):
    """A valid API token that carries the scope (else 403); brand and role checks are the route's."""
    if scope not in api_tokens.SCOPES:
        raise ValueError(f"unknown API scope {scope!r}")
    return lambda view: _mark(view, True, scope)


def public(view):
    """No token: the route proves its caller otherwise (a signature), or serves the API's description."""
    return _mark(view, False, None)


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


@bp.before_request
def authenticate():
    """Token, rate limit and scope, before the request's body is read: a refused caller learns nothing more."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "api_auth", True):
        token = api_tokens.authenticate(_bearer_token())
        limit = current_app.config["STUDIO_API_RATE_LIMIT"]
        wait = api_tokens.take_request(token, limit)
        if wait:
            raise RateLimited(f"rate limit of {limit} requests a minute for this token reached: retry in {wait} s",
                              wait)
        scope = getattr(view, "api_scope", None)
        if scope is not None:
            api_tokens.require_scope(token, scope)
        g.api_token, g.api_user = token, token.user
        memberships.act_as(token.user)
    if request.mimetype == "application/json":
        try:
            request.get_json(silent=True)
        except RecursionError:
            # json gives up on deep nesting with RecursionError, which is not a ValueError and so not silenced
            raise InvalidInput("request body is nested too deeply") from None


def reach(brand_id: int, *roles: str, what: str = ""):
    """The user's role in the brand when the token reaches it and holds one of the roles; 404 or 403 else."""
    return api_tokens.require_brand(g.api_token, brand_id, *roles, what=what)


def json_object() -> dict:
    """The request body as a JSON object, or InvalidInput saying what is wrong with it."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise InvalidInput("request body is nested too deeply") from None
    if not isinstance(data, dict):
        raise InvalidInput("request body must be a JSON object")
    return data


# ------------------------------------------------------------------------------------------------ cursors


def encode_cursor(key) -> str:
    """An opaque cursor: the sort key of the last item given, as base64 of its JSON."""
    return base64.urlsafe_b64encode(json.dumps(list(key), ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or not key:
        raise field_error("cursor", "cursor is not one this API gave")
    return key


def id_cursor(cursor: str | None) -> int | None:
    """The id in a cursor of a list ordered by id (None on the first page)."""
    key = decode_cursor(cursor)
    if key is None:
        return None
    if len(key) != 1 or not isinstance(key[0], int) or isinstance(key[0], bool):
        raise field_error("cursor", "cursor is not one this API gave")
    return key[0]


def page(items, key, limit: int, cursor: str | None, *, newest_first: bool = False, dump=None) -> dict:
    """One page of items ordered by key (unique per item), after the cursor's item: {items, next_cursor}.

    Keyed on the items themselves rather than an offset, so that inserts never shift a later page."""
    after = decode_cursor(cursor)
    ordered = sorted(items, key=key, reverse=newest_first)
    if after is not None:
        try:
            ordered = [item for item in ordered if (list(key(item)) < after if newest_first
                                                    else list(key(item)) > after)]
        except TypeError:
            raise field_error("cursor", "cursor is not one this API gave") from None
    chunk = ordered[:limit]
    next_cursor = encode_cursor(key(chunk[-1])) if len(ordered) > limit else None
    return {"items": [dump(item) if dump else item for item in chunk], "next_cursor": next_cursor}


from studio.api import (  # noqa: E402,F401  routes attach to bp
    groups_routes, links_routes, posts_routes, rituals_routes, routes, scheduling_routes)
