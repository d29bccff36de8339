"""Accounts: every page needs a login, forms carry CSRF tokens, API tokens authenticate."""
import re

from studio import create_app
from studio.auth import PUBLIC_ENDPOINTS
from tests.support.app import make_app


def test_every_page_redirects_to_login_when_signed_out(client, users):
    for path in ("/", "/briefs/new", "/review", "/deliveries", "/sandbox", "/brands/chayun", "/posts/1"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]
    assert client.get("/health").json == {"status": "ok"}
    assert client.get("/login").status_code == 200


def test_wrong_password_is_refused_and_right_one_signs_in(client, auth):
    response = client.post("/login", data={"username": "editor", "password": "nope-nope"})
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    auth.login("editor")
    page = client.get("/")
    assert page.status_code == 200
    assert "工作台" in page.get_data(as_text=True)


def test_forms_without_csrf_token_are_rejected(tmp_path):
    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        from studio import accounts
        accounts.create_user("editor", "editor-pass-1", "editor")
    assert client.post("/login", data={"username": "editor", "password": "editor-pass-1"}).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "login form carries a CSRF token"
    response = client.post("/login", data={"username": "editor", "password": "editor-pass-1",
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302


def test_reviewer_cannot_open_the_brief_form(client, auth):
    auth.login("reviewer")
    assert client.get("/briefs/new").status_code == 403


def test_user_create_and_token_commands_give_api_access(runner, app):
    result = runner.invoke(args=["user", "create", "mei", "--role", "editor", "--password-stdin"],
                           input="a-long-password\n")
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["user", "token", "mei"]).stdout.strip()
    assert token.startswith("cs_")
    client = app.test_client()
    assert client.get("/api/v1/brands").status_code == 401
    response = client.get("/api/v1/brands", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json == []
    assert client.get("/api/v1/openapi.json").json["openapi"].startswith("3.")


def test_user_create_rejects_unknown_role_and_short_password(runner):
    result = runner.invoke(args=["user", "create", "mei", "--role", "boss", "--password-stdin"], input="x" * 10)
    assert result.exit_code != 0 and "boss" in result.output
    result = runner.invoke(args=["user", "create", "mei", "--role", "editor", "--password-stdin"], input="short\n")
    assert result.exit_code == 1 and "8" in result.output


def test_commands_say_when_the_database_is_not_migrated(tmp_path):
    app = create_app({"STUDIO_DATA_DIR": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    result = app.test_cli_runner().invoke(args=["user", "token", "nobody"])
    assert result.exit_code == 1
    assert "studio db upgrade" in result.output


def test_secret_key_is_generated_per_install_not_hard_coded(tmp_path):
    first = make_app(tmp_path / "a").config["SECRET_KEY"]
    again = make_app(tmp_path / "a").config["SECRET_KEY"]
    other = make_app(tmp_path / "b").config["SECRET_KEY"]
    assert first == again and first != other and len(first) >= 32


def test_login_never_redirects_off_site(client, users):
    for target in ("//evil.example/x", "/\\evil.example", "/\\t/evil.example", "https://evil.example/"):
        response = client.post(f"/login?next={target}", data={"username": "editor",
                                                             "password": "editor-pass-1"})
        assert response.status_code == 302
        assert "evil.example" not in response.headers["Location"], target
        client.post("/logout")


# Reached without a login, each for its reason: the login itself, probes, assets, and the secret-token URLs
# that readers, chat platforms and calendar apps open (short links, poster images, the calendar feed).
OPEN_PAGES = {"static", "health", "auth.login", "i18n.set_language"}
SECRET_TOKEN_URLS = {"links.follow", "links.poster_image", "web.calendar_feed", "web.accept_invitation"}


def test_every_route_needs_a_login(app, client, users):
    assert PUBLIC_ENDPOINTS == OPEN_PAGES | SECRET_TOKEN_URLS  # a new public route is a decision, made here
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.startswith("api."):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(_sample_path(rule), method=method)
            assert response.status_code == 302 and "/login" in response.headers["Location"], (method, rule.rule)


def test_secret_token_urls_answer_404_to_a_wrong_token(app, client, users, demo_brand):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SECRET_TOKEN_URLS:
            response = client.get(_sample_path(rule).replace("token", "0123456789abcdefghijklmnopqrst"))
            assert response.status_code == 404, rule.rule


def _sample_path(rule) -> str:
    path = rule.rule.replace("<int:", "<").replace("<", "").replace(">", "")
    return "/".join("1" if part in ("post_id", "brief_id", "channel_id") else
                    ("chayun" if part == "slug" else part) for part in path.split("/"))


def test_editors_cannot_approve_and_reviewers_cannot_edit(client, auth, app, demo_brand):
    from tests.support.posts import drafted_post

    with app.app_context():
        post_id = drafted_post(author="admin").id
    auth.login("editor")
    assert client.post(f"/posts/{post_id}/approve", data={"revision_id": 1}).status_code == 403
    auth.logout()
    auth.login("reviewer")
    assert client.post(f"/posts/{post_id}/revisions", data={"body": "改"}).status_code == 403


def test_channel_credentials_are_not_shown_on_the_brand_page(client, auth, demo_brand):
    auth.login("editor")
    page = client.get("/brands/chayun").get_data(as_text=True)
    assert "127.0.0.1:8765/…" in page and "/hook" not in page
