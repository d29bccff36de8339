"""`/l/<token>` answered in front of Flask (studio.web.link_redirect) gives the Flask view's answer, and counts
the same; what it does not answer itself goes to Flask."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import request, request_started
from sqlalchemy.exc import OperationalError
from werkzeug.test import Client

from studio import links
from studio.extensions import db
from studio.links.recorder import ClickRecorder
from studio.links.visitors import VISITOR_COOKIE
from studio.models import ShortLink
from studio.web.link_redirect import LinkRedirect

PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN")
PREVIEW = "TelegramBot (like TwitterBot)"
READER = {"REMOTE_ADDR": "203.0.113.7"}


def make_link(app, destination="https://chayun.example.com/tasting?from=poster&seat=2#map", utm=None) -> str:
    with app.app_context():
        token = links.create_link(destination, utm=utm).token
        db.session.commit()
    return token


def counts(app, token):
    with app.app_context():
        link = db.session.scalar(db.select(ShortLink).where(ShortLink.token == token))
        return link.clicks, link.unique_clicks, link.bot_clicks


def fast_and_flask(app) -> tuple[Client, Client]:
    """Clients of the app as served, and of the Flask app without the fast path in front; one reader's address."""
    assert isinstance(app.wsgi_app, LinkRedirect)
    return Reader(app.wsgi_app), Reader(app.wsgi_app.wsgi_app)


class Reader(Client):
    def open(self, *args, **kwargs):
        return super().open(*args, environ_base=READER, **kwargs)


@pytest.fixture
def dispatched(app):
    """The paths Flask's request dispatch handled."""
    paths = []

    def seen(sender, **extra):
        paths.append(request.path)

    request_started.connect(seen, app)
    yield paths
    request_started.disconnect(seen, app)


def answer(response):
    """Status, headers and body; a cookie's expiry date only to the minute (the two answers are a moment apart)."""
    headers = sorted((name, re.sub(r"(Expires=[^;]*):\d\d GMT", r"\1 GMT", value) if name == "Set-Cookie" else value)
                     for name, value in response.headers.items())
    return response.status_code, headers, response.get_data()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("agent", [PHONE, PREVIEW, None])
def test_the_fast_path_answers_as_the_flask_view_does(app, dispatched, method, agent):
    token = make_link(app, utm={"utm_source": "poster", "utm_medium": "share-card"})
    headers = {"User-Agent": agent} if agent is not None else {}

    fast_client, flask_client = fast_and_flask(app)
    fast = fast_client.open(f"/l/{token}", method=method, headers=headers)
    assert dispatched == []  # answered before Flask
    slow = flask_client.open(f"/l/{token}", method=method, headers=headers)
    assert dispatched == [f"/l/{token}"]

    assert answer(fast) == answer(slow)  # the same address, cookie (same browser and address), headers, body
    assert fast.status_code == 302
    assert fast.headers["Cache-Control"] == "no-store" and fast.headers["Referrer-Policy"] == "no-referrer"
    location = urlsplit(fast.headers["Location"])
    assert (location.scheme, location.netloc, location.path, location.fragment) == (
        "https", "chayun.example.com", "/tasting", "map")
    assert parse_qs(location.query) == {"from": ["poster"], "seat": ["2"], "utm_source": ["poster"],
                                        "utm_medium": ["share-card"]}
    person = method == "GET" and agent == PHONE
    assert counts(app, token) == ((2, 1, 0) if person else (0, 0, 2))
    assert ("Set-Cookie" in fast.headers) == person


def test_a_person_gets_the_visitor_cookie_once_and_keeps_it(app, dispatched):
    token = make_link(app)
    person = app.test_client()

    first = person.get(f"/l/{token}", headers={"User-Agent": PHONE})
    cookie = first.headers["Set-Cookie"]
    value = person.get_cookie(VISITOR_COOKIE, path="/l/").value
    second = person.get(f"/l/{token}", headers={"User-Agent": PHONE, "Cookie": "other=1"})
    elsewhere = app.test_client()
    elsewhere.set_cookie(VISITOR_COOKIE, value, path="/l/")
    third = elsewhere.get(f"/l/{token}", headers={"User-Agent": "Mozilla/5.0 another browser"})

    assert dispatched == []
    assert cookie == (f"{VISITOR_COOKIE}={value}; Expires={cookie.split('Expires=')[1].split(';')[0]}; "
                      "Max-Age=31536000; HttpOnly; Path=/l/; SameSite=Lax")
    assert len(value) == 32
    assert "Set-Cookie" not in second.headers and "Set-Cookie" not in third.headers  # the cookie it has
    assert counts(app, token) == (3, 1, 0)  # one person, known by the cookie on another browser


def test_a_head_is_a_robot_with_the_redirects_length_and_no_body(app, dispatched):
    token = make_link(app)
    client = app.test_client()
    head = client.head(f"/l/{token}", headers={"User-Agent": PHONE})
    get = client.get(f"/l/{token}", headers={"User-Agent": PREVIEW})

    assert dispatched == []
    assert head.status_code == 302 and head.get_data() == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"] == str(len(get.get_data()))
    assert counts(app, token) == (0, 0, 2)


@pytest.mark.parametrize("path, status", [
    ("/l/nope1234", 404), ("/l/a", 404), ("/l/abc.def-gh", 404), ("/l/tok%C3%A9n12", 404), ("/l/" + "x" * 40, 404),
    ("/l/", 302), ("/l/x%2Fy", 302), ("/l/abcdefgh/", 302)])  # no such page: the login page, as everywhere
def test_unknown_and_malformed_tokens_get_flasks_answer(app, dispatched, path, status):
    make_link(app)
    fast_client, flask_client = fast_and_flask(app)
    fast = fast_client.get(path, headers={"User-Agent": PHONE})
    slow = flask_client.get(path, headers={"User-Agent": PHONE})

    assert fast.status_code == status and answer(fast) == answer(slow)
    assert len(dispatched) == 2  # Flask answered both


def test_a_stored_destination_that_is_no_longer_http_is_not_followed(app, dispatched):
    token = make_link(app, "https://chayun.example.com/")
    with app.app_context():
        db.session.execute(db.update(ShortLink).where(ShortLink.token == token)
                           .values(destination="javascript:alert(1)"))
        db.session.commit()
    assert app.test_client().get(f"/l/{token}", headers={"User-Agent": PHONE}).status_code == 404
    assert counts(app, token) == (0, 0, 0)


@pytest.mark.parametrize("method", ["POST", "OPTIONS", "PUT"])
def test_other_methods_go_to_flask(app, dispatched, method):
    token = make_link(app)
    fast_client, flask_client = fast_and_flask(app)
    fast = fast_client.open(f"/l/{token}", method=method, headers={"User-Agent": PHONE})
    slow = flask_client.open(f"/l/{token}", method=method, headers={"User-Agent": PHONE})

    assert answer(fast) == answer(slow)
    assert "chayun" not in fast.headers.get("Location", "")
    assert dispatched == [f"/l/{token}"] * 2
    assert counts(app, token) == (0, 0, 0)


def test_a_click_that_cannot_be_recorded_gets_the_apps_busy_answer(app, dispatched, monkeypatch):
    token = make_link(app)

    def busy(self, click):
        raise OperationalError("INSERT INTO link_click ...", {}, Exception("database is locked"))

    monkeypatch.setattr(ClickRecorder, "record", busy)
    fast_client, flask_client = fast_and_flask(app)
    fast = fast_client.get(f"/l/{token}", headers={"User-Agent": PHONE})
    slow = flask_client.get(f"/l/{token}", headers={"User-Agent": PHONE})

    assert fast.status_code == slow.status_code == 503
    assert fast.headers["Retry-After"] == slow.headers["Retry-After"]
    assert "Location" not in fast.headers and "Set-Cookie" not in fast.headers
    assert dispatched == [f"/l/{token}"] * 2  # the view raised the fast path's error again
    assert counts(app, token) == (0, 0, 0)


def test_a_signed_in_editor_gets_the_same_answer(app, auth, dispatched):
    token = make_link(app)
    auth.login("editor")
    session = auth.client.get_cookie("session").value
    fast_client, flask_client = fast_and_flask(app)
    for client in (fast_client, flask_client):
        client.set_cookie("session", session)
        client.set_cookie(VISITOR_COOKIE, "0123456789abcdef0123456789abcdef", path="/l/")

    fast = fast_client.get(f"/l/{token}", headers={"User-Agent": PHONE})
    slow = flask_client.get(f"/l/{token}", headers={"User-Agent": PHONE})

    assert fast.status_code == 302 and answer(fast) == answer(slow)
    assert "Set-Cookie" not in fast.headers  # neither the session nor the visitor cookie changes
    assert counts(app, token) == (2, 1, 0)
