"""Headers every response carries: a strict Content-Security-Policy and its companions.

Pages run only the studio's own script files: no inline scripts, no inline event handlers, no style
attributes in markup. Data reaches scripts through data- attributes and JSON script blocks, which the policy
does not run. The one exception is the calendar library, which adds its stylesheet at run time: it reads a
per-request nonce from the page's `csp-nonce` meta tag (its icon font comes in that stylesheet as a data: URL).
"""
from __future__ import annotations

import secrets

from flask import request

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'{nonce}; img-src 'self' data: blob:; "
          "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
          "frame-ancestors 'none'")


NONCE_KEY = "studio.csp_nonce"


def csp_nonce() -> str:
    """This request's nonce for a stylesheet a library adds at run time; made when a page first asks."""
    # Kept with the request, not in g: an app context, and so g, may outlive one request (tests, CLI).
    return request.environ.setdefault(NONCE_KEY, secrets.token_urlsafe(16))


def init_app(app) -> None:
    # Cookies that never travel over plain HTTP once the studio is served over HTTPS.
    if app.config["STUDIO_BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        return add_security_headers(response, request.environ.get(NONCE_KEY))


def add_security_headers(response, nonce: str | None = None):
    """The policy and its companions, where the response has not set its own (a short link's Referrer-Policy)."""
    response.headers.setdefault("Content-Security-Policy", POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else ""))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers without CSP 2
    return response
