"""The advertising-law rule engine: behaviours, rule files, and the labeled set's floors."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from studio.compliance import DEFAULT_RULES_DIR, Finding, RulesError, lint_text, load_rules
from studio.compliance.evaluation import load_cases, score_cases
from tests.support.rules import copy_rules

CASES = Path(__file__).resolve().parent.parent / "data" / "lint_cases.jsonl"
XIAOCHA_TABOO = ["最便宜", "秒杀", "亲", "土豪", "治病", "最好", "第一", "顶级", "极品", "包治百病", "清仓"]


def spans(findings: list[Finding]) -> list[str]:
    return [f.text for f in findings]


def flagged(findings: list[Finding], text: str, span: str) -> list[Finding]:
    start = text.index(span)
    return [f for f in findings if f.start < start + len(span) and start < f.end]


# -- context, not substrings --------------------------------------------------------------
def test_first_steep_is_not_an_absolute_claim():
    text = "第一泡出汤要快，第一次喝的茶友第一步先温杯。"
    assert lint_text(text) == []
    assert lint_text(text, persona_taboo=["第一"]) == []


def test_ranking_first_is_an_absolute_claim():
    text = "这是全网第一的白茶，我们就是第一！"
    findings = lint_text(text)
    assert "全网第一" in spans(findings)
    assert any(f.text == "第一" and f.severity == "block" for f in findings)
    assert all(f.rule == "absolute.ranking" for f in findings)


def test_superlative_advice_is_harmless_but_superlative_praise_is_not():
    assert lint_text("最好用90℃的水冲泡，开封后最好在一个月内喝完。") == []
    findings = lint_text("这是最好的白牡丹。")
    assert spans(findings) == ["最好"] and findings[0].rule == "absolute.superlative"


@pytest.mark.parametrize("text", ["最近降温了", "本场最多20位", "明天最高气温8度", "100%亚麻茶巾",
                                  "雪花特效上线啦", "国家二级保护动物白鹇", "山顶的茶园", "顶多再泡两道",
                                  "好治愈的一杯茶", "正在服用降压药的朋友请咨询医生", "巴氏杀菌工艺"])
def test_harmless_look_alikes_are_not_flagged(text):
    assert lint_text(text) == []


@pytest.mark.parametrize("text, span", [("降火特效茶", "特效"), ("国家级好茶", "国家级"),
                                        ("最好的白牡丹", "最好"), ("100%纯天然原料", "100%纯天然"),
                                        ("特效药般的效果", "特效药")])
def test_claims_in_context_are_flagged(text, span):
    assert flagged(lint_text(text), text, span)


def test_special_effect_is_medical_only_for_remedies():
    assert lint_text("视觉特效和雪花特效都做好了") == []
    findings = lint_text("这款降火特效茶")
    assert {f.text for f in findings} == {"降火", "特效"}
    assert next(f for f in findings if f.text == "特效").severity == "block"


def test_medical_claims_in_food_copy_are_blocked():
    text = "喝了能降血糖、降血压，还能排毒、消炎、防癌，100%有效，无副作用，祖传秘方，包治百病。"
    findings = lint_text(text)
    for span in ("降血糖", "降血压", "排毒", "消炎", "防癌", "100%有效", "无副作用", "祖传秘方", "包治百病"):
        hits = flagged(findings, text, span)
        assert hits and all(f.severity == "block" for f in hits), span
        assert all(f.rule.startswith("health.") for f in hits), span


# -- negation, taboo words, brand lists ---------------------------------------------------
def test_negated_taboo_is_only_a_warning():
    findings = lint_text("别熬夜啦，早点睡~", persona_taboo=["熬夜"])
    assert [(f.text, f.rule, f.severity) for f in findings] == [("熬夜", "persona.taboo", "warn")]
    findings = lint_text("文案里不要说最便宜。", persona_taboo=["最便宜"])
    assert findings and all(f.severity == "warn" for f in findings)
    assert lint_text("熬夜伤身。", persona_taboo=["熬夜"])[0].severity == "block"


def test_single_character_taboo_only_counts_standing_alone():
    taboo = ["亲"]
    assert lint_text("小茶说话很亲切，陈师傅亲自回答，父亲节快乐，亲爱的茶友们。", persona_taboo=taboo) == []
    for text in ("亲，今晚八点开播", "亲~新茶到啦", "好的亲！", "亲们，周末见"):
        findings = lint_text(text, persona_taboo=taboo)
        assert spans(findings) == ["亲"], text
        assert findings[0].rule == "persona.taboo" and findings[0].severity == "block"


def test_taboo_word_inside_another_word_is_not_flagged():
    assert lint_text("仓库里清一清，明天发货。", persona_taboo=["清仓"]) == []
    assert spans(lint_text("年末清仓，全场8折。", persona_taboo=["清仓"])) == ["清仓"]
    assert spans(lint_text("这杯茶YYDS！", persona_taboo=["YYDS"])) == ["YYDS"]
    assert lint_text("yydsx 不算", persona_taboo=["YYDS"]) == []


def test_brand_allow_list_silences_a_term():
    text = "极品大红袍到货，独家窨制的茉莉花茶也来了。"
    assert {"极品", "独家"} <= set(spans(lint_text(text)))
    findings = lint_text(text, brand_allow=["极品大红袍", "独家"])
    assert spans(findings) == []
    # the allowed span only covers itself: the same term elsewhere is still flagged
    assert spans(lint_text("极品大红袍和极品金骏眉", brand_allow=["极品大红袍"])) == ["极品"]


def test_brand_deny_list_blocks_a_term():
    findings = lint_text("双十一爆款来袭，手慢无！", brand_deny=["爆款", "手慢无"])
    assert [(f.text, f.rule, f.severity) for f in findings] == [
        ("爆款", "brand.deny", "block"), ("手慢无", "brand.deny", "block")]


# -- channel rules ------------------------------------------------------------------------
def test_mass_mention_is_flagged_unless_announcement():
    text = '@所有人 今晚8点品鉴会；@all 记得领券；<at user_id="all">所有人</at> 新茶到货'
    findings = lint_text(text)
    assert spans(findings) == ["@所有人", "@all", '<at user_id="all">所有人</at>']
    assert all(f.rule == "channel.mass_mention" and f.severity == "block" for f in findings)
    assert findings[0].suggestion == "＠所有人" and findings[1].suggestion == "＠all"
    assert lint_text(text, announcement=True) == []
    assert lint_text("＠所有人 已转义；邮件 tea@allmail.com") == []


def test_mass_mentions_are_found_as_the_reader_sees_them():
    """Character references, invisible characters, emphasis and full-width letters do not hide a mention."""
    text = "今晚8点 &#64;所有人 &#x40;all &commat;全体成员 @\u200b所有人 @**所有人** @ａｌｌ 见"
    findings = lint_text(text)
    assert spans(findings) == ["&#64;所有人", "&#x40;all", "&commat;全体成员", "@\u200b所有人", "@**所有人",
                               "@ａｌｌ"]
    assert all(f.rule == "channel.mass_mention" and f.severity == "block" for f in findings)
    # each fix replaces only the character that pings, keeping what was written around it
    assert [f.suggestion for f in findings] == ["＠所有人", "＠all", "＠全体成员", "＠\u200b所有人", "＠**所有人",
                                                "＠ａｌｌ"]
    fixed = text
    for finding in sorted(findings, key=lambda f: -f.start):
        fixed = fixed[:finding.start] + finding.suggestion + fixed[finding.end:]
    assert lint_text(fixed) == [] and "今晚8点" in fixed
    assert lint_text("邮件 tea&#64;allmail.com，代码 a&amp;b") == []


def test_length_limit_flags_the_overflow():
    text = "一二三四五\n六七八九十" + "多出来"
    findings = lint_text(text, max_chars=10)
    assert len(findings) == 1
    f = findings[0]
    assert (f.rule, f.text, f.start, f.end) == ("channel.length", "多出来", 11, 14)
    assert "10" in f.message and "3" in f.suggestion
    assert lint_text(text, max_chars=13) == []  # whitespace is not counted, as in drafting


# -- the API ------------------------------------------------------------------------------
def test_offsets_point_at_the_flagged_span():
    text = "🍵 亲～这款ＮＯ．１的白茶，全网第一，１００％纯天然！"
    findings = lint_text(text, persona_taboo=["亲"])
    assert findings
    for f in findings:
        assert text[f.start:f.end] == f.text
    assert {"亲", "ＮＯ．１", "全网第一", "１００％纯天然"} <= set(spans(findings))
    assert [f.start for f in findings] == sorted(f.start for f in findings)


def test_findings_carry_rule_message_and_suggestion():
    f = lint_text("国家级好茶")[0]
    assert f.rule == "absolute.grade" and f.severity == "block"
    assert "国家级" in f.message and "广告法" in f.message
    assert f.suggestion
    assert f.to_dict() == {"start": 0, "end": 3, "text": "国家级", "rule": "absolute.grade", "severity": "block",
                           "message": f.message, "suggestion": f.suggestion}


def test_empty_text_has_no_findings():
    assert lint_text("") == []
    assert lint_text("", max_chars=10) == []


# -- rule files ---------------------------------------------------------------------------
def test_rules_are_cached_and_an_admin_can_extend_them(tmp_path):
    assert load_rules() is load_rules()
    folder = copy_rules(tmp_path)
    assert lint_text("本店镇店之宝", rules_dir=folder) == []
    (folder / "zz_extra.yaml").write_text(
        "groups:\n  - id: brand.extra\n    severity: warn\n    message: \"“{text}”需要核实\"\n"
        "    suggestion: 删去\n    terms:\n      - 镇店之宝\n", encoding="utf-8")
    findings = lint_text("本店镇店之宝", rules_dir=folder)
    assert [(f.text, f.rule, f.severity, f.message) for f in findings] == [
        ("镇店之宝", "brand.extra", "warn", "“镇店之宝”需要核实")]


@pytest.mark.parametrize("content, expected", [
    ("groups: [\n", "not valid YAML"),
    ("groups:\n  - id: x.bad\n    severity: fatal\n    message: m\n    suggestion: s\n    terms: [a]\n",
     "severity"),
    ("groups:\n  - id: x.bad\n    severity: warn\n    message: m\n    suggestion: s\n"
     "    terms:\n      - pattern: '(unclosed'\n", "bad regular expression"),
    ("groups:\n  - id: x.bad\n    severity: warn\n    message: m\n    suggestion: s\n"
     "    terms:\n      - {term: a, alow_after: [b]}\n", "unknown key"),
    ("groups:\n  - id: absolute.ranking\n    severity: warn\n    message: m\n    suggestion: s\n"
     "    terms: [a]\n",
     "already used"),
])
def test_malformed_rules_file_gives_an_error_naming_the_file(tmp_path, content, expected):
    folder = copy_rules(tmp_path)
    (folder / "broken.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rules(folder)
    assert "broken.yaml" in str(info.value) and expected in str(info.value)


def test_the_engine_runs_without_flask(monkeypatch):
    package_dir = DEFAULT_RULES_DIR.parent
    monkeypatch.setitem(sys.modules, "flask", None)  # any `import flask` now fails
    spec = importlib.util.spec_from_file_location("standalone_compliance", package_dir / "__init__.py",
                                                  submodule_search_locations=[str(package_dir)])
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "standalone_compliance", module)
    spec.loader.exec_module(module)
    assert [f.text for f in module.lint_text("全网第一")] == ["全网第一"]


# -- the labeled set ----------------------------------------------------------------------
def test_labeled_set_meets_the_floors():
    cases = load_cases(CASES)
    assert len(cases) >= 150
    assert len({c["id"] for c in cases}) == len(cases)
    score = score_cases(cases)
    catch_rate, false_rate, misses, wrong = score.recall, score.false_flag_rate, score.misses, score.false_flags
    print(f"\nlabeled set: {len(cases)} cases; caught {score.caught}/{score.must_flag} must-flag spans = "
          f"{catch_rate:.3f}; flagged {score.flagged}/{score.harmless} harmless spans = {false_rate:.3f}")
    assert catch_rate >= 0.95, misses
    assert false_rate <= 0.05, wrong


def test_a_labeled_span_missing_from_its_text_is_named(tmp_path):
    bad = tmp_path / "cases.jsonl"
    bad.write_text(json.dumps({"id": "x1", "text": "全网第一", "must_flag": ["最好"], "harmless": []},
                              ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="x1.*最好"):
        load_cases(bad)


def test_a_word_that_breaks_two_rules_is_listed_once_with_both_reasons():
    findings = lint_text("这是最好的白茶。", persona_taboo=["最好", "亲"])
    assert spans(findings) == ["最好"]
    assert findings[0].severity == "block" and "广告法" in findings[0].message and "人设" in findings[0].message
