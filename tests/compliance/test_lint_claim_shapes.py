"""Claims found by their shape rather than their words: a comparison with a remedy or a rival, the
hardest case said to be mended, a body that gets better the more it is used, nothing ever going wrong,
a price that never comes back, a rival run down, a property's travel time, and the harmless sentences
that share their words."""
from __future__ import annotations

import pytest

from studio.compliance import lint_text


def rules_found(text: str) -> set[str]:
    return {f.rule for f in lint_text(text)}


def flagged_spans(text: str) -> list[str]:
    return [f.text for f in lint_text(text)]


@pytest.mark.parametrize("text, rule", [
    ("这款薄荷膏比涂风油精还管用，提神一整天。", "health.comparison"),
    ("我们的代餐粉比去私教课效果好多了。", "conduct.comparison"),
    ("这台洗碗机比手洗干净五倍，还省水。", "conduct.comparison"),
    ("用我们的护发素，发质比专柜护理还好。", "conduct.comparison"),
    ("喝了我们的五指毛桃汤，连老慢支都缓解了。", "health.even"),
    ("这款驱蚊液纯植物提取，小孩舔了都没事。", "health.even"),
    ("这款羊奶粉越喝越有精神，老人都爱。", "health.gradual"),
    ("每天两颗我们的枣，吃出好气色。", "health.gradual"),
    ("本机构做了八年，零失误零事故。", "absolute.guarantee"),
    ("我们的月子中心感染率为零。", "absolute.guarantee"),
    ("这个价格以后再也不会有了，想要的抓紧。", "conduct.urgency"),
    ("今天不交定金明天就涨价五百。", "conduct.urgency"),
    ("隔壁那家装修队都是临时拉来的工人。", "conduct.disparage"),
    ("新盘开车到市中心只要10分钟，首付三成起。", "conduct.property"),
    ("这款登山扣永不断裂，攀岩爱好者首选。", "conduct.lifetime"),
    ("这款理疗仪用完，降压药都扔了。", "health.relief"),
    ("这款枕头是骨科专家亲自设计的。", "health.guarantee"),
    ("报我们的数学营，保证拿下市赛一等奖。", "absolute.promise"),
    ("这款蒸汽眼罩戴上三秒入睡，出差必备。", "health.remedy"),
    ("我们的足浴桶用了两个月，药都减量了。", "health.remedy"),
    ("这款床垫全行业只有我们敢这么做。", "absolute.unique"),
    ("隔壁那家的羊绒衫都是腈纶冒充的。", "conduct.disparage"),
    ("授课老师是往年考研的命题组成员。", "education.outcome"),
    ("这款墙漆甲醛释放量为零，刷完就能住。", "health.guarantee"),
])
def test_a_claim_is_found_by_its_shape(text, rule):
    assert rule in rules_found(text)


@pytest.mark.parametrize("text", [
    "今年的樱桃比去年晚熟了十天，下周开始发货。",
    "泡茶的水温最好比沸水低一点，85度左右。",
    "周末露营下雨也没关系，营地有大帐篷。",
    "卤肉越炖越香，最后十分钟再放冰糖。",
    "本周手工课作业：做一个最简单的纸飞机。",
    "班主任推荐的暑假书单已经发到群里。",
    "群里的营养师每周五晚上答疑，大家有问题可以留言。",
    "开车到门店请走南门，停车场在负一层。",
    "保底工资四千，另有提成，欢迎宝妈加入。",
    "我们的初心永不改变，二十年只做一碗面。",
    "门店的会员卡是永久卡，丢失可凭手机号补办。",
    "这瓶干白建议醒酒15分钟再喝，未成年人请勿饮酒。",
    "母乳是婴儿最好的食物，奶粉只在母乳不足时作为补充。",
    "上周我们发的“全市最好喝的豆浆”这种说法不符合规定，已经删除。",
    "下月新品由会员投票决定，票数最高的一款正式上市。",
    "早上第一炉面包有点烤焦了，已经全部报废。",
    "本店不做医疗美容，不提供注射项目。",
    "网上那张“全国第一品牌”的海报不是我们发的，请注意辨别。",
    "经第三方检测，这款滤芯对细颗粒物的过滤率为95%，报告在门店可查。",
    "有客户问理财能不能翻倍，任何承诺翻倍的都要警惕。",
    "本月晒单活动的第一名是王女士，恭喜获得靠垫一个。",
    "这道工序要连续翻炒二十分钟，最考验师傅的耐心。",
])
def test_a_harmless_sentence_sharing_the_words_is_not_flagged(text):
    assert flagged_spans(text) == []
