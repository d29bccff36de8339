"""Brands are workspaces: a user works only in the brands they are a member of, in their role there; another
brand's records answer 404 exactly like ids that do not exist."""
from __future__ import annotations

import pytest

from studio import memberships
from studio.brands import kits
from studio.drafting import briefs
from studio.extensions import db
from studio.models import AuditEvent, Brand, Membership, Post, Revision
from tests.support.app import PASSWORDS
from tests.support.posts import drafted_post, user
from tests.support.runtime import ROOT

YAGU_KIT = ROOT / "tests" / "data" / "kits" / "yagu"


def _yagu_post() -> Post:
    """A drafted post of the second brand, which the test users are not members of."""
    kits.import_brand_kit(YAGU_KIT)
    brief = briefs.create_brief(briefs.BriefInput(
        brand="yagu", persona="yaya", channel="sandbox-main", segments=["new-parents"],
        key_message="胚芽米粉上新"), author_id=user("admin").id)
    post = brief.posts[0]
    revision = Revision(post_id=post.id, number=1, body="芽芽来啦~ 胚芽米粉上新。", note="测试")
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id, post.status = revision.id, "in_review"
    db.session.commit()
    return post


@pytest.fixture
def two_brands(app, users, demo_brand):
    """chayun, where editor, editor2 and reviewer are members; yagu, where nobody but the site admin is."""
    with app.app_context():
        ours = drafted_post()
        theirs = _yagu_post()
        return {"ours": ours.id, "theirs": theirs.id, "brief": theirs.brief_id}


def _login(app, name):
    client = app.test_client()
    assert client.post("/login", data={"username": name, "password": PASSWORDS[name]}).status_code == 302
    return client


def test_another_brands_pages_answer_404_like_ids_that_do_not_exist(app, two_brands):
    client = _login(app, "editor")
    theirs = two_brands["theirs"]
    for url in ("/brands/yagu", "/brands/yagu/groups", "/brands/yagu/calendar", "/brands/yagu/reports",
                "/brands/yagu/rituals", "/brands/yagu/channels/sandbox-main", f"/posts/{theirs}",
                f"/briefs/{two_brands['brief']}", f"/posts/{theirs}/progress.json",
                "/brands/yagu/calendar/items.json?from=2026-12-01&to=2026-12-31"):
        answer = client.get(url)
        assert answer.status_code == 404, url
        page = answer.get_data(as_text=True)
        assert "芽谷" not in page and "胚芽米粉上新" not in page, url
    assert client.get(f"/posts/{two_brands['ours']}").status_code == 200
    dashboard = client.get("/").get_data(as_text=True)
    assert "芽谷母婴" not in dashboard and "茶韵" in dashboard


def test_another_brands_records_cannot_be_changed(app, two_brands):
    editor, reviewer = _login(app, "editor"), _login(app, "reviewer")
    theirs = two_brands["theirs"]
    editor.post(f"/posts/{theirs}/revisions", data={"body": "改掉别人的帖子"})
    editor.post("/brands/yagu/documents", data={"files": (__import__("io").BytesIO(b"x" * 20), "a.txt")},
                content_type="multipart/form-data")
    editor.post("/brands/yagu/groups/bulk", data={"groups": ["sandbox-main"], "add_tags": "hacked"})
    reviewer.post(f"/posts/{theirs}/approve", data={"revision_id": "1"})
    reviewer.post(f"/posts/{theirs}/send-back", data={"comment": "不行"})
    with app.app_context():
        post = db.session.get(Post, theirs)
        assert post.status == "in_review" and len(post.revisions) == 1
        yagu = db.session.scalar(db.select(Brand).where(Brand.slug == "yagu"))
        assert all("hacked" not in (c.tags or []) for c in yagu.channels)
        assert not any(d.doc_id == "a" for d in kits.list_documents(yagu.id))


def test_a_role_is_held_in_one_brand_not_in_every_brand(app, two_brands, runner):
    """editor2 reviews yagu but edits nothing there; in chayun, an editor, they cannot approve."""
    with app.app_context():
        memberships.add_member("editor2", "yagu", "reviewer")
    client = _login(app, "editor2")
    theirs = two_brands["theirs"]
    assert client.get(f"/posts/{theirs}").status_code == 200
    client.post(f"/posts/{theirs}/revisions", data={"body": "审核员不能改正文"})
    with app.app_context():
        assert len(db.session.get(Post, theirs).revisions) == 1
    approved = client.post(f"/posts/{theirs}/approve", data={"revision_id": str(_revision_id(app, theirs))})
    assert approved.status_code == 302
    with app.app_context():
        assert db.session.get(Post, theirs).status == "approved"
    ours = two_brands["ours"]
    with app.app_context():
        db.session.get(Post, ours).status = "in_review"
        db.session.commit()
    client.post(f"/posts/{ours}/approve", data={"revision_id": str(_revision_id(app, ours))})
    with app.app_context():
        assert db.session.get(Post, ours).status == "in_review"


def _revision_id(app, post_id):
    with app.app_context():
        return db.session.get(Post, post_id).current_revision_id


def test_the_review_queue_lists_only_the_members_brands(app, two_brands):
    page = _login(app, "reviewer").get("/review").get_data(as_text=True)
    assert "胚芽米粉上新" not in page
    page = _login(app, "admin").get("/review").get_data(as_text=True)
    assert "胚芽米粉上新" in page  # a site admin sees every brand


def test_member_commands_add_change_and_remove_a_membership(app, two_brands, runner):
    added = runner.invoke(args=["member", "add", "editor", "--brand", "yagu", "--role", "editor"])
    assert added.exit_code == 0, added.output
    client = _login(app, "editor")
    assert client.get("/brands/yagu").status_code == 200
    changed = runner.invoke(args=["member", "add", "editor", "--brand", "yagu", "--role", "reviewer"])
    assert changed.exit_code == 0
    listed = runner.invoke(args=["member", "list", "editor", "--json"])
    assert {"brand": "yagu", "role": "reviewer"} in __import__("json").loads(listed.output)
    removed = runner.invoke(args=["member", "remove", "editor", "--brand", "yagu"])
    assert removed.exit_code == 0
    assert client.get("/brands/yagu").status_code == 404
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEvent.action).where(
            AuditEvent.brand_id == db.session.scalar(db.select(Brand.id).where(Brand.slug == "yagu")))).all()
        assert actions[-3:] == ["member.add", "member.role", "member.remove"]


@pytest.mark.parametrize("args, message", [
    (["member", "add", "nobody", "--brand", "yagu", "--role", "editor"], "nobody"),
    (["member", "add", "editor", "--brand", "nowhere", "--role", "editor"], "nowhere"),
    (["member", "add", "editor", "--brand", "yagu", "--role", "owner"], "owner"),
    (["member", "remove", "editor", "--brand", "nowhere"], "nowhere"),
])
def test_member_commands_name_what_is_wrong(app, two_brands, runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Membership).join(Brand).where(
            Brand.slug == "yagu")) == 0


def test_a_brand_admin_grants_roles_in_their_brand_only(app, two_brands):
    with app.app_context():
        memberships.add_member("editor2", "chayun", "admin")
        brand_admin = user("editor2")
        memberships.add_member("reviewer", "chayun", "editor", granted_by=brand_admin)
        assert user("reviewer").role_in(kits.get_brand("chayun").id) == "editor"
        with pytest.raises(Exception) as refused:
            memberships.add_member("reviewer", "yagu", "admin", granted_by=brand_admin)
        assert "yagu" in str(refused.value)
        with pytest.raises(Exception):
            memberships.add_member("reviewer", "chayun", "admin", granted_by=user("editor"))
        assert user("reviewer").role_in(kits.get_brand("yagu").id) is None


def test_api_tokens_reach_only_the_users_brands(app, two_brands, runner):
    token = runner.invoke(args=["user", "token", "editor"]).stdout.strip()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    brands = client.get("/api/v1/brands", headers=headers).get_json()
    assert [b["slug"] for b in brands] == ["chayun"]
    assert client.get("/api/v1/brands/yagu/search?q=米粉", headers=headers).status_code == 404
    assert client.get(f"/api/v1/posts/{two_brands['theirs']}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/posts/{two_brands['ours']}", headers=headers).status_code == 200
    created = client.post("/api/v1/briefs", headers=headers, json={
        "brand": "yagu", "persona": "yaya", "channel": "sandbox-main", "segments": ["new-parents"],
        "key_message": "别人的品牌"})
    assert created.status_code == 404


def test_the_audit_page_says_in_words_who_did_what_and_filters_it(app, two_brands, runner, client, auth):
    runner.invoke(args=["member", "add", "editor2", "--brand", "chayun", "--role", "admin"])
    auth.login("editor2")
    client.post("/brands/chayun/members", data={"username": "reviewer", "role": "editor"})
    page = client.get("/brands/chayun/audit").get_data(as_text=True)
    assert "修改角色" in page and "reviewer: reviewer → editor" in page and ">created</code>" in page
    only = client.get("/brands/chayun/audit?who=editor2&what=member").get_data(as_text=True)
    assert "修改角色" in only and ">created</code>" not in only
    assert client.get("/brands/chayun/audit?from=2020-13-01").status_code == 302  # named, not a 500
    assert client.get("/brands/yagu/audit").status_code == 404
