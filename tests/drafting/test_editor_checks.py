"""The draft evaluation's editor checks catch what an editor would not keep, and pass what they would."""
import pytest

from prompts import PersonaProfile
from prompts.loader import scaffold_fragments
from studio.drafting import editor_checks

FACTS = ["- 品名：白牡丹2024\n- SKU：BT-2024\n- 品类：白茶\n- 价格：168\n- net_weight_g：100",
         "冬日品鉴会每周五晚8点在群里举行，报名后可领试饮装。"]
PERSONA = PersonaProfile(name="小茶", catchphrases=("小茶来啦~", "喝茶去~"))
KEEPER = ("小茶来啦~ 今年的白牡丹2024到了！毫香清甜，这周五晚8点的冬日品鉴会，我们一起泡一壶。"
          "报名的朋友还能领一份试饮装，回复“品鉴”就行~")


def test_a_post_an_editor_would_keep_passes_every_check():
    assert editor_checks.scaffold_leaks(KEEPER, scaffold_fragments()) == []
    assert editor_checks.field_dump(KEEPER, editor_checks.field_labels(FACTS)) == []
    assert editor_checks.loops(KEEPER) == []
    assert editor_checks.persona_voice(KEEPER, PERSONA) == ["小茶", "小茶来啦~"]


@pytest.mark.parametrize("leak", [
    "【发给谁】新朋友：刚进群的伙伴\n白牡丹2024到啦！",
    "请以「小茶」的身份，为茶韵山房的社群写一条发帖文案。白牡丹2024到啦！",
    "【用户所处阶段】引入\n欢迎新朋友~",
])
def test_prompt_wording_copied_into_the_post_is_a_scaffold_leak(leak):
    assert editor_checks.scaffold_leaks(leak, scaffold_fragments())


def test_clauses_copied_from_the_brief_that_speak_to_the_writer_are_found_by_their_grammar():
    brief = "周日茶会招人：下午3点开始，39元/人。重点写茶点（别写成广告），小罐装可以提一句，结尾提一句储存，说下报名方式。"
    post = "小茶来啦~周日茶会招人：下午3点开始，39元/人。重点写茶点，小罐装可以提一句。结尾提一句储存，说下报名方式。"
    assert editor_checks.writer_directives(post, brief) == ["重点写茶点", "小罐装可以提一句", "结尾提一句储存",
                                                            "说下报名方式"]
    # the same words a member is told, or not copied from the brief, are not the writer's
    assert editor_checks.writer_directives("周日茶会：下午3点开始，39元/人。会员价不能和满减同用。", brief) == []
    assert editor_checks.writer_directives("顺便说一句，下午3点开始。", brief) == []


def test_record_fields_pasted_as_a_list_are_a_field_dump():
    labels = editor_checks.field_labels(FACTS)
    assert {"品名", "SKU", "品类", "价格", "net_weight_g"} <= labels
    dump = "新品上架！\n- 品名：白牡丹2024 - SKU：BT-2024 - 品类：白茶 - 价格：598"
    assert editor_checks.field_dump(dump, labels) == ["SKU", "价格", "品名", "品类"]
    assert editor_checks.field_dump("白牡丹2024 net_weight_g：100，快来买", labels) == ["net_weight_g"]
    # One label in running text is how people write ("价格：168元"), not a pasted record.
    assert editor_checks.field_dump("白牡丹2024，价格：168元，周五见~", labels) == []
    # Times of day are not field labels.
    schedule = editor_checks.field_labels(["- 每天8:30发早安茶签\n- 每周五20:00品鉴会"])
    assert editor_checks.field_dump("每天8:30早安，每周五20:00品鉴会见~", schedule) == []


def test_a_product_name_repeated_line_after_line_is_a_loop():
    loop = "白牡丹2024真好喝\n白牡丹2024真好喝\n白牡丹2024，白牡丹2024，白牡丹2024！"
    assert editor_checks.loops(loop)
    assert editor_checks.loops("白牡丹2024到了，白牡丹2024真香。") == []
    # A list whose lines differ only in their letters and numbers is one line said again and again.
    assert editor_checks.loops("A) 维权者：1级（无积分）；\nB) 维权者：2级（积分）；\nC) 维权者：3级（积分）")
    assert editor_checks.loops("会员日（2026年7月至2027年6月），会员日（2026年7月至2027年6月）见") == []


def test_a_sentence_nothing_the_model_was_given_supports_is_flagged():
    sources = [*FACTS, "冬日品鉴会，来品白牡丹2024", *PERSONA.catchphrases]
    assert editor_checks.unsupported_sentences(KEEPER, sources + ["报名的朋友可领一份试饮装，回复“品鉴”就行，一起泡一壶"]) == []
    invented = "小茶来啦~ 白牡丹2024到了！它还含有保湿成分，可以防止宝宝脱发。"
    assert editor_checks.unsupported_sentences(invented, sources) == ["它还含有保湿成分，可以防止宝宝脱发"]


def test_a_post_without_the_persona_name_or_catchphrases_has_no_voice():
    assert editor_checks.persona_voice("白牡丹2024上新，欢迎选购。", PERSONA) == []


def test_draft_eval_reports_the_editor_checks_and_lists_each_failing_variant(tmp_path):
    import json

    from tests.support.app import demo_app
    from tests.support.fake_llm import FakeChatAPI

    fake = FakeChatAPI()
    try:
        app = demo_app(tmp_path / "eval", OPENAI_BASE_URL=fake.url, STUDIO_LLM_MODE="chat",
                       STUDIO_LLM_MODEL="provider-model-x")
        briefs = tmp_path / "briefs.jsonl"
        briefs.write_text(json.dumps({"id": "same-post", "brief": "白牡丹2024上新", "persona": "xiaocha",
                                      "segments": ["vip", "lapsed"], "channel": "sandbox-main"},
                                     ensure_ascii=False), encoding="utf-8")
        result = app.test_cli_runner().invoke(args=["draft", "eval", str(briefs), "--brand", "chayun", "--json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        # The provider writes one clean post in the persona's voice, the same for both segments.
        assert report["no_scaffold"] == report["no_field_dump"] == report["no_loop"] == 1.0
        assert report["persona_voice"] == 1.0
        assert report["acceptable"] == 0.0
        assert [(f["brief"], f["segment"]) for f in report["failures"]] == [("same-post", "vip"),
                                                                             ("same-post", "lapsed")]
        assert all("distinct_segments" in f["failed"] for f in report["failures"])
        assert "小茶来啦" in report["failures"][0]["body"]
        # the slowest variant is named, and the drafter's start-up work is timed apart from the variants
        assert report["slowest"]["brief"] == "same-post" and report["slowest"]["segment"] in ("vip", "lapsed")
        assert report["slowest"]["seconds"] >= report["p50_s"] and report["warm_up_s"] >= 0
        text = app.test_cli_runner().invoke(args=["draft", "eval", str(briefs), "--brand", "chayun"]).output
        assert "✗ same-post / vip:" in text and "distinct_segments" in text
    finally:
        fake.server.shutdown()


def test_a_sentence_that_gives_a_product_another_products_values_contradicts_its_record():
    from knowledge.kit import load_brand_kit
    from studio.cli import DEMO_KIT
    from studio.drafting.record_checks import contradictions, product_records

    records = product_records(load_brand_kit(DEMO_KIT).documents)
    assert len(records) >= 5
    assert contradictions("白牡丹2024只要99元！", records) == ["福鼎白牡丹·2024春 的 price_yuan 是 168，文中写成 99"]
    # A serving's price and the brand's history are not the product's price or year.
    assert contradictions("店里有热饮正山小种，18元/杯。", records) == []
    assert contradictions("武夷肉桂2024来自2019年建起的岩茶基地。", records) == []
    assert contradictions("大红袍2025是一款白茶，来自福建福鼎磻溪镇。", records) == [
        "大红袍·2025 的 category 是“岩茶”，文中写成“白茶”",
        "大红袍·2025 的 origin 是“福建武夷山星村镇”，文中写成“福建福鼎磻溪镇”"]
    # What the record says, and sentences comparing two products, are not contradictions.
    assert contradictions("白牡丹2024，100克168元，是福建福鼎磻溪镇的白茶。", records) == []
    assert contradictions("白牡丹2024和大红袍2025，一白一岩，各有风味。", records) == []
    # What the brief states is the editor's word; the record's own figure next to it is no contradiction.
    brief = "白牡丹2024春节特价99元"
    assert contradictions("白牡丹2024只要99元！", records, given=brief) == []
    assert contradictions("白牡丹2024，100克装，配3g试饮小袋。", records, given="白牡丹2024有3g小袋") == []
    assert contradictions("白牡丹2024只要88元！", records, given=brief) == [
        "福鼎白牡丹·2024春 的 price_yuan 是 168，文中写成 88"]
