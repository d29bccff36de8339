"""The brand's own script library lines, edited on the settings pages and read by drafting as kit files."""
from __future__ import annotations

import pytest

from prompts.loader import kit_overrides
from prompts.scripts_library import stage_scripts
from studio.extensions import db
from studio.models import AuditEvent


OWN = "ctas:\n  - 周五晚8点，${address}来群里和${persona}一起喝茶~\n"


def test_saved_lines_are_what_drafting_reads_for_the_stage(app, admin, kit):
    answer = admin.post("/brands/chayun/settings/scripts/促活", data={"text": OWN})
    assert answer.status_code == 302
    ctas = [line.text for line in stage_scripts("促活", "wecom", kit_overrides(kit)).lines("ctas")]
    assert "周五晚8点，${address}来群里和${persona}一起喝茶~" in ctas and len(ctas) > 1  # added to the built-in
    page = admin.get("/brands/chayun/settings/scripts").get_data(as_text=True)
    assert "来群里和${persona}一起喝茶" in page
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "scripts.edit"


def test_replace_true_replaces_the_built_in_lines_and_empty_text_goes_back_to_them(app, admin, kit):
    admin.post("/brands/chayun/settings/scripts/促活", data={"text": "replace: true\n" + OWN})
    ctas = [line.text for line in stage_scripts("促活", "wecom", kit_overrides(kit)).lines("ctas")]
    assert len([c for c in ctas if "一起喝茶" in c]) == 1
    admin.post("/brands/chayun/settings/scripts/促活", data={"text": ""})
    assert not (kit / "prompts" / "scripts" / "促活.yaml").exists()


@pytest.mark.parametrize("text, message", [
    ("ctas: [unclosed", "YAML"),
    ("- just\n- a list\n", "映射"),
    ("ctas:\n  - 欢迎${nickname}\n", "nickname"),
    ("ctas: 一句话\n", "list of strings"),
    ("hooks_typo:\n  - 你好\n", "hooks_typo"),
    ("layout:\n  - [opener, dance]\n", "dance"),
])
def test_a_bad_file_is_named_next_to_the_text_and_nothing_is_written(app, admin, kit, text, message):
    (kit / "prompts" / "scripts").mkdir(parents=True, exist_ok=True)
    own = kit / "prompts" / "scripts" / "通用.yaml"
    own.write_text("closers:\n  - 一山一水一盏茶\n", encoding="utf-8")
    answer = admin.post("/brands/chayun/settings/scripts/通用", data={"text": text})
    assert answer.status_code == 400
    section = answer.get_data(as_text=True).split('id="script-通用"', 1)[1].split("</section>", 1)[0]
    assert "field-error" in section and message in section
    assert own.read_text(encoding="utf-8") == "closers:\n  - 一山一水一盏茶\n"


def test_only_the_brands_admins_change_its_lines(app, client, auth, kit):
    auth.login("editor")
    assert client.get("/brands/chayun/settings/scripts").status_code == 403
    assert client.post("/brands/chayun/settings/scripts/促活", data={"text": OWN}).status_code == 403
    assert not (kit / "prompts" / "scripts" / "促活.yaml").exists()
