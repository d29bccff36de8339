"""The learned claim model: a second opinion that warns on claims no rule has words for, trained from the
labeled cases, and leaving alone what the rules already judge harmless."""
from __future__ import annotations

import json

import pytest

from studio.compliance import DEFAULT_RULES_DIR, lint_text
from studio.compliance.claim_model import MODEL_FILE, clause_features, clauses, load_model, model_from_dict
from studio.compliance.claim_training import main as train_main
from studio.compliance.claim_training import train
from tests.support.rules import rules_only

# The labeled sets the shipped model is trained on, in this order (README, Compliance).
TRAINING_SETS = ["lint_cases", "lint_dev_cases", "yagu_lint_cases", "heldout_lint_cases",
                 *(f"heldout{n}_lint_cases" for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17))]


def model_warnings(text: str, **kwargs) -> list[str]:
    return [f.text for f in lint_text(text, **kwargs) if f.rule == "likely_claim"]


@pytest.mark.parametrize("text, claim", [("这款枕头睡一晚，颈椎就舒服多了。", "颈椎就舒服多了"),
                                         ("我们的跑鞋让你配速快一分钟。", "我们的跑鞋让你配速快一分钟"),
                                         ("喝完这杯，整个人精神焕发，熬夜都不怕。", "整个人精神焕发")])
def test_a_claim_no_rule_has_words_for_gets_a_warning_from_the_model(text, claim):
    assert lint_text(text, rules_dir=rules_only()) == []
    findings = lint_text(text)
    assert [(f.text, f.severity) for f in findings if f.rule == "likely_claim"] == [(claim, "warn")]
    assert "模型判断" in findings[0].message and findings[0].suggestion


@pytest.mark.parametrize("text", ["本周六晚8点品鉴会，欢迎报名。",
                                  "有群友问：这款枕头能治颈椎病吗？",
                                  "第一次来店的会员，最多可提前7天预约。"])
def test_notices_and_quoted_questions_get_no_warning(text):
    assert lint_text(text) == []


def test_a_clause_a_rule_already_flags_is_not_flagged_twice():
    findings = lint_text("穿上这双跑鞋，膝盖再也不疼了。")
    assert [(f.text, f.rule) for f in findings] == [("膝盖再也不疼", "health.remedy")]


def test_taboo_words_and_mass_mentions_are_left_to_their_own_rules():
    text = "@所有人 家人们，今晚8点品鉴会"
    findings = lint_text(text, persona_taboo=["家人们"])
    assert {f.rule for f in findings} == {"channel.mass_mention", "persona.taboo"}


def test_a_word_the_brand_allows_silences_the_model_on_its_clause():
    text = "这款枕头睡一晚，颈椎就舒服多了。"
    assert model_warnings(text, brand_allow=["颈椎"]) == []


def test_training_learns_the_labels_and_gives_the_same_model_every_time():
    cases = [{"id": "a", "text": "用了三天，皱纹全没了。", "must_flag": ["皱纹全没了"], "harmless": []},
             {"id": "b", "text": "周六下午三点，门店上新。", "must_flag": [], "harmless": []},
             {"id": "c", "text": "坚持一周，斑点全没了。", "must_flag": ["斑点全没了"], "harmless": []},
             {"id": "d", "text": "最近天气冷，出门多穿点。", "must_flag": [], "harmless": ["最近"]}]
    model = train(cases)
    assert model.to_dict() == train(cases).to_dict()
    def probability(text: str, number: int) -> float:
        start, end = clauses(text)[number]
        return model.probability(clause_features(text, start, end))

    assert probability("用了三天，皱纹全没了。", 1) > 0.5 > probability("周六下午三点，门店上新。", 1)
    # an unseen clause shaped like the claims scores above one shaped like the notice
    assert probability("涂了两次，痘印全没了。", 1) > probability("周日上午十点，门店上新。", 1)


def test_the_shipped_model_is_what_training_on_the_listed_sets_makes(tmp_path):
    out = tmp_path / MODEL_FILE
    paths = [f"tests/data/{name}.jsonl" for name in TRAINING_SETS]
    assert train_main([*paths, "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(
        (DEFAULT_RULES_DIR / MODEL_FILE).read_text(encoding="utf-8"))


def test_a_bad_cases_file_is_named_and_the_model_already_there_is_kept(tmp_path, capsys):
    out = tmp_path / MODEL_FILE
    out.write_text('{"bias": 0, "weights": {}}\n', encoding="utf-8")
    bad = tmp_path / "cases.jsonl"
    bad.write_text('{"id": "x", "text": "今天上新", "must_flag": ["不在文中"]}\n', encoding="utf-8")
    assert train_main([str(bad), "--out", str(out)]) == 2
    assert "不在文中" in capsys.readouterr().err
    assert train_main([str(tmp_path / "missing.jsonl"), "--out", str(out)]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == '{"bias": 0, "weights": {}}\n'
    assert not list(tmp_path.glob("*.partial"))


def test_a_model_file_that_is_not_a_model_is_named(tmp_path):
    with pytest.raises(ValueError, match=MODEL_FILE):
        model_from_dict({"weights": []})
    assert load_model(rules_only()) is None
