"""Outcome claims found by structure (a measure moved after a use, a use with an immediate result), the
education rules, and the questions, advice and rankings that claim nothing. The rules alone: the learned
claim model beside them is tested in test_claim_model.py."""
from __future__ import annotations

import pytest

from studio.compliance import RulesError, lint_text, load_rules
from tests.support.rules import copy_rules, rules_only


def found(text: str) -> list[tuple[str, str]]:
    return [(f.text, f.rule) for f in lint_text(text, rules_dir=rules_only())]


def spans(text: str) -> list[str]:
    return [f.text for f in lint_text(text, rules_dir=rules_only())]


# -- a measure moved the hoped-for way after a use --------------------------------------------
@pytest.mark.parametrize("text, span, rule", [
    ("顾客留言：喝了这款苦瓜茶，血糖都降下来了。", "血糖都降下来", "health.change"),
    ("坚持用这瓶精华两个月，眼角的皱纹都变少了。", "皱纹都变少", "health.change"),
    ("狗狗吃了我们的关节粉，走路不瘸了。", "不瘸了", "health.change"),
    ("报了我们的网球课，孩子专注力明显提升。", "专注力明显提升", "education.outcome"),
])
def test_a_measure_moved_after_a_use_is_a_claim(text, span, rule):
    assert (span, rule) in found(text)


@pytest.mark.parametrize("text", ["孩子视力下降，请尽快去眼科检查。",  # the wrong way
                                  "入秋以后掉发明显减少，这是换季的正常现象，不用焦虑。",  # no use named
                                  "喝了这款茶，血糖也没降下来，还是要遵医嘱。",  # negated
                                  "这台空调能让室温很快降下来。"])  # no body measure
def test_a_change_the_wrong_way_without_a_use_or_negated_is_no_claim(text):
    assert found(text) == []


# -- a use with an immediate result -----------------------------------------------------------
def test_a_use_then_a_result_is_a_claim_but_a_use_then_a_liking_is_not():
    assert ("喝了就瘦", "health.result") in found("这款代餐奶昔喝了就瘦。")
    assert ("上完就能过八级", "education.outcome") in found("我们的钢琴考级班，上完就能过八级。")
    assert found("这款麻辣小鱼干吃了就停不下来。") == []
    assert found("这件羽绒服穿上就不想脱了。") == []


def test_a_narrower_rule_names_a_claim_a_change_also_finds():
    assert [r for _, r in found("这款眼霜让细纹彻底消失。")] == ["health.resolution"]


# -- education ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, span", [("教资面试冲刺班包过！", "包过"),
                                        ("学车三十天拿证，没过免费重学。", "没过免费重学"),
                                        ("跟着我们练两个月，考上音乐学院不是梦。", "两个月，考上"),
                                        ("学完这套托福听力课，口语也能提高20分。", "提高20分"),
                                        ("特级教师推荐的练字帖，一套三本。", "特级教师推荐")])
def test_education_outcomes_promised_or_vouched_for_are_claims(text, span):
    assert span in spans(text)


@pytest.mark.parametrize("text", ["这批面包过了赏味期，已经全部下架。",
                                  "上次科目二没过的学员，补考请在周五前预约。",
                                  "烤箱温度不够时，烘烤时间可以提高5分钟。",
                                  "班主任推荐的暑假书单已经发到群文件了。",
                                  "这次数学考了95分，比上次提高了10分，奖励她一个冰淇淋。"])
def test_school_life_is_no_education_claim(text):
    assert found(text) == []


# -- endorsements and shares -------------------------------------------------------------------
def test_an_authority_using_it_vouches_but_one_advising_does_not():
    assert "医生都在吃" in spans("医生都在吃的高纤燕麦，今天群内专享价。")
    assert "主任都说好" in spans("三甲医院皮肤科主任都说好的面霜。")
    assert found("医生开的药要按时吃，任何零食都代替不了。") == []


def test_a_hundred_percent_and_a_modal_promise_what_follows():
    assert "100%能过" in spans("老师答：只要跟着练，100%能过。")
    assert found("包装袋100%可回收，用完请分类投放。") == []


def test_an_effect_multiplied_is_a_claim_but_a_quantity_is_not():
    assert "效果加倍" in spans("搭配同系列精华液使用，保湿效果加倍。")
    assert found("双十一加量不加价，分量翻倍。") == []


# -- questions, advice, rankings and denials that claim nothing ---------------------------------
def test_a_question_about_an_effect_claims_nothing_unless_the_next_sentence_says_yes():
    assert found("燕麦真的能降血脂吗？目前没有可靠证据，我们也不这么宣传。") == []
    assert found("有群友问蛋白棒能不能减肥。它只是一份加餐。") == []
    assert "治颈椎" in spans("这款枕头能治颈椎病吗？当然能，用一周就不疼。")
    assert "让孩子长高" in spans("想让孩子长高吗？试试我们的儿童钙片。")


def test_best_before_a_time_word_is_advice():
    assert found("开袋后的坚果最好当周吃完。") == []
    assert "最好" in spans("这是最好的英语课！")


def test_first_place_naming_a_person_is_no_ranking_unless_the_sentence_offers_something():
    assert found("上周亲子阅读打卡的第一名是小雨妈妈。") == []
    assert "第一名" in spans("这条街卖鸡排的，第一名是我们家。")


def test_a_denial_may_name_its_subject_without_a_copula():
    assert found("不敢说我们的老师最好，但每位都有五年以上教龄。") == []
    assert "最好" in spans("谁敢说我们的老师不是最好的？")


# -- the lists are data ---------------------------------------------------------------------------
def test_change_and_result_sections_are_data(tmp_path):
    folder = copy_rules(tmp_path)
    path = folder / "health.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("subjects: [血糖,", "subjects: [胡须,"), encoding="utf-8")
    assert "胡须都变少" in [f.text for f in lint_text("用了这款剃须泡沫，胡须都变少了。", rules_dir=folder)]
    path.write_text(text.replace("      conditions: &used\n", "      conditions: []\n      unused: &used\n"),
                    encoding="utf-8")
    with pytest.raises(RulesError, match="health.yaml"):
        load_rules(folder)


def test_quoted_praise_the_sentence_disowns_is_reported_not_claimed():
    assert found("有位群友说“这是我用过最好的炸锅”，我们很开心，但宣传上不会这么讲。") == []
    assert "最好" in spans("有位群友说“这是我用过最好的炸锅”，我们也这么觉得。")
