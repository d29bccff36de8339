"""API tokens: shown once and stored hashed; a token may do what its user's brand role, its scopes and its
brand all allow; expired and revoked tokens stop; use is recorded; each token has a rate limit."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import timedelta

import pytest

from studio import accounts, api_tokens
from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.distribution import rate_budget
from studio.drafting import briefs
from studio.extensions import db
from studio.models import ApiToken, Post, Revision, utcnow
from tests.support.app import join_brands, make_app
from tests.support.posts import drafted_post, user

BRIEF = {"brand": "chayun", "persona": "xiaocha", "channel": "sandbox-main", "segments": ["newcomer"],
         "key_message": "冬日品鉴会，白牡丹2024上新"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def import_second_brand(tmp_path, slug: str = "yunshan") -> int:
    """A second brand: the demo kit under another slug and name. Returns its id."""
    kit = tmp_path / f"kit-{slug}"
    shutil.copytree(DEMO_KIT, kit)
    yaml = (kit / "brand.yaml").read_text(encoding="utf-8")
    (kit / "brand.yaml").write_text(yaml.replace("slug: chayun", f"slug: {slug}", 1)
                                    .replace("name: 茶韵山房", "name: 云山茶舍", 1), encoding="utf-8")
    kits.import_brand_kit(kit)
    return kits.get_brand(slug).id


def post_in(brand_slug: str) -> int:
    """A drafted post of the brand, by the editor."""
    brief = briefs.create_brief(briefs.BriefInput(
        brand=brand_slug, persona="xiaocha", channel="sandbox-main", segments=["newcomer"],
        key_message="冬日品鉴会"), author_id=user("editor").id)
    post = brief.posts[0]
    revision = Revision(post_id=post.id, number=1, body="小茶来啦~", citations=[], note="")
    db.session.add(revision)
    db.session.flush()
    post.current_revision_id, post.status = revision.id, "draft"
    db.session.commit()
    return post.id


# ------------------------------------------------------------------------------- issuing and storing


def test_the_token_is_printed_once_alone_on_stdout_and_only_its_digest_is_stored(ctx, runner):
    result = runner.invoke(args=["user", "token", "editor"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and re.fullmatch(r"cs_[A-Za-z0-9_-]{40,}", lines[0])
    token = lines[0]
    assert token not in result.stderr and token[3:11] in result.stderr  # the note names it by its prefix
    row = db.session.scalar(db.select(ApiToken))
    assert row.digest == hashlib.sha256(token.encode()).hexdigest() and row.prefix == token[3:11]
    stored = [str(value) for value in db.session.execute(db.text("SELECT * FROM api_token")).one()]
    assert not [value for value in stored if token in value or token[11:] in value]
    listed = runner.invoke(args=["user", "tokens", "editor", "--json"])
    assert token not in listed.stdout and row.digest not in listed.stdout
    [entry] = json.loads(listed.stdout)
    assert (entry["prefix"], entry["brand"], entry["state"], entry["expires_at"]) == (token[3:11], None, "active", None)
    assert entry["scopes"] == list(api_tokens.SCOPES)  # without --scope: every scope


def test_scopes_brand_and_expiry_are_kept_as_asked(ctx, runner):
    result = runner.invoke(args=["user", "token", "editor", "--brand", "chayun", "--scope", "posts:read",
                                 "--scope", "knowledge:read", "--expires-days", "30", "--name", "crm"])

    assert result.exit_code == 0, result.output
    [entry] = json.loads(runner.invoke(args=["user", "tokens", "editor", "--json"]).stdout)
    assert (entry["brand"], entry["scopes"], entry["name"]) == ("chayun", ["knowledge:read", "posts:read"], "crm")
    row = db.session.scalar(db.select(ApiToken))
    assert timedelta(days=29, hours=23) < row.expires_at - utcnow() <= timedelta(days=30)


@pytest.mark.parametrize("args, named", [
    (["--scope", "posts:delete"], "posts:delete"),
    (["--brand", "no-such-brand"], "no-such-brand"),
    (["--expires-days", "0"], "1"),
])
def test_an_unknown_scope_or_brand_is_an_error_naming_it(ctx, runner, args, named):
    result = runner.invoke(args=["user", "token", "editor", *args])

    assert result.exit_code == 1 and named in result.stderr and result.stdout == ""
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_a_brand_token_needs_the_user_to_be_a_member_of_the_brand(ctx, runner, tmp_path):
    import_second_brand(tmp_path)  # the editor is a member of chayun only

    refused = runner.invoke(args=["user", "token", "editor", "--brand", "yunshan"])
    admin = runner.invoke(args=["user", "token", "admin", "--brand", "yunshan"])  # a site admin is in every brand

    assert refused.exit_code == 1 and "yunshan" in refused.stderr and "member" in refused.stderr
    assert admin.exit_code == 0 and admin.stdout.startswith("cs_")
    assert runner.invoke(args=["user", "token", "nobody"]).exit_code == 1


def test_revoke_token_by_prefix_stops_it_and_the_list_says_so(ctx, runner, client):
    token = runner.invoke(args=["user", "token", "editor"]).stdout.strip()
    other = runner.invoke(args=["user", "token", "editor"]).stdout.strip()

    result = runner.invoke(args=["user", "revoke-token", "editor", token[3:11]])

    assert result.exit_code == 0 and token[3:11] in result.stdout
    assert client.get("/api/v1/brands", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/brands", headers=bearer(other)).status_code == 200
    states = {row["prefix"]: row["state"] for row in json.loads(
        runner.invoke(args=["user", "tokens", "editor", "--json"]).stdout)}
    assert states == {token[3:11]: "revoked", other[3:11]: "active"}
    unknown = runner.invoke(args=["user", "revoke-token", "editor", "nosuchpx"])
    assert unknown.exit_code == 1 and "nosuchpx" in unknown.stderr
    # someone else's token is not found by its prefix either
    assert runner.invoke(args=["user", "revoke-token", "reviewer", other[3:11]]).exit_code == 1


# ------------------------------------------------------------------------------------ authenticating


def test_expired_and_revoked_tokens_are_401(ctx, client):
    expiring, row = api_tokens.issue_token("editor", expires_days=1)
    revoked, _ = api_tokens.issue_token("editor")
    assert client.get("/api/v1/brands", headers=bearer(expiring)).status_code == 200

    row = db.session.get(ApiToken, row.id)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    api_tokens.revoke_token("editor", revoked[3:11])

    expired_answer = client.get("/api/v1/brands", headers=bearer(expiring))
    revoked_answer = client.get("/api/v1/brands", headers=bearer(revoked))
    assert expired_answer.status_code == 401 and "expired" in expired_answer.json["error"]["message"]
    assert revoked_answer.status_code == 401 and "revoked" in revoked_answer.json["error"]["message"]
    assert client.get("/api/v1/brands", headers=bearer("cs_" + "x" * 43)).status_code == 401
    assert client.get("/api/v1/brands").status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(ctx, client):
    token, row = api_tokens.issue_token("editor")
    token_id = row.id
    assert db.session.get(ApiToken, token_id).last_used_at is None

    client.get("/api/v1/brands", headers=bearer(token))
    db.session.expire_all()
    first = db.session.get(ApiToken, token_id).last_used_at
    client.get("/api/v1/brands", headers=bearer(token))
    db.session.expire_all()
    assert first is not None and db.session.get(ApiToken, token_id).last_used_at == first

    db.session.get(ApiToken, token_id).last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/brands", headers=bearer(token))
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).last_used_at >= first


# ------------------------------------------------------------------------------------ scopes and brands


def test_a_route_refuses_a_token_without_its_scope_with_403(ctx, client):
    post_id = drafted_post().id
    reader, _ = api_tokens.issue_token("editor", scopes=["posts:read"])
    searcher, _ = api_tokens.issue_token("editor", scopes=["knowledge:read"])

    assert client.get(f"/api/v1/posts/{post_id}", headers=bearer(reader)).status_code == 200
    assert client.get(f"/api/v1/posts/{post_id}", headers=bearer(searcher)).status_code == 403
    refused = client.get("/api/v1/brands/chayun/search?q=白牡丹", headers=bearer(reader))
    assert refused.status_code == 403 and "knowledge:read" in refused.json["error"]["message"]
    assert client.get("/api/v1/brands/chayun/search?q=白牡丹", headers=bearer(searcher)).status_code == 200
    posted = client.post("/api/v1/briefs", headers=bearer(reader), json=BRIEF)
    assert posted.status_code == 403 and "posts:write" in posted.json["error"]["message"]


def test_posting_a_brief_needs_posts_write_and_the_editor_role_in_its_brand(ctx, client):
    reviewer, _ = api_tokens.issue_token("reviewer")
    editor, _ = api_tokens.issue_token("editor", scopes=["posts:write", "posts:read"])

    refused = client.post("/api/v1/briefs", headers=bearer(reviewer), json=BRIEF)
    created = client.post("/api/v1/briefs", headers=bearer(editor), json=BRIEF)

    assert refused.status_code == 403 and "editor" in refused.json["error"]["message"]
    assert created.status_code in (201, 202) and created.json["total"] == 1
    progress = client.get(f"/api/v1/briefs/{created.json['id']}", headers=bearer(editor))
    assert progress.status_code == 200 and progress.json["total"] == 1


def test_a_brand_token_asking_about_another_brand_gets_404_like_an_unknown_id(ctx, client, tmp_path):
    import_second_brand(tmp_path)
    join_brands()  # the editor works in both brands
    theirs = post_in("yunshan")
    ours = post_in("chayun")
    brief_id = db.session.get(Post, theirs).brief_id
    chayun_only, _ = api_tokens.issue_token("editor", brand="chayun")
    every_brand, _ = api_tokens.issue_token("editor")

    assert client.get(f"/api/v1/posts/{ours}", headers=bearer(chayun_only)).status_code == 200
    other = client.get(f"/api/v1/posts/{theirs}", headers=bearer(chayun_only))
    unknown = client.get("/api/v1/posts/999999", headers=bearer(chayun_only))
    assert other.status_code == unknown.status_code == 404
    assert other.json["error"]["message"].replace(str(theirs), "N") == unknown.json["error"]["message"].replace("999999", "N")
    assert client.get(f"/api/v1/briefs/{brief_id}", headers=bearer(chayun_only)).status_code == 404
    assert client.get("/api/v1/brands/yunshan/search?q=白牡丹", headers=bearer(chayun_only)).status_code == 404
    other_brief = client.post("/api/v1/briefs", headers=bearer(chayun_only), json={**BRIEF, "brand": "yunshan"})
    assert other_brief.status_code == 404
    assert client.get(f"/api/v1/posts/{theirs}", headers=bearer(every_brand)).status_code == 200
    assert client.get("/api/v1/brands/yunshan/search?q=白牡丹", headers=bearer(every_brand)).status_code == 200


def test_a_member_of_one_brand_reaches_only_that_brand(ctx, client, tmp_path):
    import_second_brand(tmp_path)  # the editor is not a member of it
    theirs = post_in("yunshan")
    token, _ = api_tokens.issue_token("editor")
    admin, _ = api_tokens.issue_token("admin")

    assert [b["slug"] for b in client.get("/api/v1/brands", headers=bearer(token)).json] == ["chayun"]
    assert sorted(b["slug"] for b in client.get("/api/v1/brands", headers=bearer(admin)).json) == \
        ["chayun", "yunshan"]
    assert client.get(f"/api/v1/posts/{theirs}", headers=bearer(token)).status_code == 404
    assert client.get(f"/api/v1/posts/{theirs}", headers=bearer(admin)).status_code == 200
    assert client.post("/api/v1/briefs", headers=bearer(token), json={**BRIEF, "brand": "yunshan"}).status_code == 404


def test_brands_lists_only_the_brand_of_a_brand_token(ctx, client, tmp_path):
    import_second_brand(tmp_path)
    join_brands()
    token, _ = api_tokens.issue_token("editor", brand="yunshan", scopes=["knowledge:read"])

    assert [b["slug"] for b in client.get("/api/v1/brands", headers=bearer(token)).json] == ["yunshan"]


# ------------------------------------------------------------------------------------------- rate limit


def test_past_the_limit_a_token_gets_429_with_retry_after_and_other_tokens_do_not(tmp_path, monkeypatch):
    now = [1_900_000_000.0]
    monkeypatch.setattr(rate_budget, "clock", lambda: now[0])
    app = make_app(tmp_path / "data", STUDIO_API_RATE_LIMIT=3)
    with app.app_context():
        accounts.create_user("mei", "a-long-password", "member")
        busy, _ = api_tokens.issue_token("mei")
        calm, _ = api_tokens.issue_token("mei")
    client = app.test_client()

    answers = [client.get("/api/v1/brands", headers=bearer(busy)) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60 and "rate limit" in answers[-1].json["error"]["message"]
    assert answers[-1].json["error"]["code"] == "rate_limited"
    assert client.get("/api/v1/brands", headers=bearer(calm)).status_code == 200
    now[0] += 61
    assert client.get("/api/v1/brands", headers=bearer(busy)).status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_with_the_redis_budget_store_down_the_api_answers_and_counts_in_the_database(tmp_path):
    app = make_app(tmp_path / "data", STUDIO_API_RATE_LIMIT=2, CELERY={"broker_url": "redis://127.0.0.1:9/0"})
    with app.app_context():
        accounts.create_user("mei", "a-long-password", "member")
        token, _ = api_tokens.issue_token("mei")
        assert isinstance(rate_budget.get_backend(), rate_budget.RedisBudget)  # nothing listens on port 9
    client = app.test_client()

    answers = [client.get("/api/v1/brands", headers=bearer(token)).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    with app.app_context():
        db.engine.dispose()


# ---------------------------------------------------------------------------------------------- the page


def test_the_page_makes_a_token_shows_it_once_and_revokes_it(ctx, client, auth, tmp_path):
    import_second_brand(tmp_path)  # not the editor's: not offered
    auth.login("editor")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert 'value="chayun"' in page and 'value="yunshan"' not in page and "还没有令牌" in page

    made = client.post("/account/tokens", data={"brand": "chayun", "scopes": ["posts:read", "knowledge:read"],
                                                "expires_days": "7", "name": "crm"})
    token = re.search(r'id="new-token-value">(cs_[^<]+)<', made.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/brands", headers=bearer(token)).json[0]["slug"] == "chayun"
    listed = client.get("/account/tokens").get_data(as_text=True)
    assert token not in listed and token[3:11] in listed and "posts:read" in listed
    row = db.session.scalar(db.select(ApiToken))
    assert (row.brand.slug, row.scopes, row.name) == ("chayun", ["knowledge:read", "posts:read"], "crm")

    client.post(f"/account/tokens/{row.id}/revoke")
    assert client.get("/api/v1/brands", headers=bearer(token)).status_code == 401
    assert "已吊销" in client.get("/account/tokens").get_data(as_text=True)


def test_the_page_refuses_a_brand_the_person_is_not_in_and_other_peoples_tokens(ctx, client, auth, tmp_path):
    import_second_brand(tmp_path)
    theirs, row = api_tokens.issue_token("reviewer")
    auth.login("editor")

    client.post("/account/tokens", data={"brand": "yunshan", "scopes": ["posts:read"]})
    client.post(f"/account/tokens/{row.id}/revoke")

    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 1
    assert client.get("/api/v1/brands", headers=bearer(theirs)).status_code == 200


def test_the_page_forms_need_the_csrf_token(tmp_path):
    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    with app.app_context():
        accounts.create_user("mei", "a-long-password", "member")
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"username": "mei", "password": "a-long-password", "csrf_token": csrf})

    assert client.post("/account/tokens", data={"scopes": ["posts:read"]}).status_code == 400
    page = client.get("/account/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/account/tokens", data={"scopes": ["posts:read"], "csrf_token": csrf}).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 1
        db.engine.dispose()


def test_in_chromium_a_token_is_made_shown_and_revoked_within_the_page_policy(ctx, app):
    """The page in a real browser (screenshots in test-artifacts/): nothing refused by the CSP."""
    from tests.support.app import PASSWORDS
    from tests.support.browser import chromium, log_in, served, shot
    from tests.web.test_content_security import WATCH

    with served(app) as base, chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page.add_init_script(WATCH)
        log_in(page, base, "editor", PASSWORDS["editor"])
        page.click("text=API 令牌")
        page.fill("input[name=name]", "企业微信机器人")
        page.select_option("select[name=brand]", "chayun")
        page.fill("input[name=expires_days]", "30")
        page.uncheck("input[value='posts:write']")
        page.click("#create-token button[type=submit]")
        token = page.text_content("#new-token-value")
        refused = page.evaluate("window.__refused")
        shot(page, "api-tokens-made")

        assert token.startswith("cs_") and refused == []
        assert page.locator("#token-list tbody tr").count() == 1
        assert "posts:write" not in page.text_content("#token-list")
        page.goto(base + "/account/tokens")
        assert token not in page.content()
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#token-list button[type=submit]")
        page.wait_for_selector("text=已吊销令牌")
        shot(page, "api-tokens-revoked")
        assert page.evaluate("window.__refused") == []
    assert app.test_client().get("/api/v1/brands", headers=bearer(token)).status_code == 401
