"""A strict Content-Security-Policy, and pages that keep to it: no inline script, handler or style attribute,
checked in the templates and, in chromium, by the browser's own violation reports."""
from __future__ import annotations

import re
from pathlib import Path

from tests.links.reporting import add_group, approved, brand_id, link_of, people_click, sent
from tests.support.app import PASSWORDS, make_app
from tests.support.browser import chromium, log_in, served, shot

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = {
    "event handler attribute": re.compile(r"""<[^>]*\son[a-z]+\s*=\s*["']""", re.I),
    "style attribute": re.compile(r"""<[^>]*\sstyle\s*=\s*["']""", re.I),
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "javascript: URL": re.compile(r"""=\s*["']\s*javascript:""", re.I),
    "style element": re.compile(r"<style\b", re.I),
}
# Collects what the page's policy refused, from the first script on.
WATCH = ("window.__refused = []; document.addEventListener('securitypolicyviolation', "
         "(e) => window.__refused.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));")


def test_no_template_runs_inline_script_or_carries_a_style_attribute():
    found = [f"{path.name}: {kind}: {match.group(0)[:80]}"
             for path in sorted(TEMPLATES.rglob("*.html")) for kind, pattern in INLINE.items()
             for match in pattern.finditer(path.read_text(encoding="utf-8"))]

    assert found == []


def test_every_answer_carries_the_policy_and_its_companions(ctx, client, auth):
    auth.login("editor")
    answers = [client.get("/login"), client.get("/"), client.get("/api/v1/openapi.json"), client.get("/health")]

    for answer in answers:
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
    page_nonce = re.search(r'name="csp-nonce" content="([^"]+)"', answers[1].get_data(as_text=True)).group(1)
    assert f"style-src 'self' 'nonce-{page_nonce}'" in answers[1].headers["Content-Security-Policy"]
    assert page_nonce not in client.get("/").headers["Content-Security-Policy"]  # a new one each page


def test_cookies_are_secure_when_the_studio_is_served_over_https(tmp_path):
    from studio.extensions import db
    from tests.support.app import add_users

    app = make_app(tmp_path / "data", STUDIO_BASE_URL="https://studio.example.com")
    with app.app_context():
        add_users("editor")
    answer = app.test_client().post("/login", data={"username": "editor", "password": PASSWORDS["editor"]})

    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with app.app_context():
        db.engine.dispose()


def test_the_pages_break_no_rule_of_their_policy_in_chromium(ctx, app):
    add_group(brand_id(), "north", 200)
    post = approved(poster=True)
    [delivery] = sent(post, ["north"])
    people_click(app, link_of(delivery), 12)
    pages = ["/", "/briefs/new", "/brands/chayun", f"/briefs/{post.brief_id}", f"/posts/{post.id}",
             "/brands/chayun/calendar", "/brands/chayun/reports", "/brands/chayun/groups", "/brands/chayun/rituals",
             "/review", "/deliveries", "/sandbox", "/account/tokens", "/admin/users", "/brands/chayun/members",
             "/brands/chayun/audit", "/brands/chayun/settings", "/brands/chayun/settings/scripts"]

    with served(app) as base, chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.add_init_script(WATCH)
        log_in(page, base, "admin", PASSWORDS["admin"])
        refused = {}
        for path in pages:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            refused[path] = page.evaluate("window.__refused")
            if path == "/brands/chayun/calendar":
                page.wait_for_selector(".fc-toolbar")
                # the library's own stylesheet, added at run time with the page's nonce, took effect
                assert page.evaluate("getComputedStyle(document.querySelector('.fc-toolbar')).display") == "flex"
                shot(page, "csp-calendar")
            if path == "/brands/chayun/reports":
                assert page.evaluate("document.getElementById('report-chart').style.height") == "116px"
            if path in ("/admin/users", "/brands/chayun/members", "/brands/chayun/audit"):
                shot(page, "csp-" + path.strip("/").replace("/", "-"))
            if path == f"/briefs/{post.brief_id}":
                assert page.evaluate("document.querySelector('.progress .bar').style.width") == "100%"

    assert refused == {path: [] for path in pages}
