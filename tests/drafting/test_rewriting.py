"""Rewriting a selected passage: the real local model, a hosted chat model, and the editor's endpoint."""
import re

import pytest

from tests.support import free_port
from tests.support.app import add_users, demo_app
from tests.support.fake_llm import FakeAPI
from tests.support.posts import drafted_post, user

PASSAGE = "白牡丹2024建议用90℃左右的水冲泡，每次5克，可以冲泡七八次。"
BODY = f"小茶来啦~\n{PASSAGE}\n周五晚8点品鉴会见！"
CJK = re.compile(r"[\u4e00-\u9fff]")


def editor_app(tmp_path, **config):
    app = demo_app(tmp_path / "rewrite", **config)
    with app.app_context():
        add_users("editor", "reviewer")
        post_id = drafted_post(body=BODY).id
    client = app.test_client()
    client.post("/login", data={"username": "editor", "password": "editor-pass-1"})
    return app, client, post_id


def assert_a_real_rewrite(text: str) -> None:
    assert text.strip() and text != PASSAGE
    assert len(CJK.findall(text)) >= 5
    assert set(re.findall(r"\d+", text)) <= {"2024", "90", "5"}, "no figure the passage does not state"


@pytest.mark.slow
def test_local_model_rewrites_a_passage_without_new_figures_or_blocked_words(tmp_path, llm_config):
    from studio.compliance import lint_text
    from studio.drafting import rewriting
    from studio.extensions import db
    from studio.models import AuditEvent

    app, _client, post_id = editor_app(tmp_path, **llm_config)
    with app.app_context():
        result = rewriting.rewrite_passage(post_id, user("editor"), PASSAGE, "更口语一点")
        print(f"\n[{result['tries']} tries] {result['text']}")
        assert_a_real_rewrite(result["text"])
        taboo = ["最便宜", "秒杀", "亲", "土豪", "治病", "最好", "第一", "顶级", "极品", "包治百病", "清仓"]
        assert not [f for f in lint_text(result["text"], persona_taboo=taboo) if f.severity == "block"]
        assert result["instruction"] == "更口语一点"
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "passage_rewritten"))
        assert event.post_id == post_id and event.detail.startswith("更口语一点")


@pytest.mark.slow
def test_editor_rewrites_a_selection_through_the_web_and_saving_makes_a_revision(tmp_path, llm_config):
    app, client, post_id = editor_app(tmp_path, **llm_config)
    response = client.post(f"/posts/{post_id}/rewrite", data={"passage": PASSAGE, "instruction": ""})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert_a_real_rewrite(result["text"])
    assert result["instruction"] == "换一种说法，意思不变", "no instruction: the prompt file's default"
    edited = BODY.replace(PASSAGE, result["text"])
    client.post(f"/posts/{post_id}/revisions", data={"body": edited, "note": "改写选段"})
    with app.app_context():
        from studio.posts import get_post
        post = get_post(post_id)
        assert post.current_revision.number == 2 and post.current_revision.body == edited


def test_a_hosted_model_rewrite_with_a_blocked_word_is_dropped_for_a_clean_one(tmp_path):
    fake = FakeAPI()
    try:
        fake.replies = ["改写：白牡丹2024是最好的茶，用90℃的水泡，每次5克。",  # 最好: an advertising-law block
                        "好的，以下是改写：\n白牡丹2024用90℃左右的水泡就行，一次5克，能泡七八次~"]
        app, client, post_id = editor_app(tmp_path, OPENAI_BASE_URL=fake.url, STUDIO_LLM_MODE="chat",
                                          STUDIO_LLM_MODEL="provider-model-x", OPENAI_API_KEY="sk-rewrite-key")
        response = client.post(f"/posts/{post_id}/rewrite", data={"passage": PASSAGE, "instruction": "更口语一点"})
    finally:
        fake.close()
    assert response.status_code == 200
    assert response.get_json()["text"] == "白牡丹2024用90℃左右的水泡就行，一次5克，能泡七八次~"
    first = fake.requests[0]
    assert first["path"] == "/v1/chat/completions" and first["auth"] == "Bearer sk-rewrite-key"
    system, user_message = first["body"]["messages"]
    assert "小茶" in system["content"] and "最好" in system["content"], "taboo words are spelled out"
    assert PASSAGE in user_message["content"] and "更口语一点" in user_message["content"]
    assert first["body"]["temperature"] == 1.0


def test_an_empty_rewrite_is_a_clear_error_and_never_a_blank_passage(tmp_path):
    fake = FakeAPI()
    try:
        fake.replies = [""] * 12
        app, client, post_id = editor_app(tmp_path, OPENAI_BASE_URL=fake.url, STUDIO_LLM_MODE="chat")
        response = client.post(f"/posts/{post_id}/rewrite", data={"passage": PASSAGE})
    finally:
        fake.close()
    assert response.status_code == 502
    error = response.get_json()["error"]
    assert error == "改写失败，原文未改动：写作模型没有写出可用的文字"  # the detail goes to the log
    assert "text" not in response.get_json()


def test_unreachable_model_selection_and_role_errors_are_named(tmp_path):
    app, client, post_id = editor_app(tmp_path, OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",
                                      STUDIO_LLM_MODE="completion", STUDIO_LLM_TIMEOUT=5)
    response = client.post(f"/posts/{post_id}/rewrite", data={"passage": PASSAGE})
    assert response.status_code == 502
    assert response.get_json()["error"] == "改写失败，原文未改动：连不上写作模型服务，它可能没有启动"
    response = client.post(f"/posts/{post_id}/rewrite", data={"passage": "  \n "})
    assert response.status_code == 400 and response.get_json()["error"] == "请先在正文中选中要改写的段落"
    response = client.post(f"/posts/{post_id}/rewrite", data={"passage": "字" * 1001})
    assert response.status_code == 400 and "过长" in response.get_json()["error"]
    client.post("/logout")
    assert client.post(f"/posts/{post_id}/rewrite", data={"passage": PASSAGE}).status_code == 302, "login first"
    client.post("/login", data={"username": "reviewer", "password": "reviewer-pass-1"})
    assert client.post(f"/posts/{post_id}/rewrite", data={"passage": PASSAGE}).status_code == 403


def test_rewrite_requests_need_the_csrf_token(tmp_path):
    app, client, post_id = editor_app(tmp_path, WTF_CSRF_ENABLED=True, OPENAI_BASE_URL="http://127.0.0.1:9/v1")
    # The login form itself needs a token once CSRF is on: log in with one taken from the page.
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "editor", "password": "editor-pass-1", "csrf_token": token})
    assert client.post(f"/posts/{post_id}/rewrite", data={"passage": " "}).status_code == 400
    editor_page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', editor_page).group(1)
    response = client.post(f"/posts/{post_id}/rewrite", data={"passage": " "}, headers={"X-CSRFToken": token})
    assert response.status_code == 400 and response.get_json()["error"] == "请先在正文中选中要改写的段落"
