"""What the API's routes do, area by area: each asserts the stored effect, not only the status."""
from __future__ import annotations

from datetime import timedelta

import pytest

from studio import api_tokens
from studio.distribution import groups, scheduling
from studio.extensions import db
from studio.models import Delivery, DeliveryStatus, Post, utcnow
from studio.rituals import service as rituals
from tests.support.posts import approved_post, drafted_post, shanghai_now, user


@pytest.fixture
def api(ctx):
    """Call the API as a test user with a token of every scope: api("editor").get(url) etc."""
    tokens = {}

    class Caller:
        def __init__(self, name):
            if name not in tokens:
                tokens[name] = api_tokens.issue_token(name)[0]
            self.headers = {"Authorization": f"Bearer {tokens[name]}"}

        def __getattr__(self, method):
            return lambda url, **kwargs: getattr(ctx.test_client(), method)(url, headers=self.headers, **kwargs)

    return Caller


def in_review_post() -> Post:
    post = drafted_post()
    post.status = "in_review"
    db.session.commit()
    return post


# ------------------------------------------------------------------------------------------- errors


def test_every_error_has_one_shape_naming_the_field_when_there_is_one(ctx, api):
    client = ctx.test_client()
    no_token = client.get("/api/v1/brands")
    unknown_route = api("editor").get("/api/v1/nothing-here")
    wrong_method = api("editor").put("/api/v1/brands")
    invalid = api("reviewer").post(f"/api/v1/posts/{in_review_post().id}/approve", json={"revision_id": "latest"})
    bad_cursor = api("editor").get("/api/v1/review-queue?cursor=not-a-cursor")
    bad_breakdown = api("editor").get("/api/v1/brands/chayun/analytics?by=weather")
    not_json = api("editor").post("/api/v1/briefs", data="[1, 2]", content_type="application/json")

    shapes = [(a.status_code, a.json["error"]["code"], a.json["error"]["field"]) for a in
              (no_token, unknown_route, wrong_method, invalid, bad_cursor, bad_breakdown, not_json)]
    assert shapes == [(401, "token_refused", None), (404, "not_found", None), (405, "method_not_allowed", None),
                      (400, "validation_error", "revision_id"), (400, "invalid_input", "cursor"),
                      (400, "validation_error", "by"), (400, "validation_error", None)]
    assert all(set(a.json) == {"error"} and set(a.json["error"]) == {"code", "message", "field"} and
               a.json["error"]["message"] for a in (no_token, unknown_route, wrong_method, invalid, bad_cursor))


# ------------------------------------------------------------------------------------------- posts and review


def test_an_edit_through_the_api_is_a_new_revision_listed_newest_first(ctx, api):
    post = drafted_post()

    saved = api("editor").post(f"/api/v1/posts/{post.id}/revisions", json={"body": "小茶来啦~ 新的正文", "note": "改短"})
    listed = api("editor").get(f"/api/v1/posts/{post.id}/revisions?limit=1")
    rest = api("editor").get(f"/api/v1/posts/{post.id}/revisions?limit=1&cursor={listed.json['next_cursor']}")

    assert saved.status_code == 201 and saved.json["number"] == 2 and saved.json["author"] == "editor"
    db.session.expire_all()
    assert db.session.get(Post, post.id).current_revision.body == "小茶来啦~ 新的正文"
    assert [r["number"] for r in listed.json["items"]] == [2] and rest.json["items"][0]["number"] == 1
    assert rest.json["next_cursor"] is None


def test_lint_names_the_findings_of_a_text_and_stores_nothing(ctx, api):
    post = drafted_post()
    before = db.session.get(Post, post.id).current_revision_id

    answer = api("reviewer").post(f"/api/v1/posts/{post.id}/lint", json={"text": "这款白牡丹是全网第一的好茶"})

    assert answer.status_code == 200 and answer.json["blocking"] >= 1
    assert any("第一" in finding["text"] and finding["severity"] == "block" for finding in answer.json["findings"])
    assert db.session.get(Post, post.id).current_revision_id == before


def test_submit_then_approve_binds_the_approval_to_the_revision_read(ctx, api):
    post = drafted_post()
    revision_id = post.current_revision_id

    submitted = api("editor").post(f"/api/v1/posts/{post.id}/submit")
    stale = api("reviewer").post(f"/api/v1/posts/{post.id}/approve", json={"revision_id": revision_id + 1000})
    approved = api("reviewer").post(f"/api/v1/posts/{post.id}/approve", json={"revision_id": revision_id})

    assert submitted.json["status"] == "in_review"
    assert stale.status_code == 409 and stale.json["error"]["code"] == "invalid_transition"
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    db.session.expire_all()
    assert db.session.get(Post, post.id).approved_revision_id == revision_id


def test_send_back_needs_a_comment_and_then_asks_for_changes(ctx, api):
    post = in_review_post()

    missing = api("reviewer").post(f"/api/v1/posts/{post.id}/send-back", json={})
    sent_back = api("reviewer").post(f"/api/v1/posts/{post.id}/send-back", json={"comment": "请写明冲泡温度"})

    assert missing.status_code == 400 and missing.json["error"]["field"] == "comment"
    assert sent_back.json["status"] == "changes_requested"
    db.session.expire_all()
    assert db.session.get(Post, post.id).status == "changes_requested"


def test_the_review_queue_pages_by_cursor_and_a_new_post_shifts_nothing(ctx, api):
    ids = [in_review_post().id for _ in range(3)]

    first = api("reviewer").get("/api/v1/review-queue?limit=2")
    newcomer = in_review_post().id  # arrives between the pages
    second = api("reviewer").get(f"/api/v1/review-queue?limit=2&cursor={first.json['next_cursor']}")

    assert [p["id"] for p in first.json["items"]] == ids[:2]
    assert [p["id"] for p in second.json["items"]] == [ids[2], newcomer] and second.json["next_cursor"] is None


def test_a_brands_posts_filter_by_status(ctx, api):
    draft, waiting = drafted_post(), in_review_post()

    answer = api("editor").get("/api/v1/brands/chayun/posts?status=in_review")
    wrong = api("editor").get("/api/v1/brands/chayun/posts?status=lost")

    assert [p["id"] for p in answer.json["items"]] == [waiting.id] and draft.id != waiting.id
    assert wrong.status_code == 400 and wrong.json["error"]["field"] == "status"


def test_a_poster_attached_through_the_api_is_a_revision_and_removing_it_is_another(ctx, api):
    post = drafted_post()

    attached = api("editor").post(f"/api/v1/posts/{post.id}/poster", json={"title": "冬日品鉴会"})
    removed = api("editor").delete(f"/api/v1/posts/{post.id}/poster")

    assert attached.status_code == 201 and attached.json["poster_id"] is not None
    assert removed.status_code == 200 and removed.json["poster_id"] is None
    assert removed.json["number"] == attached.json["number"] + 1


# ------------------------------------------------------------------------------------------- scheduling


def test_scheduling_an_approved_post_creates_its_deliveries_and_rescheduling_moves_them(ctx, api):
    post = approved_post()
    send_at = (shanghai_now() + timedelta(days=2)).replace(second=0, microsecond=0)
    later = send_at + timedelta(hours=3)

    past = api("reviewer").post(f"/api/v1/posts/{post.id}/schedule",
                                json={"send_at": "2020-01-01T20:00", "channels": ["sandbox-main"]})
    scheduled = api("reviewer").post(f"/api/v1/posts/{post.id}/schedule",
                                     json={"send_at": send_at.strftime("%Y-%m-%dT%H:%M"), "channels": ["sandbox-main"]})
    moved = api("editor").post(f"/api/v1/posts/{post.id}/reschedule",
                               json={"local_start": later.strftime("%Y-%m-%dT%H:%M")})
    listed = api("editor").get(f"/api/v1/posts/{post.id}/deliveries")

    assert past.status_code == 400 and past.json["error"]["code"] == "slot_in_past"
    assert scheduled.status_code == 201 and [d["channel"] for d in scheduled.json["deliveries"]] == ["sandbox-main"]
    assert moved.json["moved"] == 1
    db.session.expire_all()
    [row] = scheduling.deliveries_of(post.id)
    assert scheduling.utc_to_brand_local(row.due_at, "Asia/Shanghai").replace(tzinfo=None) == later
    assert [d["id"] for d in listed.json["items"]] == [row.id] and listed.json["items"][0]["status"] == "scheduled"


def test_a_failed_delivery_is_sent_again_and_the_brand_lists_its_deliveries(ctx, api):
    post = approved_post()
    scheduling.schedule_post(post.id, shanghai_now() + timedelta(days=1), ["sandbox-main"], user("reviewer"))
    [row] = scheduling.deliveries_of(post.id)
    row.status, row.not_before = DeliveryStatus.FAILED, utcnow() - timedelta(hours=1)
    db.session.commit()

    refused = api("editor").post(f"/api/v1/deliveries/{row.id}/send-again")
    again = api("reviewer").post(f"/api/v1/deliveries/{row.id}/send-again")
    listed = api("reviewer").get("/api/v1/brands/chayun/deliveries")

    assert refused.status_code == 403
    assert again.status_code == 200 and again.json["status"] == "scheduled"
    db.session.expire_all()
    assert db.session.get(Delivery, row.id).status == DeliveryStatus.SCHEDULED
    assert row.id in [d["id"] for d in listed.json["items"]]


# ------------------------------------------------------------------------------------------- groups


def test_groups_filter_by_audience_and_count_what_it_reaches(ctx, api):
    every = api("editor").get("/api/v1/brands/chayun/groups")
    sandbox = api("editor").get("/api/v1/brands/chayun/groups", query_string={"audience": "type:sandbox"})
    size = api("editor").get("/api/v1/brands/chayun/audience-size", query_string={"audience": "type:sandbox"})

    assert [g["slug"] for g in every.json["items"]] == [c.slug for c in groups.groups_of("chayun")]
    expected = [c.slug for c in groups.match_groups("chayun", "type:sandbox")]
    assert [g["slug"] for g in sandbox.json["items"]] == expected and expected
    assert size.json == {"groups": len(expected), "members": sum(c.members or 0
                                                                 for c in groups.match_groups("chayun", "type:sandbox"))}


# ------------------------------------------------------------------------------------------- rituals and calendar


def test_a_ritual_is_created_changed_paused_and_one_occurrence_skipped(ctx, api):
    created = api("editor").post("/api/v1/brands/chayun/rituals", json={
        "name": "周五品鉴会", "slug": "friday", "rrule": "FREQ=WEEKLY;BYDAY=FR", "start": "2027-01-01T20:00",
        "timezone": "Asia/Shanghai", "brief": "周五晚8点品鉴会", "persona": "xiaocha", "segments": ["newcomer"]})
    renamed = api("editor").patch("/api/v1/brands/chayun/rituals/friday", json={"name": "周五茶会"})
    paused = api("editor").post("/api/v1/brands/chayun/rituals/friday/active", json={"active": False})
    skipped = api("editor").post("/api/v1/brands/chayun/rituals/friday/occurrence",
                                 json={"at": "2027-01-08T20:00", "action": "skip"})
    listed = api("reviewer").get("/api/v1/brands/chayun/rituals")

    assert created.status_code == 201 and created.json["slug"] == "friday"
    assert renamed.json["name"] == "周五茶会" and paused.json["active"] is False
    assert skipped.json["state"] == "skipped"
    [ritual] = rituals.list_rituals("chayun")
    assert (ritual["name"], ritual["active"]) == ("周五茶会", False)
    assert [r["slug"] for r in listed.json["items"]] == ["friday"]


def test_calendar_items_show_a_scheduled_post_in_its_window(ctx, api):
    post = approved_post()
    when = (shanghai_now() + timedelta(days=3)).replace(hour=20, minute=0, second=0, microsecond=0)
    scheduling.schedule_post(post.id, when, ["sandbox-main"], user("reviewer"))
    day = when.date().isoformat()

    answer = api("editor").get("/api/v1/brands/chayun/calendar", query_string={"from": day, "to": day})
    bad = api("editor").get("/api/v1/brands/chayun/calendar", query_string={"from": "soon", "to": day})

    assert [(i["post_id"], i["local_start"]) for i in answer.json["items"]] == [(post.id, when.strftime("%Y-%m-%dT%H:%M"))]
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_input"


# ------------------------------------------------------------------------------------------- links and analytics


def test_a_link_made_through_the_api_is_listed_and_the_breakdown_has_its_rows(ctx, api):
    made = api("editor").post("/api/v1/brands/chayun/links", json={"url": "https://shop.example/tea",
                                                                   "segment": "newcomer"})
    refused = api("reviewer").post("/api/v1/brands/chayun/links", json={"url": "https://shop.example/tea"})
    listed = api("reviewer").get("/api/v1/brands/chayun/links")
    report = api("reviewer").get("/api/v1/brands/chayun/analytics?by=segment")

    assert made.status_code == 201 and made.json["short_url"].endswith("/l/" + made.json["token"])
    assert refused.status_code == 403
    assert [(link["token"], link["url"]) for link in listed.json["items"]] == [(made.json["token"],
                                                                               "https://shop.example/tea")]
    assert report.status_code == 200 and report.json["by"] == "segment" and isinstance(report.json["rows"], list)
