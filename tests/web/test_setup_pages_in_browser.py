"""What a demo install shows in a real browser: where the logins are, what only admins or the kit change, and
a search in the wrong language (Debian's chromium driven by Playwright; screenshots in test-artifacts/)."""
import pytest

from studio import accounts
from studio.auth import DEMO_USERS, ensure_demo_users
from tests.support.browser import chromium, log_in, served, shot

PASSWORDS = {username: password for username, _role, password in DEMO_USERS}


@pytest.fixture
def demo_server(app, demo_brand):
    with app.app_context():
        ensure_demo_users("chayun")
    with served(app) as base:
        yield base


@pytest.fixture
def page():
    with chromium() as browser:
        yield browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 900})


def _login(page, base: str, username: str) -> None:
    log_in(page, base, username, PASSWORDS[username])


def test_a_demo_install_shows_its_logins_notes_and_language_notice_in_the_browser(app, demo_server, page):
    page.goto(demo_server + "/login")
    note = page.inner_text("#demo-logins")
    assert all(username in note for username in PASSWORDS) and "README" in note
    assert not any(password in page.content() for password in PASSWORDS.values())
    shot(page, "login-demo")

    _login(page, demo_server, "editor")
    page.goto(demo_server + "/brands/chayun/channels/sandbox-main")
    assert "管理员" in page.inner_text("#test-message-admins-only")
    assert page.locator("form[action$='/test'] button").count() == 0
    shot(page, "channel-editor")

    page.goto(demo_server + "/brands/chayun")
    assert "studio brand import" in page.inner_text("#kit-note")
    page.fill("input[name=q]", "How hot should the water be for white peony tea?")
    page.click("form:has(input[name=q]) button[type=submit]")
    page.wait_for_selector("#language-notice")
    assert "中文" in page.inner_text("#language-notice")
    shot(page, "brand-english-search")

    page.click("form[action$='/logout'] button")
    page.wait_for_url(lambda url: "/login" in url)
    _login(page, demo_server, "admin")
    page.goto(demo_server + "/brands/chayun/channels/sandbox-main")
    assert page.locator("#test-message-admins-only").count() == 0
    assert page.locator("form[action$='/test'] button").count() == 1
    shot(page, "channel-admin")

    with app.app_context():
        accounts.create_user("editor", "an-editor-password-of-her-own", "editor")
    page.click("form[action$='/logout'] button")
    page.wait_for_url(lambda url: "/login" in url)
    assert "editor" not in page.inner_text("#demo-logins") and "reviewer" in page.inner_text("#demo-logins")
