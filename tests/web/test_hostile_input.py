"""Hostile input gets a 4xx at its cause, naming the field, and stores nothing."""
import json
from datetime import datetime

import pytest

from studio import api_tokens
from studio.drafting import briefs
from studio.errors import InvalidInput
from studio.extensions import db
from studio.models import AuditEvent, Brief, Delivery, Post, SandboxMessage
from tests.support.posts import approved_post, user

pytestmark = pytest.mark.hostile  # the hostile-input suite: pytest -m hostile

HUGE = "99999999999999999999"
BRIEF = {"brand": "chayun", "persona": "xiaocha", "channel": "sandbox-main", "segments": ["newcomer"],
         "key_message": "冬日品鉴会，白牡丹2024上新"}


def stored() -> tuple[int, ...]:
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                 for model in (Brief, Post, Delivery, AuditEvent, SandboxMessage))


@pytest.fixture
def token(ctx):
    return api_tokens.issue_token("editor")[0]


@pytest.fixture
def api(client, token):
    def post_brief(body, **kwargs):
        return client.post("/api/v1/briefs", headers={"Authorization": f"Bearer {token}"},
                           content_type="application/json",
                           data=body if isinstance(body, (str, bytes)) else json.dumps(body), **kwargs)
    return post_brief


def test_ids_past_64_bits_are_not_found(ctx, client, auth, token):
    auth.login("reviewer")
    before = stored()
    for path in (f"/posts/{HUGE}", f"/briefs/{HUGE}", f"/sandbox/{HUGE}", f"/posts/{HUGE}/progress.json",
                 f"/briefs/{HUGE}/progress.json", f"/sandbox/{HUGE}/messages.json"):
        assert client.get(path).status_code == 404, path
    for path in (f"/api/v1/posts/{HUGE}", f"/api/v1/briefs/{HUGE}"):
        assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 404, path
    assert client.post(f"/deliveries/{HUGE}/mark-sent").status_code == 404
    # the largest id the database holds still reaches the view, which says the post does not exist
    assert client.get(f"/posts/{2**63 - 1}/progress.json").status_code == 404
    assert stored() == before


def test_query_ids_past_64_bits_are_bad_requests(ctx, client, auth):
    auth.login("editor")
    before = stored()
    for after in (HUGE, "-" + HUGE, "abc"):
        response = client.get(f"/sandbox/1/messages.json?after={after}")
        assert response.status_code == 400 and "after" in response.get_data(as_text=True), after
    assert client.get("/sandbox/1/messages.json?after=0").status_code == 200
    assert client.post("/preview", data={"body": "hi", "post_id": HUGE}).status_code == 400
    assert stored() == before


@pytest.mark.parametrize("field, value", [
    ("segments", [1, 2]), ("segments", {"newcomer": True}), ("segments", 7),
    ("products", 3), ("products", [{"name": "白牡丹2024"}]), ("key_message", ["a"]), ("goal", 5),
])
def test_api_brief_with_wrong_json_types_names_the_field(ctx, api, field, value):
    before = stored()
    response = api({**BRIEF, field: value})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == field
    assert response.get_json()["error"]["code"] == "validation_error"
    assert stored() == before


@pytest.mark.parametrize("field", ["key_message", "goal"])
def test_lone_surrogate_is_refused_by_the_api_naming_the_field(ctx, api, field):
    before = stored()
    response = api(json.dumps({**BRIEF, field: "冬日\ud800品鉴"}))
    assert response.status_code == 400 and field in response.get_json()["error"]["message"]
    assert stored() == before


@pytest.mark.parametrize("field", ["key_message", "goal"])
def test_lone_surrogate_is_refused_by_the_service_the_web_form_uses(ctx, field):
    # browsers and werkzeug's form parser never hand a lone surrogate to a view; the shared check still holds
    before = stored()
    values = {**BRIEF, field: "冬日\ud800品鉴"}
    with pytest.raises(InvalidInput, match=field):
        briefs.create_brief(briefs.BriefInput(**values), author_id=user("editor").id)
    assert stored() == before


def test_json_nested_deeply_is_a_bad_request(ctx, api):
    before = stored()
    response = api("[" * 50_000 + "]" * 50_000)
    assert response.status_code == 400 and "nested" in response.get_json()["error"]["message"]
    assert stored() == before


def test_scheduling_at_year_one_is_refused_with_a_clear_message(ctx, client, auth):
    post = approved_post()
    auth.login("reviewer")
    before = stored()
    for send_at in ("0001-01-01T00:00", "0001-01-01T07:59"):
        response = client.post(f"/posts/{post.id}/schedule", data={"send_at": send_at, "channels": ["sandbox-main"]},
                                follow_redirects=True)
        assert "发送时间超出范围" in response.get_data(as_text=True), send_at
    assert stored() == before
    with pytest.raises(InvalidInput, match="超出范围"):
        from studio.distribution import scheduling
        scheduling.schedule_post(post.id, datetime(1, 1, 1), ["sandbox-main"], user("reviewer"))


@pytest.mark.parametrize("field, value", [("goal", "长" * 1_000_000), ("products", ["白牡丹2024"] * 100_000),
                                          ("products", ["长" * 1000])])
def test_fields_longer_than_the_model_allows_are_refused_by_api_and_form(ctx, client, auth, api, field, value):
    before = stored()
    response = api({**BRIEF, field: value})
    assert response.status_code == 400 and field in response.get_json()["error"]["message"]
    auth.login("editor")
    form = {**BRIEF, field: value if field == "goal" else ",".join(value)}
    response = client.post("/briefs/new", data=form)
    assert response.status_code == 400 and field in response.get_data(as_text=True)
    assert stored() == before


def test_a_goal_at_the_column_length_is_accepted(ctx, api):
    response = api({**BRIEF, "goal": "长" * 300})
    assert response.status_code == 201
    assert db.session.get(Brief, response.get_json()["id"]).goal == "长" * 300
