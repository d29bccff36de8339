"""A brand written back out as a kit folder: `studio brand import` reads it back to the same state.

brand.yaml comes from the database (the brand, its active personas and segments, the kit's own channels and
settings); the knowledge, poster and script files are copied from the studio's copy of the kit. Files the
caller adds (the group directory as groups.csv) are written beside it. What the studio stored for itself (playbooks, a calendar feed's or order webhook's secret) stays behind.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml

from studio.brands.kits import get_brand
from studio.errors import InvalidInput
from studio.extensions import db
from studio.models import STUDIO_SETTINGS, Brand, Channel, KnowledgeDocument, Persona, Segment

KIT_FOLDERS = ("knowledge", "posters", "prompts")


def export_brand(slug: str, directory: str | Path, extra_files: dict[str, str] | None = None) -> dict:
    """Write the brand's kit into `directory`, which must not exist or be empty; all of it or nothing.

    `extra_files` are written beside brand.yaml (name -> text), such as the group directory's CSV."""
    brand = get_brand(slug)
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InvalidInput(f"{target} 已存在且不是空文件夹 / {target} exists and is not an empty folder")
    source = Path(brand.kit_path) if brand.kit_path else None
    if source is None or not (source / "knowledge").is_dir():
        raise InvalidInput(f"找不到品牌 {slug} 的资料包文件夹 / the kit folder of brand {slug} is missing: "
                           f"{brand.kit_path or '(none)'}")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        kit = brand_kit_mapping(brand)
        (staging / "brand.yaml").write_text(yaml.safe_dump(kit, allow_unicode=True, sort_keys=False, width=1000),
                                            encoding="utf-8")
        for folder in KIT_FOLDERS:
            if (source / folder).is_dir():
                shutil.copytree(source / folder, staging / folder)
        for name, text in (extra_files or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        if target.exists():
            target.rmdir()
        staging.rename(target)  # one step: the folder is there whole, or not at all
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    documents = db.session.scalar(db.select(db.func.count()).select_from(KnowledgeDocument)
                                  .where(KnowledgeDocument.brand_id == brand.id))
    return {"brand": brand.slug, "directory": str(target), "personas": len(kit.get("personas", [])),
            "segments": len(kit.get("segments", [])), "channels": len(kit.get("channels", [])),
            "documents": documents, "files": sorted(extra_files or {})}


def brand_kit_mapping(brand: Brand) -> dict:
    """brand.yaml's content for the brand as the studio holds it."""
    extras = {key: value for key, value in (brand.settings or {}).items() if key != STUDIO_SETTINGS}
    personas = db.session.scalars(db.select(Persona).where(Persona.brand_id == brand.id, Persona.active)
                                  .order_by(Persona.id))
    segments = db.session.scalars(db.select(Segment).where(Segment.brand_id == brand.id, Segment.active)
                                  .order_by(Segment.id))
    channels = db.session.scalars(db.select(Channel).where(Channel.brand_id == brand.id, Channel.active,
                                                           Channel.origin != "directory").order_by(Channel.id))
    kit = {"slug": brand.slug, "name": brand.name, "timezone": brand.timezone, **extras}
    kit["personas"] = [_without_empty({"slug": p.slug, "name": p.name, "backstory": p.backstory, "voice": p.voice,
                                       "catchphrases": list(p.catchphrases or []), "taboo": list(p.taboo or []),
                                       "examples": list(p.examples or [])}) for p in personas]
    kit["segments"] = [_without_empty({"slug": s.slug, "name": s.name, "lifecycle_stage": s.lifecycle_stage,
                                       "description": s.description}) for s in segments]
    kit["channels"] = [{"slug": c.slug, "type": c.type, "target": c.target, **(c.settings or {})}
                       for c in channels]
    return kit


def _without_empty(item: dict) -> dict:
    return {key: value for key, value in item.items() if value not in ("", None, [])}
