"""A large upload in a real browser: the brand page shows the job waiting, then its result without a reload by
hand (Debian's chromium driven by Playwright; screenshots in test-artifacts/)."""
import shutil

import pytest

from studio.brands import kits, library_jobs
from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import LibraryJob
from tests.support.app import PASSWORDS, join_brands
from tests.support.browser import chromium, log_in, served, shot, wait_for

BIG_TEXT = "白牡丹2024仓储手册：茶叶放在阴凉干燥处，避光密封。龙头路店负责鼓浪屿片区的补货。\n" * 200


@pytest.fixture
def page():
    with chromium() as browser:
        yield browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 900})


def test_the_brand_page_shows_a_large_uploads_job_and_then_its_result(app, users, tmp_path, page):
    target = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, target)
    upload = tmp_path / "仓储手册.txt"
    upload.write_text(BIG_TEXT, encoding="utf-8")
    app.config["STUDIO_UPLOAD_INLINE_BYTES"] = 4096
    with app.app_context():
        kits.import_brand_kit(target)
        join_brands()
    failed = []  # answers the page's own requests got that were not OK (the polls included)
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    with served(app) as base:
        log_in(page, base, "editor", PASSWORDS["editor"])
        page.goto(base + "/brands/chayun")
        page.set_input_files("input[name=files]", str(upload))
        page.click("form.upload button[type=submit]")
        page.wait_for_selector(".library-job[data-state=queued]")
        job = page.locator(".library-job")
        assert "仓储手册.txt" in job.inner_text() and "排队等待索引" in job.inner_text()
        assert "已交给后台建立索引" in page.inner_text("body")
        shot(page, "library-job-queued")

        with app.app_context():  # the worker picks the job up while the page polls
            job_id = db.session.scalar(db.select(LibraryJob.id).order_by(LibraryJob.id.desc()))
            assert library_jobs.run_upload(job_id) == "done"
        wait_for(page, "document.querySelector('.library-job[data-state=done]')")
        text = page.inner_text(f"#library-job-{job_id}")
        assert "索引完成" in text and "已导入：" in text and "个片段" in text
        assert "仓储手册" in page.inner_text("table:last-of-type")
        shot(page, "library-job-done")
    assert failed == []
