"""`studio lint`: brand, persona and channel lookups, JSON and JSON Lines output, exit codes."""
from __future__ import annotations

import json

import pytest

from studio.cli.lint import lint_command
from studio.extensions import db
from studio.models import Brand, Channel, Persona


@pytest.fixture
def lint(app, runner):
    """Invoke `lint` (registered here until the app registers it itself)."""
    if "lint" not in app.cli.commands:
        app.cli.add_command(lint_command)

    def invoke(*args, input=None):
        return runner.invoke(args=["lint", *args], input=input)
    return invoke


@pytest.fixture
def small_brand(app):
    """A brand row with compliance lists, a persona and a short channel (no kit import: fast)."""
    with app.app_context():
        brand = Brand(slug="lumi", name="鹿鸣乳业", timezone="Asia/Shanghai",
                      settings={"compliance": {"allow": ["极品鲜奶"], "deny": ["爆款"]}})
        db.session.add(brand)
        db.session.flush()
        db.session.add(Persona(brand_id=brand.id, slug="xiaolu", name="小鹿", taboo=["亲", "家人们"]))
        db.session.add(Channel(brand_id=brand.id, slug="short", name="短渠道", type="wecom", target="群",
                               settings={"max_chars": 20}))
        db.session.commit()
    return "lumi"


def test_demo_persona_taboo_and_claims_are_reported_as_json(lint, demo_brand):
    text = "亲~ 这是全网第一的白牡丹，第一泡最好用90℃的水，别和土豪比哦。"
    result = lint("--brand", "chayun", "--persona", "xiaocha", "--json", input=text)
    assert result.exit_code == 0, result.output
    findings = json.loads(result.output)
    assert set(findings[0]) == {"start", "end", "text", "rule", "severity", "message", "suggestion"}
    for f in findings:
        assert text[f["start"]:f["end"]] == f["text"]
    got = {(f["text"], f["rule"]) for f in findings}
    assert ("亲", "persona.taboo") in got and ("全网第一", "absolute.ranking") in got
    assert ("土豪", "persona.taboo") in got
    first_steep = text.index("第一泡")
    assert not any(f["start"] < first_steep + 6 and first_steep < f["end"] for f in findings)  # 第一泡最好用
    # the demo channel is a sandbox: its prompt template allows 300 characters
    result = lint("--brand", "chayun", "--channel", "sandbox-main", "--json", input="好茶。" * 110)
    assert result.exit_code == 0
    assert [f["rule"] for f in json.loads(result.output)] == ["channel.length"]


def test_findings_still_exit_zero_and_print_a_readable_report(lint, small_brand):
    result = lint("--brand", "lumi", input="全网第一的牛奶，100%纯天然")
    assert result.exit_code == 0
    assert "[阻断]" in result.output and "全网第一" in result.output and "建议" in result.output
    result = lint("--brand", "lumi", input="早上好，今天的牛奶到了。")
    assert result.exit_code == 0 and "未发现问题" in result.output


def test_brand_allow_and_deny_lists_come_from_brand_settings(lint, small_brand):
    result = lint("--brand", "lumi", "--json", input="极品鲜奶回归！本周爆款，极品酸奶也在。")
    findings = json.loads(result.output)
    assert [(f["text"], f["rule"]) for f in findings] == [("爆款", "brand.deny"), ("极品", "absolute.grade")]
    assert findings[1]["start"] == "极品鲜奶回归！本周爆款，".__len__()


def test_persona_taboo_and_channel_length_apply(lint, small_brand):
    text = "家人们，今晚的鲜奶团购开始啦，名额有限先到先得哦"
    result = lint("--brand", "lumi", "--persona", "xiaolu", "--channel", "short", "--json", input=text)
    findings = json.loads(result.output)
    assert [f["rule"] for f in findings] == ["persona.taboo", "channel.length"]
    assert findings[1]["text"] == text[20:] == "到先得哦"


def test_mass_mention_is_allowed_only_for_announcements(lint, small_brand):
    result = lint("--brand", "lumi", "--json", input="@所有人 明天停发一天")
    assert [f["suggestion"] for f in json.loads(result.output)] == ["＠所有人"]
    result = lint("--brand", "lumi", "--announcement", "--json", input="@所有人 明天停发一天")
    assert json.loads(result.output) == []


def test_json_lines_file_gives_one_line_per_input(lint, small_brand, tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"id": "a", "text": "全网第一"}\n\n{"id": 7, "text": "今天也要好好喝奶"}\n'
                    '{"id": "c", "text": "家人们冲"}\n', encoding="utf-8")
    result = lint("--brand", "lumi", "--persona", "xiaolu", "--json", str(path))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["a", 7, "c"]
    assert [f["text"] for f in rows[0]["findings"]] == ["全网第一"]
    assert rows[1]["findings"] == []
    assert rows[2]["findings"][0]["rule"] == "persona.taboo"


def test_malformed_json_line_is_named_and_exit_code_is_1(lint, small_brand, tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"id": "a", "text": "全网第一"}\n{"id": "b", "text": \n{"id": "c"}\n'
                    '{"id": "d", "text": "好喝"}\n', encoding="utf-8")
    result = lint("--brand", "lumi", "--json", str(path))
    assert result.exit_code == 1
    assert "第 2 行" in result.stderr and "第 3 行" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "d"]


@pytest.mark.parametrize("args, named", [
    (["--brand", "nope"], "nope"),
    (["--brand", "lumi", "--persona", "ghost"], "ghost"),
    (["--brand", "lumi", "--channel", "pigeon"], "pigeon"),
])
def test_unknown_brand_persona_or_channel_exits_1_with_a_message(lint, small_brand, args, named):
    result = lint(*args, "--json", input="好喝")
    assert result.exit_code == 1
    assert named in result.stderr and result.stdout == ""


def test_help_documents_the_exit_code(lint):
    result = lint("--help")
    assert result.exit_code == 0 and "EVEN IF IT FOUND PROBLEMS" in result.output
