"""The poster panel on the post page, its live preview, and the public address chat platforms fetch."""
from __future__ import annotations

import re

from studio.extensions import db
from studio.models import Post, PosterImage
from studio.posters.stored import poster_path
from studio.review import posters
from tests.support.posts import drafted_post, user

FORM = {"template": "square", "title": "冬日品鉴会", "body": "对比两个年份的白牡丹", "price": "¥168",
        "link": "https://shop.example.com/tasting"}


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def make_post(app) -> int:
    with app.app_context():
        return drafted_post().id


def test_the_post_page_offers_the_poster_panel_with_the_brand_templates(app, ctx, auth, client):
    post_id = make_post(app)
    auth.login("editor")

    page = client.get(f"/posts/{post_id}").get_data(as_text=True)

    assert 'id="poster-form"' in page
    for name in ("poster", "share-card", "square"):
        assert f'value="{name}"' in page
    assert 'value="冬日品鉴会，白牡丹2024上新"' in page  # the brief's message starts the title
    assert re.search(r'<option value="BM-2024" lang="zh" selected>福鼎白牡丹·2024春', page)  # the brief's 白牡丹2024


def test_the_live_preview_answers_an_image_and_stores_nothing(app, ctx, auth, client):
    post_id = make_post(app)
    auth.login("editor")
    token = csrf_token(client.get(f"/posts/{post_id}").get_data(as_text=True))

    answer = client.post(f"/posts/{post_id}/poster/preview", data=FORM, headers={"X-CSRFToken": token})

    assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
    assert answer.data.startswith(b"\xff\xd8") and float(answer.headers["X-Render-Ms"]) > 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PosterImage)) == 0


def test_a_preview_with_a_bad_value_names_it(app, ctx, auth, client):
    post_id = make_post(app)
    auth.login("editor")
    token = csrf_token(client.get(f"/posts/{post_id}").get_data(as_text=True))

    answer = client.post(f"/posts/{post_id}/poster/preview", data={**FORM, "template": "no-such"},
                         headers={"X-CSRFToken": token})

    assert answer.status_code == 404 and "no-such" in answer.json["error"]


def test_saving_the_poster_makes_a_revision_whose_image_is_public_at_its_token(app, ctx, auth, client):
    post_id = make_post(app)
    auth.login("editor")
    token = csrf_token(client.get(f"/posts/{post_id}").get_data(as_text=True))

    answer = client.post(f"/posts/{post_id}/poster", data={**FORM, "csrf_token": token})

    assert answer.status_code == 302
    with app.app_context():
        post = db.session.get(Post, post_id)
        poster = post.current_revision.poster
        path, data, token_of_poster = poster_path(poster), poster.data, poster.token
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert path in page and "含海报" in page
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    image = client.get(path)  # no login: chat platforms fetch it
    assert image.status_code == 200 and image.data == data and image.mimetype == "image/jpeg"
    assert "immutable" in image.headers["Cache-Control"]
    assert client.get(path.replace(".jpg", ".webp")).status_code == 404
    assert client.get(f"/p/{token_of_poster[:-1]}x.jpg").status_code == 404
    assert client.get("/p/" + "a" * 20 + "'--.jpg").status_code == 404


def test_a_reviewer_cannot_make_a_poster(app, ctx, auth, client):
    post_id = make_post(app)
    auth.login("reviewer")
    token = csrf_token(client.get(f"/posts/{post_id}").get_data(as_text=True))

    answer = client.post(f"/posts/{post_id}/poster/preview", data=FORM, headers={"X-CSRFToken": token})

    assert answer.status_code == 403


def test_the_review_button_says_it_approves_the_poster_too(app, ctx, auth, client):
    with app.app_context():
        post = drafted_post()
        posters.attach_poster(post.id, posters.PosterSpec(**FORM), user("editor"))
        post.status = "in_review"
        db.session.commit()
        post_id = post.id
    auth.login("reviewer")

    page = client.get(f"/posts/{post_id}").get_data(as_text=True)

    assert "（正文和海报）" in page
