"""Efficacy claims of cosmetics and appliances found by word class and structure, and the harmless
sentences next to them: a quoted question, a notice that something ends for good, a denied superlative. The rules
alone: the learned claim model beside them is tested in test_claim_model.py."""
from __future__ import annotations

import pytest

from studio.compliance import lint_text
from tests.support.rules import rules_only


def flagged(text: str) -> list[str]:
    return [f.text for f in lint_text(text, rules_dir=rules_only())]


@pytest.mark.parametrize("text, claim", [("这瓶乳液用的是食品级包材。", None),
                                         ("这瓶乳液是处方级配方。", "处方级"),
                                         ("手术级的面膜布，下单送小样。", "手术级")])
def test_a_medical_grade_qualifier_is_a_medical_claim(text, claim):
    assert flagged(text) == ([claim] if claim else [])


@pytest.mark.parametrize("text, claim", [("这款面霜能重建受损细胞。", "重建受损细胞"),
                                         ("精华能延长端粒，留住青春。", "延长端粒")])
def test_a_verb_acting_on_cells_or_genes_is_a_health_claim(text, claim):
    assert claim in flagged(text)


@pytest.mark.parametrize("text, claim", [("这台微波炉零电磁辐射。", "零电磁辐射"),
                                         ("我们的奶瓶0塑化剂，宝宝放心用。", "0塑化剂")])
def test_none_of_a_hazard_is_a_safety_guarantee(text, claim):
    assert claim in flagged(text)


def test_zero_before_a_word_that_names_no_hazard_is_harmless():
    assert flagged("零食区上新，零售价和线上一致，零下储存。") == []


def test_years_taken_off_are_a_claim_but_an_age_difference_in_a_story_is_not():
    assert "年轻了八岁" in flagged("这款眼霜用完，整个人年轻了八岁。")
    assert flagged("表弟比我年轻八岁，今年刚工作。") == []


def test_whitening_by_shades_and_medical_comparisons_are_claims():
    assert "亮白两个色号" in flagged("这款身体乳用一个月亮白两个色号。")
    assert "媲美超声刀" in flagged("这台美容仪紧致效果媲美超声刀。")


def test_quality_first_is_a_ranking_but_safety_first_is_advice():
    assert flagged("我们家炒锅质量第一。") == ["第一"]
    assert flagged("安全第一，充电时别离人。") == []


def test_a_promised_exam_result_is_a_promise():
    assert "确保提分" in flagged("报名这期冲刺班，确保提分。")


def test_a_members_quoted_question_is_answered_not_claimed():
    assert flagged("有家长私信问：“这款奶粉能增强免疫力吗？”我们的回答是：它只是普通奶粉。") == []
    # the same claim asked by the post itself, or a testimonial it reposts, still counts
    assert flagged("这款奶粉能增强免疫力吗？当然能！") != []
    assert flagged("会员留言：“用了这款面霜，我的痘痘彻底消失了！”") != []


@pytest.mark.parametrize("text", ["旧版小程序即日起永久关闭，请下载新版。", "本店过期积分永久失效，下单前请先使用。"])
def test_something_ending_for_good_is_a_notice(text):
    assert flagged(text) == []


def test_a_denied_superlative_with_its_scope_in_front_is_harmless_unless_asked_back():
    assert flagged("这款豆子不是全市最便宜的，但一定新鲜。") == []
    assert "全市最便宜" in flagged("谁说这款豆子不是全市最便宜的？")


def test_last_wave_presses_only_when_it_names_a_sale():
    assert flagged("最后一波冷空气走了，樱花开了。") == []
    assert "最后一波" in flagged("最后一波秒杀，今晚12点结束！")


def test_a_superlative_term_that_picks_one_of_a_set_names_nothing_offered():
    assert flagged("三种豆子里酸度最低的是曼特宁。") == []
    assert "最低" in flagged("酸度最低的是我们家的曼特宁。")


def test_a_patient_under_treatment_is_no_effect_claim():
    assert flagged("正在治疗鼻炎的孩子，换季前请先问医生。") == []


def test_no_exception_to_a_superlative_is_an_absolute_claim():
    assert "没有之一" in flagged("口碑好的保温杯，没有之一。")


def test_records_kept_for_good_are_a_service_fact():
    assert flagged("订单数据永久保存，随时可以查。") == []


def test_a_symptom_never_coming_back_is_a_claim_but_a_painless_shave_is_not():
    assert "再也不痒" in flagged("这款洗发水用完头皮再也不痒了。")
    assert flagged("这款剃须刀刮胡子不疼。") == []


def test_a_score_raised_by_a_number_is_promised_unless_a_child_earned_it_in_a_story():
    assert "成绩提高30分" in flagged("这款学习机能让孩子成绩提高30分。")
    assert flagged("儿子期末成绩提高了30分，奖励他一杯奶茶。") == []


def test_a_question_asked_of_someone_named_is_still_a_quoted_question():
    assert flagged("老人家问医生：吃这个能降血压吗？医生说不能。") == []
    assert "祛斑" in flagged("问题是，这款面霜真的能祛斑吗？当然能！")


@pytest.mark.parametrize("text, claim", [("学完包过四六级。", "包过"), ("驾照科目二稳过。", "稳过"),
                                         ("上岸率高达98%，名额有限。", "上岸率高达98%")])
def test_an_exam_passed_for_sure_is_a_promise(text, claim):
    assert any(claim in f for f in flagged(text))


def test_bread_past_its_date_is_no_exam_promise():
    assert flagged("面包过期了别吃。") == []


def test_medicine_named_as_source_and_cells_named_first_are_claims():
    assert "医院同款" in flagged("这款洗发水医院同款。")
    assert "细胞年轻化" in flagged("胶原蛋白肽能让细胞年轻化。")
