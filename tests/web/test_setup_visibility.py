"""A demo install says where its logins are, `studio demo ready` prints them once everything answers, and
pages say what an editor cannot change or do there."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from studio import accounts
from studio.auth import DEMO_USERS
from studio.cli.ready import wait_until_answering


@pytest.fixture
def demo_users(app):
    with app.app_context():
        for username, role, password in DEMO_USERS:
            accounts.ensure_user(username, password, role)


@pytest.fixture
def fake_servers():
    """A loopback server answering /health and /v1/models as the web app and the model server do."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            known = {"/health": {"status": "ok"}, "/v1/models": {"data": [{"id": "gemma-3-270m"}]}}
            body = json.dumps(known.get(self.path, {})).encode()
            self.send_response(200 if self.path in known else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _demo_note(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    if 'id="demo-logins"' not in page:
        return ""
    return page.split('id="demo-logins"', 1)[1].split("</div>", 1)[0]


def test_login_page_of_a_demo_install_names_the_demo_logins_and_where_their_passwords_are(client, demo_users):
    note = _demo_note(client)
    assert all(f"<code>{username}</code>" in note for username, _role, _password in DEMO_USERS)
    assert "README" in note and "make run" in note
    page = client.get("/login").get_data(as_text=True)
    assert not any(password in page for _username, _role, password in DEMO_USERS), "never a password"


def test_login_page_leaves_out_a_demo_login_whose_password_was_changed(app, client, demo_users):
    with app.app_context():
        accounts.create_user("editor", "a-password-of-my-own", "editor")
    note = _demo_note(client)
    assert "<code>editor</code>" not in note
    assert "<code>reviewer</code>" in note and "<code>admin</code>" in note
    with app.app_context():
        accounts.create_user("reviewer", "another-own-password", "reviewer")
        accounts.create_user("admin", "a-third-own-password", "admin")
    assert _demo_note(client) == "", "no demo login left: no note"


def test_login_page_without_demo_users_says_nothing_about_them(client, users):
    assert _demo_note(client) == ""


def test_demo_ready_prints_the_address_and_the_unchanged_logins_once_web_and_model_answer(
        app, runner, demo_users, fake_servers):
    app.config["OPENAI_BASE_URL"] = fake_servers + "/v1"
    with app.app_context():
        accounts.create_user("admin", "my-own-admin-password", "admin")
    result = runner.invoke(args=["demo", "ready", "--url", fake_servers, "--timeout", "10"])
    assert result.exit_code == 0, result.output
    assert f"is ready: {fake_servers}" in result.output
    assert "editor / studio-editor" in result.output and "reviewer / studio-reviewer" in result.output
    assert "studio-admin" not in result.output and "my-own-admin-password" not in result.output
    assert "admin  (密码已修改" in result.output
    assert "logs/model.log" in result.output


def test_demo_ready_names_the_server_that_did_not_answer_and_the_model_log(app, runner, demo_users, fake_servers):
    app.config["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"  # nothing listens on the discard port
    result = runner.invoke(args=["demo", "ready", "--url", fake_servers, "--timeout", "1",
                                 "--model-log", "/somewhere/model.log"])
    assert result.exit_code == 0, result.output
    assert "✗ model" in result.output and "/somewhere/model.log" in result.output
    assert "is ready" not in result.output
    assert "editor / studio-editor" in result.output, "the logins are still worth printing"


def test_waiting_stops_as_soon_as_every_check_has_answered_once():
    now = [0.0]
    answers = {"web": iter([False, True]), "model": iter([False, False, True])}
    missing = wait_until_answering({name: (lambda it=it: next(it)) for name, it in answers.items()},
                                   timeout_s=60, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert missing == [] and now[0] == 2.0


def test_waiting_gives_up_at_the_deadline_and_names_what_never_answered():
    now = [0.0]
    missing = wait_until_answering({"web": lambda: True, "model": lambda: False}, timeout_s=5,
                                   clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert missing == ["model"] and now[0] == 5.0


def test_demo_setup_never_prints_a_password_that_was_changed(app, runner):
    from flask_migrate import upgrade  # noqa: F401  make_app migrated already

    first = runner.invoke(args=["demo", "setup"])
    assert first.exit_code == 0, first.output
    assert "editor / studio-editor" in first.output
    with app.app_context():
        accounts.create_user("editor", "my-own-editor-password", "editor")
    again = runner.invoke(args=["demo", "setup"])
    assert again.exit_code == 0, again.output
    assert "studio-editor" not in again.output and "reviewer / studio-reviewer" in again.output


def test_channel_page_tells_an_editor_that_only_admins_send_test_messages(client, auth, demo_brand):
    auth.login("editor")
    page = client.get("/brands/chayun/channels/sandbox-main").get_data(as_text=True)
    assert 'id="test-message-admins-only"' in page and "管理员" in page
    assert "web.channel_test" not in page and "/test\"" not in page
    auth.logout()
    auth.login("admin")
    page = client.get("/brands/chayun/channels/sandbox-main").get_data(as_text=True)
    assert 'id="test-message-admins-only"' not in page and "发送测试消息</button>" in page


def test_brand_page_says_personas_segments_and_channels_come_from_the_kit(client, auth, demo_brand):
    auth.login("editor")
    page = client.get("/brands/chayun").get_data(as_text=True)
    note = page.split('id="kit-note"', 1)[1].split("</p>", 1)[0]
    assert "brand.yaml" in note and "studio brand import" in note


def test_the_new_notes_read_in_english_without_stray_chinese(client, demo_users, demo_brand):
    from tests.web.test_english_ui import stray_chinese

    client.get("/lang/en")
    assert "Demo logins" in client.get("/login").get_data(as_text=True)
    assert stray_chinese(client.get("/login").get_data(as_text=True)) == []
    client.post("/login", data={"username": "editor", "password": "studio-editor"})
    brand = client.get("/brands/chayun", query_string={"q": "white peony tea water temperature"})
    page = brand.get_data(as_text=True)
    assert "Search in Chinese" in page and "edit brand.yaml" in page
    notes = page.split('id="language-notice"', 1)[1].split("</p>", 1)[0]
    assert stray_chinese(f"<p>{notes}</p>") == [], "the brand's own terms are marked as its content"
    channel = client.get("/brands/chayun/channels/sandbox-main").get_data(as_text=True)
    assert "Only admins can send a test message" in channel
