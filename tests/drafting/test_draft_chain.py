"""The drafting chain (retriever → prompt → model → parser) with models plugged in by configuration."""
from langchain_openai import ChatOpenAI

from studio.drafting.model_client import LLMSettings
from tests.support.app import demo_app
from tests.support.fake_llm import FakeChatAPI

BRIEF = {"goal": "", "key_message": "冬日品鉴会，来品白牡丹2024", "products": ["白牡丹2024"], "date": "",
         "text": "冬日品鉴会每周五晚8点，来品白牡丹2024"}


def compose_newcomer_post(app):
    from prompts import DraftBrief
    from studio.brands.kits import get_brand
    from studio.drafting import generation
    from studio.drafting.context import brand_context, persona_for_prompt, segment_for_prompt

    brand = get_brand("chayun")
    persona = next(p for p in brand.personas if p.slug == "xiaocha")
    segment = next(s for s in brand.segments if s.slug == "newcomer")
    return generation.compose_variant(DraftBrief.of(BRIEF), brand_context(brand),
                                      persona_for_prompt(persona), segment_for_prompt(segment), "sandbox")


def test_hosted_chat_provider_receives_the_chain_messages_and_the_draft_comes_back(tmp_path):
    fake = FakeChatAPI()
    try:
        app = demo_app(tmp_path / "chain", OPENAI_BASE_URL=fake.url, OPENAI_API_KEY="sk-provider-key-1",
                       STUDIO_LLM_MODEL="provider-model-x", STUDIO_LLM_MODE="chat")
        with app.app_context():
            composed = compose_newcomer_post(app)
        assert composed.error == "" and "白牡丹2024" in composed.body
        request = fake.requests[0]
        assert request["path"] == "/v1/chat/completions"
        assert request["auth"] == "Bearer sk-provider-key-1"
        body = request["body"]
        assert body["model"] == "provider-model-x" and body["temperature"] == 0.8 and body["top_p"] == 0.9
        assert body["max_tokens"] >= 220, "OpenAI-compatible servers read max_tokens"
        system, user = body["messages"]
        assert system["role"] == "system" and "小茶" in system["content"]
        assert user["role"] == "user" and "[1] " in user["content"] and "冬日品鉴会每周五晚8点" in user["content"]
        # The generation record names what was retrieved, which prompt files and which model wrote it.
        meta = composed.meta
        assert meta["model"] == "provider-model-x" and meta["mode"] == "chat"
        assert meta["chunks"] and all("#" in chunk for chunk in meta["chunks"])
        assert [fact["doc_id"] for fact in meta["facts"]] == [chunk.rsplit("#", 1)[0] for chunk in meta["chunks"]]
        assert "draft/system.txt" in meta["prompt_files"] and "draft/user.txt" in meta["prompt_files"]
        assert set(composed.citations) <= {fact["doc_id"] for fact in meta["facts"]}
    finally:
        fake.server.shutdown()


def provider_with_its_own_header(settings: LLMSettings) -> ChatOpenAI:
    """What a deployment's model factory may look like: any LangChain chat model, set up its own way."""
    return ChatOpenAI(model="factory-model", base_url=settings.base_url, api_key="factory-key", max_retries=0,
                      default_headers={"X-Tenant": "chayun"})


def test_a_configured_model_factory_replaces_the_built_in_model(tmp_path):
    fake = FakeChatAPI()
    try:
        app = demo_app(tmp_path / "chain", OPENAI_BASE_URL=fake.url, STUDIO_LLM_MODE="chat",
                       STUDIO_LLM_FACTORY=f"{__name__}:provider_with_its_own_header")
        with app.app_context():
            composed = compose_newcomer_post(app)
        assert composed.error == "" and composed.body
        request = fake.requests[0]
        assert request["body"]["model"] == "factory-model" and request["auth"] == "Bearer factory-key"
        assert composed.meta["factory"].endswith(":provider_with_its_own_header")
    finally:
        fake.server.shutdown()


def test_a_factory_of_the_wrong_kind_or_missing_is_named_beside_a_composed_draft(tmp_path):
    app = demo_app(tmp_path / "chain", STUDIO_LLM_MODE="completion", STUDIO_DRAFTING="write",
                   STUDIO_LLM_FACTORY=f"{__name__}:provider_with_its_own_header")
    with app.app_context():
        composed = compose_newcomer_post(app)
        assert composed.error == "" and composed.body and composed.meta["mode"] == "composed"
        assert composed.note == "模型没有写出可用的稿子（写作模型的设置有误，请管理员检查模型名称与地址）"
        assert "returned ChatOpenAI, not a completion model" in composed.meta["note_detail"]
        app.config["STUDIO_LLM_FACTORY"] = "no_such_module:make"
        composed = compose_newcomer_post(app)
        assert composed.error == "" and composed.body
        assert "model factory 'no_such_module:make' not found" in composed.meta["note_detail"]


def test_what_a_model_wrote_and_the_checks_threw_away_leaves_the_screen(tmp_path):
    from prompts import DraftBrief
    from studio.brands.kits import get_brand
    from studio.drafting import generation
    from studio.drafting.context import brand_context, persona_for_prompt, segment_for_prompt

    from tests.support.fake_llm import FakeAPI

    fake = FakeAPI()  # streams its replies, as a provider does
    fake.replies = ["白牡丹2024只要98元一盒，一盒98元，一盒98元，一盒98元，快来抢！"] * 12
    try:
        app = demo_app(tmp_path / "thrown", OPENAI_BASE_URL=fake.url, STUDIO_LLM_MODEL="provider-model-x",
                       STUDIO_LLM_MODE="chat")
        with app.app_context():
            brand = get_brand("chayun")
            persona = next(p for p in brand.personas if p.slug == "xiaocha")
            segment = next(s for s in brand.segments if s.slug == "newcomer")
            shown: list[str] = []
            composed = generation.compose_variant(DraftBrief.of(BRIEF), brand_context(brand),
                                                  persona_for_prompt(persona), segment_for_prompt(segment),
                                                  "sandbox", on_text=shown.append)
    finally:
        fake.close()
    assert composed.meta["mode"] == "composed" and "98元" not in composed.body
    assert any("98元" in text for text in shown), "the model's text was shown, unchecked, while it wrote"
    cleared = shown.index("")
    assert all("98元" not in text for text in shown[cleared:]) and shown[-1] == composed.body
