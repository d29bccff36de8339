"""A post's poster reaches each platform the way it takes pictures: natively, or as a link to fetch."""
from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from datetime import timedelta

import pytest
from PIL import Image

from studio.channels.dingtalk import DingTalkAdapter
from studio.channels.telegram import TelegramAdapter
from studio.channels.wecom import WeComAdapter
from studio.distribution import deliveries, scheduling, sending
from studio.extensions import db
from studio.models import Channel, SandboxMessage
from studio.review import posters, workflow
from tests.channels.fakes import FakeDingTalk, FakeTelegram, FakeWeCom, message
from tests.support.posts import approved_post, shanghai_now, user

POST = "周五晚8点品鉴会，扫海报上的码报名。"


def jpeg(width=600, height=400, noise=False) -> bytes:
    image = Image.effect_noise((width, height), 80).convert("RGB") if noise else Image.new("RGB", (width, height),
                                                                                          "#c8553d")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def test_wecom_sends_the_poster_as_an_image_message_after_the_text():
    poster = jpeg()
    with FakeWeCom() as fake:
        result = WeComAdapter(image_roots=[]).send(replace(message(fake.url, POST), image=poster))

        assert result.outcome == "sent", result.detail
        text, image = (request.json for request in fake.requests)
    assert text["msgtype"] == "markdown" and "品鉴会" in text["markdown"]["content"]
    assert image["msgtype"] == "image"
    assert image["image"]["md5"] == hashlib.md5(poster).hexdigest()
    assert fake.images == [poster]


def test_wecom_refuses_a_poster_over_two_megabytes_before_sending_anything():
    huge = jpeg(2400, 2400, noise=True)
    assert len(huge) > 2 * 1024 * 1024
    with FakeWeCom() as fake:
        result = WeComAdapter(image_roots=[]).send(replace(message(fake.url, POST), image=huge))

        assert result.outcome == "permanent" and "2 MB" in result.detail
        assert fake.requests == []


def test_an_image_only_wecom_channel_sends_the_poster_alone():
    poster = jpeg()
    with FakeWeCom() as fake:
        result = WeComAdapter(image_roots=[]).send(replace(message(fake.url, POST, format="image"), image=poster))

        assert result.outcome == "sent", result.detail
        [request] = fake.requests
    assert request.json["msgtype"] == "image" and fake.images == [poster]


def test_telegram_uploads_the_poster_with_send_photo():
    poster = jpeg()
    with FakeTelegram() as fake:
        settings = {"bot_token": fake.token, "api_base": fake.base, "message_thread_id": "7"}
        result = TelegramAdapter().send(replace(message("-1001234567890", POST, **settings), image=poster))

        assert result.outcome == "sent", result.detail
        assert [request.path.rsplit("/", 1)[1] for request in fake.requests] == ["sendMessage", "sendPhoto"]
        [photo] = fake.photos
    assert hashlib.md5(photo["data"]).hexdigest() == hashlib.md5(poster).hexdigest()
    assert photo["filename"] == "poster.jpg" and photo["message_thread_id"] == "7"


def test_a_failed_telegram_photo_is_reported_not_resent():
    with FakeTelegram() as fake:
        settings = {"bot_token": fake.token, "api_base": fake.base}
        result = TelegramAdapter().send(replace(message("-1001234567890", POST, **settings), image=b"not a picture"))

    assert result.outcome == "sent"  # the text arrived, so the delivery must not be sent again
    assert "图片未发送" in result.detail and "IMAGE_PROCESS_FAILED" in result.detail


def test_dingtalk_shows_the_poster_from_its_studio_address():
    url = "https://studio.example.com/p/AbCdEfGhIjKlMnOpQrStUvWxYz012345.jpg"
    with FakeDingTalk() as fake:
        result = DingTalkAdapter().send(replace(message(fake.url, POST, secret=fake.secret), image_url=url))

        assert result.outcome == "sent", result.detail
        text = fake.last.json["markdown"]["text"]
    assert text.rstrip().endswith(f"![海报]({url})")


@pytest.fixture
def wecom_group(ctx):
    """A WeCom group of the demo brand, pointing at a loopback fake of the robot."""
    with FakeWeCom() as fake:
        brand_id = db.session.scalar(db.select(Channel.brand_id).where(Channel.slug == "sandbox-main"))
        db.session.add(Channel(brand_id=brand_id, slug="wecom-tasting", name="品鉴群", type="wecom",
                               target=fake.url, settings={}, active=True))
        db.session.commit()
        yield fake


def test_a_scheduled_post_delivers_the_poster_of_its_approved_revision(ctx, wecom_group):
    post = approved_post(body="小茶来啦~ 周五晚8点品鉴会，扫码报名。")
    revision = posters.attach_poster(post.id, posters.PosterSpec(title="冬日品鉴会", price="¥168"),
                                     user("editor"))
    workflow.approve(post.id, user("reviewer"), revision.id)
    stored_md5 = revision.poster.md5
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(minutes=1), ["wecom-tasting", "sandbox-main"],
                             user("reviewer"))
    for row in scheduling.deliveries_of(post.id):
        row.not_before = row.due_at = row.due_at - timedelta(minutes=2)
    db.session.commit()

    statuses = sending.send_deliveries(deliveries.claim_due_deliveries())

    assert sorted(statuses.values()) == ["sent", "sent"]
    assert [hashlib.md5(image).hexdigest() for image in wecom_group.images] == [stored_md5]
    assert wecom_group.requests[0].json["msgtype"] == "markdown"
    [chat] = db.session.scalars(db.select(SandboxMessage)).all()
    assert chat.image_path == f"/p/{revision.poster.token}.jpg"  # the sandbox shows it from the studio's address
    assert "/p/" not in chat.body
