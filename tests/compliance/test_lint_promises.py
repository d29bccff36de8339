"""Promises, rates, everyday health outcomes and denied claims are judged by structure, not by list.
The rules alone: the learned claim model beside them is tested in test_claim_model.py."""
from __future__ import annotations

import pytest

from studio.compliance import DEFAULT_RULES_DIR, lint_text
from tests.support.rules import copy_rules, rules_only


def found(text: str, **kwargs) -> list[tuple[str, str, str]]:
    kwargs.setdefault("rules_dir", rules_only())
    return [(f.text, f.rule, f.severity) for f in lint_text(text, **kwargs)]


def rules_of(text: str) -> set[str]:
    return {f.rule for f in lint_text(text)}


# -- promises of an outcome or a return ------------------------------------------------------
@pytest.mark.parametrize("text, span", [("这台制冰机开店用，保证两个月必定盈利。", "保证两个月必定盈利"),
                                        ("这款猫砂盆确保三天都不臭。", "确保三天都不臭"),
                                        ("报名课程包回本，签约送设备。", "包回本"),
                                        ("加盟奶茶项目稳赚不赔。", "稳赚")])
def test_a_marker_with_an_outcome_in_its_clause_is_a_promise(text, span):
    assert (span, "absolute.promise", "block") in found(text)


@pytest.mark.parametrize("text", ["我们保证24小时内发货。", "保证金活动结束后退回。",
                                  "压坏了拍照给客服，保证给您补发。", "不能保证每只猫都爱吃，但我们会认真选料。",
                                  "我们承诺不添加防腐剂。", "这款面霜保证不油腻，夏天也能用。"])
def test_a_service_a_compound_noun_or_a_declined_promise_is_no_promise(text):
    assert "absolute.promise" not in rules_of(text)


def test_payback_with_a_time_is_a_promise_but_a_story_of_payback_is_not():
    assert found("开一家洗衣店，一年就能回本。") == [("一年就能回本", "absolute.promise", "block")]
    assert found("店开了一年才回本，真不容易。") == []


def test_a_warning_about_others_promises_claims_nothing():
    assert found("保证收益的理财都是骗局，大家擦亮眼睛。") == []


# -- shares promised as results ----------------------------------------------------------------
def test_a_rate_of_an_effect_is_a_promise_but_a_rate_of_a_measure_is_not():
    assert found("这款空气净化器除醛率高达99%。") == [("除醛率高达99%", "absolute.guarantee", "block")]
    assert found("面粉含水率14%，上周到店率60%。") == []


def test_a_hundred_percent_before_a_verb_promises_but_before_a_material_it_states():
    assert found("面包机内胆100%保留麦香。") == [("100%保留", "absolute.guarantee", "block")]
    assert found("这条围巾100%羊毛。") == []


# -- health outcomes in everyday words ---------------------------------------------------------
@pytest.mark.parametrize("text, rule", [("狗狗吃了这款关节粮，不用再吃药。", "health.outcome"),
                                        ("这款化毛膏吃三天就好。", "health.guarantee"),
                                        ("这款咖啡一个月掉五斤。", "health.weight"),
                                        ("这款眼霜让细纹彻底消失。", "health.resolution"),
                                        ("这款狗粮让狗狗远离耳螨病。", "health.outcome")])
def test_an_everyday_health_outcome_is_flagged(text, rule):
    assert rule in rules_of(text)


def test_a_condition_is_recognised_by_its_suffix_not_by_a_list():
    assert "耳螨" not in (DEFAULT_RULES_DIR / "health.yaml").read_text(encoding="utf-8")
    assert found("这款滴耳液让猫咪告别耳螨症。") == [("告别耳螨症", "health.outcome", "block")]


def test_a_vet_endorsing_is_flagged_but_a_vet_advising_is_not():
    assert found("这款猫粮兽医都推荐。") == [("兽医都推荐", "health.guarantee", "warn")]
    assert found("兽医说要定期驱虫。") == []


def test_a_time_before_a_taste_or_a_habit_is_no_cure():
    assert found("这款冷萃我喝两天就爱上了。") == []
    assert found("新猫吃两天就适应了新粮。") == []


def test_treatment_and_weight_loss_told_as_care_advice_are_not_flagged():
    assert found("请带狗狗去宠物医院治疗。") == []
    assert found("狗狗减重要慢慢来，减重期间零食减半。") == []


# -- narrative 最 and 第一 ---------------------------------------------------------------------
def test_zui_that_orders_a_story_is_not_a_claim():
    assert found("最开始我只是想给自家猫做零食。") == []
    assert found("养狗最主要的是陪伴。") == []


def test_first_place_in_a_childs_contest_is_no_ranking_but_a_products_is():
    assert found("儿子期末考试考了第一名。") == []
    assert found("这款猫砂人气第一名。") == [("人气第一", "absolute.ranking", "block")]


def test_first_position_in_a_list_is_no_ranking():
    assert found("猫粮配料表第一位是鲜鸡肉。") == []


# -- denied superlatives -----------------------------------------------------------------------
@pytest.mark.parametrize("text", ["不是最安静的扫地机，但吸力够用。", "我们不敢说是最好的，但每一杯都认真。",
                                  "这款面霜称不上最好，胜在温和。", "我们不敢说自己是第一，只是认真做。"])
def test_a_superlative_the_post_denies_is_harmless(text):
    assert found(text) == []


def test_a_denial_asked_back_rhetorically_still_claims():
    assert found("谁说这不是最好用的吹风机？") == [("最好", "absolute.superlative", "block")]
    assert found("难道不是最划算的吗？") == [("最划算", "absolute.superlative", "block")]


def test_a_denial_may_name_what_it_denies_between_the_saying_and_the_claim():
    assert found("我们不敢说这款扫地机是最好的，但避障确实省心。") == []
    assert found("不仅好喝还是最好的。") == [("最好", "absolute.superlative", "block")]


def test_a_denial_only_clears_its_own_claim():
    assert found("这款猫粮不是最便宜的，但一定是最好的。") == [("最好", "absolute.superlative", "block")]


# -- the structures are data -------------------------------------------------------------------
def test_promise_markers_and_services_are_data(tmp_path):
    folder = copy_rules(tmp_path)
    absolute = folder / "absolute.yaml"
    content = absolute.read_text(encoding="utf-8")
    assert [rule for _, rule, _ in found("我们保证一周不臭。")] == ["absolute.promise"]
    content = content.replace("      services: [发货, ", "      services: [不臭, 发货, ", 1)
    absolute.write_text(content, encoding="utf-8")
    assert found("我们保证一周不臭。", rules_dir=folder) == []


def test_denial_cues_are_data(tmp_path):
    folder = copy_rules(tmp_path)
    context = folder / "context.yaml"
    context.write_text(context.read_text(encoding="utf-8").replace("    cues: [不是, ", "    cues: [", 1),
                       encoding="utf-8")
    assert found("不是最安静的扫地机。") == []
    assert [rule for _, rule, _ in found("不是最安静的扫地机。", rules_dir=folder)] == ["absolute.superlative"]


def test_offsets_of_promise_and_rate_findings_point_at_their_text():
    text = "🐱 这款喷雾除臭率100%，保证一周不臭！"
    findings = lint_text(text)
    assert {f.rule for f in findings} == {"absolute.guarantee", "absolute.promise"}
    for f in findings:
        assert text[f.start:f.end] == f.text


def test_a_single_dose_or_a_symptom_fading_completely_is_a_guarantee():
    assert ("一包搞定", "health.dose", "block") in found("这款益生菌，软便拉稀一包搞定。")
    assert found("一次解决早餐难题：三分钟出一杯拿铁。") == []
    assert found("这款猫粮吃了泪痕全消。") == [("全消", "health.resolution", "block")]
    assert found("这款面包一上午全消灭了。") == []


def test_weight_loss_as_pet_care_advice_is_not_flagged_but_a_slimming_claim_is():
    assert found("猫咪减肥最重要的是控制饮食。") == []
    assert found("减肥期间可以喝黑咖啡。") == []
    assert found("这款代餐粉能帮你瘦身。") == [("瘦身", "health.weight", "block")]


def test_an_annual_yield_is_a_promise_of_returns():
    assert found("本店充值享年化8%收益。") == [("年化8%", "absolute.promise", "block")]


def test_a_time_and_a_symptom_gone_is_a_cure_but_a_time_and_a_taste_is_not():
    assert found("这台按摩椅每天用，一个月腰就不酸了。") == [("一个月腰就不酸", "health.guarantee", "block")]
    assert found("这款洗发水用三天就不痒了。") == [("用三天就不痒", "health.guarantee", "block")]
    assert found("咖啡豆开封两周就不新鲜了。") == []


def test_a_doubled_investment_is_a_promise_of_returns():
    assert found("加盟三个月，投资翻倍。") == [("投资翻倍", "absolute.promise", "block")]
