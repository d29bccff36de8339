"""In a real browser: an editor gives one occurrence its own brief, moves another, edits the ritual and
deactivates it; refusals show as flashes; the page in English has no stray Chinese."""
from datetime import timedelta

import pytest

from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.rituals.materializing import materialize_due
from tests.rituals.support import tomorrow_at, weekly_ritual
from tests.support.app import PASSWORDS, add_users, make_app
from tests.support.browser import chromium, log_in, served, shot
from tests.web.test_english_ui import stray_chinese

pytestmark = pytest.mark.slow


def local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def submit(page, button) -> None:
    """Click a form's button and wait for the page it leads to (a flash from before would match at once)."""
    with page.expect_navigation():
        button.click()


def test_an_editor_changes_occurrences_and_the_ritual_in_the_browser(tmp_path):
    app = make_app(tmp_path / "data")
    start = tomorrow_at(20)
    second, third = start + timedelta(days=7), start + timedelta(days=14)
    with app.app_context():
        kits.import_brand_kit(DEMO_KIT)
        add_users("editor")
        weekly_ritual(start, rrule="FREQ=WEEKLY", name="周五品鉴会", slug="friday-tasting")
        materialize_due()
    with served(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, base, "editor", PASSWORDS["editor"])
        page.goto(base + "/brands/chayun/rituals")
        first = page.locator(f'.occurrence[data-at="{local(start)}"]')
        assert first.locator("button[value=move]").count() == 0 and first.locator("a").count() == 1

        own = page.locator(f'.occurrence[data-at="{local(second)}"]')
        own.locator("summary").click()
        own.locator("textarea[name=brief]").fill("{date}特别场：中秋茶礼")
        submit(page, own.locator("button[value=brief]"))
        page.wait_for_selector(".flash.ok")
        assert "有了自己的简报" in page.inner_text(".flash.ok")

        moved = page.locator(f'.occurrence[data-at="{local(third)}"]')
        moved.locator("input[name=move_to]").fill(local(start - timedelta(days=2)))
        submit(page, moved.locator("button[value=move]"))
        page.wait_for_selector(".flash.error")
        assert "已过冻结时间" in page.inner_text(".flash.error")
        moved = page.locator(f'.occurrence[data-at="{local(third)}"]')
        moved.locator("input[name=move_to]").fill(local(third - timedelta(hours=1)))
        submit(page, moved.locator("button[value=move]"))
        page.wait_for_selector(".flash.ok")
        page.locator(f'.occurrence[data-at="{local(second)}"] summary').click()
        shot(page, "ritual-occurrences-zh")
        assert "自己的简报" in page.inner_text(f'.occurrence[data-at="{local(second)}"]')

        page.click("#edit-friday-tasting summary")
        page.fill("#edit-friday-tasting input[name=lead_hours]", "72")
        shot(page, "ritual-edit-form-zh")
        # Typed after the full-page shot: a click right after one can land while the viewport is restored.
        page.fill("#edit-friday-tasting input[name=name]", "周五品鉴夜")
        submit(page, page.locator("#edit-friday-tasting form.stacked button[type=submit]"))
        page.wait_for_selector(".flash.ok")
        assert "周五品鉴夜" in page.inner_text("#ritual-list") and "72 小时" in page.inner_text("#ritual-list")

        page.click("#edit-friday-tasting summary")
        submit(page, page.locator("#edit-friday-tasting button[value='0']"))
        page.wait_for_selector(".flash.ok")
        assert "已停用" in page.inner_text("#ritual-friday-tasting")
        shot(page, "ritual-deactivated-zh")

        page.goto(base + "/lang/en")
        page.goto(base + "/brands/chayun/rituals")
        page.click("#edit-friday-tasting summary")
        shot(page, "ritual-forms-en")
        assert "deactivated" in page.inner_text("#ritual-friday-tasting")
        assert stray_chinese(page.content()) == []
