"""Every route of the app × every role × the user's own brand and another brand.

Another brand's records answer 404 and change nothing; in the own brand a role without the right answers
403 and changes nothing, and a role with it gets past the check. A route the table below does not know fails
the test, so a new route has to say who may use it."""
from __future__ import annotations

import io
import json

import pytest

from studio.extensions import db
from tests.support.workspaces import PASSWORD, PEOPLE, fingerprint, two_brands

ANY = ("editor", "reviewer", "admin")  # every member of the brand
SITE = ("site",)  # site admins only: no role in a brand is enough
# Who may use each route inside their brand: the roles of a membership (a brand admin holds them all).
ACCESS = {
    "web.dashboard": ANY, "web.review_queue": ANY, "web.deliveries": ANY, "web.sandbox_index": ANY,
    "web.brand": ANY, "web.document": ANY, "web.calendar": ANY, "web.calendar_items": ANY, "web.channel": ANY,
    "web.group_directory": ANY, "web.audience_count": ANY, "web.reports": ANY, "web.reports_csv": ANY,
    "web.rituals": ANY, "web.brief": ANY, "web.brief_progress": ANY, "web.post": ANY, "web.post_progress": ANY,
    "web.sandbox_chat": ANY, "web.sandbox_messages": ANY, "web.lint": ANY, "web.preview": ANY,
    "web.library_job": ANY,
    "web.members": ("admin",), "web.audit_log": ("admin",), "web.add_member": ("admin",),
    "web.remove_member": ("admin",), "web.channel_test": ("admin",), "web.rotate_order_secret": ("admin",),
    "web.reindex": ("admin",), "web.brand_settings": ("admin",), "web.update_brand_settings": ("admin",),
    "web.save_brand_item": ("admin",), "web.remove_brand_item": ("admin",), "web.brand_scripts": ("admin",),
    "web.save_brand_scripts": ("admin",), "web.invite_member": ("admin",), "web.withdraw_invitation": ("admin",),
    "web.rotate_feed_token": ("editor", "reviewer"), "web.schedule_brief": ("editor", "reviewer"),
    "web.reschedule": ("editor", "reviewer"), "web.schedule": ("editor", "reviewer"),
    "web.approve": ("reviewer",), "web.send_back": ("reviewer",), "web.mark_delivery_sent": ("reviewer",),
    "web.send_delivery_again": ("reviewer",),
    "web.upload_documents": ("editor",), "web.delete_document": ("editor",), "web.bulk_edit_groups": ("editor",),
    "web.import_groups": ("editor",), "web.import_redemptions": ("editor",), "web.create_ritual": ("editor",),
    "web.update_ritual": ("editor",), "web.set_ritual_active": ("editor",), "web.change_occurrence": ("editor",),
    "web.new_brief": ("editor",), "web.attach_poster": ("editor",), "web.poster_preview": ("editor",),
    "web.remove_poster": ("editor",), "web.regenerate": ("editor",), "web.restore_post": ("editor",),
    "web.save_revision": ("editor",), "web.rewrite": ("editor",), "web.submit": ("editor",),
    "web.posts_batch": ("editor",),
    "web.users": SITE, "web.create_user": SITE, "web.reset_password": SITE,
}


def _may(role: str, endpoint: str) -> bool:
    """Whether a member with this role in the brand may use the route (a brand admin holds every role)."""
    return ACCESS[endpoint] != SITE and (role == "admin" or role in ACCESS[endpoint])
# Routes with no brand behind them: public by design (signed or secret URLs), or the session itself.
OUTSIDE = {"static", "health", "auth.login", "auth.logout", "i18n.set_language", "links.follow",
           "links.poster_image", "web.calendar_feed",
           "web.api_token_list", "web.create_api_token", "web.revoke_api_token",  # the user's own tokens
           "web.accept_invitation"}  # a secret link, for whoever holds it
# Routes whose brand is in the form rather than the path, and what their forms name.
FORM_BRAND = {"web.new_brief": "brand", "web.posts_batch": "post_ids", "web.preview": "post_id"}
# Pages that list the brands the user may see rather than one brand's records: they answer 200 to everyone.
LISTS = {"web.dashboard", "web.review_queue", "web.deliveries", "web.sandbox_index"}
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """chayun, where the editor, the reviewer and the brand admin work, and yagu, where none of them does."""
    app, records = two_brands(tmp_path_factory.mktemp("matrix"))
    yield app, records
    with app.app_context():
        db.engine.dispose()


# Routes that read JSON, and the body that would do their work.
JSON_BODIES = {"web.reschedule": {"local_start": "2030-01-01T20:00"}}
# Query strings a page needs to do its work.
QUERIES = {"web.calendar_items": {"from": "2026-12-01", "to": "2026-12-31"}}


def _url(app, rule, records: dict) -> str:
    values = {name: records[name] for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **values, **QUERIES.get(rule.endpoint, {}))


def _form(endpoint: str, records: dict) -> dict:
    """A form that would do the route's work, aimed at the records' brand."""
    forms = {
        "web.new_brief": {"brand": records["slug"], "persona": "x", "channel": "sandbox-main", "segments": "x",
                          "key_message": "越权的简报"},
        "web.posts_batch": {"action": "archive", "post_ids": str(records["post_id"])},
        "web.preview": {"body": "看看", "post_id": str(records["post_id"])},
        "web.approve": {"revision_id": str(records["revision_id"])},
        "web.send_back": {"comment": "请修改"},
        "web.save_revision": {"body": "越权修改的正文"},
        "web.add_member": {"username": "outsider", "role": "admin"},
        "web.create_user": {"username": "intruder", "password": "intruder-pass", "confirm": "intruder-pass",
                            "site_admin": "1"},
        "web.reset_password": {"password": "taken-over-1"},
        "web.update_brand_settings": {"name": "越权改名"},
        "web.save_brand_item": {"name": "越权改名", "taboo": "越权"},
        "web.save_brand_scripts": {"text": "ctas:\n  - 越权的话术\n"},
        "web.invite_member": {"role": "admin", "note": "越权邀请"},
        "web.bulk_edit_groups": {"groups": "sandbox-main", "add_tags": "越权"},
        "web.update_ritual": {"name": "越权改名"},
        "web.set_ritual_active": {"active": "0"},
        "web.change_occurrence": {"at": "2027-01-01T20:00", "action": "skip"},
        "web.create_ritual": {"name": "越权仪式", "slug": "intruder", "rrule": "FREQ=WEEKLY;BYDAY=MO",
                              "start": "2027-01-04T20:00", "brief": "越权", "persona": "x", "segments": "x"},
        "web.regenerate": {"instruction": "短一点"},
        "web.rewrite": {"passage": "正文", "instruction": "短一点"},
        "web.schedule": {"send_at": "2030-01-01T20:00", "channels": "sandbox-main"},
        "web.schedule_brief": {"send_at": "2030-01-01T20:00"},
    }
    return forms.get(endpoint, {})


# Routes that take a file, and one that would do their work.
FILES = {"web.import_groups": ("file", "groups.csv", "slug,type,target,name,segments\nx-1,sandbox,x-1,越权群,x\n"),
         "web.import_redemptions": ("file", "coupons.csv", "code,order_id,amount,redeemed_at\nX,1,1,2026-12-01\n"),
         "web.upload_documents": ("files", "intruder.md", "# 越权\n\n越权上传的文档。\n")}


def _send(client, rule, method: str, url: str, records: dict):
    if rule.endpoint in JSON_BODIES:
        return client.open(url, method=method, json=JSON_BODIES[rule.endpoint])
    data = _form(rule.endpoint, records)
    if rule.endpoint in FILES:
        field, name, text = FILES[rule.endpoint]
        data[field] = (io.BytesIO(text.encode()), name)
        return client.open(url, method=method, data=data, content_type="multipart/form-data")
    return client.open(url, method=method, data=data)


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OUTSIDE or rule.endpoint.startswith("api."):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_says_who_may_use_it(world):
    app, _records = world
    unknown = sorted({rule.endpoint for rule, _ in _rules(app)} - set(ACCESS))
    assert not unknown, f"routes missing from the access table: {unknown}"


@pytest.mark.parametrize("person", ["editor", "reviewer", "brand_admin"])
def test_another_brands_records_answer_404_on_every_route_and_nothing_changes(world, person):
    app, records = world
    username, role = PEOPLE[person]
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    before = fingerprint(app)
    checked = 0
    for rule, method in _rules(app):
        if rule.endpoint in LISTS or (not rule.arguments and rule.endpoint not in FORM_BRAND):
            continue
        if method == "GET" and rule.endpoint in FORM_BRAND:
            continue
        url = _url(app, rule, records["other"])
        answer = _send(client, rule, method, url, records["other"])
        allowed = {404} if rule.endpoint != "web.new_brief" else {400, 404}  # the form page says 没有品牌
        if rule.endpoint == "web.posts_batch":  # a batch reports each post it refused, as missing
            allowed = {302}
        if not _may(role, rule.endpoint):
            allowed = allowed | {403}  # refused for the role before any id is looked at: the id tells nothing
        assert answer.status_code in allowed, f"{person} {method} {url}: {answer.status_code}"
        assert "芽谷" not in answer.get_data(as_text=True), f"{person} {method} {url} shows the other brand"
        checked += 1
    assert checked >= 50
    assert fingerprint(app) == before


@pytest.mark.parametrize("person", ["editor", "reviewer", "brand_admin"])
def test_inside_the_own_brand_a_role_without_the_right_gets_403_and_nothing_changes(world, person):
    app, records = world
    username, role = PEOPLE[person]
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    refused = 0
    for rule, method in _rules(app):
        allowed = _may(role, rule.endpoint)
        if allowed:
            continue
        before = fingerprint(app)
        url = _url(app, rule, records["own"])
        answer = _send(client, rule, method, url, records["own"])
        assert answer.status_code == 403, f"{person} {method} {url}: {answer.status_code}"
        assert fingerprint(app) == before, f"{person} {method} {url} changed something"
        refused += 1
    assert refused >= {"editor": 10, "reviewer": 25, "brand_admin": 0}[person]


@pytest.mark.parametrize("person", ["editor", "reviewer", "brand_admin", "site_admin"])
def test_every_page_a_role_may_see_opens(world, person):
    """GET routes inside the brand: 200 for the roles that may use them (a site admin may use all)."""
    app, records = world
    username, role = PEOPLE.get(person, ("root", "admin"))
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    opened = 0
    for rule, method in _rules(app):
        if method != "GET" or not (person == "site_admin" or _may(role, rule.endpoint)):
            continue
        for side in ("own", "other") if person == "site_admin" else ("own",):
            url = _url(app, rule, records[side])
            answer = client.get(url)
            assert answer.status_code == 200, f"{person} GET {url}: {answer.status_code}"
            opened += 1
    assert opened >= 20


def test_a_member_of_both_brands_reaches_both(world):
    app, records = world
    client = app.test_client()
    client.post("/login", data={"username": "outsider", "password": PASSWORD})
    for side in ("own", "other"):
        assert client.get(f"/posts/{records[side]['post_id']}").status_code == 200
    brands = json.dumps(client.get("/").get_data(as_text=True), ensure_ascii=False)
    assert "芽谷" in brands and "茶韵" in brands
