"""Every /api/v1 route × the editor, the reviewer and the brand admin of one brand, and a site admin × the own
brand and another brand.

Another brand's records answer 404 and change nothing; in the own brand a role without the right answers 403
and changes nothing; a token without the route's scope answers 403 and changes nothing. A route the table
below does not know fails the test, so a new route has to say which scope and which roles it needs."""
from __future__ import annotations

import pytest
from flask import url_for

from studio import api_tokens
from studio.extensions import db
from tests.support.workspaces import PEOPLE, fingerprint, two_brands

ANY = ("editor", "reviewer", "admin")  # every member of the brand
EDITOR, REVIEWER, SCHEDULERS = ("editor",), ("reviewer",), ("editor", "reviewer")
# Each route's scope and the brand roles that may use it (a brand admin holds them all).
ACCESS = {
    "api.list_brands": (None, ANY), "api.search": ("knowledge:read", ANY),
    "api.create_brief": ("posts:write", EDITOR), "api.brief_progress": ("posts:read", ANY),
    "api.brand_posts": ("posts:read", ANY), "api.get_post": ("posts:read", ANY),
    "api.post_revisions": ("posts:read", ANY), "api.lint_post": ("posts:read", ANY),
    "api.review_queue": ("posts:read", ANY), "api.save_revision": ("posts:write", EDITOR),
    "api.submit": ("posts:write", EDITOR), "api.regenerate": ("posts:write", EDITOR),
    "api.attach_poster": ("posts:write", EDITOR), "api.remove_poster": ("posts:write", EDITOR),
    "api.approve": ("review", REVIEWER), "api.send_back": ("review", REVIEWER),
    "api.schedule_post": ("schedule", SCHEDULERS), "api.schedule_brief": ("schedule", SCHEDULERS),
    "api.reschedule": ("schedule", SCHEDULERS), "api.mark_sent": ("schedule", REVIEWER),
    "api.send_again": ("schedule", REVIEWER), "api.post_deliveries": ("posts:read", ANY),
    "api.brand_deliveries": ("posts:read", ANY), "api.list_groups": ("schedule", ANY),
    "api.audience_size": ("schedule", ANY), "api.list_rituals": ("posts:read", ANY),
    "api.create_ritual": ("posts:write", EDITOR), "api.update_ritual": ("posts:write", EDITOR),
    "api.set_ritual_active": ("posts:write", EDITOR), "api.change_occurrence": ("posts:write", EDITOR),
    "api.calendar_items": ("posts:read", ANY), "api.list_links": ("analytics:read", ANY),
    "api.create_link": ("posts:write", EDITOR), "api.breakdown": ("analytics:read", ANY),
}
# No token: the description of the API, and the shop's webhook, which a signature proves instead.
PUBLIC = {"api.openapi", "api.record_order"}
# Routes that list what the token reaches rather than one brand's records: another brand's rows never show.
LISTS = {"api.list_brands", "api.review_queue"}
PERSONAS = {"chayun": ("xiaocha", "newcomer"), "yagu": ("yaya", "new-parents")}


def _body(endpoint: str, records: dict) -> dict | None:
    """A JSON body that would do the route's work in the records' brand."""
    persona, segment = PERSONAS[records["slug"]]
    bodies = {
        "api.create_brief": {"brand": records["slug"], "persona": persona, "channel": "sandbox-main",
                             "segments": [segment], "key_message": "越权的简报"},
        "api.save_revision": {"body": "越权修改的正文"}, "api.lint_post": {"text": "看看"},
        "api.approve": {"revision_id": records["revision_id"]}, "api.send_back": {"comment": "请修改"},
        "api.regenerate": {"instruction": "短一点"}, "api.attach_poster": {"title": "越权海报"},
        "api.schedule_post": {"send_at": "2030-01-01T20:00", "channels": ["sandbox-main"]},
        "api.schedule_brief": {"send_at": "2030-01-01T20:00"}, "api.reschedule": {"local_start": "2030-01-01T20:00"},
        "api.create_ritual": {"name": "越权仪式", "slug": "intruder", "rrule": "FREQ=WEEKLY;BYDAY=MO",
                              "start": "2027-01-04T20:00", "timezone": "Asia/Shanghai", "brief": "越权",
                              "persona": persona, "segments": [segment]},
        "api.update_ritual": {"name": "越权改名"}, "api.set_ritual_active": {"active": False},
        "api.change_occurrence": {"at": "2027-01-01T20:00", "action": "skip"},
        "api.create_link": {"url": "https://example.com/intruder"},
    }
    return bodies.get(endpoint)


QUERIES = {"api.calendar_items": {"from": "2026-12-01", "to": "2026-12-31"}, "api.breakdown": {"by": "segment"},
           "api.search": {"q": "白茶"}, "api.list_groups": {"audience": ""}}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """chayun, where the editor, the reviewer and the brand admin work, and yagu, where none of them does; a
    token with every scope for each person, and a site admin's token lacking each scope in turn."""
    app, records = two_brands(tmp_path_factory.mktemp("api-matrix"), STUDIO_API_RATE_LIMIT=0)
    with app.app_context():
        tokens = {person: api_tokens.issue_token(username)[0] for person, (username, _) in PEOPLE.items()}
        tokens["site_admin"] = api_tokens.issue_token("root")[0]
        tokens["outsider_in_chayun"] = api_tokens.issue_token("outsider", brand="chayun")[0]
        lacking = {scope: api_tokens.issue_token("root", scopes=[s for s in api_tokens.SCOPES if s != scope])[0]
                   for scope in api_tokens.SCOPES}
    yield app, records, tokens, lacking
    with app.app_context():
        db.engine.dispose()


def _fingerprint(app) -> str:
    """Every table but the tokens' last use (and the rate budget, unused here): equal means nothing was written."""
    return fingerprint(app, skip=("api_token", "rate_budget"))


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in PUBLIC:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _call(app, token: str, rule, method: str, records: dict):
    with app.test_request_context():
        url = url_for(rule.endpoint, **{name: records[name] for name in rule.arguments},
                      **QUERIES.get(rule.endpoint, {}))
    body = _body(rule.endpoint, records)
    answer = app.test_client().open(url, method=method, headers={"Authorization": f"Bearer {token}"},
                                    **({"json": body} if body is not None else {}))
    return url, answer


def test_every_api_route_says_which_scope_and_roles_it_needs(world):
    app = world[0]
    endpoints = {rule.endpoint for rule, _ in _rules(app)}
    assert not sorted(endpoints - set(ACCESS)), f"API routes missing from the access table: {endpoints - set(ACCESS)}"
    assert not sorted(set(ACCESS) - endpoints), "the access table names routes that are gone"
    declared = {endpoint: app.view_functions[endpoint].api_scope for endpoint in endpoints}
    assert declared == {endpoint: scope for endpoint, (scope, _) in ACCESS.items()}


@pytest.mark.parametrize("person", ["editor", "reviewer", "brand_admin", "outsider_in_chayun"])
def test_another_brands_records_answer_404_on_every_api_route_and_nothing_changes(world, person):
    app, records, tokens, _ = world
    before = _fingerprint(app)
    checked = 0
    for rule, method in _rules(app):
        url, answer = _call(app, tokens[person], rule, method, records["other"])
        if rule.endpoint in LISTS:
            assert answer.status_code == 200, f"{person} {method} {url}: {answer.status_code}"
            listed = answer.json["items"] if isinstance(answer.json, dict) else answer.json
            assert records["other"]["slug"] not in [row.get("slug") for row in listed]
            assert records["other"]["post_id"] not in [row.get("id") for row in listed]
            continue
        assert answer.status_code == 404, f"{person} {method} {url}: {answer.status_code} {answer.json}"
        assert answer.json["error"]["code"] == "not_found" and "芽谷" not in answer.get_data(as_text=True)
        checked += 1
    assert checked >= 30
    assert _fingerprint(app) == before


@pytest.mark.parametrize("person", ["editor", "reviewer", "brand_admin"])
def test_inside_the_own_brand_a_role_without_the_right_gets_403_and_nothing_changes(world, person):
    app, records, tokens, _ = world
    role = PEOPLE[person][1]
    refused = 0
    for rule, method in _rules(app):
        if role == "admin" or role in ACCESS[rule.endpoint][1]:
            continue
        before = _fingerprint(app)
        url, answer = _call(app, tokens[person], rule, method, records["own"])
        assert answer.status_code == 403, f"{person} {method} {url}: {answer.status_code} {answer.json}"
        assert answer.json["error"]["code"] == "forbidden"
        assert _fingerprint(app) == before, f"{person} {method} {url} changed something"
        refused += 1
    assert refused >= {"editor": 4, "reviewer": 10, "brand_admin": 0}[person]


def test_a_token_without_the_routes_scope_gets_403_and_nothing_changes(world):
    app, records, _, lacking = world
    before = _fingerprint(app)
    refused = 0
    for rule, method in _rules(app):
        scope = ACCESS[rule.endpoint][0]
        if scope is None:
            continue
        for side in ("own", "other"):  # the scope is checked before anything is looked up
            url, answer = _call(app, lacking[scope], rule, method, records[side])
            assert answer.status_code == 403, f"without {scope}: {method} {url}: {answer.status_code}"
            assert answer.json["error"]["code"] == "forbidden" and scope in answer.json["error"]["message"]
            refused += 1
    assert refused >= 60
    assert _fingerprint(app) == before


@pytest.mark.parametrize("person", ["editor", "reviewer", "brand_admin"])
def test_every_read_a_role_may_make_answers_200(world, person):
    app, records, tokens, _ = world
    role = PEOPLE[person][1]
    opened = 0
    for rule, method in _rules(app):
        if method != "GET" or not (role == "admin" or role in ACCESS[rule.endpoint][1]):
            continue
        url, answer = _call(app, tokens[person], rule, method, records["own"])
        assert answer.status_code == 200, f"{person} GET {url}: {answer.status_code} {answer.get_data()[:300]}"
        opened += 1
    assert opened >= 15


def test_a_site_admin_gets_past_every_check_in_every_brand(world):
    """Last, as it does the routes' work: no 401, 403 or 404 on either brand (a rule of review aside)."""
    app, records, tokens, _ = world
    for side in ("own", "other"):
        for rule, method in _rules(app):
            url, answer = _call(app, tokens["site_admin"], rule, method, records[side])
            if answer.status_code == 403 and answer.json["error"]["code"] == "self_approval":
                continue  # the site admin wrote these posts' briefs
            assert answer.status_code not in (401, 403, 404), \
                f"site admin {method} {url}: {answer.status_code} {answer.get_data()[:300]}"
