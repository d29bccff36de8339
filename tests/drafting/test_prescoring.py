"""The drafter scores the script lines before any brief, once for all its processes."""
from tests.support.app import demo_app


def recording_scorer(asked: list, record=lambda prefix, texts: texts):
    """A scorer that gives every line the same score and keeps what it was asked."""
    def scorer(prefix, texts, budget_s):
        asked.extend(record(prefix, texts))
        return [-3.0] * len(texts)

    scorer.name = "fake:model"
    return scorer


def test_script_lines_are_scored_once_before_the_first_brief(tmp_path):
    from studio.drafting import rankers
    from studio.drafting.ranking import PREFIX

    asked = []
    scorer = recording_scorer(asked)
    app = demo_app(tmp_path / "prescore")
    with app.app_context():
        scored = rankers.prescore_scripts(scorer)
        assert scored == len(asked) == len(set(asked)) > 40
        assert "小茶来啦~" in asked and any("接个龙" in text for text in asked)
        assert not any("${" in text for text in asked)  # lines as they read, values filled in
        assert not any(word in text for text in asked for word in ("第一", "秒杀"))  # the persona's taboo
        assert rankers.prescore_scripts(scorer) == 0  # all stored
        stored = rankers.score_cache().get("fake:model", PREFIX.format(brand="茶韵山房"), asked)
        assert len(stored) == len(asked)


def test_one_brand_s_script_lines_can_be_scored_alone(tmp_path):
    from studio.drafting import rankers

    prefixes = []
    scorer = recording_scorer(prefixes, record=lambda prefix, texts: [prefix])
    app = demo_app(tmp_path / "prescore-one")
    with app.app_context():
        assert rankers.prescore_scripts(scorer, "no-such-brand") == 0 and prefixes == []
        assert rankers.prescore_scripts(scorer, "chayun") > 40
        assert set(prefixes) == {"茶韵山房社群消息：\n"}
