"""The brand settings pages: brand.yaml edited by the brand's admins, checked as an imported kit is, written
back to the kit so that an export and a re-import give the same brand."""
from __future__ import annotations

import pytest
import yaml

from studio.brands import kits
from studio.brands.export import export_brand
from studio.extensions import db
from studio.models import Channel, Persona, Segment


def _persona(app, slug="xiaocha") -> Persona:
    with app.app_context():
        row = db.session.scalar(db.select(Persona).where(Persona.slug == slug))
        db.session.expunge(row)
        return row


def test_a_persona_edited_on_the_page_is_stored_and_written_to_brand_yaml(app, admin, kit):
    answer = admin.post("/brands/chayun/settings/personas/xiaocha", data={
        "name": "小茶", "voice": "亲切、俏皮", "taboo": "最便宜\n秒杀\n全网最低\n", "catchphrases": "小茶来啦~\n喝口好茶"})
    assert answer.status_code == 302
    persona = _persona(app)
    assert persona.taboo == ["最便宜", "秒杀", "全网最低"] and persona.voice == "亲切、俏皮"
    on_disk = yaml.safe_load((kit / "brand.yaml").read_text(encoding="utf-8"))
    [xiaocha] = [p for p in on_disk["personas"] if p["slug"] == "xiaocha"]
    assert xiaocha["taboo"] == ["最便宜", "秒杀", "全网最低"]
    assert "小茶来啦~" in admin.get("/brands/chayun/settings").get_data(as_text=True)


def test_an_export_after_edits_imports_back_to_the_same_brand(app, admin, kit, tmp_path):
    admin.post("/brands/chayun/settings/segments/new", data={
        "slug": "gift-buyers", "name": "送礼客", "lifecycle_stage": "转化", "description": "年节送礼的茶友"})
    admin.post("/brands/chayun/settings", data={"name": "茶韵山房", "timezone": "Asia/Shanghai",
                                                "grace_minutes": "20", "color_accent": "#AA3322"})
    with app.app_context():
        before = _state()
        export_brand("chayun", tmp_path / "exported")
        kits.import_brand_kit(tmp_path / "exported")
        assert _state() == before
        brand = kits.get_brand("chayun")
        assert brand.settings["grace_minutes"] == 20 and brand.settings["poster"]["colors"]["accent"] == "#AA3322"
        assert db.session.scalar(db.select(Segment.lifecycle_stage).where(Segment.slug == "gift-buyers")) == "转化"


def _state():
    brand = kits.get_brand("chayun")
    personas = [(p.slug, p.name, p.voice, tuple(p.taboo), tuple(p.catchphrases), p.active)
                for p in db.session.scalars(db.select(Persona).where(Persona.brand_id == brand.id).order_by(Persona.slug))]
    segments = [(s.slug, s.name, s.lifecycle_stage, s.description, s.active)
                for s in db.session.scalars(db.select(Segment).where(Segment.brand_id == brand.id).order_by(Segment.slug))]
    return brand.name, brand.timezone, personas, segments


@pytest.mark.parametrize("url, form, field, message", [
    ("/brands/chayun/settings", {"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus"),
    ("/brands/chayun/settings", {"name": ""}, "name", "name"),
    ("/brands/chayun/settings", {"grace_minutes": "soon"}, "grace_minutes", "整数"),
    ("/brands/chayun/settings", {"color_primary": "green"}, "color_primary", "#RRGGBB"),
    ("/brands/chayun/settings/segments/new", {"slug": "Bad Slug", "name": "x", "lifecycle_stage": "转化"}, "slug",
     "lowercase"),
    ("/brands/chayun/settings/segments/active", {"lifecycle_stage": "睡觉"}, "lifecycle_stage", "引入"),
    ("/brands/chayun/settings/personas/new", {"slug": "xiaocha", "name": "另一个小茶"}, "slug", "duplicate"),
    ("/brands/chayun/settings/personas/chen", {"name": ""}, "name", "name"),
])
def test_a_bad_value_is_named_next_to_its_field_and_nothing_changes(app, admin, kit, url, form, field, message):
    before_file = (kit / "brand.yaml").read_bytes()
    with app.app_context():
        before = _state()
    answer = admin.post(url, data=form)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    form = page.split(" open class=\"setting-item\"", 1)[-1]  # the item being edited is the one left open
    named = form.split(f'name="{field}"', 1)[1].split("</label>", 1)[0]
    assert "field-error" in named and message in named
    assert (kit / "brand.yaml").read_bytes() == before_file
    with app.app_context():
        assert _state() == before


def test_a_persona_can_be_added_and_removed_but_not_the_last_one(app, admin, kit):
    admin.post("/brands/chayun/settings/personas/new", data={"slug": "aqing", "name": "阿青", "voice": "爽朗"})
    assert _persona(app, "aqing").active
    admin.post("/brands/chayun/settings/personas/aqing/remove")
    assert not _persona(app, "aqing").active
    admin.post("/brands/chayun/settings/personas/chen/remove")
    answer = admin.post("/brands/chayun/settings/personas/xiaocha/remove", follow_redirects=True)
    assert "至少要有一个人设" in answer.get_data(as_text=True) and _persona(app).active


def test_a_channel_target_left_empty_keeps_its_secret_and_a_new_one_replaces_it(app, admin, kit):
    with app.app_context():
        old = db.session.scalar(db.select(Channel.target).where(Channel.slug == "partner-webhook"))
    admin.post("/brands/chayun/settings/channels/partner-webhook", data={"name": "合作方", "type": "webhook",
                                                                         "target": ""})
    with app.app_context():
        row = db.session.scalar(db.select(Channel).where(Channel.slug == "partner-webhook"))
        assert row.target == old and row.name == "合作方"
    admin.post("/brands/chayun/settings/channels/partner-webhook",
               data={"type": "webhook", "target": "https://hooks.example.com/new-key"})
    with app.app_context():
        assert db.session.scalar(db.select(Channel.target).where(Channel.slug == "partner-webhook")) == \
            "https://hooks.example.com/new-key"
    page = admin.get("/brands/chayun/settings").get_data(as_text=True)
    assert "new-key" not in page  # the page never shows a bot's key


def test_editors_and_reviewers_cannot_open_or_change_the_settings(app, client, auth, kit):
    before = (kit / "brand.yaml").read_bytes()
    for username in ("editor", "reviewer"):
        auth.login(username)
        assert client.get("/brands/chayun/settings").status_code == 403
        assert client.post("/brands/chayun/settings/personas/xiaocha", data={"taboo": "x"}).status_code == 403
        auth.logout()
    assert (kit / "brand.yaml").read_bytes() == before


def test_a_persona_gets_an_avatar_for_its_posters_and_a_broken_picture_is_refused(app, admin, kit):
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (64, 64), "#2F4A3A").save(picture, "PNG")
    answer = admin.post("/brands/chayun/settings/personas/chen", content_type="multipart/form-data",
                        data={"name": "陈师傅", "avatar": (io.BytesIO(picture.getvalue()), "chen.png")})
    assert answer.status_code == 302
    assert (kit / "posters" / "avatar-chen.png").read_bytes() == picture.getvalue()
    with app.app_context():
        assert kits.get_brand("chayun").settings["poster"]["avatars"]["chen"] == "posters/avatar-chen.png"
    before = (kit / "brand.yaml").read_bytes()
    refused = admin.post("/brands/chayun/settings/personas/xiaocha", content_type="multipart/form-data",
                         data={"name": "小茶", "avatar": (io.BytesIO(b"not a picture"), "xiaocha.png")})
    assert refused.status_code == 400
    named = refused.get_data(as_text=True).split(" open class=\"setting-item\"", 1)[-1].split('name="avatar"', 1)[1]
    assert "field-error" in named.split("</label>", 1)[0]
    assert (kit / "brand.yaml").read_bytes() == before and not (kit / "posters" / "avatar-xiaocha.png").exists()


def test_the_settings_page_in_chromium_saves_and_names_a_bad_value_next_to_it(app, users, kit):
    from tests.support.app import PASSWORDS
    from tests.support.browser import chromium, log_in, served, shot

    watch = ("window.__refused = []; document.addEventListener('securitypolicyviolation', "
             "(e) => window.__refused.push(e.violatedDirective));")
    with served(app) as base, chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.add_init_script(watch)
        log_in(page, base, "admin", PASSWORDS["admin"])
        page.goto(base + "/brands/chayun")
        page.click("#settings-link")
        page.click("#personas summary:has-text('陈师傅')")
        taboo = page.locator("form[action$='/personas/chen'] textarea[name=taboo]")
        taboo.fill(taboo.input_value() + "\n包邮到家")
        page.click("form[action$='/personas/chen'] button[type=submit]")
        assert "已保存" in page.inner_text(".flash")
        page.fill("#brand input[name=timezone]", "Asia/Atlantis")
        page.click("#brand button[type=submit]")
        assert "Asia/Atlantis" in page.inner_text("#brand .field-error")
        shot(page, "brand-settings-error")
        assert page.evaluate("window.__refused") == []
        page.click("#scripts-link")
        page.fill("#script-促活 textarea", "ctas:\n  - 欢迎${nickname}\n")
        page.click("#script-促活 button[type=submit]")
        assert "nickname" in page.inner_text("#script-促活 .field-error")
        shot(page, "brand-scripts-error")
        assert page.evaluate("window.__refused") == []
    assert _persona(app, "chen").taboo[-1] == "包邮到家"
