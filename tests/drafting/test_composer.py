"""Composing drafts from material people wrote, and ranking the candidates."""
from pathlib import Path

import pytest

from knowledge.kit import load_brand_kit
from prompts import DraftBrief, Fact, PersonaProfile, SegmentProfile
from studio.drafting import record_checks
from studio.drafting.brief_clauses import brief_content, brief_rules, instruction_leaks
from studio.drafting.chain import crowded
from studio.drafting.composer import compose
from studio.drafting.context import BrandContext
from studio.drafting.editor_checks import loops
from studio.drafting.fact_sentences import passage_sentences, product_sayings, product_sentence
from studio.drafting.material import build_material
from studio.drafting.ranking import EndpointScorer, LocalScorer, rank
from tests.support.fake_llm import FakeAPI

KIT = Path(__file__).resolve().parents[2] / "knowledge" / "samples" / "chayun"
BRAND = BrandContext(slug="chayun", name="茶韵山房", timezone="Asia/Shanghai", kit_path=str(KIT))
PERSONA = PersonaProfile(name="小茶", catchphrases=("小茶来啦~", "喝口好茶，慢慢来", "一山一水一盏茶"),
                         taboo=("第一", "亲", "秒杀"))
SOURCES = ("script:", "brief", "fact:", "product:", "persona:catchphrase")


@pytest.fixture(scope="module")
def kit_facts():
    """Every prose document of the demo kit as a numbered fact, as retrieval would hand them over."""
    documents = [d for d in load_brand_kit(KIT, strict=False).documents if not d.source.endswith(".csv")]
    return [Fact(number, d.doc_id, d.title, d.text) for number, d in enumerate(documents, 1)]


def material(facts, stage="促活", brief="预告本周五20:00冬日品鉴会，陈师傅带大家对比白牡丹2024和白牡丹2021，号召茶友提前备好盖碗。",
             channel="wecom"):
    return build_material(DraftBrief(key_message=brief, text=brief), BRAND, PERSONA,
                          SegmentProfile(slug=f"s-{stage}", name="群友", lifecycle_stage=stage), channel, facts)


def test_instructions_to_the_writer_stay_out_of_the_post():
    content = brief_content("欢迎本周新入群的茶友，介绍小茶和群里每周五的品鉴会，推荐从白牡丹2024入门，"
                            "提醒用90℃左右的水冲泡，语气亲切，不催单。", brief_rules())
    assert content.message == "欢迎本周新入群的茶友，推荐从白牡丹2024入门。温馨提示：用90℃左右的水冲泡。"
    assert content.topics == ["小茶", "群里每周五的品鉴会"]
    assert "语气亲切" in content.dropped and "不催单" in content.dropped
    labelled = brief_content("破冰话题：邀请新茶友晒出自己平时喝茶用的杯子。", brief_rules())
    assert labelled.message == "欢迎新茶友晒出自己平时喝茶用的杯子。"
    assert instruction_leaks("小茶来啦~介绍一下白牡丹2024，语气亲切。", brief_rules()) == ["介绍一下白牡丹2024", "语气亲切"]
    assert instruction_leaks(content.message, brief_rules()) == []


def test_a_product_row_is_said_with_its_figures_as_recorded():
    [record] = [r for r in record_checks.product_records(load_brand_kit(KIT, strict=False).documents)
                if r.key == "BM-2024"]
    sayings = product_sayings()
    assert product_sentence(record, "转化", sayings) == "福鼎白牡丹·2024春是一款白茶，净含量100克，售价168元。"
    # each stage says other fields, so the variants of one brief differ in what they tell
    assert "产自福建福鼎磻溪镇" in product_sentence(record, "留存", sayings)
    assert "168元" not in product_sentence(record, "破冰", sayings)  # a price is for the stages that sell
    assert product_sentence(record, "转化", sayings, rejects=lambda text: "净含量" in text) == \
        "福鼎白牡丹·2024春是一款白茶，售价168元。"


def test_a_row_under_headers_with_units_is_said_once_with_each_unit():
    record = record_checks.ProductRecord("XL-C01", "伊犁晚风蜡烛", {
        "货号": "XL-C01", "品名": "伊犁晚风蜡烛", "分类": "香薰蜡烛", "原料产地": "新疆伊犁",
        "净含量": "200g", "售价_元": "128", "说明": "手工灌装"})
    assert product_sentence(record, "转化", product_sayings()) == \
        "伊犁晚风蜡烛是一款香薰蜡烛，净含量200g，售价128元。"
    gift_box = record_checks.ProductRecord("GY12", "丰收礼盒", {
        "品名": "丰收礼盒", "分类": "礼盒", "配料": "见盒内各单品", "保质期": "以盒内各单品为准，最短6个月"})
    # a cell pointing elsewhere says nothing, nor does a category the name already says
    assert product_sentence(gift_box, "留存", product_sayings()) == ""
    dough = record_checks.ProductRecord("MZ-D2", "冷冻酵种欧包面团", {"品名": "冷冻酵种欧包面团", "品类": "冷冻面团"})
    assert product_sentence(dough, "转化", product_sayings()) == ""


def test_only_prose_sentences_that_stand_on_their_own_are_facts():
    fact = Fact(1, "d", "t", "## 基本信息\n- 产地：福鼎\n它很香。\n问：要不要放冰箱？\n答：常温避光密封保存就很好。")
    assert passage_sentences(fact) == ["常温避光密封保存就很好。"]


def test_a_benefit_listed_under_a_lead_in_is_not_told_on_its_own():
    fact = Fact(1, "d", "t", "金卡会员全场商品享受9折优惠。另外：\n- 每年有1次免费上品鉴课的名额。\n- 课前一天在群里提醒大家。\n"
                            "\n冲泡步骤：\n1. 先用90℃的水温杯。")
    assert passage_sentences(fact) == ["金卡会员全场商品享受9折优惠。", "课前一天在群里提醒大家。", "先用90℃的水温杯。"]


def test_every_sentence_of_a_composition_is_material_people_wrote(kit_facts):
    made = material(kit_facts)
    compositions = compose(made)
    assert len(compositions) >= 3 and len({c.text for c in compositions}) >= 3
    for composition in compositions:
        assert composition.text and len(composition.text) <= made.max_chars
        assert all(part.source.startswith(SOURCES) for part in composition.parts), composition.record()
        assert "本周五20:00冬日品鉴会" in composition.text and "号召" not in composition.text
        assert any(phrase in composition.text for phrase in PERSONA.catchphrases)
        assert not any(word in composition.text for word in PERSONA.taboo)
        assert not loops(composition.text)
        assert all(part.doc_id in composition.citations for part in composition.parts if part.doc_id)
    assert any(composition.citations for composition in compositions)


def test_the_stages_of_one_brief_lead_with_different_facts(kit_facts):
    leads = {}
    for stage in ("破冰", "促活", "转化", "留存"):
        best = compose(material(kit_facts, stage))[0]
        leads[stage] = next(part.text for part in best.parts if part.doc_id)
    assert len(set(leads.values())) >= 3, leads


def test_the_segments_of_a_brief_that_tells_everything_each_add_another_fact():
    brief = "周五品鉴会预告：20:00在群里开始，陈师傅讲白牡丹2024怎么泡，周四晚8点接龙报名，到场签到积30分。"
    facts = [Fact(1, "faq", "积分与活动", "每消费1元积1分，参加品鉴会签到再积30分。\n"
                                         "品鉴会前30分钟讲当周主题，后30分钟答疑。\n"
                                         "积分有效期12个月，到期前30天会在群里提醒。\n"
                                         "来不了的朋友，品鉴会结束后小茶会在群里发当天的要点。")]
    audience = ("活跃茶友", "银叶会员", "金叶会员")
    leads = []
    for name, stage in zip(audience, ("促活", "转化", "留存")):
        made = build_material(DraftBrief(key_message=brief, text=brief, audience=audience), BRAND, PERSONA,
                              SegmentProfile(slug=name, name=name, lifecycle_stage=stage), "wecom", facts)
        leads.append([part.text for part in compose(made)[0].parts if part.source.startswith("fact:")])
    assert all(leads) and len({tuple(lead) for lead in leads}) == 3, leads


def test_a_brief_that_fills_the_post_for_several_segments_is_noted(kit_facts):
    audience = ("活跃茶友", "银叶会员")
    long_brief = ("周五品鉴会预告：12月19日20:00在群里开始，陈师傅带大家对比白牡丹2024和白牡丹2021，从干茶、汤色到叶底"
                  "一样一样看。要点：1）开始前半小时备好盖碗和90℃的水；2）每人准备3克茶，冲泡三次，每次出汤前在群里说说香气；"
                  "3）问题周四晚10点前接龙，陈师傅按接龙顺序回答；4）结束时抽5位送白牡丹2024小罐装一罐，中奖名单周六上午公布；"
                  "5）到场签到积30分，晒出第三泡的汤色再积10分，积分可以在会员日兑换茶点和小样；6）来不了的茶友，"
                  "周六会在群里发当晚的笔记和回放链接。")
    for brief, noted in ((long_brief, True), ("周五品鉴会预告：20:00在群里开始。", False)):
        made = material(kit_facts, brief=brief)
        assert crowded(made, DraftBrief(key_message=brief, text=brief, audience=audience)) is noted
        assert not crowded(made, DraftBrief(key_message=brief, text=brief, audience=audience[:1]))


def test_a_named_product_brings_its_row_and_the_row_is_cited(kit_facts):
    made = material(kit_facts, "转化", brief="白牡丹2024上新，欢迎来群里聊聊。")
    assert made.product_lines and made.product_lines[0].doc_id == "BM-2024"
    assert any("BM-2024" in c.citations and "售价168元" in c.text for c in compose(made))
    assert made.product_rows[0]["doc_id"] == "BM-2024" and "168元" in made.product_rows[0]["text"]


def test_the_webhook_layout_puts_the_brief_first(kit_facts):
    best = compose(material(kit_facts, channel="webhook"))[0]
    assert best.text.startswith("预告一下：本周五20:00")


def test_ranking_prefers_the_fluent_candidate_and_says_when_it_could_not_score(kit_facts):
    compositions = compose(material(kit_facts))

    def own_parts(composition):
        return {p.text for p in composition.parts} - {p.text for c in compositions if c is not composition
                                                      for p in c.parts}

    chosen = max(compositions, key=lambda c: len(own_parts(c)))
    favourite = own_parts(chosen)
    asked = []

    def scorer(prefix, texts, budget_s):
        assert prefix == "茶韵山房社群消息：\n"
        asked.extend(texts)
        return [-1.0 if text in favourite else -4.0 for text in texts]

    scorer.name = "test"
    ranked, note = rank(compositions, scorer, brand_name="茶韵山房", budget_s=1.0)
    assert favourite and note == "" and max(ranked, key=lambda c: c.fluency).text == chosen.text
    assert all(c.score == pytest.approx(c.relevance + 2.0 * c.fluency) for c in ranked)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert len(asked) == len(set(asked)) and not any("本周五20:00" in text for text in asked)  # parts, once
    asked.clear()
    rank(compositions, scorer, brand_name="茶韵山房", budget_s=1.0)
    assert asked == []  # every part already has its score

    def down(prefix, texts, budget_s):
        raise ConnectionError("refused")

    down.name = "down"
    compositions = compose(material(kit_facts, "留存"))
    ranked, note = rank(compositions, down, brand_name="茶韵山房", budget_s=1.0)
    assert ranked and "排序模型不可用" in note
    def slow(prefix, texts, budget_s):
        return [None] * len(texts)

    slow.name = "slow"
    ranked, note = rank(compositions, slow, brand_name="茶韵山房", budget_s=0)
    assert ranked and "超时" in note


def test_an_endpoint_scores_the_candidate_text_only():
    api = FakeAPI()  # a hosted base model that returns prompt log-probabilities
    try:
        scorer = EndpointScorer(base_url=api.url, api_key="k", model="base-7b")
        assert scorer("茶韵山房社群消息：\n", ["小茶来啦~", "喝口好茶"], budget_s=5) == [-1.0, -1.0]
        request = api.requests[0]["body"]
        assert request["echo"] is True and request["logprobs"] == 0 and request["max_tokens"] == 1
        assert request["prompt"] == "茶韵山房社群消息：\n小茶来啦~" and request["model"] == "base-7b"
    finally:
        api.close()


def test_the_bundled_model_reads_ordinary_chinese_as_more_likely_than_a_word_salad():
    from studio.localmodel import ensure_model_file
    from tests.support.local_model import model_cache_dir

    scorer = LocalScorer(ensure_model_file(model_cache_dir()))
    fluent, scrambled = scorer("茶韵山房社群消息：\n", [
        "本周五晚上8点，陈师傅带大家对比两款白牡丹，想参加的在群里接个龙吧。",
        "接个龙陈师傅白牡丹两款晚上吧群里对比参加想的本周五8点大家带。"], budget_s=30)
    assert fluent > scrambled


def test_scores_are_shared_through_the_file_by_every_process(tmp_path):
    from studio.drafting.ranking import ScoreCache

    first, second = ScoreCache(tmp_path / "scores.sqlite3"), ScoreCache(tmp_path / "scores.sqlite3")
    first.put("local:m.gguf:1", "p\n", {"小茶来啦~": -2.5, "喝口好茶": -3.0})
    assert second.get("local:m.gguf:1", "p\n", ["小茶来啦~", "喝口好茶", "没见过"]) == {"小茶来啦~": -2.5, "喝口好茶": -3.0}
    assert second.get("endpoint:other", "p\n", ["小茶来啦~"]) == {}  # another model's scores are not these
    (tmp_path / "broken.sqlite3").write_bytes(b"not a database at all" * 100)
    broken = ScoreCache(tmp_path / "broken.sqlite3")  # a cache that cannot be opened is kept in memory
    broken.put("s", "p\n", {"一句": -1.0})
    assert broken.path is None and broken.get("s", "p\n", ["一句"]) == {"一句": -1.0}
