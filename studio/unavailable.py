"""A database that stays busy or cannot be reached is a wait, not a failure: 503 with Retry-After.

SQLite answers "database is locked" once another writer has held it past the busy timeout; PostgreSQL
refuses or drops connections while it restarts. Pages say so in Chinese first and reload themselves; the
JSON API answers its error shape, {"error": {"code": "database_busy", ...}}. A missing table is not a wait: that error goes on as before.
"""
from __future__ import annotations

import logging

from flask import current_app, jsonify, make_response, request
from sqlalchemy.exc import DBAPIError, OperationalError

from studio.extensions import db

log = logging.getLogger(__name__)

BUSY_MESSAGE = "数据库正忙（另一个程序正在写入或数据库正在重启），请等几秒后重试。"
BUSY_MESSAGE_EN = "the database is busy (another program is writing to it, or it is restarting)."
# Schema problems are OperationalErrors too in SQLite; they are not a wait.
NOT_A_WAIT = ("no such table", "no such column", "has no column", "syntax error")


def is_busy(exc: BaseException) -> bool:
    """True when the error means "wait and try again": a lock held too long or a database out of reach."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig if getattr(exc, "orig", None) is not None else exc).lower()
    return not any(marker in text for marker in NOT_A_WAIT)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json") or \
        request.accept_mimetypes.best == "application/json"


def unavailable_response(message: str, message_en: str, retry_after: int):
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"code": "database_busy", "message": f"{message} / {message_en}", "field": None},
                            "retry_after": retry_after})
    elif wants_json():
        response = jsonify({"error": f"{message} / {message_en}", "retry_after": retry_after})
    else:
        # Straight from the template, without the context processors: they would ask the database who is
        # signed in.
        page = current_app.jinja_env.get_template("unavailable.html").render(
            message=message, message_en=message_en, retry_after=retry_after, retry_url=request.url)
        response = make_response(page)
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app) -> None:
    retry_after = int(app.config["STUDIO_RETRY_AFTER"])

    @app.errorhandler(OperationalError)
    def database_busy(exc: OperationalError):
        try:
            db.session.rollback()
        except Exception:  # the connection may be gone; the session is discarded at teardown anyway
            log.debug("rollback after a database error failed", exc_info=True)
        if not is_busy(exc):
            raise exc
        log.warning("database busy on %s %s: %s", request.method, request.path, exc.orig or exc)
        return unavailable_response(BUSY_MESSAGE, BUSY_MESSAGE_EN, retry_after)

    @app.after_request
    def say_when_to_retry(response):
        # A 503 from a StudioError (the queue is down) tells clients when to come back as well.
        if response.status_code == 503 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(retry_after)
        return response

