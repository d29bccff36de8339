"""What worked for a segment is written down from click rates and tried first when drafting for it."""
from __future__ import annotations

import pytest

from studio.brands import kits
from studio.drafting import briefs, generation, playbook
from studio.extensions import db
from studio.models import Post, ShortLink
from studio.review import workflow
from tests.links.test_delivery_links import DESKTOP, add_groups, send_now
from tests.support import free_port
from tests.support.app import add_users, demo_app
from tests.support.fake_llm import FakeChatAPI
from tests.support.posts import user

MESSAGES = ("周五晚8点品鉴会，来对比两年的白牡丹 https://chayun.example.com/tasting",
            "白牡丹2024到货，新茶清鲜 https://chayun.example.com/bm-2024",
            "寿眉饼适合煮着喝，冬天正好 https://chayun.example.com/shoumei")


def drafted(message: str) -> Post:
    brief = briefs.create_brief(briefs.BriefInput(
        brand="chayun", persona="xiaocha", channel="sandbox-main", segments=["active"], key_message=message,
        products=[]), author_id=user("editor").id)
    post = brief.posts[0]
    generation.draft_post(post.id)
    db.session.refresh(post)
    return post


def clicked(app, post: Post, people: int) -> None:
    link = db.session.scalar(db.select(ShortLink).where(ShortLink.post_id == post.id).order_by(ShortLink.id))
    for person in range(people):
        app.test_client().get(f"/l/{link.token}", headers={"User-Agent": f"{DESKTOP} reader-{person}"})


def test_the_best_posts_lines_are_written_down_and_reach_the_next_draft_for_the_segment(tmp_path):
    app = demo_app(tmp_path / "playbook", OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",
                   STUDIO_LLM_MODEL="some-model", STUDIO_LLM_TIMEOUT=5)
    with app.app_context():
        add_users("editor", "reviewer")
        brand = kits.get_brand("chayun")
        add_groups(brand.id, {f"active-{n}": 200 for n in range(3)})
        posts = [drafted(message) for message in MESSAGES]
        for number, (post, people) in enumerate(zip(posts, (60, 8, 20))):
            workflow.submit_for_review(post.id, user("editor"))
            workflow.approve(post.id, user("reviewer"), post.current_revision_id)
            send_now(post, [f"active-{number}"])
            clicked(app, post, people)
        db.session.rollback()  # see the clicks the requests committed

        assert playbook.write_playbooks(min_reach=50) == {"chayun": 1}

        written = playbook.playbook(kits.get_brand("chayun"), "active")
        assert [entry["post"] for entry in written["best"]] == [posts[0].id, posts[2].id, posts[1].id]
        best_lines = {s["source"] for s in posts[0].generation["sentences"] if s["source"].startswith("script:")}
        assert written["common"]["lines"] and set(written["common"]["lines"]) <= best_lines | {
            line for entry in written["best"] for line in entry["lines"]}
        assert written["best"][0]["rate"] == 0.3 and written["common"]["median_length"] > 0

        kits.import_brand_kit(kits.get_brand("chayun").kit_path)  # a re-import keeps what was learned
        following = drafted("周六下午茶会，带朋友来 https://chayun.example.com/tea")

        used = following.generation["playbook"]
        assert used["segment"] == "active" and used["posts"][0] == posts[0].id
        assert used["lines_used"] and set(used["lines_used"]) <= set(written["common"]["lines"])
        assert set(used["lines_used"]) <= {s["source"] for s in following.generation["sentences"]}


def test_the_brief_page_shows_what_worked_for_its_segments(tmp_path):
    app = demo_app(tmp_path / "page", OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",
                   STUDIO_LLM_MODEL="some-model", STUDIO_LLM_TIMEOUT=5)
    with app.app_context():
        add_users("editor", "reviewer")
        brand = kits.get_brand("chayun")
        brand.store_studio_setting("playbook:active", {
            "written_at": "2026-12-01T03:00:00Z", "worst": [],
            "best": [{"post": 7, "rate": 0.3, "rate_low": 0.24, "reach": 200, "unique": 60, "stage": "促活",
                      "hour": 20, "length": 180, "template": "poster", "lines": ["script:active/hooks#1"],
                      "excerpt": "…"}],
            "common": {"hours": [20], "median_length": 180, "stages": ["促活"], "templates": ["poster"],
                       "lines": ["script:active/hooks#1"]}})
        db.session.commit()
        brief = briefs.create_brief(briefs.BriefInput(
            brand="chayun", persona="xiaocha", channel="sandbox-main", segments=["active", "vip"],
            key_message="周五品鉴会", products=[]), author_id=user("editor").id).id
    client = app.test_client()
    client.post("/login", data={"username": "editor", "password": "editor-pass-1"})

    page = client.get(f"/briefs/{brief}").get_data(as_text=True)

    assert page.count("这个人群的经验") == 1  # only the segment with a playbook
    assert "#7" in page and "30.0%" in page and "20:00" in page and "active/hooks#1" in page


@pytest.fixture
def writing_model():
    """A hosted chat model standing in on loopback; it records the prompts it is sent."""
    fake = FakeChatAPI()
    yield fake
    fake.server.shutdown()


def chat_app(path, fake):
    return demo_app(path, OPENAI_BASE_URL=fake.url, STUDIO_LLM_MODE="chat", STUDIO_LLM_MODEL="provider-model-x")


def asked(fake) -> str:
    return "\n".join(m["content"] for m in fake.requests[-1]["body"]["messages"])


def test_a_model_that_writes_sees_the_segments_best_posts_as_examples(tmp_path, writing_model):
    app = chat_app(tmp_path / "chat", writing_model)
    with app.app_context():
        add_users("editor")
        brand = kits.get_brand("chayun")
        best = "亲们，周五晚8点我们对比着喝两年的白牡丹，来的朋友接个龙，我给大家留座～"
        brand.store_studio_setting("playbook:active", {
            "written_at": "2026-12-01T03:00:00Z", "worst": [],
            "best": [{"post": 7, "rate": 0.3, "rate_low": 0.24, "reach": 200, "unique": 60, "stage": "促活",
                      "hour": 20, "length": 40, "template": "", "lines": [], "excerpt": best[:60], "text": best}],
            "common": {"hours": [20], "median_length": 40, "stages": ["促活"], "templates": [], "lines": []}})
        db.session.commit()
        record = drafted("冬日品鉴会，来品白牡丹2024").generation
    assert "这个人群反响最好的帖子" in asked(writing_model) and best in asked(writing_model)
    assert record["mode"] == "chat" and record["playbook"] == {
        "segment": "active", "written_at": "2026-12-01T03:00:00Z", "posts": [7], "examples": 1}


def test_a_segment_without_a_playbook_drafts_as_before(tmp_path, writing_model):
    app = chat_app(tmp_path / "none", writing_model)
    with app.app_context():
        add_users("editor")
        record = drafted("冬日品鉴会，来品白牡丹2024").generation
    assert "这个人群反响最好的帖子" not in asked(writing_model)
    assert "playbook" not in record
