"""Rules of advertising conduct: alcohol (only in posts about alcohol), investment and insurance
promises, running down competitors, borrowed authority, false urgency, lifetime guarantees, and a
condition said to be gone."""
from __future__ import annotations

import pytest

from studio.compliance import RulesError, lint_text, load_rules
from tests.support.rules import copy_rules


def found(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(f.text, f.rule) for f in lint_text(text, **kwargs)]


def test_alcohol_rules_apply_only_to_a_post_about_alcohol():
    assert ("提神醒脑", "conduct.alcohol") in found("这款米酒喝一口提神醒脑，下单送酒杯。")
    assert ("不醉不归", "conduct.alcohol") in found("周末聚会不醉不归，这箱啤酒管够。")
    # the same words in a coffee post, or at a hotel, are not alcohol advertising
    assert all(rule != "conduct.alcohol" for _, rule in found("这款冷萃咖啡提神醒脑，下单送杯子。"))
    assert found("酒店前台提醒：早餐最早6点半供应，喝杯热茶解乏再出门。") == []
    # a reminder to drink within measure is what the law asks for
    assert found("饮酒请适量，未成年人请勿饮酒，喝了酒千万别开车。") == []


def test_a_topic_limits_a_rule_and_a_bad_topic_is_named(tmp_path):
    folder = copy_rules(tmp_path)
    path = folder / "conduct.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("topic: ['酒(?![店精])|啤", "topic: ['咖啡|酒(?![店精])|啤"), encoding="utf-8")
    assert ("提神醒脑", "conduct.alcohol") in found("这款冷萃咖啡提神醒脑，下单送杯子。", rules_dir=folder)
    path.write_text(text.replace("topic: ['酒(?![店精])|啤", "topic: ['酒(?![店精]|啤"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"conduct\.alcohol.*topic"):
        load_rules(folder)


@pytest.mark.parametrize("text, span, rule", [
    ("这款理财本金一分都不会少，随时可取。", "本金一分都不会少", "conduct.investment"),
    ("放心投，亏损由平台全额承担。", "亏损由平台全额承担", "conduct.investment"),
    ("这份医疗险什么病都能赔。", "什么病都能赔", "conduct.investment"),
    ("隔壁那家用的都是翻新货，别去了，我们的全新原封。", "隔壁那家用的都是翻新", "conduct.disparage"),
    ("这款床垫的价格全网找不到更低的了。", "全网找不到更低", "conduct.comparison"),
    ("这只基金经证监会推荐，名额有限。", "证监会推荐", "conduct.endorsement"),
    ("错过今天，这个价就再也没有了。", "错过今天，这个价就再", "conduct.urgency"),
    ("我们的防水层做一次，三十年不渗水。", "三十年不渗水", "conduct.lifetime"),
    ("这款护膝戴了半年，多年的关节炎全好了。", "关节炎全好了", "health.relief"),
    ("这款降糖茶喝一个月，就能把降糖药停了。", "降糖药停了", "health.relief"),
    ("这套两居室买到就是赚到，三年后房价翻一番。", "买到就是赚到", "conduct.investment"),
    ("这款信用贷不看征信，当天到账。", "不看征信", "conduct.credit"),
    ("小朋友们，快跟爸爸妈妈说，报名就送积木！", "快跟爸爸妈妈说，报名", "conduct.minors"),
    ("我们的洗碗块比市面上所有品牌都干净。", "比市面上所有品牌都干净", "conduct.comparison"),
])
def test_conduct_claims_are_found_by_what_they_say_of_whom(text, span, rule):
    assert (span, rule) in found(text)


@pytest.mark.parametrize("text", [
    "本产品不保本，过往业绩不代表未来表现，投资需谨慎。",  # the warning the law asks for
    "上周去了隔壁城市的展会，别家的展台也很有意思。",  # a competitor named, nothing run down
    "会员号永久有效，转卡请到前台办理。",  # a service fact
    "今天是活动最后一天，晚上十点关闭下单入口。",  # a real deadline
    "医生说我爸的血压稳住了，降压药还要按时吃。",  # a story that sells nothing
    "果农说今年套袋以后病虫害少了很多。",  # crops, not bodies
    "感谢大家这一年的陪伴，今晚跟大家说再见，明年见。",  # a goodbye to people
    "这把伞并不是永久不坏的，伞骨压弯了可以来店里免费换。",  # a durability denied
    "温馨提示：贷款请理性消费，按时还款，逾期会影响个人征信。",  # the reminder the rules ask for
])
def test_harmless_neighbours_of_those_claims_are_left_alone(text):
    assert found(text) == []
