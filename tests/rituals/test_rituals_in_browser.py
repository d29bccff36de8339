"""In a real browser: an editor creates a ritual on its page, then sees its occurrences on the calendar."""
from datetime import timedelta

import pytest

from studio.brands import kits
from studio.cli import DEMO_KIT
from tests.support.app import PASSWORDS, add_users, make_app
from tests.support.browser import chromium, log_in, served, shot
from tests.support.posts import shanghai_now
from tests.web.test_english_ui import stray_chinese

pytestmark = pytest.mark.slow


def test_a_ritual_created_in_the_browser_appears_on_its_page_and_in_the_calendar(tmp_path):
    app = make_app(tmp_path / "data")
    with app.app_context():
        kits.import_brand_kit(DEMO_KIT)
        add_users("editor")
    start = (shanghai_now() + timedelta(days=1)).replace(hour=20, minute=0, second=0, microsecond=0)
    with served(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, base, "editor", PASSWORDS["editor"])
        page.goto(base + "/brands/chayun/rituals")
        page.fill("input[name=name]", "周五品鉴会")
        page.fill("input[name=slug]", "friday-tasting")
        page.fill("input[name=rrule]", "FREQ=WEEKLY")
        page.fill("input[name=start]", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("textarea[name=brief]", "{relative_weekday}{clock}品鉴会：白牡丹冲泡要点")
        page.select_option("select[name=segments]", ["newcomer", "vip"])
        page.click("#new-ritual button[type=submit]")
        page.wait_for_selector(".flash")
        shot(page, "rituals-page-zh")
        rows = page.locator("#ritual-list tbody tr")
        assert rows.count() == 1 and "friday-tasting" in rows.first.inner_text()
        assert start.strftime("%Y-%m-%d %H:%M") in rows.first.inner_text()

        page.goto(base + "/lang/en")
        page.goto(base + "/brands/chayun/rituals")
        shot(page, "rituals-page-en")
        assert "New ritual" in page.inner_text("#new-ritual h2")
        assert stray_chinese(page.content()) == []
        assert page.locator("#ritual-list button[value=skip]").count() == 3

        page.goto(base + "/brands/chayun/calendar")
        page.wait_for_selector(".cal-planned", timeout=15000)
        shot(page, "calendar-with-ritual")
        assert page.locator(".cal-planned").count() >= 1
