"""The script library: built-in lines per stage and channel, a kit's own lines, and named problems."""
import pytest

from prompts import LIFECYCLE_STAGES
from prompts.loader import PromptTemplateError
from prompts.scripts_library import script_texts, stage_scripts


@pytest.mark.parametrize("stage", LIFECYCLE_STAGES)
def test_every_stage_has_several_wordings_of_each_slot_it_needs(stage):
    scripts = stage_scripts(stage, "wecom")
    for slot in ("openers", "hooks", "ctas", "closers"):
        assert scripts.lines(slot), f"{stage} has no {slot}"
    assert len(scripts.lines("hooks")) >= 3 and len(scripts.lines("ctas")) >= 3
    assert scripts.stage_words and scripts.layout
    # Lines carry where they came from, for the generation record.
    assert all(line.source.startswith("scripts/") for line in scripts.lines("ctas"))


def test_the_stages_speak_differently():
    ctas = {stage: {line.text for line in stage_scripts(stage, "wecom").lines("ctas")} for stage in LIFECYCLE_STAGES}
    assert all(ctas["转化"].isdisjoint(ctas[other]) for other in LIFECYCLE_STAGES if other != "转化")


def test_a_channel_can_have_its_own_layout():
    assert stage_scripts("促活", "webhook").layout[0] == ["message"]  # a bot's preview shows the start
    assert stage_scripts("促活", "wecom").layout[0] != ["message"]


def test_a_kit_extends_the_library_or_replaces_a_file(tmp_path):
    folder = tmp_path / "scripts"
    folder.mkdir()
    (folder / "促活.yaml").write_text('ctas:\n  - "报名的朋友回复“暖冬”~"\n', encoding="utf-8")
    (folder / "通用.yaml").write_text('address: 茶友们\n', encoding="utf-8")
    scripts = stage_scripts("促活", "wecom", tmp_path)
    texts = [line.text for line in scripts.lines("ctas")]
    assert "报名的朋友回复“暖冬”~" in texts and len(texts) > 1
    assert scripts.address == "茶友们"
    (folder / "促活.yaml").write_text('replace: true\nctas:\n  - "只用这一句"\n', encoding="utf-8")
    assert [line.text for line in stage_scripts("促活", "wecom", tmp_path).lines("ctas")] == ["只用这一句"]


@pytest.mark.parametrize("content, named", [
    ('ctas:\n  - "找${nobody}下单"\n', "unknown placeholder ${nobody}"),
    ("ctas: 找我\n", "should be a list of strings"),
    ("layout:\n  - [opener, poem]\n", "unknown part 'poem'"),
    ("ctass:\n  - 找我\n", "unknown key 'ctass'"),
    ("ctas: [\n", "cannot read"),
])
def test_a_bad_kit_file_is_named_with_the_place(tmp_path, content, named):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "促活.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(PromptTemplateError) as raised:
        stage_scripts("促活", "wecom", tmp_path)
    assert named in str(raised.value) and "kit:scripts/促活.yaml" in str(raised.value)


def test_script_texts_lists_every_built_in_line():
    texts = script_texts()
    assert any("接个龙" in text for text in texts) and len(texts) >= 40


def test_a_changed_kit_file_is_read_again(tmp_path):
    import os

    from studio.drafting.brief_clauses import brief_content, brief_rules

    (tmp_path / "scripts").mkdir()
    own = tmp_path / "scripts" / "brief.yaml"
    own.write_text('drop: ["语气"]\n', encoding="utf-8")
    assert brief_content("提醒带杯子，语气温柔。", brief_rules(tmp_path)).message == "提醒带杯子。"
    own.write_text('drop: ["语气"]\nrewrite:\n  - {match: "提醒", replace: "记得"}\n', encoding="utf-8")
    os.utime(own, ns=(own.stat().st_atime_ns, own.stat().st_mtime_ns + 10**9))
    assert brief_content("提醒带杯子，语气温柔。", brief_rules(tmp_path)).message == "记得带杯子。"
