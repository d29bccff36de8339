"""What a demo install shows in a real browser: where the logins are, what only admins or the kit change, and
a search in the wrong language (Debian's chromium driven by Playwright; screenshots in test-artifacts/)."""
import threading

import pytest
from werkzeug.serving import make_server

from studio import accounts
from studio.auth import DEMO_USERS
from tests.support import ROOT

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
PASSWORDS = {username: password for username, _role, password in DEMO_USERS}


@pytest.fixture
def demo_server(app, demo_brand):
    with app.app_context():
        for username, role, password in DEMO_USERS:
            accounts.ensure_user(username, password, role)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 900})
        browser.close()


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_demo_install_shows_its_logins_notes_and_language_notice_in_the_browser(app, demo_server, page):
    page.goto(demo_server + "/login")
    note = page.inner_text("#demo-logins")
    assert all(username in note for username in PASSWORDS) and "README" in note
    assert not any(password in page.content() for password in PASSWORDS.values())
    _shot(page, "login-demo")

    _login(page, demo_server, "editor")
    page.goto(demo_server + "/brands/chayun/channels/sandbox-main")
    assert "管理员" in page.inner_text("#test-message-admins-only")
    assert page.locator("form[action$='/test'] button").count() == 0
    _shot(page, "channel-editor")

    page.goto(demo_server + "/brands/chayun")
    assert "studio brand import" in page.inner_text("#kit-note")
    page.fill("input[name=q]", "How hot should the water be for white peony tea?")
    page.click("form:has(input[name=q]) button[type=submit]")
    page.wait_for_selector("#language-notice")
    assert "中文" in page.inner_text("#language-notice")
    _shot(page, "brand-english-search")

    page.click("form[action$='/logout'] button")
    page.wait_for_url(lambda url: "/login" in url)
    _login(page, demo_server, "admin")
    page.goto(demo_server + "/brands/chayun/channels/sandbox-main")
    assert page.locator("#test-message-admins-only").count() == 0
    assert page.locator("form[action$='/test'] button").count() == 1
    _shot(page, "channel-admin")

    with app.app_context():
        accounts.create_user("editor", "an-editor-password-of-her-own", "editor")
    page.click("form[action$='/logout'] button")
    page.wait_for_url(lambda url: "/login" in url)
    assert "editor" not in page.inner_text("#demo-logins") and "reviewer" in page.inner_text("#demo-logins")
