"""Markup and script in every field a person or a model writes, on every page that shows it.

Each payload is stored through the same service or form a user reaches, then the page that renders the field
is parsed: no element the payload could have made may run script (no inline <script>, no on* attribute, no
javascript: URL, no srcdoc, no <style> of its own). Then chromium opens every page with the payloads stored,
listening for the policy's violation reports and for dialogs: nothing may run and nothing may even try."""
from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest

from studio import api_tokens
from studio.brands import kits
from studio.brands.library import copy_kit
from studio.cli import DEMO_KIT
from studio.drafting import briefs
from studio.extensions import db
from studio.models import Channel, Post, Revision
from studio.rituals import service as rituals
from tests.support.app import PASSWORDS, add_users, make_app
from tests.support.browser import chromium, log_in, served, shot
from tests.support.posts import user

pytestmark = pytest.mark.hostile

PAYLOADS = {
    "script": "<script>window.__xss=1</script>",
    "img-onerror": '"><img src=x onerror="window.__xss=1">',
    "svg-onload": "'><svg/onload=window.__xss=1>",
    "js-url": "javascript:window.__xss=1",
    "markdown-js-link": "[点这里领券](javascript:window.__xss=1)",
    "anchor-js": '<a href="javascript:window.__xss=1">领券</a>',
    "js-string-break": "x');window.__xss=1;('",
    "iframe-srcdoc": '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "style-and-bidi": "\u202e<style>*{display:none}</style>gnp.exe",
    "mutation": "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "template": "{{ config.SECRET_KEY }}{% raw %}${7*7}",
}
SCRIPT_ATTRIBUTES = ("srcdoc", "formaction")
URL_ATTRIBUTES = ("href", "src", "action", "data", "xlink:href")


class ScriptFinder(HTMLParser):
    """Everything in a page that could run script, beyond the app's own script files and JSON blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag in ("style", "iframe", "object", "embed", "svg", "math"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in SCRIPT_ATTRIBUTES:
                self.found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and value.replace("\t", "").replace("\n", "").startswith(("javascript:",
                                                                                                 "vbscript:",
                                                                                                 "data:text/html")):
                self.found.append(f"<{tag} {name}={value[:30]}>")


def script_in(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile")
    app = make_app(data)
    with app.app_context():
        kits.import_brand_kit(copy_kit(DEMO_KIT, data, "chayun"))
        add_users("editor", "reviewer", "admin")  # members of chayun; the admin is a site admin
        brief = briefs.create_brief(briefs.BriefInput(
            brand="chayun", persona="xiaocha", channel="sandbox-main", segments=["newcomer"],
            key_message="冬日品鉴会"), user("editor").id)
        post = brief.posts[0]
        revision = Revision(post_id=post.id, number=1, body="小茶来啦~", note="初稿")
        db.session.add(revision)
        db.session.flush()
        post.current_revision_id, post.status = revision.id, "draft"
        db.session.commit()
        ids = {"post": post.id, "brief": brief.id}
    yield app, ids
    with app.app_context():
        db.engine.dispose()


def _client(app, username="editor"):
    client = app.test_client()
    assert client.post("/login", data={"username": username,
                                       "password": PASSWORDS[username]}).status_code == 302
    return client


# Each field: how to store the payload (app, ids, payload) and the pages that show it.
def _brief_message(app, ids, payload):
    with app.app_context():
        brief = briefs.get_brief(ids["brief"])
        brief.key_message = "冬日品鉴会" + payload
        brief.goal = payload[:200]
        db.session.commit()
    return [f"/briefs/{ids['brief']}", f"/posts/{ids['post']}", "/"]


def _post_body(app, ids, payload):
    client = _client(app)
    client.post(f"/posts/{ids['post']}/revisions", data={"body": "小茶来啦~\n\n" + payload, "note": payload[:150]})
    return [f"/posts/{ids['post']}"]


def _preview(app, ids, payload):
    """The live preview's HTML and each channel's rendering, as the editor page shows them."""
    answer = _client(app).post("/preview", data={"body": "小茶来啦~ " + payload, "post_id": ids["post"]})
    data = answer.get_json()
    return {"html": data["html"], **{f"channel-{i}": row.get("html", "") for i, row in
                                      enumerate(data.get("channels", []))}}


def _send_back_comment(app, ids, payload):
    with app.app_context():
        post = db.session.get(Post, ids["post"])
        post.status = "in_review"
        db.session.commit()
    _client(app, "reviewer").post(f"/posts/{ids['post']}/send-back", data={"comment": "请改：" + payload})
    return [f"/posts/{ids['post']}", "/brands/chayun/audit"]


def _group_fields(app, ids, payload):
    cell = payload.replace('"', '""')
    csv = ("slug,type,target,name,segments,region,store,members,tags,owner\n"
           f'hostile-1,sandbox,hostile-1,"{cell}",newcomer,"{cell}","{cell}",10,"{cell}","{cell}"\n')
    _client(app).post("/brands/chayun/groups/import", data={"file": (io.BytesIO(csv.encode()), "groups.csv")},
                      content_type="multipart/form-data")
    return ["/brands/chayun/groups", "/brands/chayun/channels/hostile-1", "/brands/chayun/calendar"]


def _ritual_fields(app, ids, payload):
    with app.app_context():
        rituals.create(rituals.RitualInput(
            brand="chayun", name="品鉴会" + payload[:60], slug="", rrule="FREQ=WEEKLY;BYDAY=FR",
            start="2027-01-01T20:00", timezone="Asia/Shanghai", brief="周五晚8点" + payload, persona="xiaocha",
            segments=["newcomer"]))
    return ["/brands/chayun/rituals", "/brands/chayun/calendar"]


def _document_name(app, ids, payload):
    name = payload.replace("/", "_")[:80] + ".txt"
    _client(app).post("/brands/chayun/documents", data={"files": (io.BytesIO("茶的故事。".encode()), name)},
                      content_type="multipart/form-data")
    return ["/brands/chayun"]


def _search_query(app, ids, payload):
    return [f"/brands/chayun?q={payload}", f"/brands/chayun/groups?audience={payload}"]


def _token_name(app, ids, payload):
    with app.app_context():
        api_tokens.issue_token("editor", name=payload[:60])
    return ["/account/tokens"]


def _sandbox_message(app, ids, payload):
    from studio.channels import sandbox
    with app.app_context():
        channel = db.session.scalar(db.select(Channel).where(Channel.slug == "sandbox-main"))
        sandbox.receive_message(db.session, channel_id=channel.id, delivery_key=f"hostile-{hash(payload)}",
                                sender="小茶", body="群消息：" + payload)
        db.session.commit()
        return [f"/sandbox/{channel.id}", f"/sandbox/{channel.id}/messages.json"]


FIELDS = {"brief": _brief_message, "post-body": _post_body, "send-back": _send_back_comment,
          "groups": _group_fields, "rituals": _ritual_fields, "document-name": _document_name,
          "reflected-query": _search_query, "token-name": _token_name, "sandbox": _sandbox_message}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("field", FIELDS)
def test_no_field_lets_markup_run_script(world, field, payload):
    app, ids = world
    pages = FIELDS[field](app, ids, payload)
    admin = _client(app, "admin")
    for path in pages:
        answer = admin.get(path)
        assert answer.status_code < 500, path
        body = answer.get_data(as_text=True)
        if answer.mimetype == "application/json":
            body = "".join(str(item.get("html", "")) for item in answer.get_json())
        assert script_in(body) == [], f"{field} on {path}"
        assert "window.__xss=1</script>" not in body and "onerror=\"window" not in body


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_the_live_preview_and_channel_renderings_are_sanitized(world, payload):
    app, ids = world
    for name, html in _preview(app, ids, payload).items():
        assert script_in(html) == [], name


def test_the_template_payload_is_shown_not_evaluated(world):
    app, ids = world
    _brief_message(app, ids, PAYLOADS["template"])
    page = _client(app, "admin").get(f"/briefs/{ids['brief']}").get_data(as_text=True)
    assert "{{ config.SECRET_KEY }}" in page and app.config["SECRET_KEY"] not in page


def test_nothing_runs_in_chromium_with_every_payload_stored(world):
    app, ids = world
    pages = set()
    for field, store in FIELDS.items():
        if field == "reflected-query":
            continue
        for payload in (PAYLOADS["img-onerror"], PAYLOADS["script"], PAYLOADS["markdown-js-link"]):
            pages.update(p for p in store(app, ids, payload) if not p.endswith(".json"))
    pages.update(_search_query(app, ids, PAYLOADS["svg-onload"]))
    watch = ("window.__refused = []; document.addEventListener('securitypolicyviolation', "
             "(e) => window.__refused.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));")
    dialogs, results = [], {}
    with served(app) as base, chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.add_init_script(watch)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        log_in(page, base, "admin", PASSWORDS["admin"])
        for path in sorted(pages):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            for link in page.locator("a[href^='javascript']").all():
                link.click()  # a link that survived sanitizing would run here
            results[path] = (page.evaluate("window.__xss === undefined"), page.evaluate("window.__refused"))
        page.goto(base + f"/posts/{ids['post']}")
        shot(page, "hostile-post")
    assert dialogs == []
    assert results == {path: (True, []) for path in sorted(pages)}


def test_the_check_finds_each_markup_payload_left_unescaped():
    """The page check is not vacuous: every payload that is markup is caught when a page prints it raw."""
    markup = {name: payload for name, payload in PAYLOADS.items() if "<" in payload}
    assert {name: bool(script_in(f"<p>{payload}</p>")) for name, payload in markup.items()} == \
        {name: True for name in markup}
    assert script_in('<a href=" javascript:alert(1)">x</a>') and script_in('<a href="JaVaScRiPt:x">x</a>')
