"""Mass mentions in a post notify nobody in the group."""
from studio.channels.mentions import defuse_mass_mentions


def test_mass_mentions_are_defused_inside_chinese_text():
    text = "@所有人请注意，@全体成员今晚8点，@all see you，<at user_id=\"all\">，email me@allen.cn"
    safe = defuse_mass_mentions(text)
    for mention in ("@所有人", "@全体成员", "@all ", "<at user_id"):
        assert mention not in safe
    assert "＠所有人请注意" in safe and "me@allen.cn" in safe
