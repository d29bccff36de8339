"""One definition of a figure: the drafting check, the passage rewriter and the editor's underline agree."""
from __future__ import annotations

import pytest

from prompts import DraftPrompt, Fact
from prompts.rewrite import RewritePrompt
from studio.compliance.figures import find_figures, numbers, unstated_figures
from studio.compliance.grounding import check_grounding
from studio.drafting.passage_rewriter import check_rewrite
from studio.drafting.scoring import invented_figures

BRIEF = "冬日品鉴会，来品白牡丹2024"
FACT = "福鼎白茶，一芽两叶，毫香蜜韵。"

# What is written → the figures in it, as written.
CASES = [
    ("3分钟", ["3分钟"]),
    ("598元", ["598元"]),
    ("¥1,280", ["¥1,280"]),
    ("2024年12月6日", ["2024年12月6日"]),
    ("19:30", ["19:30"]),
    ("晚8点", ["8点"]),
    ("SKU BT-2024", ["BT-2024"]),
    ("100g", ["100g"]),
    ("第3次", []),  # an ordinal states no quantity
    ("白牡丹2024", []),  # nor does a number inside a name
]


def post(phrase: str) -> str:
    return f"小茶来啦~ 这次的白茶{phrase}，大家一起来尝尝吧。"


def drafting_check(text: str, sources: str) -> list[str]:
    prompt = DraftPrompt(system="", user=BRIEF, completion="", stop=[], files={})
    return invented_figures(text, prompt, [Fact(1, "doc-tea", "白牡丹2024", f"{FACT}{sources}")])


def editors_check(text: str, sources: str) -> list[str]:
    facts = [{"doc_id": "doc-tea", "title": "白牡丹2024", "text": f"{FACT}{sources}"}]
    return [finding.text for finding in check_grounding(text, facts, BRIEF)]


@pytest.mark.parametrize("phrase, figures", CASES)
def test_a_figure_no_source_states_is_caught_by_the_drafting_check_and_underlined_alike(phrase, figures):
    text = post(phrase)
    assert [figure.text for figure in find_figures(text)] == figures
    assert drafting_check(text, "") == editors_check(text, "") == figures


@pytest.mark.parametrize("phrase, figures", CASES)
def test_a_figure_a_fact_states_passes_both_checks(phrase, figures):
    text = post(phrase)
    assert drafting_check(text, phrase) == editors_check(text, phrase) == []


@pytest.mark.parametrize("written, stated", [
    ("¥1,280", "售价1280元"),
    ("98块", "一盒98元"),
    ("90°C", "建议90℃冲泡"),
    ("19：30", "19:30开始"),
    ("12月6号", "2024年12月6日"),
    ("11月29日", "上新日期 2024-11-29"),
    ("100 g", "每袋100g"),
])
def test_a_figure_spelled_another_way_still_counts_as_stated(written, stated):
    text = post(written)
    assert find_figures(text) and unstated_figures(text, stated) == []
    assert drafting_check(text, stated) == editors_check(text, stated) == []


@pytest.mark.parametrize("stated", ["每次25克", "每次2.5克", "每次5千克"])
def test_a_figure_is_not_stated_by_a_longer_number(stated):
    text = post("每次5克")
    assert drafting_check(text, stated) == editors_check(text, stated) == ["5克"]


@pytest.mark.parametrize("phrase, figures", [case for case in CASES if case[1]])
def test_a_rewrite_may_not_add_a_figure_its_passage_does_not_state(phrase, figures):
    prompt = RewritePrompt(system="", user="", completion="", stop=[], files={}, passage=post(""),
                           instruction="换一种说法")
    candidate, _findings = check_rewrite(post(phrase), prompt, lint=lambda text: [], already=set())
    assert candidate.reason == f"states a figure not in the passage ({figures[0]})"


def test_numbers_are_read_without_thousands_separators():
    assert numbers("¥1,280，第3次，2.5克") == ["1280", "3", "2.5"]
