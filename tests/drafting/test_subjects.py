"""A brief about a product the brand's kit does not have says so, and names the closest products."""
from studio.drafting import briefs
from studio.drafting.subjects import unknown_products
from studio.extensions import db
from studio.models import Brand


def test_a_product_the_kit_does_not_have_is_named_with_the_closest_products(ctx):
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == "chayun"))
    # Known by part of the name, by SKU, or by the whole name: no warning.
    assert unknown_products(brand.id, ["白牡丹2024", "BM-2024", "福鼎白牡丹·2024春"]) == []
    [unknown] = unknown_products(brand.id, ["白牡丹2023"])
    assert unknown.name == "白牡丹2023"
    assert unknown.closest[:2] == ("福鼎白牡丹·2024春", "福鼎白牡丹·2021陈藏")
    assert "「白牡丹2023」不在品牌资料中" in unknown.message and "福鼎白牡丹·2024春" in unknown.message
    [nothing_alike] = unknown_products(brand.id, ["宝宝磨牙棒"])
    assert nothing_alike.closest == ()


def test_the_brief_page_warns_about_a_product_the_kit_does_not_have(client, auth, ctx):
    from tests.support.posts import user

    brief = briefs.create_brief(briefs.BriefInput(
        brand="chayun", persona="xiaocha", channel="sandbox-main", segments=["newcomer"],
        key_message="冬日品鉴会，来品白牡丹2023和大红袍", products=["白牡丹2023", "大红袍"]), author_id=user("editor").id)
    auth.login("editor")
    page = client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert page.count('class="flash warn"') == 1
    assert "简报提到的产品「白牡丹2023」不在品牌资料中。最接近的产品：福鼎白牡丹·2024春" in page


def test_the_draft_command_warns_on_stderr_and_keeps_its_json_shape(tmp_path):
    import json

    from tests.support.app import demo_app
    from tests.support.fake_llm import FakeChatAPI

    fake = FakeChatAPI()
    try:
        app = demo_app(tmp_path / "cli", OPENAI_BASE_URL=fake.url, STUDIO_LLM_MODE="chat",
                       STUDIO_LLM_MODEL="provider-model-x")
        result = app.test_cli_runner().invoke(args=[
            "draft", "--brand", "chayun", "--persona", "xiaocha", "--segments", "newcomer", "--channel",
            "sandbox-main", "--brief", "来品白牡丹2023", "--products", "白牡丹2023", "--json"])
        assert result.exit_code == 0, result.output
        assert "「白牡丹2023」不在品牌资料中" in result.stderr
        [row] = json.loads(result.stdout)
        assert set(row) == {"segment", "body", "citations", "error"}
    finally:
        fake.server.shutdown()
