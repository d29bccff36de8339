"""Tracked short links: random tokens, UTM tags on top of the destination's own query, counted clicks,
and never a redirect anywhere but the stored http(s) destination."""
from urllib.parse import parse_qs, urlsplit

import pytest

from studio import links
from studio.errors import InvalidInput
from studio.extensions import db
from studio.models import ShortLink


def test_a_short_link_redirects_with_utm_tags_and_keeps_the_destinations_query(app, client):
    with app.app_context():
        token = links.create_link("https://chayun.example.com/tasting?from=poster&seat=2#map",
                                  utm={"utm_source": "poster", "utm_medium": "share-card"}).token
        db.session.commit()
    assert len(token) >= 8 and token.isalnum()
    response = client.get(f"/l/{token}")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path, location.fragment) == (
        "https", "chayun.example.com", "/tasting", "map")
    assert parse_qs(location.query) == {"from": ["poster"], "seat": ["2"], "utm_source": ["poster"],
                                        "utm_medium": ["share-card"]}


def test_the_destinations_own_utm_tags_win(app):
    url = links.destination_with_utm("https://a.example/x?utm_source=wecom", {"utm_source": "poster"})
    assert parse_qs(urlsplit(url).query) == {"utm_source": ["wecom"]}


def test_each_visit_is_counted_without_a_login(app, client):
    with app.app_context():
        token = links.create_link("https://chayun.example.com/").token
        db.session.commit()
    for _ in range(3):
        assert client.get(f"/l/{token}").status_code == 302
    assert client.head(f"/l/{token}").status_code == 302  # a link checker, not a reader
    with app.app_context():
        link = db.session.scalar(db.select(ShortLink).where(ShortLink.token == token))
        assert link.clicks == 3 and link.last_clicked_at is not None


@pytest.mark.hostile
@pytest.mark.parametrize("token", ["nope1234", "a", "abc.def-gh", "x" * 40, "evil.example"])
def test_an_unknown_token_is_not_found(client, token):
    response = client.get(f"/l/{token}")
    assert response.status_code == 404
    assert "Location" not in response.headers


@pytest.mark.hostile
@pytest.mark.parametrize("destination", ["javascript:alert(1)", "//evil.example/x", "ftp://files.example/a",
                                         "/l/relative", "https://user:pw@evil.example/", "data:text/html,hi",
                                         "https://", "https://a.example/ x"])
def test_only_absolute_http_destinations_are_stored(app, destination):
    with app.app_context(), pytest.raises(InvalidInput):
        links.create_link(destination)


@pytest.mark.hostile
def test_a_row_changed_behind_the_studios_back_is_not_followed(app, client):
    with app.app_context():
        link = links.create_link("https://chayun.example.com/")
        link.destination = "javascript:alert(1)"
        db.session.commit()
        token = link.token
    assert client.get(f"/l/{token}").status_code == 404


def test_tokens_are_random(app):
    with app.app_context():
        tokens = {links.new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(len(t) >= 8 for t in tokens)
