"""The poster panel in a real browser: a live preview while typing, then a poster saved with a new revision
that a reviewer approves together with the text (Debian's chromium via Playwright; screenshots in
test-artifacts/)."""
import pytest

from studio.auth import DEMO_USERS, ensure_demo_users
from studio.extensions import db
from studio.models import Post
from tests.support.browser import chromium, log_in, served, shot, wait_for
from tests.support.posts import drafted_post

PASSWORDS = {username: password for username, _role, password in DEMO_USERS}


@pytest.fixture
def post_page(app, demo_brand):
    with app.app_context():
        ensure_demo_users("chayun")
        post_id = drafted_post().id
    with served(app) as base:
        yield base, post_id


def test_an_editor_previews_and_saves_a_poster_and_a_reviewer_approves_both(app, post_page):
    base, post_id = post_page
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 1000})
        log_in(page, base, "editor", PASSWORDS["editor"])
        page.goto(f"{base}/posts/{post_id}")
        assert page.locator("#poster").inner_text().count("本修订没有海报") == 1

        page.select_option("#poster-template", "share-card")
        page.fill("#poster-title", "周五晚8点 冬日品鉴会")
        page.fill("#poster-price", "¥168")
        wait_for(page, "() => { const img = document.getElementById('poster-preview');"
                               " return !img.hidden && img.naturalWidth === 1000; }", timeout=20000)
        assert "KB" in page.inner_text("#poster-status")
        page.locator("#poster").scroll_into_view_if_needed()
        shot(page, "poster-panel-preview")

        page.click("#poster-form button[type=submit]")
        page.wait_for_selector("#current-poster")
        wait_for(page, "() => document.getElementById('current-poster').naturalWidth === 1000")
        assert "海报已保存为修订 2" in page.inner_text("main")
        page.click("form[action$='/submit'] button")
        page.click("form[action$='/logout'] button")

        log_in(page, base, "reviewer", PASSWORDS["reviewer"])
        page.goto(f"{base}/posts/{post_id}")
        button = page.locator("form[action$='/approve'] button")
        assert "正文和海报" in button.inner_text()
        shot(page, "poster-panel-review")
        button.click()
        page.wait_for_selector("text=已批准此修订")

    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.status == "approved" and post.approved_revision_id == post.current_revision_id
        assert post.current_revision.poster.width == 1000
