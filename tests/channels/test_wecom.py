"""WeCom group robot adapter against a loopback fake of qyapi.weixin.qq.com."""
from __future__ import annotations

import base64
import hashlib
import socket

import pytest
from PIL import Image

from studio.channels import http
from studio.channels.wecom import WeComAdapter
from tests.channels.fakes import Canned, FakeWeCom, message

POST = "# 春茶上新\n\n今年的**明前龙井**到了，[点此预约](https://shop.example.com/longjing)。\n\n> 限量 200 份"


@pytest.fixture
def fake():
    with FakeWeCom() as service:
        yield service


def test_wecom_markdown_post_reaches_the_robot_as_markdown(fake):
    result = WeComAdapter().send(message(fake.url, POST))

    assert result.outcome == "sent", result.detail
    assert len(fake.requests) == 1
    document = fake.last.json
    assert document["msgtype"] == "markdown"
    content = document["markdown"]["content"]
    assert content.startswith("# 春茶上新\n\n")
    assert "**明前龙井**" in content
    assert "[点此预约](https://shop.example.com/longjing)" in content
    assert "> 限量 200 份" in content
    assert fake.last.query["key"] == fake.key


def test_wecom_wrong_key_is_a_permanent_93000(fake):
    wrong = fake.url.replace(fake.key, "not-the-key")

    result = WeComAdapter().send(message(wrong, POST))

    assert result.outcome == "permanent"
    assert "93000" in result.detail
    assert "not-the-key" not in result.detail


def test_wecom_45009_is_a_transient_rate_limit(fake):
    fake.answer(FakeWeCom.error(45009, "api freq out of limit"))

    result = WeComAdapter().send(message(fake.url, POST))

    assert result.outcome == "transient"
    assert "45009" in result.detail
    assert result.retry_after == 60.0  # the robot's window is 20 messages a minute


@pytest.mark.parametrize("errcode, errmsg, outcome", [
    pytest.param(-1, "system busy", "transient", id="system-busy-is-transient"),
    pytest.param(40008, "invalid message type", "permanent", id="other-errcodes-are-permanent"),
])
def test_wecom_errcode_decides_the_outcome(fake, errcode, errmsg, outcome):
    fake.answer(FakeWeCom.error(errcode, errmsg))

    assert WeComAdapter().send(message(fake.url, POST)).outcome == outcome


def test_wecom_5xx_is_transient(fake):
    fake.answer(Canned(502, "Bad Gateway"))

    result = WeComAdapter().send(message(fake.url, POST))

    assert result.outcome == "transient"
    assert "502" in result.detail


def test_wecom_markdown_limit_counts_utf8_bytes_not_characters():
    adapter = WeComAdapter()
    # 1400 Chinese characters are far under 4096 characters but 4200 bytes.
    problem = adapter.check("茶" * 1400)
    assert problem == "企业微信 markdown 超过 4096 字节（当前 4200）"
    assert adapter.check("茶" * 1365) is None  # 4095 bytes


def test_wecom_oversize_post_is_never_sent(fake):
    result = WeComAdapter().send(message(fake.url, "茶" * 1400))

    assert result.outcome == "permanent"
    assert "4096" in result.detail
    assert fake.requests == []


def test_wecom_text_format_is_plain_and_limited_to_2048_bytes(fake):
    adapter = WeComAdapter()
    assert "2048" in adapter.check("茶" * 700, {"format": "text"})

    result = adapter.send(message(fake.url, POST, format="text"))

    assert result.outcome == "sent", result.detail
    document = fake.last.json
    assert document["msgtype"] == "text"
    assert document["text"]["content"].startswith("春茶上新\n\n今年的明前龙井到了，点此预约 https://shop.example.com/longjing")
    assert "**" not in document["text"]["content"]


def test_wecom_image_is_sent_as_base64_with_its_md5(fake, tmp_path):
    picture = tmp_path / "poster.png"
    Image.new("RGB", (8, 8), "green").save(picture)

    result = WeComAdapter([tmp_path]).send(message(fake.url, POST, format="image", image_path=str(picture)))

    assert result.outcome == "sent", result.detail
    document = fake.last.json
    assert document["msgtype"] == "image"
    raw = base64.b64decode(document["image"]["base64"])
    assert raw == picture.read_bytes()
    assert document["image"]["md5"] == hashlib.md5(raw).hexdigest()


def test_wecom_markdown_with_an_image_sends_text_then_picture(fake, tmp_path):
    picture = tmp_path / "poster.jpg"
    Image.new("RGB", (8, 8), "red").save(picture, "JPEG")

    result = WeComAdapter([tmp_path]).send(message(fake.url, POST, image_path=str(picture)))

    assert result.outcome == "sent", result.detail
    assert [r.json["msgtype"] for r in fake.requests] == ["markdown", "image"]


def test_wecom_failed_picture_after_delivered_text_is_not_retried(fake, tmp_path):
    picture = tmp_path / "poster.png"
    Image.new("RGB", (8, 8), "blue").save(picture)
    fake.answer(FakeWeCom.error(0, "ok"), FakeWeCom.error(45009, "api freq out of limit"))

    result = WeComAdapter([tmp_path]).send(message(fake.url, POST, image_path=str(picture)))

    # Retrying would post the text twice: the delivery counts as sent and says what is missing.
    assert result.outcome == "sent"
    assert "图片未发送" in result.detail


def test_wecom_unusable_image_is_refused_before_anything_is_sent(fake, tmp_path):
    not_a_picture = tmp_path / "poster.gif"
    not_a_picture.write_bytes(b"GIF89a" + b"\0" * 10)
    adapter = WeComAdapter([tmp_path])

    assert "JPG 或 PNG" in adapter.check(POST, {"image_path": str(not_a_picture)})
    result = adapter.send(message(fake.url, POST, image_path=str(not_a_picture)))
    assert result.outcome == "permanent"
    assert fake.requests == []
    assert "image_path" in adapter.check(POST, {"format": "image"})


def test_wecom_image_path_relative_to_the_kit_folder_is_sent(fake, tmp_path):
    (tmp_path / "images").mkdir()
    Image.new("RGB", (8, 8), "green").save(tmp_path / "images" / "poster.png")

    result = WeComAdapter([tmp_path]).send(message(fake.url, POST, format="image", image_path="images/poster.png"))

    assert result.outcome == "sent", result.detail
    assert base64.b64decode(fake.last.json["image"]["base64"]) == (tmp_path / "images" / "poster.png").read_bytes()


@pytest.mark.parametrize("escape", ["outside", "dotdot", "symlink", "missing"])
def test_wecom_image_outside_the_kit_folder_is_never_read_or_sent(fake, tmp_path, escape):
    kit, elsewhere = tmp_path / "kit", tmp_path / "elsewhere"
    kit.mkdir()
    elsewhere.mkdir()
    secret = elsewhere / "private.png"
    Image.new("RGB", (8, 8), "black").save(secret)
    (kit / "link.png").symlink_to(secret)
    path = {"outside": str(secret), "dotdot": "../elsewhere/private.png", "symlink": "link.png",
            "missing": str(kit / "nowhere.png")}[escape]
    adapter = WeComAdapter([kit])

    assert "不在品牌资料包目录内" in adapter.check(POST, {"image_path": path})
    assert "不在品牌资料包目录内" in adapter.setup_problems(fake.url, {"image_path": path})[0]
    for fmt in ("image", "markdown"):
        result = adapter.send(message(fake.url, POST, format=fmt, image_path=path))
        assert result.outcome == "permanent" and "不在品牌资料包目录内" in result.detail
    assert fake.requests == []


def test_wecom_image_outside_an_app_has_no_folder_to_come_from(fake, tmp_path):
    picture = tmp_path / "poster.png"
    Image.new("RGB", (8, 8), "green").save(picture)

    result = WeComAdapter().send(message(fake.url, POST, format="image", image_path=str(picture)))

    assert result.outcome == "permanent"
    assert fake.requests == []


def test_wecom_news_is_one_article_with_title_and_truncated_description(fake):
    adapter = WeComAdapter()
    assert "url" in adapter.check(POST, {"format": "news"})

    body = "# 春茶上新\n\n" + "好茶" * 400
    result = adapter.send(message(fake.url, body, format="news", url="https://shop.example.com/a"))

    assert result.outcome == "sent", result.detail
    article = fake.last.json["news"]["articles"][0]
    assert article["title"] == "春茶上新"
    assert article["url"] == "https://shop.example.com/a"
    assert len(article["description"].encode("utf-8")) <= 512
    assert article["description"].endswith("…")


def test_wecom_dropped_connection_after_sending_is_unknown(fake):
    fake.answer(Canned(drop=True))

    result = WeComAdapter().send(message(fake.url, POST))

    assert result.outcome == "unknown"
    assert len(fake.requests) == 1  # it did arrive


def test_wecom_read_timeout_is_unknown(fake, monkeypatch):
    monkeypatch.setattr(http, "READ_TIMEOUT_S", 0.2)
    fake.answer(Canned(delay=0.6))

    assert WeComAdapter().send(message(fake.url, POST)).outcome == "unknown"


def test_wecom_unreachable_robot_is_transient():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    result = WeComAdapter().send(message(f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=k", POST))

    assert result.outcome == "transient"
    assert "未发出" in result.detail


def test_wecom_markdown_cannot_revive_mention_markup(fake):
    WeComAdapter().send(message(fake.url, "请 &lt;@all&gt; 注意"))

    content = fake.last.json["markdown"]["content"]
    assert "<@" not in content and "@all" not in content
    assert "all>" in content  # still readable, as a look-alike


def test_wecom_missing_or_foreign_webhook_is_permanent_without_a_request():
    for target in ("", "ftp://files.example.com/hook"):
        result = WeComAdapter().send(message(target, POST))

        assert result.outcome == "permanent"
        assert "webhook 地址无效" in result.detail
