"""`studio brand export SLUG DIR` writes a kit that `studio brand import DIR` reads back to the same state.

Two studios side by side: no outer app context, so each command runs against its own app."""
from __future__ import annotations

import json

from studio.extensions import db
from studio.models import Brand, Channel, KnowledgeDocument, Persona, Segment
from tests.support.app import make_app

GROUPS = ("slug,type,target,name,secret,segments,region,store,members,tags\n"
          "fz-vip,webhook,https://hooks.example.com/fz,福州VIP群,s3cret,vip;loyal,福建,三坊七巷店,180,周五;老客\n")


def state() -> dict:
    """What a brand is, as the studio holds it, without ids and times."""
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == "chayun"))
    settings = {k: v for k, v in (brand.settings or {}).items() if k != "studio"}
    return {
        "brand": (brand.name, brand.timezone, settings),
        "personas": [(p.slug, p.name, p.voice, p.backstory, p.catchphrases, p.taboo, p.examples) for p in
                     db.session.scalars(db.select(Persona).where(Persona.active).order_by(Persona.slug))],
        "segments": [(s.slug, s.name, s.lifecycle_stage, s.description) for s in
                     db.session.scalars(db.select(Segment).where(Segment.active).order_by(Segment.slug))],
        "channels": [(c.slug, c.type, c.target, c.name, c.settings, c.segments, c.region, c.store, c.members,
                      c.tags, c.origin) for c in
                     db.session.scalars(db.select(Channel).where(Channel.active).order_by(Channel.slug))],
        "documents": [(d.doc_id, d.type, d.title, d.checksum) for d in
                      db.session.scalars(db.select(KnowledgeDocument).order_by(KnowledgeDocument.doc_id))],
    }


def test_an_exported_brand_imports_into_another_studio_as_it_was(app, demo_brand, runner, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text(GROUPS, encoding="utf-8")
    assert runner.invoke(args=["groups", "import", str(groups), "--brand", "chayun"]).exit_code == 0
    with app.app_context():
        before = state()

    exported = runner.invoke(args=["brand", "export", "chayun", str(tmp_path / "out"), "--json"])
    elsewhere = make_app(tmp_path / "other")
    other = elsewhere.test_cli_runner()
    imported = other.invoke(args=["brand", "import", str(tmp_path / "out")])
    directory = other.invoke(args=["groups", "import", str(tmp_path / "out" / "groups.csv"), "--brand", "chayun"])
    with elsewhere.app_context():
        after = state()
        db.engine.dispose()

    assert exported.exit_code == 0, exported.output
    result = json.loads(exported.output)
    assert (result["personas"], result["segments"], result["files"]) == (2, 6, ["groups.csv"])
    assert imported.exit_code == 0 and directory.exit_code == 0, imported.output + directory.output
    assert after == before
    assert len(after["documents"]) == 28  # 19 files and the 9 products of products.csv
    assert (tmp_path / "out" / "groups.csv").read_text(encoding="utf-8").splitlines()[1].startswith("fz-vip,")


def test_an_export_never_writes_over_a_folder_that_has_files(app, demo_brand, runner, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", encoding="utf-8")

    refused = runner.invoke(args=["brand", "export", "chayun", str(taken)])
    unknown = runner.invoke(args=["brand", "export", "nobody", str(tmp_path / "new")])

    assert refused.exit_code == 1 and "not an empty folder" in refused.output
    assert [path.name for path in taken.iterdir()] == ["notes.txt"]
    assert unknown.exit_code == 1 and "nobody" in unknown.output and not (tmp_path / "new").exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []
