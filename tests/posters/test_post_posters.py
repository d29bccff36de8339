"""A post's poster belongs to its revision: approved together, changed only through a new revision."""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from PIL import Image

from studio.distribution import scheduling
from studio.errors import InvalidInput, InvalidTransition
from studio.extensions import db
from studio.models import PosterImage, ShortLink
from studio.posters.qr import decode_encoded
from studio.review import posters, workflow
from tests.support.posts import approved_post, drafted_post, shanghai_now, user

SPEC = posters.PosterSpec(title="周五晚8点 冬日品鉴会", body="陈师傅带大家对比两个年份的白牡丹。", price="¥168",
                          link="https://shop.example.com/tasting?from=group", template="share-card")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_poster_is_stored_in_a_new_revision_of_the_same_text(ctx):
    post = drafted_post()
    before = post.current_revision

    revision = posters.attach_poster(post.id, SPEC, user("editor"))

    assert revision.number == before.number + 1 and revision.body == before.body
    assert revision.citations == before.citations
    poster = revision.poster
    assert poster.data.startswith(b"\xff\xd8") and poster.md5 == hashlib.md5(poster.data).hexdigest()
    assert (poster.width, poster.height) == (1000, 800) and poster.byte_size <= 200 * 1024
    assert poster.spec["title"] == SPEC.title and poster.spec["template"] == "share-card"
    assert decode_encoded(poster.data) == [poster.qr_url]
    link = db.session.get(ShortLink, poster.link_id)
    assert poster.qr_url.endswith("/l/" + link.token) and link.destination == SPEC.link
    assert poster.lines[0]["text"].startswith("周五晚8点")


def test_an_edit_of_the_text_keeps_the_poster(ctx):
    post = drafted_post()
    with_poster = posters.attach_poster(post.id, SPEC, user("editor"))

    edited = workflow.save_revision(post.id, with_poster.body + "\n\n名额有限。", user("editor"))

    assert edited.poster_id == with_poster.poster_id


def test_changing_the_poster_of_an_approved_post_returns_it_to_review(ctx):
    post = approved_post()
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(hours=1), ["sandbox-main"], user("reviewer"))

    revision = posters.attach_poster(post.id, SPEC, user("editor"))

    db.session.refresh(post)
    assert post.status == "in_review"
    assert post.approved_revision_id != revision.id
    assert [d.status for d in scheduling.deliveries_of(post.id)] == ["cancelled"]


def test_an_approval_covers_the_text_and_the_poster_it_was_given_for(ctx):
    post = drafted_post()
    revision = posters.attach_poster(post.id, SPEC, user("editor"))
    post.status = "in_review"
    db.session.commit()

    workflow.approve(post.id, user("reviewer"), revision.id)
    removed = posters.remove_poster(post.id, user("editor"))

    db.session.refresh(post)
    assert removed.poster_id is None and removed.body == revision.body
    assert post.status == "in_review" and post.approved_revision_id == revision.id
    with pytest.raises(InvalidTransition):
        workflow.approve(post.id, user("reviewer"), revision.id)  # the reviewer saw the poster, not its removal


def test_a_preview_stores_nothing(ctx):
    post = drafted_post()
    links, images, revisions = count(ShortLink), count(PosterImage), len(post.revisions)

    rendered = posters.preview_poster(post.id, SPEC, user("editor"))

    with Image.open(io.BytesIO(rendered.data)) as image:
        assert image.size == (1000, 800)
    assert len(decode_encoded(rendered.data)) == 1
    db.session.refresh(post)
    assert (count(ShortLink), count(PosterImage), len(post.revisions)) == (links, images, revisions)


def test_a_poster_that_cannot_be_made_leaves_the_post_as_it_was(ctx):
    post = drafted_post()
    links, images, current = count(ShortLink), count(PosterImage), post.current_revision_id

    with pytest.raises(InvalidInput, match="链接"):
        posters.attach_poster(post.id, posters.PosterSpec(title="品鉴会", link="javascript:alert(1)"),
                              user("editor"))
    with pytest.raises(InvalidInput, match="标题"):
        posters.attach_poster(post.id, posters.PosterSpec(title="   "), user("editor"))

    db.session.refresh(post)
    assert (count(ShortLink), count(PosterImage), post.current_revision_id) == (links, images, current)


def test_only_editors_make_posters(ctx):
    post = drafted_post()
    with pytest.raises(Exception, match="编辑"):
        posters.attach_poster(post.id, SPEC, user("reviewer"))


def test_a_non_text_field_is_refused_by_name():
    with pytest.raises(InvalidInput, match="price"):
        posters.PosterSpec.from_values({"title": "品鉴会", "price": ["598"]})
