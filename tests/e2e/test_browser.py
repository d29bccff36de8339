"""The UI in a real browser (Debian's chromium driven by Playwright)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from studio.distribution import deliveries, sending
from tests.support.app import PASSWORDS
from tests.support.browser import ARTIFACTS, chromium, log_in, served, shot, wait_for
from tests.support.posts import drafted_post


@pytest.fixture
def live_server(app, users, demo_brand):
    with served(app) as base:
        yield base


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def login(page, base: str, username: str) -> None:
    log_in(page, base, username, PASSWORDS[username])


def test_editor_and_reviewer_work_a_post_through_the_browser(app, live_server, browser):
    with app.app_context():
        post_id = drafted_post().id
    page = browser.new_page(locale="zh-CN")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    requests_elsewhere = []
    page.on("request", lambda request: None if request.url.startswith(live_server)
            else requests_elsewhere.append(request.url))

    page.goto(live_server + "/")
    assert "/login" in page.url
    login(page, live_server, "editor")
    page.goto(live_server + "/briefs/new")
    assert page.locator("input[name=segments]").count() >= 5
    assert page.locator("input[name=csrf_token]").first.input_value()
    shot(page, "brief-form")

    page.goto(f"{live_server}/posts/{post_id}")
    page.fill("#body", "## 小茶来啦\n**白牡丹2024**建议90℃冲泡<script>alert('x')</script><img src=x onerror=alert(1)>")
    wait_for(page, "document.querySelector('#preview strong') !== null")
    assert page.inner_text("#preview strong") == "白牡丹2024"
    assert page.locator("#preview script, #preview img[onerror]").count() == 0
    page.fill("#body", "小茶来啦~ 这是最好的白牡丹2024，建议90℃冲泡。")
    page.wait_for_selector("#findings li.block")
    assert "最好" in page.inner_text("#findings")
    assert page.inner_text("#marked mark.block") == "最好"
    shot(page, "lint")
    page.click("#findings button.fix")
    wait_for(page, "!document.querySelector('#findings li.block')")
    assert "最好" not in page.input_value("#body")
    page.fill("#body", page.input_value("#body") + "\n**白牡丹2024**<script>alert('x')</script>")
    wait_for(page, "document.querySelector('#preview strong') !== null")
    page.click("text=保存为新修订")
    page.click("text=提交审核")
    assert "待审核" in page.inner_text("h1")
    shot(page, "editor")

    login(page, live_server, "reviewer")
    page.goto(f"{live_server}/review")
    page.click(f"a[href='/posts/{post_id}']")
    page.click("text=批准修订")
    assert "已批准" in page.inner_text("h1")
    send_at = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=2)
    page.fill("input[name=send_at]", send_at.strftime("%Y-%m-%dT%H:%M"))
    page.click("text=排期发送")
    assert "已排期" in page.inner_text("h1")
    shot(page, "scheduled")

    with app.app_context():  # let the post fall due now and run one dispatcher tick in-process
        from studio.extensions import db
        from studio.models import Delivery, utcnow
        for row in db.session.scalars(db.select(Delivery)):
            row.not_before = utcnow()
        db.session.commit()
        for delivery_id in deliveries.claim_due_deliveries():
            sending.send_delivery(delivery_id)
    page.goto(live_server + "/sandbox")
    page.click("text=茶韵山房·体验群")
    page.wait_for_selector(".chat .bubble")
    assert "白牡丹2024" in page.inner_text(".chat")
    assert page.locator(".chat script").count() == 0
    shot(page, "sandbox")

    page.click("text=English")
    assert "Dashboard" in page.inner_text("header") or "Sandbox" in page.inner_text("header")
    assert dialogs == [], "no script from a post ever ran"
    assert requests_elsewhere == [], "the studio loads nothing from outside"


def test_editor_watches_a_draft_grow_rewrites_a_selection_and_checks_each_channel(app, live_server, browser):
    from studio.brands.kits import get_brand
    from studio.extensions import db
    from studio.models import Channel, Post, Revision
    from tests.support.fake_llm import FakeAPI

    fake = FakeAPI()  # stands in for a hosted chat model
    fake.replies = ["白牡丹2024用90℃左右的水泡就好，一次5克~"]
    app.config.update(OPENAI_BASE_URL=fake.url, STUDIO_LLM_MODE="chat", STUDIO_LLM_MODEL="provider-model-x")
    with app.app_context():
        brand_id = get_brand("chayun").id
        db.session.add(Channel(brand_id=brand_id, slug="wecom-main", name="企业微信群", type="wecom", target="k"))
        db.session.add(Channel(brand_id=brand_id, slug="tg", name="Telegram 群", type="telegram", target="1",
                               settings={"bot_token": "1:x"}))
        db.session.commit()
        post_id = drafted_post(body="小茶来啦~ 白牡丹2024建议用90℃左右的水冲泡，每次5克。").id
        growing = db.session.get(Post, post_id)
        growing.status, growing.current_revision_id, growing.generation = "generating", None, {"partial": "小茶来啦~"}
        db.session.commit()
    page = browser.new_page(locale="zh-CN")
    try:
        login(page, live_server, "editor")
        page.goto(f"{live_server}/posts/{post_id}")
        assert page.inner_text("#partial") == "小茶来啦~"
        with app.app_context():
            db.session.get(Post, post_id).generation = {"partial": "小茶来啦~ 白牡丹2024建议用90℃"}
            db.session.commit()
        wait_for(page, "document.querySelector('#partial').textContent.includes('90℃')")
        shot(page, "drafting-partial")
        with app.app_context():  # the worker finishes: the page loads the draft
            growing = db.session.get(Post, post_id)
            revision = db.session.scalar(db.select(Revision).where(Revision.post_id == post_id))
            growing.status, growing.current_revision_id, growing.generation = "draft", revision.id, {}
            db.session.commit()
        page.wait_for_selector("#rewrite-button")
        assert "白牡丹2024建议用90℃左右的水冲泡" in page.input_value("#body")

        # Per-channel preview: one tab per channel, the platform's text and its size.
        page.wait_for_selector(".tab[data-channel='wecom-main']")
        page.click(".tab[data-channel='wecom-main']")
        assert "企业微信 markdown" in page.inner_text(".channel-preview:not([hidden]) .meter")
        assert "可以发送" in page.inner_text(".channel-preview:not([hidden]) .meter")
        page.fill("#body", "白牡丹2024建议90℃冲泡。" * 300)
        page.wait_for_selector(".tab.over[data-channel='wecom-main']")
        assert "超过 4096 字节" in page.inner_text(".channel-preview:not([hidden]) .flash.error")
        page.screenshot(path=str(ARTIFACTS / "channel-preview-over.png"))  # the viewport: the text is long
        page.click(".tab[data-channel='tg']")
        assert "Telegram 消息超过 4096 字" in page.inner_text(".channel-preview:not([hidden])")

        # Rewrite a selection: the result replaces exactly the selected passage.
        text = "小茶来啦~\n白牡丹2024建议用90℃左右的水冲泡，每次5克。\n周五见！"
        page.fill("#body", text)
        start = text.index("白牡丹")
        end = text.index("\n周五")
        page.evaluate(f"document.querySelector('#body').setSelectionRange({start}, {end})")
        page.fill("#rewrite-instruction", "更口语一点")
        page.evaluate(f"document.querySelector('#body').setSelectionRange({start}, {end})")
        page.click("#rewrite-button")
        page.wait_for_selector("#rewrite-status.ok")
        assert page.input_value("#body") == "小茶来啦~\n白牡丹2024用90℃左右的水泡就好，一次5克~\n周五见！"
        assert page.input_value("input[name=note]") == "改写选段：更口语一点"
        page.click(".tab[data-panel='preview']")
        wait_for(page, "document.querySelector('#preview').textContent.includes('水泡就好')")
        shot(page, "rewrite")
        page.click("text=保存为新修订")
        assert "已保存新修订" in page.inner_text("body")
        asked = fake.requests[0]["body"]["messages"][1]["content"]
        assert "白牡丹2024建议用90℃左右的水冲泡，每次5克。" in asked and "更口语一点" in asked
        page.evaluate("document.querySelector('#body').setSelectionRange(0, 0)")
        page.click("#rewrite-button")
        assert page.inner_text("#rewrite-status") == "请先在正文中选中要改写的段落"
    finally:
        fake.close()
    with app.app_context():
        from studio.posts import get_post
        assert get_post(post_id).current_revision.body.startswith("小茶来啦~\n白牡丹2024用90℃左右的水泡就好")


def editor_on_a_post(app, live_server, browser, body: str):
    """The editor's page on a drafted post with ``body``, and the post's id."""
    with app.app_context():
        post_id = drafted_post(body=body).id
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    login(page, live_server, "editor")
    page.goto(f"{live_server}/posts/{post_id}")
    return page, post_id


def test_findings_are_marked_where_the_editor_types_and_a_deleted_claim_takes_its_clause(app, live_server, browser):
    page, post_id = editor_on_a_post(app, live_server, browser,
                                     "小茶来啦~ 每天一杯，帮助改善睡眠，大家试试。\n这是最好的白牡丹2024。")
    page.wait_for_selector("#marked mark.block")
    # The marks lie under the textarea's own text: same box, same font and padding, inside the textarea.
    area, backdrop = page.locator("#body").bounding_box(), page.locator("#marked").bounding_box()
    assert all(abs(area[key] - backdrop[key]) < 1 for key in ("x", "y", "width", "height"))
    same = page.evaluate("""() => ['font', 'paddingLeft', 'paddingTop', 'lineHeight', 'letterSpacing'].every(
        key => getComputedStyle(body)[key] === getComputedStyle(marked)[key])""")
    assert same
    for mark in page.locator("#marked mark").all():
        box = mark.bounding_box()
        assert area["y"] <= box["y"] and box["y"] + box["height"] <= area["y"] + area["height"]
    assert page.locator("#marked mark").all_inner_texts() == ["改善睡眠", "最好"]
    shot(page, "lint-in-place")

    page.click("#findings button.fix:has-text('删去这一分句')")
    wait_for(page, "document.querySelector('#body').value.indexOf('改善睡眠') === -1")
    assert page.input_value("#body").startswith("小茶来啦~ 每天一杯，大家试试。\n")
    wait_for(page, "document.querySelectorAll('#marked mark').length === 1")
    shot(page, "lint-fixed")

    login(page, live_server, "reviewer")
    page.goto(f"{live_server}/posts/{post_id}")
    assert page.locator("input[name=note]").count() == 0, "a reviewer cannot save, so is not asked for a note"


def test_a_claim_only_the_model_reads_is_marked_as_a_warning_with_its_reason(app, live_server, browser):
    page, _ = editor_on_a_post(app, live_server, browser, "小茶来啦~ 这款枕头睡一晚，颈椎就舒服多了。周六下午三点品鉴会见。")
    page.wait_for_selector("#marked mark.warn")
    assert page.locator("#marked mark").all_inner_texts() == ["颈椎就舒服多了"]
    finding = page.locator("#findings li.warn").first.inner_text()
    assert "[提示]" in finding and "模型判断" in finding
    shot(page, "lint-model-warning")


def test_brief_progress_shows_failures_in_red_and_ended_variants_without_a_reload(app, live_server, browser):
    from studio.extensions import db
    from studio.models import Post

    with app.app_context():
        first = drafted_post(segments=("newcomer", "active", "vip"))
        brief_id = first.brief_id
        second, third = [p.id for p in db.session.get(Post, first.id).brief.posts if p.id != first.id]
        for post_id in (second, third):
            db.session.get(Post, post_id).status = "generating"
        db.session.get(Post, second).generation = {"partial": "小茶来啦~"}
        db.session.commit()
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    login(page, live_server, "editor")
    page.goto(f"{live_server}/briefs/{brief_id}")
    assert page.inner_text(".progress .label") == "1 / 3"
    with app.app_context():  # one variant fails, the other finishes, while the page is open
        failed = db.session.get(Post, second)
        failed.status, failed.error = "error", "模型服务没有回应：请稍后点“重新生成”，或直接编辑这条变体"
        db.session.get(Post, third).status = "draft"
        db.session.commit()
    wait_for(page, "document.querySelector('.progress .label').textContent.includes('失败')")
    assert page.inner_text(".progress .label") == "2 完成 · 1 失败 / 3"
    assert page.locator(".progress .bar.failed").bounding_box()["width"] > 0
    wait_for(page, f"!document.querySelector('.variant[data-post-id=\"{second}\"] .s-generating')")
    failed_card = page.locator(f".variant[data-post-id='{second}']")
    assert "重新生成" in failed_card.inner_text() and failed_card.locator(".partial").count() == 0
    assert page.locator(".variant .s-generating").count() == 0
    shot(page, "brief-progress-failed")


def test_failed_drafts_are_selected_together_and_archived_from_the_dashboard(app, live_server, browser):
    from studio.extensions import db

    with app.app_context():
        posts = [drafted_post() for _ in range(3)]
        for post in posts:
            post.status, post.error = "error", "模型服务没有回应：请稍后点“重新生成”，或直接编辑这条变体"
        db.session.commit()
        ids = [post.id for post in posts]
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    login(page, live_server, "editor")
    page.goto(live_server + "/")
    assert page.locator(".failed-posts tbody tr").count() == 3
    shot(page, "dashboard-failed")
    page.check(".failed-posts input.select-all")
    assert page.locator(".failed-posts tbody input:checked").count() == 3
    page.click(".failed-posts button[value=archive]")
    assert "已处理 3 条帖子" in page.inner_text(".flash.ok")
    assert page.locator(".failed-posts").count() == 0
    page.goto(f"{live_server}/posts/{ids[0]}")
    page.click("text=恢复")
    assert "草稿" in page.inner_text("h1")


def test_the_group_directory_filters_by_audience_and_tags_in_bulk(app, live_server, browser):
    from studio.distribution import groups
    from tests.distribution.test_group_directory import GROUPS

    with app.app_context():
        groups.import_groups("chayun", GROUPS)
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    login(page, live_server, "editor")
    page.goto(f"{live_server}/brands/chayun")
    page.click("text=群目录")
    page.fill("input[name=audience]", "segment:vip,active region:华东,华北")
    page.click(".audience-filter button")
    assert page.inner_text(".audience-size") == "3 个群，共 740 人"
    shot(page, "group-directory")
    page.check(".group-table input.select-all")
    page.fill("input[name=add_tags]", "七夕")
    page.click("text=应用到所选")
    assert "已修改 3 个群" in page.inner_text(".flash.ok")
    assert page.locator(".group-table .tag", has_text="七夕").count() == 3
    assert page.input_value("input[name=audience]") == "segment:vip,active region:华东,华北"


def test_a_regeneration_shows_its_progress_and_then_the_new_revision(app, live_server, browser):
    from studio.drafting import jobs
    from studio.extensions import db
    from studio.models import Post, User
    from studio.review import workflow

    with app.app_context():
        post = drafted_post()
        post.status, post.error = "error", "模型服务没有回应：请稍后点“重新生成”，或直接编辑这条变体"
        jobs.open_job(post, jobs.REGENERATE, {"actor_id": 1, "instruction": ""})
        db.session.commit()
        post_id = post.id
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    login(page, live_server, "editor")
    page.goto(f"{live_server}/posts/{post_id}")
    assert "重新生成中" in page.inner_text("h1") and "生成失败" not in page.inner_text("h1")
    assert page.locator("#regenerating").is_visible() and page.locator(".flash.error").count() == 0
    shot(page, "regenerating")
    with app.app_context():  # the worker stores the new revision and closes the job
        row = db.session.get(Post, post_id)
        row.job_token = None
        db.session.commit()
        editor = db.session.scalar(db.select(User).where(User.username == "editor"))
        workflow.save_revision(post_id, "小茶来啦~ 新的一版：白牡丹2024建议90℃冲泡。", editor, note="重新生成")
    wait_for(page, "document.querySelector('#body').value.includes('新的一版')")
    assert page.locator("#regenerating").count() == 0 and "草稿" in page.inner_text("h1")


def test_the_schedule_form_counts_an_audience_before_it_is_sent(app, live_server, browser):
    from studio.distribution import groups
    from tests.distribution.test_group_directory import GROUPS
    from tests.support.posts import approved_post

    with app.app_context():
        groups.import_groups("chayun", GROUPS)
        post_id = approved_post().id
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    login(page, live_server, "reviewer")
    page.goto(f"{live_server}/posts/{post_id}")
    assert page.locator("input[name=channels][value=sh-jingan-1]").count() == 0, "groups come by audience"
    page.fill("#audience", "segment:vip,active")
    wait_for(page, "document.querySelector('#audience-count').textContent.includes('3 个群')")
    assert page.inner_text("#audience-count") == "将发送到 3 个群，共 740 人"
    shot(page, "schedule-audience")
    send_at = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=30)
    page.fill("input[name=send_at]", send_at.strftime("%Y-%m-%dT%H:%M"))
    page.click("text=排期发送")
    assert "已排期" in page.inner_text("h1")
    assert all(name in page.inner_text("main") for name in ("朝阳店1群", "静安店1群", "静安店2群"))


def test_a_whole_brief_is_scheduled_to_its_segments_groups_from_the_brief_page(app, live_server, browser):
    from studio.distribution import groups
    from studio.extensions import db
    from studio.review import workflow
    from tests.distribution.test_group_directory import GROUPS
    from tests.support.posts import user

    with app.app_context():
        groups.import_groups("chayun", GROUPS)
        post = drafted_post(segments=("newcomer", "vip"))
        post.status = "in_review"
        db.session.commit()
        workflow.approve(post.id, user("reviewer"), post.current_revision_id)
        brief_id = post.brief_id
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    login(page, live_server, "reviewer")
    page.goto(f"{live_server}/briefs/{brief_id}")
    send_at = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(hours=1)
    page.fill(".schedule-brief input[name=send_at]", send_at.strftime("%Y-%m-%dT%H:%M"))
    page.click(".schedule-brief button[type=submit]")
    assert "已排期：1 个群" in page.inner_text(".flash.ok")
    warnings = page.inner_text("main")
    assert "sh-jingan-2：" in warnings and "的变体还没有批准" in warnings
    assert "gz-tianhe-1：简报没有写给这个群的人群" in warnings
    shot(page, "brief-scheduled")
