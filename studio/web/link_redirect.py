"""`/l/<token>` answered in front of Flask's request dispatch.

The redirect is the studio's busiest answer: a burst of scans spent as long in Flask's request cycle
(request context, session, login check, CSRF, routing) as in counting the click, and it needs none of that.
GET and HEAD of a well-formed token are answered here, in an app context, with the response the Flask view
builds (studio.web.links.redirect_to_link). Everything else goes to Flask as before: an unknown token (Flask
answers its 404), and a click that could not be recorded (the view raises the error again, so the app's
error handlers answer).
"""
from __future__ import annotations

from werkzeug.http import parse_cookie

from studio import links
from studio.errors import StudioError
from studio.headers import add_security_headers
from studio.links.visitors import VISITOR_COOKIE
from studio.web.links import FAILED_CLICK, redirect_to_link

PREFIX = "/l/"


class LinkRedirect:
    """WSGI middleware around the Flask app's own wsgi_app."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        token = path[len(PREFIX):]
        if not (path.startswith(PREFIX) and method in ("GET", "HEAD") and token.isascii() and token.isalnum()):
            return self.wsgi_app(environ, start_response)
        response = None
        with self.app.app_context():
            try:
                response = redirect_to_link(token, _visit(environ, method))
            except StudioError:
                pass  # nothing was counted: Flask answers the 404
            except Exception as exc:  # noqa: BLE001  the click was not counted: Flask's error handlers answer
                environ[FAILED_CLICK] = exc
        if response is None:
            return self.wsgi_app(environ, start_response)
        response.vary.add("Cookie")  # as Flask's answer has it: Flask-Login looks into the session after each request
        return add_security_headers(response)(environ, start_response)  # as Flask's after_request adds them


def _visit(environ: dict, method: str) -> links.Visit:
    """What the Flask view reads from its request, read from the environ directly."""
    cookie = parse_cookie(environ).get(VISITOR_COOKIE, "") if environ.get("HTTP_COOKIE") else ""
    return links.Visit(method=method, user_agent=environ.get("HTTP_USER_AGENT", ""),
                       address=environ.get("REMOTE_ADDR") or "", cookie=cookie)


def install(app) -> None:
    app.wsgi_app = LinkRedirect(app, app.wsgi_app)
