"""Brand kits: import, re-import, removed files, and bad kits that change nothing."""
import json
import shutil

import pytest

from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import Brand, KnowledgeDocument


@pytest.fixture
def kit(tmp_path):
    target = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, target)
    return target


def _import(runner, kit):
    return runner.invoke(args=["brand", "import", str(kit), "--json"])


def test_import_prints_counts_and_search_finds_the_fact(runner, kit):
    result = _import(runner, kit)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["brand"] == "chayun" and summary["documents"] >= 10 and summary["chunks"] >= summary["documents"]
    hits = json.loads(runner.invoke(args=["knowledge", "search", "白牡丹2024 冲泡水温", "--brand", "chayun",
                                          "-k", "3", "--json"]).output)
    assert len(hits) == 3
    assert set(hits[0]) == {"doc_id", "chunk_id", "title", "type", "score", "text"}
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
    assert any(hit["doc_id"] in ("product-bm-2024", "BM-2024") for hit in hits)


def test_reimport_is_idempotent_and_removed_files_leave_the_index(runner, app, kit):
    first = json.loads(_import(runner, kit).output)
    again = json.loads(_import(runner, kit).output)
    assert again == first
    removed = next(kit.glob("knowledge/store-*.md"))
    doc_id = next(line.split(":", 1)[1].strip() for line in removed.read_text().splitlines()
                  if line.startswith("id:"))
    removed.unlink()
    after = json.loads(_import(runner, kit).output)
    assert after["documents"] == first["documents"] - 1
    assert after["chunks"] < first["chunks"]
    hits = json.loads(runner.invoke(args=["knowledge", "search", doc_id, "--brand", "chayun", "-k", "50",
                                          "--json"]).output)
    assert doc_id not in {hit["doc_id"] for hit in hits}
    with app.app_context():
        assert db.session.scalar(db.select(KnowledgeDocument).where(KnowledgeDocument.doc_id == doc_id)) is None


def test_a_bad_file_is_skipped_and_named_and_keeps_what_it_held(runner, app, kit):
    first = json.loads(_import(runner, kit).output)
    csv = kit / "knowledge" / "products.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[2] = "," + lines[2].split(",", 1)[1]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (kit / "knowledge" / "story-founding.md").unlink()
    (kit / "knowledge" / "new-faq.md").write_text(
        "---\nid: faq-gift\ntype: faq\ntitle: 礼盒包装\n---\n### 问：能包礼盒吗？\n答：可以，免费加礼盒和贺卡。",
        encoding="utf-8")
    result = _import(runner, kit)
    assert result.exit_code == 1
    assert "products.csv" in result.stderr and "sku" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["skipped"][0]["file"].endswith("products.csv")
    assert summary["documents"] == first["documents"]  # one removed, one added, the CSV rows kept
    with app.app_context():
        stored = {row.doc_id for row in db.session.scalars(db.select(KnowledgeDocument))}
    assert "BM-2024" in stored and "faq-gift" in stored and "story-founding" not in stored
    hits = json.loads(runner.invoke(args=["knowledge", "search", "BM-2024 白牡丹 价格", "--brand", "chayun",
                                          "-k", "10", "--json"]).output)
    assert "BM-2024" in {hit["doc_id"] for hit in hits}, "the rows of the bad CSV stay indexed as before"


@pytest.mark.parametrize("breakage, named", [
    (lambda kit: (kit / "brand.yaml").write_text("slug: [unclosed", encoding="utf-8"), "brand.yaml"),
    (lambda kit: (kit / "brand.yaml").write_text(
        (kit / "brand.yaml").read_text(encoding="utf-8").replace("lifecycle_stage: 引入", "lifecycle_stage: 成交"),
        encoding="utf-8"), "成交"),
])
def test_a_malformed_brand_yaml_is_named_and_imports_nothing(runner, app, kit, breakage, named):
    breakage(kit)
    result = _import(runner, kit)
    assert result.exit_code == 1
    assert named in result.output
    with app.app_context():
        assert db.session.scalar(db.select(Brand)) is None


def test_a_file_in_another_encoding_is_skipped_with_its_name(runner, app, kit):
    (kit / "knowledge" / "gbk-notes.md").write_bytes("---\nid: x\n---\n茶".encode("gb18030"))
    result = _import(runner, kit)
    assert result.exit_code == 1 and "gbk-notes.md" in result.stderr
    assert json.loads(result.stdout)["documents"] >= 10


def test_a_brand_never_sees_another_brands_chunks(runner, kit, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(kit, other)
    yaml_text = (other / "brand.yaml").read_text(encoding="utf-8")
    (other / "brand.yaml").write_text(yaml_text.replace("slug: chayun", "slug: other-brand", 1), encoding="utf-8")
    for path in (other / "knowledge").glob("*.md"):
        path.unlink()
    (other / "knowledge" / "secret.md").write_text(
        "---\nid: secret-plan\ntype: campaign\ntitle: 秘密计划\n---\n独门的乌龙新品计划在春天发布。", encoding="utf-8")
    assert _import(runner, kit).exit_code == 0
    assert _import(runner, other).exit_code == 0
    hits = json.loads(runner.invoke(args=["knowledge", "search", "秘密计划 乌龙新品", "--brand", "chayun", "-k", "50",
                                          "--json"]).output)
    assert "secret-plan" not in {hit["doc_id"] for hit in hits}
    other_hits = json.loads(runner.invoke(args=["knowledge", "search", "秘密计划 乌龙新品", "--brand",
                                                "other-brand", "--json"]).output)
    assert other_hits[0]["doc_id"] == "secret-plan"


def test_search_with_another_embedder_asks_for_a_reindex(runner, app, kit, tmp_path):
    from tests.support.app import make_app

    assert _import(runner, kit).exit_code == 0
    data_dir = app.config["STUDIO_DATA_DIR"]
    other = make_app(tmp_path / "unused", STUDIO_DATA_DIR=data_dir, STUDIO_EMBEDDINGS="hashing:256",
                     SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    other_runner = other.test_cli_runner()
    result = other_runner.invoke(args=["knowledge", "search", "白牡丹", "--brand", "chayun", "--json"])
    assert result.exit_code == 1
    assert "--reindex" in result.output and "重建索引" in result.output
    result = other_runner.invoke(args=["brand", "import", str(kit), "--reindex", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(other_runner.invoke(args=["knowledge", "search", "白牡丹", "--brand", "chayun",
                                                "--json"]).output)
    assert hits and "白牡丹" in hits[0]["text"] + hits[0]["title"]
