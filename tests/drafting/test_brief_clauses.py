"""A brief is read as an editor writes it: the lines to say go into the post, the instructions do not."""
from __future__ import annotations

import pytest

from studio.drafting.brief_clauses import addressed_to, brief_content, brief_rules, instruction_leaks


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
    # a bracket is never cut, so an instruction takes its aside with it
    ("先让豆豆自我介绍一下（山里长大的咖啡豆，每天早上8点发“今日一杯”），再说说周六品鉴会。", "周六品鉴会。"),
    # a label that is only the task goes; one that names a subject keeps the subject; a count is no subject
    ("最后告诉大家：新人可以9.9元领试饮装。", "新人可以9.9元领试饮装。"),
    ("介绍冬季限定礼盒：12月1日开订，199元。", "冬季限定礼盒：12月1日开订，199元。"),
    ("再提醒两句：取消要提前一天，小朋友要家长陪同。", "温馨提示：取消要提前一天，小朋友要家长陪同。"),
    ("顺带两句用火安全：离开房间前吹灭。", "用火安全：离开房间前吹灭。"),
    ("给还没参加过的朋友讲清楚怎么参加：拍一张照片发到群里，打卡积10分。", "拍一张照片发到群里，打卡积10分。"),
    ("本周主题“冬天的汤”：周四晚上一起做。", "本周主题“冬天的汤”：周四晚上一起做。"),
    # a question to put to the group is asked, whatever word ends it
    ("结尾问大家一句：你家冬天最爱喝什么汤？", "你家冬天最爱喝什么汤？"),
    ("结尾可以问一句大家年夜饭都吃什么。", "大家年夜饭都吃什么？"),
    ("帮忙写一条召回消息，发给半年没下单的老朋友。问问最近还喝咖啡不、天冷了还好吧。", "最近还喝咖啡不、天冷了还好吧？"),
    # how to write it, where to put it and what not to say stay with the editor
    ("会员日预告，写短点：双倍积分。写清楚就好，不要有“最后机会”这种催人的说法，整条别超过150字。",
     "会员日预告，双倍积分。"),
    ("写给老会员的一条：谢谢大家这一年的陪伴，顺带说年卡15日前寄出。然后讲新春礼盒：1月8日上线。不用太热闹。",
     "谢谢大家这一年的陪伴，年卡15日前寄出。新春礼盒：1月8日上线。"),
    ("顺手提醒一句开封后冷藏。", "温馨提示：开封后冷藏。"),
    # what not to get wrong, where a thing goes and how much to say of it are the editor's
    ("注意：年卡不能和满减同用，别写错。", "注意：年卡不能和满减同用。"),
    ("重点写香气和回甘（不要写出抢购的感觉）。结尾提一句储存。", ""),
    ("周日茶会：下午3点开始。小罐装39元可以提一句，但别放开头。", "周日茶会：下午3点开始。小罐装39元。"),
    ("注意：新来的朋友也招呼一下。", ""),
    ("结尾提一句会员日是每月9号。", "会员日是每月9号。"),
    # "介绍下"/"说下" is "介绍一下"; "~" ends a clause; a greeting asked for is said, not asked
    ("欢迎新朋友~ 介绍下小茶，说下每周五晚8点有品鉴会。", "欢迎新朋友~每周五晚8点有品鉴会。"),
    ("开头轻轻问一句好久不见，提醒下积分：年底清零。", "好久不见。积分：年底清零。"),
    # an aside keeps what it tells the reader and loses what it tells the writer
    ("新品：手作陶杯（注意：釉面的小气泡是烧制的痕迹，千万别写成“次品”）。", "新品：手作陶杯（注意：釉面的小气泡是烧制的痕迹）。"),
    ("会员日满99减10。（年卡也能用券，可以顺手提一句）注意：语气平实。", "会员日满99减10。年卡也能用券。"),
    ("入秋了，毛衣晾干再收（别提防螨功效，合规那边盯得紧）。像朋友聊天那样说就行。", "入秋了，毛衣晾干再收。"),
    ("温和点，问一句“最近还好吗”。可以提：积分年底清零。这批人一个月就发这一次。", "最近还好吗？积分年底清零。"),
    # a list written on lines keeps its lines
    ("国庆安排合成一条发：\n- 10月1日到3日停发\n- 10月4日恢复，按付款顺序发", "- 10月1日到3日停发；\n- 10月4日恢复，按付款顺序发。"),
    # a dash labels what follows it; a negated "use these words" is no line to say
    ("上新：竹椅，9月9日上。写清楚这几条——价格299，首发259（这句一定要有）。别用“最轻”“最稳”这类词。",
     "上新：竹椅，9月9日上。价格299，首发259。"),
    ("开头就一句“好久不见，最近还好吗”。然后给点换季收纳的干货：毛毯晒干再收。不要发券，10月底发。温暖一点。",
     "好久不见，最近还好吗？毛毯晒干再收。"),
    ("破冰题，你最爱哪道菜？一个问题就够，不带产品不带链接，别一股客服腔。", "你最爱哪道菜？"),
    # a numbered list keeps its semicolons
    ("直播要点：1）19:00开播；2）问题周三在群里接龙。", "直播要点：1）19:00开播；2）问题周三在群里接龙。"),
    # when to send it and a wish for flavour stay with the editor
    ("新春发货安排（1月10号左右推）：1月20日停发。带点年味。", "新春发货安排：1月20日停发。"),
])
def test_the_lines_to_say_are_kept_and_the_instructions_taken_off(brief, message):
    assert brief_content(brief, brief_rules()).message == message


def test_a_short_clause_finishing_one_told_to_another_segment_goes_with_it():
    message = "茶会本周六上午10点。温馨提示：金叶会员每月能免费来1次，别错过了~"
    assert addressed_to(message, "活跃茶友", ("活跃茶友", "金叶会员")) == "茶会本周六上午10点。"
    assert addressed_to(message, "金叶会员", ("活跃茶友", "金叶会员")) == message


def test_a_subject_to_dwell_on_becomes_a_topic_for_the_facts():
    content = brief_content("重点写香气和回甘（不要写出抢购的感觉）。", brief_rules())
    assert content.topics == ["香气", "回甘"]
    assert "不要写出抢购的感觉" in content.dropped


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


def test_a_catchphrase_is_the_persona_speaking_whatever_it_sounds_like():
    body = "今天的香单是金桂。慢一点，香才闻得清。"
    assert instruction_leaks(body, brief_rules()) == ["慢一点"]
    assert instruction_leaks(body, brief_rules(), catchphrases=("慢一点，香才闻得清",)) == []


def test_a_clause_about_other_segments_of_the_brief_is_not_told_to_this_one():
    from studio.drafting.brief_clauses import addressed_to
    message = ("周六烛光课报名：每人168元。星河会员10月1日优先接龙，其他香友10月3日开放，"
               "星河会员别忘了每年有2次免费名额。可以和萤火95折、星河9折叠加。")
    audience = ("活跃香友", "萤火会员", "星河会员")
    assert addressed_to(message, "星河会员", audience) == message
    assert addressed_to(message, "萤火会员", audience) == \
        "周六烛光课报名：每人168元。香友10月3日开放。可以和萤火95折、星河9折叠加。"
    assert addressed_to(message, "活跃香友", audience) == "周六烛光课报名：每人168元。香友10月3日开放。"
    # a brief for one segment tells it everything, other tiers included ("满2500元升级为星河会员")
    assert addressed_to(message, "萤火会员", ("萤火会员",)) == message
