"""A brief is read as an editor writes it: the lines to say go into the post, the instructions do not."""
from __future__ import annotations

import pytest

from studio.drafting.brief_clauses import brief_content, brief_rules, instruction_leaks


@pytest.mark.parametrize("brief, message", [
    # a quoted line to say or to use is the post's own words; a question gets its question mark
    ("温和地问一句“好久不见，最近在喝什么茶”，聊聊新茶已经到货。", "好久不见，最近在喝什么茶？新茶已经到货。"),
    ("文案里请用上这句：“慢慢喝，才喝得出山里的味道。”", "慢慢喝，才喝得出山里的味道。"),
    # what is taught is the content, whoever it is taught to
    ("教刚开始养猫的铲屎官换粮，第1到2天新粮占四分之一，最后邀请大家晒晒猫碗。",
     "换粮，第1到2天新粮占四分之一，欢迎大家晒晒猫碗。"),
    # tone requests and the task itself stay with the editor
    ("语气轻一点，轻一点、暖一点，不要催单：给90天没互动的会员发一条召回消息，问问最近睡得好吗。", "最近睡得好吗？"),
    ("先问候一声“早上好呀”，再提醒大家带杯子。", "早上好呀。温馨提示：带杯子。"),
    ("写一条欢迎本周新进群朋友的消息：先让禾禾做个自我介绍，再说说周三答疑夜。", "周三答疑夜。"),
    ("请球球一步一步教大家7天换粮：第1到2天、第7天新旧粮各占多少，每天看便便。", "每天看便便。"),
    ("说一下每周三晚8点有答疑夜。别写成广告，像朋友打招呼那样。", "每周三晚8点有答疑夜。"),
    ("语气轻松一点，像老朋友打招呼，千万别像催债。给老会员发一条：问问最近好不好，不要推具体商品。", "最近好不好？"),
    ("发12月9日会员日的预告，数字写准：当天下单双倍积分。", "12月9日会员日的预告，当天下单双倍积分。"),
])
def test_the_lines_to_say_are_kept_and_the_instructions_taken_off(brief, message):
    assert brief_content(brief, brief_rules()).message == message


def test_an_echoed_instruction_is_a_leak_but_a_notice_label_is_not():
    rules = brief_rules()
    brief = "最后邀请大家晒晒今天这杯，提醒：素颜来测更准。"
    assert instruction_leaks("小豆来啦~最后邀请大家晒晒今天这杯。", rules, brief) == ["最后邀请大家晒晒今天这杯"]
    assert instruction_leaks("提醒：素颜来测更准。", rules, brief) == []
    # advice in the persona's own words is no instruction
    assert instruction_leaks("不舒服就先停下来，问问皮肤科医生。", rules, brief) == []


def test_a_post_that_asks_its_own_persona_to_do_something_echoes_the_brief():
    body = "好几位群友在问怎么换粮，请球球一步一步教大家7天换粮。"
    assert instruction_leaks(body, brief_rules(), "", "球球") == ["请球球一步一步教大家7天换粮"]
    assert instruction_leaks("球球来巡群啦~今天教大家7天换粮。", brief_rules(), "", "球球") == []
    assert instruction_leaks("回个“1”让球球认识一下你呀~", brief_rules(), "", "球球") == []
    assert instruction_leaks("先让球球做个自我介绍。", brief_rules(), "", "球球") == ["先让球球做个自我介绍"]
