"""The README's "Try the flow" as a newcomer walks it, against a running `make run`, in Chinese or English.

    python -m tests.e2e.walkthrough http://127.0.0.1:5000 zh|en

Each step's screenshot goes to test-artifacts/walk/; the walk fails where the flow breaks.
"""
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from studio.auth import DEMO_USERS
from tests.support.browser import ARTIFACTS, chromium, log_in, wait_for

PASSWORDS = {username: password for username, _role, password in DEMO_USERS}
BASE, LANG = sys.argv[1].rstrip("/"), sys.argv[2]
OUT = ARTIFACTS / "walk"
shots = []


def shot(page, name):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"walk-{LANG}-{len(shots) + 1:02d}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    shots.append(path)
    print("screenshot", path, flush=True)


def login(page, user, _password=None):
    log_in(page, BASE, user, PASSWORDS[user])


with chromium() as browser:
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(BASE + "/login")
    shot(page, "login")
    login(page, "editor")
    if LANG == "en":
        page.goto(BASE + "/lang/en")
    page.goto(BASE + "/")
    shot(page, "dashboard")
    page.goto(BASE + "/briefs/new")
    page.check("input[name=segments][value=newcomer]")
    page.check("input[name=segments][value=vip]")
    page.fill("textarea[name=key_message]", "冬日品鉴会每周五晚8点开始，邀请大家来品白牡丹2024")
    shot(page, "brief-form")
    page.click("form:has(textarea[name=key_message]) button[type=submit]")
    page.wait_for_url(lambda url: "/briefs/" in url and "/new" not in url)
    started = time.monotonic()
    wait_for(page, "!document.querySelector('.variant .s-generating')", timeout=300_000)
    print(f"drafted in {time.monotonic() - started:.1f} s", flush=True)
    shot(page, "brief-drafted")
    page.click(".variant a[href*='/posts/'] >> nth=0")
    page.wait_for_selector("#body")
    shot(page, "post")
    # fix what blocks submission, as an editor would
    for _ in range(3):
        fixes = page.locator("#findings li.block button.fix")
        if fixes.count() == 0:
            break
        fixes.first.click()
        page.wait_for_timeout(800)
    page.click("#editor-form button[type=submit]")
    page.wait_for_load_state()
    submit = page.locator("form[action$='/submit'] button")
    submit.click()
    page.wait_for_load_state()
    shot(page, "submitted")
    post_url = page.url
    login(page, "reviewer")
    if LANG == "en":
        page.goto(BASE + "/lang/en")
    page.goto(BASE + "/review")
    shot(page, "review-queue")
    page.goto(post_url)
    page.click("form[action$='/approve'] button[type=submit]")
    page.wait_for_load_state()
    send_at = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=1)
    page.fill("input[name=send_at]", send_at.strftime("%Y-%m-%dT%H:%M"))
    page.click("form[action$='/schedule'] button[type=submit]")
    page.wait_for_load_state()
    shot(page, "scheduled")
    page.goto(BASE + "/sandbox")
    page.click("a[href^='/sandbox/'] >> nth=0")
    page.wait_for_selector("#chat .msg", timeout=150_000)
    page.wait_for_timeout(500)
    shot(page, "arrived")
    page.goto(BASE + "/deliveries")
    shot(page, "deliveries")
print(f"the flow ran through: {len(shots)} screenshots in {OUT}")
