"""The prompt package: templates on disk, brand-kit overrides, what each mode's prompt contains."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from prompts import LIFECYCLE_STAGES, DraftPrompt, Fact, build_draft_prompt, normalize_stage
from prompts.loader import (
    PROMPTS_DIR,
    PromptTemplateError,
    parse_sections,
    read_template,
    render_text,
    split_meta,
)
from tests.support import ROOT


def test_completion_prompt_is_a_few_shot_document_ending_with_the_new_posts_opening(tea):
    prompt = build_draft_prompt(**tea)
    assert isinstance(prompt, DraftPrompt)
    # The base model continues the opening: catchphrase + welcome + the product.
    assert prompt.completion.endswith(prompt.prefix)
    assert prompt.prefix.startswith("亲们") and "白牡丹2024" in prompt.prefix and "山茶小馆" in prompt.prefix
    # Filled examples (shipped ones and the persona's own post) come before the new entry.
    entries = re.findall(r"^### 第(\d+)篇$", prompt.completion, re.MULTILINE)
    assert entries == [str(n) for n in range(1, len(entries) + 1)] and len(entries) >= 3
    new_entry = prompt.completion.split(f"### 第{entries[-1]}篇")[1]
    assert "[1] 白牡丹2024：福鼎白茶" in new_entry and "[2] 价格：白牡丹2024每饼357克" in new_entry
    assert "新人群" in new_entry and "小茶" in new_entry
    assert "2024年11月29日" in new_entry
    assert TEA_EXAMPLE_POST in prompt.completion  # the persona's own example sets the voice
    # Stop sequences end the post where the model would begin the next entry.
    assert "###" in prompt.stop and any("资料" in s for s in prompt.stop)
    assert "${" not in prompt.completion + prompt.system + prompt.user


TEA_EXAMPLE_POST = "亲们早安～今天福鼎下了小雨，泡一壶老白茶，慢慢喝，日子也慢下来了。"


def test_chat_prompt_carries_persona_rules_and_numbered_facts(tea):
    prompt = build_draft_prompt(**tea)
    assert "小茶" in prompt.system and "温柔亲切，像邻家姐姐" in prompt.system
    assert "亲们、喝茶是件慢事" in prompt.system and "最便宜、治病" in prompt.system
    assert TEA_EXAMPLE_POST in prompt.system
    assert "[1] 白牡丹2024：" in prompt.user and "[2] 价格：" in prompt.user
    assert "新人群" in prompt.user and "最近7天入群的新朋友" in prompt.user
    assert "企业微信群" in prompt.user and "300" in prompt.user
    assert "自我介绍" in prompt.user  # the newcomer stage's call to action
    assert prompt.catchphrases == ["亲们", "喝茶是件慢事"] and prompt.taboo == ["最便宜", "治病"]
    assert (prompt.min_chars, prompt.max_chars) == (50, 300)


def test_files_lists_every_template_used_with_a_short_version(tea):
    prompt = build_draft_prompt(**tea)
    for name in ("draft/completion.txt", "draft/system.txt", "draft/user.txt", "stages/引入.txt",
                 "channels/wecom.txt", "draft/fact.txt"):
        assert re.fullmatch(r"[0-9a-f]{12}", prompt.files[name]), name
    shown = [name for name in prompt.files if name.startswith("examples/")]
    assert shown and all(name.split("/")[1].rsplit(".", 1)[0].split("-")[-1] != "引入" for name in shown), \
        "examples of the same stage are not shown (a small model would copy them)"
    for name in prompt.files:
        assert (PROMPTS_DIR / name).is_file()


@pytest.mark.parametrize("stage, words", [
    ("引入", ["欢迎", "自我介绍"]),
    ("破冰", ["问题", "回复"]),
    ("促活", ["小知识", "试"]),
    ("转化", ["专属", "限量", "私聊"]),
    ("留存", ["感谢", "老带新", "分享"]),
    ("召回", ["好久不见", "回来"]),
])
def test_each_lifecycle_stage_has_its_own_guidance_opening_and_call_to_action(tea, stage, words):
    tea["segment"] = {**tea["segment"], "lifecycle_stage": stage}
    prompt = build_draft_prompt(**tea)
    assert prompt.stage == stage and prompt.files[f"stages/{stage}.txt"]
    everything = prompt.user + prompt.prefix + prompt.closing
    for word in words:
        assert word in everything, (stage, word)
    assert prompt.closing and prompt.closing not in prompt.prefix


def test_stage_names_and_unknown_values_fall_back_sensibly(tea):
    assert [normalize_stage(s) for s in LIFECYCLE_STAGES] == list(LIFECYCLE_STAGES)
    assert normalize_stage("转化期") == "转化" and normalize_stage("winback") == "召回"
    assert normalize_stage("") == "通用" and normalize_stage("???") == "通用"
    tea["segment"] = {**tea["segment"], "lifecycle_stage": "something else"}
    tea["channel_type"] = "carrier-pigeon"
    prompt = build_draft_prompt(**tea)
    assert "stages/通用.txt" in prompt.files and "channels/default.txt" in prompt.files


def test_brand_kit_overrides_a_template_by_relative_path(tea, tmp_path):
    (tmp_path / "stages").mkdir()
    (tmp_path / "stages" / "引入.txt").write_text(
        "---\nshort: 品牌自定的写法\nopening: ${catchphrase}新朋友好，${brand_name}的${product}请收下：\n"
        "closing: 有问题随时问${persona_name}，\n---\n品牌自己的引入期写法说明。\n", encoding="utf-8")
    base = build_draft_prompt(**tea)
    custom = build_draft_prompt(**tea, overrides_dir=tmp_path)
    assert custom.prefix == "亲们！新朋友好，山茶小馆的白牡丹2024请收下："
    assert custom.closing == "有问题随时问小茶，"
    assert "品牌自己的引入期写法说明。" in custom.user and "品牌自定的写法" in custom.completion
    assert custom.files["stages/引入.txt"] != base.files["stages/引入.txt"]
    assert custom.files["draft/system.txt"] == base.files["draft/system.txt"]


def test_missing_values_leave_no_dangling_labels(tea):
    tea["brief"] = {"goal": "", "key_message": "白牡丹2024上新", "products": [], "date": "", "text": ""}
    tea["persona"] = {"name": "小茶", "voice": "温柔", "catchphrases": [], "taboo": [], "examples": []}
    prompt = build_draft_prompt(**tea)
    assert "【日期】" not in prompt.user and "[日期]" not in prompt.completion
    assert "禁用词" not in prompt.system
    assert prompt.prefix.startswith("欢迎新朋友")  # no catchphrase: the opening starts plainly
    assert "白牡丹2024" in prompt.prefix  # falls back to the first fact's title


def test_examples_not_copied_are_listed_as_borrowed(tea):
    prompt = build_draft_prompt(**tea)
    assert prompt.borrowed, "the shown examples' brands, products and figures are known"
    new_entry = prompt.completion.rsplit("### ", 1)[1]
    for term in prompt.borrowed:
        assert term not in new_entry and term not in prompt.user


def test_long_facts_are_shortened_for_the_small_model_but_not_for_chat(tea):
    long_text = "。".join(f"第{i}条说明白牡丹的细节" for i in range(60)) + "。"
    tea["facts"] = [Fact(1, "doc-long", "白牡丹2024", long_text)]
    prompt = build_draft_prompt(**tea)
    fact_line = next(line for line in prompt.completion.splitlines() if line.startswith("[1] 白牡丹2024"))
    assert len(fact_line) < 140
    assert long_text[:500] in prompt.user


def test_template_syntax():
    assert render_text("价格${price}元，$$9.9，$5", {"price": 298}) == "价格298元，$9.9，$5"
    with pytest.raises(PromptTemplateError, match=r"\$\{missing\}"):
        render_text("${missing}", {}, name="x.txt")
    assert render_text("a\n日期：${date}\nb", {"date": ""}, drop_empty=True) == "a\nb"
    meta, body = split_meta("---\n# comment\nmax_chars: 300\n---\nbody")
    assert meta == {"max_chars": "300"} and body == "body"
    assert parse_sections("【资料】\n[1] a\n【文案】\n正文\n") == {"资料": "[1] a", "文案": "正文"}
    with pytest.raises(PromptTemplateError):
        read_template("../secrets.txt")
    with pytest.raises(PromptTemplateError, match="not found"):
        read_template("stages/不存在.txt")


def test_every_shipped_stage_channel_and_example_file_is_well_formed():
    for stage in LIFECYCLE_STAGES:
        tpl = read_template(f"stages/{stage}.txt")
        assert {"short", "opening", "closing"} <= set(tpl.meta), stage
        assert len(tpl.body) > 40
    for path in (PROMPTS_DIR / "channels").glob("*.txt"):
        tpl = read_template(f"channels/{path.name}")
        assert 0 < int(tpl.meta["min_chars"]) < int(tpl.meta["max_chars"]), path.name
    examples = list((PROMPTS_DIR / "examples").glob("*.txt"))
    assert len(examples) >= 3
    for path in examples:
        tpl = read_template(f"examples/{path.name}")
        sections = parse_sections(tpl.body)
        assert sections["资料"].startswith("[1] ") and len(sections["文案"]) > 60, path.name
        assert normalize_stage(tpl.meta["stage"]) in LIFECYCLE_STAGES


def test_prompts_package_never_imports_the_app():
    code = ("import sys, prompts, prompts.loader; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'studio', 'workers')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_rewrite_prompt_ends_with_the_passage_and_lists_the_example_rewrites(tea):
    from prompts.rewrite import build_rewrite_prompt

    prompt = build_rewrite_prompt(passage="白牡丹2024建议90℃冲泡。", instruction=" ", brand_name="山茶小馆",
                                  persona=tea["persona"])
    assert prompt.completion.endswith("原文：白牡丹2024建议90℃冲泡。\n要求：换一种说法，意思不变\n改写：")
    assert prompt.instruction == "换一种说法，意思不变" and "\n原文：" in prompt.stop
    assert len(prompt.example_posts) >= 3 and all("改写" not in post for post in prompt.example_posts)
    assert "最便宜" in prompt.system and "小茶" in prompt.system and "白牡丹2024" in prompt.user
    assert set(prompt.files) == {"rewrite/completion.txt", "rewrite/system.txt", "rewrite/user.txt"}
