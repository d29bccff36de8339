"""English UI: after switching to English no page shows Chinese except the brand's own material."""
import json
import re
from datetime import timedelta

import lxml.html
import pytest

from studio.brands import kits
from studio.distribution import deliveries, scheduling, sending
from studio.extensions import db
from studio.i18n import CJK
from studio.models import Brief, Channel, Delivery, Post
from studio.review import workflow
from tests.support.posts import approved_post, drafted_post, make_due, shanghai_now, user

# Texts people read that live in attributes rather than between tags.
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "onsubmit", "data-finished-label",
                   "data-failed-label")


def stray_chinese(html: str) -> list[str]:
    """Chinese the page shows outside elements marked as user content (class user-content or lang zh)."""
    tree = lxml.html.document_fromstring(html)
    for element in tree.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " user-content ")]'
                              ' | //*[starts-with(@lang, "zh")] | //script | //style | //textarea'):
        element.drop_tree()  # keeps the text that follows it, which belongs to the parent
    found = [text.strip() for text in tree.xpath("//text()") if CJK.search(text)]
    for element in tree.iter():
        for name in READ_ATTRIBUTES:
            value = element.get(name) or ""
            if CJK.search(value):
                found.append(f"{element.tag}[{name}]={value}")
    return found


@pytest.fixture
def studio_in_every_state(ctx):
    """Posts in each state a page can show, with deliveries, a chat message, flashes and audit details."""
    draft = drafted_post()
    in_review = drafted_post(body="小茶来啦~ 白牡丹2024建议90℃冲泡。")
    workflow.submit_for_review(in_review.id, user("editor"))
    sent_back = drafted_post(body="小茶来啦~ 冬日品鉴会见。")
    workflow.submit_for_review(sent_back.id, user("editor"))
    workflow.send_back(sent_back.id, user("reviewer"), "开头再短一点")
    failed = drafted_post()
    failed.status, failed.error = "error", "生成失败：内部错误（RuntimeError）"
    db.session.commit()
    approved = approved_post()
    scheduled = approved_post()
    scheduling.schedule_post(scheduled.id, shanghai_now() + timedelta(hours=3), ["sandbox-main"],
                             user("reviewer"))
    make_due(scheduled.id)
    for delivery_id in deliveries.claim_due_deliveries():
        sending.send_delivery(delivery_id)
    troubled = approved_post()
    scheduling.schedule_post(troubled.id, shanghai_now() + timedelta(hours=3), ["sandbox-main"],
                             user("reviewer"))
    for row in scheduling.deliveries_of(troubled.id):
        row.status, row.response = "unconfirmed", "等待回应超时：对方可能已收到"
    db.session.commit()
    return [draft, in_review, sent_back, failed, approved, scheduled, troubled]


def get_routes(app) -> list[str]:
    """Every page a signed-in user can open, with ids of the data in the database."""
    brand = kits.get_brand("chayun")
    values = {
        "post_id": [p.id for p in db.session.scalars(db.select(Post))],
        "brief_id": [b.id for b in db.session.scalars(db.select(Brief))],
        "channel_id": [c.id for c in db.session.scalars(db.select(Channel).where(Channel.type == "sandbox"))],
        "channel_slug": [c.slug for c in brand.channels],
        "slug": [brand.slug],
        "doc_id": [d.doc_id for d in kits.list_documents(brand.id)[:2]],
    }
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "health", "i18n.set_language") \
                or rule.endpoint.startswith("api.") or rule.rule.endswith((".json", ".csv")):
            continue
        expanded = [rule.rule]
        for name in rule.arguments:
            expanded = [re.sub(r"<(?:\w+:)?" + name + ">", str(value), path)
                        for path in expanded for value in values.get(name, ["1"])]
        paths += expanded
    return paths


def test_every_page_in_english_shows_no_chinese_outside_brand_material(app, client, auth, studio_in_every_state):
    strays, checked = {}, []
    for username in ("admin", "reviewer"):
        auth.login(username)
        client.get("/lang/en")
        paths = get_routes(app)
        assert len(paths) >= 15
        for path in paths:
            response = client.get(path)
            if response.status_code in (301, 302, 303, 403, 404):  # not a page, or not one for this role
                continue
            assert response.status_code == 200, path
            checked.append(path)
            strays.update({f"{username} {path}": found for found in [stray_chinese(response.get_data(as_text=True))]
                           if found})
        auth.logout()
    strays.update({"/login": found for found in [stray_chinese(client.get("/login").get_data(as_text=True))]
                   if found})
    assert len(checked) >= 30 and strays == {}
    assert "/brands/chayun/calendar" in checked, "the content calendar, with its filters and feed section"
    assert "/brands/chayun/reports" in checked, "the reports page, with its chart data and group health"


def test_status_badges_read_as_words_not_codes(ctx, client, auth, studio_in_every_state):
    auth.login("reviewer")
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert '<span class="badge s-error">Drafting failed</span>' in page
    assert '<span class="badge s-in_review">In review</span>' in page
    assert '<span class="badge s-changes_requested">Changes requested</span>' in page
    failed = studio_in_every_state[3]
    assert "Drafting failed: internal error (RuntimeError)" in client.get(f"/posts/{failed.id}").get_data(as_text=True)


def test_flashes_and_domain_errors_follow_the_language(ctx, client, auth, studio_in_every_state):
    draft, in_review = studio_in_every_state[:2]
    auth.login("editor")
    client.get("/lang/en")
    page = client.post(f"/posts/{draft.id}/revisions", data={"body": "小茶来啦~ 新的一版。"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Saved as a new revision" in page and "已保存新修订" not in page
    page = client.post(f"/posts/{in_review.id}/submit", follow_redirects=True,
                       headers={"Referer": f"http://localhost/posts/{in_review.id}"}).get_data(as_text=True)
    assert "A post that is In review cannot be submitted for review" in page
    assert stray_chinese(page) == []
    client.get("/lang/zh")
    page = client.post(f"/posts/{in_review.id}/submit", follow_redirects=True,
                       headers={"Referer": f"http://localhost/posts/{in_review.id}"}).get_data(as_text=True)
    assert "当前状态（in_review）不能提交审核" in page


def test_audit_details_are_translated_and_brand_names_in_them_stay_marked(ctx, client, auth, studio_in_every_state):
    scheduled = studio_in_every_state[5]
    auth.login("reviewer")
    client.get("/lang/en")
    page = client.get(f"/posts/{scheduled.id}").get_data(as_text=True)
    assert "revision 1" in page
    channel = scheduling.deliveries_of(scheduled.id)[0].channel.name
    assert f'→ <span class="user-content" lang="zh">{channel}</span>' in page
    assert '<span class="user-content" lang="zh">测试：验证发送时转义</span>' in page, "the reviewer's words as written"
    assert "Delivered to the sandbox group" in page
    assert stray_chinese(page) == []


def test_script_phrases_are_rendered_into_the_page_in_english(ctx, client, auth, studio_in_every_state):
    auth.login("editor")
    client.get("/lang/en")
    page = client.get(f"/posts/{studio_in_every_state[0].id}").get_data(as_text=True)
    phrases = json.loads(lxml.html.document_fromstring(page).get_element_by_id("ui-phrases").text)
    assert phrases["未发现问题"] == "No problems found"
    assert not [text for text in phrases.values() if CJK.search(text)]


def test_sandbox_messages_carry_no_chinese_of_the_studio_itself(ctx, client, auth, studio_in_every_state):
    auth.login("editor")
    client.get("/lang/en")
    channel = db.session.scalar(db.select(Delivery).where(Delivery.post_id == studio_in_every_state[5].id)).channel
    [message] = client.get(f"/sandbox/{channel.id}/messages.json").json
    assert message["time"].endswith("(Asia/Shanghai)") and not CJK.search(message["time"])



def test_the_page_script_shows_only_phrases_from_the_phrase_book():
    from studio.i18n_en import SCRIPT_PHRASES
    from tests.support import ROOT

    script = (ROOT / "studio" / "static" / "studio.js").read_text(encoding="utf-8")
    used = re.findall(r'\bt\("([^"]*)"\)', script)
    assert used and not [phrase for phrase in used if phrase not in SCRIPT_PHRASES]
    code = "\n".join(line.split("//")[0] for line in re.sub(r'\bt\("[^"]*"\)', "", script).splitlines())
    assert not CJK.search(code), "a Chinese phrase in studio.js outside t(…)"


def test_in_a_real_browser_both_languages_show_the_brand_clock(app, studio_in_every_state):
    """Dashboard, deliveries, post page and sandbox chat in chromium, in Chinese and in English
    (screenshots in test-artifacts/): times carry the brand's zone, English pages no studio Chinese."""
    from tests.support.app import PASSWORDS
    from tests.support.browser import ARTIFACTS, chromium, log_in, served

    draft, scheduled = studio_in_every_state[0], studio_in_every_state[5]
    sandbox = scheduling.deliveries_of(scheduled.id)[0].channel_id
    pages = {"dashboard": "/", "deliveries": "/deliveries", "post": f"/posts/{scheduled.id}",
             "sandbox": f"/sandbox/{sandbox}", "draft": f"/posts/{draft.id}"}
    ARTIFACTS.mkdir(exist_ok=True)
    with served(app) as base, chromium() as browser:
        # a browser far from the brand: its own clock must not leak into the page
        page = browser.new_page(locale="en-US", timezone_id="America/Los_Angeles",
                                viewport={"width": 1280, "height": 900})
        log_in(page, base, "reviewer", PASSWORDS["reviewer"])
        for language in ("zh", "en"):
            page.goto(f"{base}/lang/{language}")
            for name, path in pages.items():
                page.goto(base + path)
                if name == "sandbox":
                    page.wait_for_selector(".chat .bubble .meta")
                    assert page.inner_text(".chat .meta").endswith("(Asia/Shanghai)")
                if name in ("post", "draft"):
                    page.wait_for_selector("#findings li")
                if name == "post" and language == "en":
                    assert "notifies everyone in the group" in page.inner_text("#findings")
                if name != "draft":
                    page.screenshot(path=str(ARTIFACTS / f"one-clock-{name}-{language}.png"), full_page=True)
                if name in ("dashboard", "deliveries", "post"):
                    assert "(Asia/Shanghai)" in page.inner_text("main"), (language, name)
                    assert " UTC" not in page.inner_text("main"), (language, name)
                if language == "en" and name != "post":  # a finding's advice quotes wording to use (＠all)
                    assert stray_chinese(page.content()) == [], (name, stray_chinese(page.content()))


def test_compliance_findings_give_their_reasons_in_english(ctx, client, auth, studio_in_every_state):
    auth.login("editor")
    client.get("/lang/en")
    draft = studio_in_every_state[0]
    findings = client.post(f"/posts/{draft.id}/lint", data={"body": "小茶来啦~ 这是最好的白茶。@all 快来"}).json
    reasons = " ".join(finding["message"] for finding in findings)
    assert "“最好” is a superlative" in reasons and "“@all” notifies everyone in the group" in reasons
    assert not CJK.search(reasons.replace("最好", "")), reasons
    labels = [finding["fix"]["label"] for finding in findings if finding["fix"]]
    assert labels and all(label.startswith(("Remove", "Change to")) for label in labels)
    client.get("/lang/zh")
    findings = client.post(f"/posts/{draft.id}/lint", data={"body": "小茶来啦~ 这是最好的白茶。"}).json
    assert "最高级" in findings[0]["message"]


def test_drafting_notes_and_form_errors_are_in_english(ctx, client, auth, studio_in_every_state):
    draft = studio_in_every_state[0]
    draft.generation = {"note": "模型没有写出可用的稿子（no usable text after 3 tries）；排序模型超时，按资料相关度选稿"}
    db.session.commit()
    auth.login("editor")
    client.get("/lang/en")
    page = client.get(f"/posts/{draft.id}").get_data(as_text=True)
    assert "About this draft: The model wrote no usable draft (no usable text after 3 tries); " \
           "The ranking model timed out" in page
    assert stray_chinese(page) == []
    response = client.post("/briefs/new", data={"brand": "chayun", "persona": "xiaocha", "channel": "sandbox-main",
                                                "segments": ["newcomer"], "key_message": "冬日品鉴会",
                                                "event_date": "next friday"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The date is not understood: &#39;next friday&#39; (use YYYY-MM-DD)" in page
    assert stray_chinese(page) == []
