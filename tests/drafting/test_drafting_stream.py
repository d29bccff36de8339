"""The text a drafting worker writes shows up in the post's progress while the model is still writing."""
import threading
import time

import pytest

from tests.support import free_port
from tests.support.app import demo_app, join_brands
from tests.support.fake_llm import FakeAPI
from tests.support.posts import user


def new_post(app) -> int:
    from studio import accounts
    from studio.drafting import briefs

    accounts.create_user("editor", "editor-pass-1", "editor")
    join_brands()
    brief = briefs.create_brief(briefs.BriefInput(
        brand="chayun", persona="xiaocha", channel="sandbox-main", segments=["newcomer"],
        key_message="白牡丹2024上新，建议90℃冲泡", products=["白牡丹2024"]), author_id=user("editor").id)
    return brief.posts[0].id


def test_partial_text_is_recorded_at_most_twice_a_second_and_only_while_generating(tmp_path):
    from studio.drafting.briefs import post_progress
    from studio.drafting.generation import PartialTextRecorder

    app = demo_app(tmp_path / "stream")
    with app.app_context():
        post_id = new_post(app)
        now = [100.0]
        record = PartialTextRecorder(post_id, clock=lambda: now[0])
        record("小茶来啦~")
        assert post_progress(post_id) == {"id": post_id, "status": "generating", "error": "",
                                          "partial": "小茶来啦~", "regenerating": False}
        now[0] += 0.2
        record("小茶来啦~白牡丹")
        assert post_progress(post_id)["partial"] == "小茶来啦~", "a write 0.2 s after the last one waits"
        now[0] += 0.4
        record("小茶来啦~白牡丹2024")
        assert post_progress(post_id)["partial"] == "小茶来啦~白牡丹2024"
        now[0] += 0.1
        record("")
        assert post_progress(post_id)["partial"] == "", "text the checks threw away is cleared at once"
        now[0] += 0.6
        record("小茶来啦~白牡丹2024")

        from studio.extensions import db
        from studio.models import Post
        db.session.get(Post, post_id).status = "draft"
        db.session.commit()
        now[0] += 1
        record("一个迟到的重复任务")
        post = db.session.get(Post, post_id)
        assert post.generation == {"partial": "小茶来啦~白牡丹2024"}, "a finished post is never overwritten"
        assert post_progress(post_id)["partial"] == "", "a finished post shows no partial text"


def test_the_streaming_callback_sees_the_post_grow_from_its_opening(tmp_path):
    from prompts import build_draft_prompt
    from studio.drafting.writer import LLMSettings, write_variant
    from tests.support.fake_llm import NEWCOMERS, TEA_BRIEF, TEA_FACTS, TEA_PERSONA

    fake = FakeAPI()
    try:
        fake.replies = ["福鼎白茶，一芽两叶，毫香蜜韵。建议90℃冲泡，每次5克。\n每饼357克，售价298元。", "你平时喜欢喝什么茶？"]
        prompt = build_draft_prompt(brand_name="山茶小馆", persona=TEA_PERSONA, segment=NEWCOMERS, channel_type="wecom",
                                    brief=TEA_BRIEF, facts=TEA_FACTS)
        seen: list[str] = []
        variant = write_variant(prompt, TEA_FACTS, key_terms=["白牡丹2024"], on_text=seen.append,
                                settings=LLMSettings(base_url=fake.url, api_key="x", model="m", timeout_s=10))
    finally:
        fake.close()
    assert len(seen) >= 10, "one call per streamed chunk"
    assert all(text.startswith(prompt.prefix) for text in seen)
    body_steps = [text for text in seen if prompt.closing not in text]
    assert all(len(a) <= len(b) for a, b in zip(body_steps, body_steps[1:])), "the body only grows"
    assert "售价298元" in body_steps[-1] and seen[-1].endswith("你平时喜欢喝什么茶？")
    assert variant.text.endswith("你平时喜欢喝什么茶？")


@pytest.mark.slow
def test_the_page_polls_the_growing_text_of_a_draft_from_the_local_model(tmp_path, llm_config):
    # The model writes here (it only ranks by default), so there is a text that grows.
    app = demo_app(tmp_path / "stream", STUDIO_DRAFTING="write", **llm_config)
    with app.app_context():
        post_id = new_post(app)
    client = app.test_client()
    client.post("/login", data={"username": "editor", "password": "editor-pass-1"})
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f'data-progress-url="/posts/{post_id}/progress.json"' in page and 'id="partial"' in page

    def draft():
        with app.app_context():
            from studio.drafting import generation

            generation.draft_post(post_id)  # what the drafts worker runs

    worker = threading.Thread(target=draft)
    started = time.monotonic()
    worker.start()
    partials: list[str] = []
    while worker.is_alive():
        state = client.get(f"/posts/{post_id}/progress.json").get_json()
        if state["status"] == "generating" and state["partial"] and state["partial"] not in partials:
            partials.append(state["partial"])
        time.sleep(0.2)
    worker.join()
    elapsed = time.monotonic() - started
    print(f"\n{len(partials)} partial texts seen in {elapsed:.1f} s; first after the opening: {partials[:2]}")
    assert len(partials) >= 2, "the text was seen growing while the model wrote"
    assert all(not text.startswith(("###", "品牌：")) for text in partials)
    final = client.get(f"/posts/{post_id}/progress.json").get_json()
    assert final["status"] in ("draft", "error") and final["partial"] == ""
    brief_state = client.get("/briefs/1/progress.json").get_json()
    assert brief_state["posts"][0]["partial"] == ""


def test_the_post_page_tells_how_a_composed_draft_was_made(tmp_path):
    from studio.drafting import generation

    # A base model that does not answer: the draft is composed, ranked by its facts, and says so.
    app = demo_app(tmp_path / "record", OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",
                   STUDIO_LLM_MODEL="some-base-model", STUDIO_LLM_MODE="completion", STUDIO_RANK_BUDGET_S=1)
    with app.app_context():
        post_id = new_post(app)
        generation.draft_post(post_id)
    client = app.test_client()
    client.post("/login", data={"username": "editor", "password": "editor-pass-1"})
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert 'id="generation-note"' in page and "排序模型不可用" in page
    assert 'id="generation-record"' in page and "话术库" in page and "简报" in page and "产品表" in page
    assert "组合初稿（排序模型不可用" in page  # the revision's note says it too
    # The product row is cited once, told in full.
    assert page.count("<code>BM-2024</code>") == 1
