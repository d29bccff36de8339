"""Hostile channel settings: targets on private addresses, redirects, answers meant for the page, pictures
outside the brand kit and credentials in URLs. Each is refused or hidden with a clear message, never a 500,
and the loopback fake bot shows what did or did not leave the studio."""
from __future__ import annotations

import base64
import re

import pytest
from PIL import Image

from studio.brands import kits
from studio.brands.library import copy_kit
from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import Brand, Channel
from tests.channels.fakes import Canned, FakeWebhook, FakeWeCom
from tests.support.app import AuthActions, add_users, make_app

pytestmark = pytest.mark.hostile  # the hostile-input suite: pytest -m hostile

SECRET = "demo-webhook-secret"


@pytest.fixture
def guarded(tmp_path):
    """The studio as deployed: channels reach public addresses only. The demo brand and the users are in."""
    app = make_app(tmp_path / "data", STUDIO_ALLOW_PRIVATE_TARGETS=False)
    with app.app_context():
        add_users("editor", "admin")
        kits.import_brand_kit(DEMO_KIT)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def kit_brand(app, users, tmp_path):
    """The demo brand imported from the studio's own copy of its kit, which tests may add pictures to."""
    with app.app_context():
        kit = copy_kit(DEMO_KIT, tmp_path / "data", "chayun")
        kits.import_brand_kit(kit)
    return kit


def set_channel(app, slug: str, *, type_: str | None = None, target: str | None = None, **settings) -> None:
    """Point a demo channel elsewhere, or add one to the demo brand, as an edited brand.yaml would."""
    with app.app_context():
        row = db.session.scalar(db.select(Channel).where(Channel.slug == slug))
        if row is None:
            brand = db.session.scalar(db.select(Brand).where(Brand.slug == "chayun"))
            row = Channel(brand_id=brand.id, slug=slug, name=slug, type=type_, target="", settings={}, active=True)
            db.session.add(row)
        if type_:
            row.type = type_
        if target is not None:
            row.target = target
        row.settings = {**(row.settings or {}), **settings}
        db.session.commit()


def page_of(client, slug: str) -> str:
    response = client.get(f"/brands/chayun/channels/{slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_with_private_targets_off_a_loopback_webhook_is_refused_and_receives_nothing(guarded):
    client = guarded.test_client()
    with FakeWebhook(secret=SECRET) as bot:
        set_channel(guarded, "partner-webhook", target=bot.url)
        AuthActions(client).login("admin")
        assert "127.0.0.1 是本机回环地址" in page_of(client, "partner-webhook")
        response = client.post("/brands/chayun/channels/partner-webhook/test")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'id="test-result">.*127\.0\.0\.1 是本机回环地址.*公网', page)
    assert bot.requests == []


@pytest.mark.parametrize("target, named", [
    ("http://169.254.169.254/latest/meta-data/iam/", "169.254.169.254 是云服务器元数据地址"),
    ("http://[::ffff:127.0.0.1]:9/hook", "::ffff:127.0.0.1 是本机回环地址"),
    ("http://[::1]:9/hook", "::1 是本机回环地址"),
    ("http://10.20.30.40/hook", "10.20.30.40 是内网地址"),
    ("http://localhost:9/hook", "localhost（解析为"),
    ("file:///etc/passwd", "必须以 http:// 或 https:// 开头"),
])
def test_private_and_odd_targets_get_a_clear_message_naming_them_never_a_500(guarded, target, named):
    client = guarded.test_client()
    set_channel(guarded, "partner-webhook", target=target)
    AuthActions(client).login("admin")

    assert named in page_of(client, "partner-webhook")
    response = client.post("/brands/chayun/channels/partner-webhook/test")
    assert response.status_code == 200
    assert named in response.get_data(as_text=True)


def test_telegram_api_base_on_loopback_is_refused_and_the_bot_token_is_not_shown(guarded):
    client = guarded.test_client()
    with FakeWebhook(secret=SECRET) as bot:
        set_channel(guarded, "tg", type_="telegram", target="-100123",
                    bot_token="123456:tg-token-never-shown", api_base=bot.base)
        AuthActions(client).login("admin")
        response = client.post("/brands/chayun/channels/tg/test")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "127.0.0.1 是本机回环地址" in page
    assert "tg-token-never-shown" not in page
    assert bot.requests == []


def test_test_message_reports_a_redirect_and_never_follows_it(client, auth, app, demo_brand):
    with FakeWebhook(secret=SECRET) as bot, FakeWebhook(secret=SECRET) as elsewhere:
        bot.answer(Canned(307, {"ok": True}, headers={"Location": elsewhere.url}))
        set_channel(app, "partner-webhook", target=bot.url)
        auth.login("admin")
        response = client.post("/brands/chayun/channels/partner-webhook/test")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HTTP 307" in page and "未跟随" in page and "已发送" not in page
    assert len(bot.requests) == 1 and elsewhere.requests == []


def test_test_message_shows_only_a_short_escaped_excerpt_of_an_unexpected_answer(client, auth, app, demo_brand):
    body = "<script>alert('studio')</script><h1>Internal error</h1>" + "x" * 5000
    with FakeWebhook(secret=SECRET) as bot:
        bot.answer(Canned(500, body))
        set_channel(app, "partner-webhook", target=bot.url)
        auth.login("admin")
        response = client.post("/brands/chayun/channels/partner-webhook/test")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert('studio')" not in page and "<h1>Internal error" not in page
    assert "&lt;script&gt;" in page
    [shown] = re.findall(r'id="test-result">(.*?)</p>', page, re.S)
    assert len(shown) < 400 and "x" * 200 not in shown


def picture(path, colour="green") -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), colour).save(path, "PNG")
    return path.read_bytes()


def test_wecom_picture_inside_the_brand_kit_is_sent(client, auth, app, kit_brand):
    data = picture(kit_brand / "images" / "poster.png")
    with FakeWeCom() as bot:
        set_channel(app, "wecom-group", type_="wecom", target=bot.url, format="image",
                    image_path="images/poster.png")
        auth.login("admin")
        assert 'id="channel-problems"' not in page_of(client, "wecom-group")
        page = client.post("/brands/chayun/channels/wecom-group/test").get_data(as_text=True)
    assert "已发送" in page
    assert base64.b64decode(bot.last.json["image"]["base64"]) == data


@pytest.mark.parametrize("escape", ["absolute", "dotdot", "symlink"])
def test_wecom_picture_outside_the_brand_kit_is_refused_and_never_sent(client, auth, app, kit_brand, tmp_path,
                                                                       escape):
    outside = tmp_path / "outside" / "private.png"
    picture(outside, "black")
    (kit_brand / "images").mkdir()
    (kit_brand / "images" / "link.png").symlink_to(outside)
    path = {"absolute": str(outside), "dotdot": "../../../outside/private.png",
            "symlink": "images/link.png"}[escape]
    with FakeWeCom() as bot:
        set_channel(app, "wecom-group", type_="wecom", target=bot.url, image_path=path)
        auth.login("admin")
        assert "不在品牌资料包目录内" in page_of(client, "wecom-group")
        response = client.post("/brands/chayun/channels/wecom-group/test")
        page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "不在品牌资料包目录内" in page and "已发送" not in page
    # Neither the picture nor the text before it left: nothing reached the bot.
    assert bot.requests == []


CREDENTIAL_URLS = {
    "https://ops:hunter2-pass@hooks.partner.example/notify?sig=sig-value-1&team=tea": ("hunter2-pass",
                                                                                      "sig-value-1"),
    "https://hooks.partner.example/notify?access_token=tok-value-2&key=key-value-3": ("tok-value-2",
                                                                                     "key-value-3"),
}


@pytest.mark.parametrize("url, secrets", CREDENTIAL_URLS.items())
def test_credentials_in_urls_are_masked_for_editors_on_the_channel_and_brand_pages(client, auth, app, demo_brand,
                                                                                   url, secrets):
    set_channel(app, "partner-webhook", target=url, callback=url, api_base=url)
    auth.login("editor")
    brand_page = client.get("/brands/chayun").get_data(as_text=True)
    channel_page = page_of(client, "partner-webhook")

    for secret in secrets:
        assert secret not in brand_page and secret not in channel_page
    assert "hooks.partner.example/…" in brand_page and "hooks.partner.example/…" in channel_page
    # Settings keep what is not a credential, so an editor still sees where they point.
    assert "hooks.partner.example/notify?" in channel_page and "••••••" in channel_page
    if "team=tea" in url:
        assert "team=tea" in channel_page and "ops" not in brand_page
