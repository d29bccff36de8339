"""Brand kits: import a kit folder into the database and the knowledge index."""
from __future__ import annotations

from pathlib import Path

from knowledge.errors import KitError
from knowledge.kit import BrandKit, load_brand_kit
from studio import memberships
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.knowledge_base.index import get_index, index_errors
from studio.models import STUDIO_SETTINGS, Brand, Channel, KnowledgeDocument, Persona, Segment, utcnow
from studio.posters.kit import check_poster_kit


def import_brand_kit(path: str | Path, *, reindex: bool = False, strict: bool = False) -> dict:
    """Create or update a brand from its kit; re-import updates, removed files leave the index.

    A knowledge file that does not load is skipped and reported, and whatever it held before stays
    indexed as it was; problems in brand.yaml (or any problem, when strict) refuse the whole import.
    """
    try:
        kit = load_brand_kit(Path(path), strict=strict)
    except KitError as exc:
        raise InvalidInput(f"品牌资料包有误 / invalid brand kit: {exc}") from exc
    poster_problems = check_poster_kit(kit.root, kit.extra.get("poster"), [p.slug for p in kit.personas])
    if poster_problems:
        raise InvalidInput("品牌资料包有误 / invalid brand kit: " + "; ".join(poster_problems))
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == kit.slug)) or Brand(slug=kit.slug)
    db.session.add(brand)
    brand.name, brand.timezone = kit.name, kit.timezone
    # brand.yaml owns the settings, except what the studio stored under "studio" (a feed's secret URL …).
    studio_owned = (brand.settings or {}).get(STUDIO_SETTINGS)
    brand.settings = {**_plain(kit.extra), **({STUDIO_SETTINGS: studio_owned} if studio_owned else {})}
    brand.kit_path = str(Path(path).resolve())
    brand.imported_at = utcnow()
    db.session.flush()
    _sync_personas(brand, kit)
    _sync_segments(brand, kit)
    _sync_channels(brand, kit)
    kept = _sync_documents(brand, kit)
    try:
        # The index is synced last and is idempotent: if it fails, nothing in the database changed.
        with index_errors():
            result = get_index().sync_brand(kit.slug, kit.documents, extra_terms=_brand_terms(kit),
                                            reindex=reindex, keep=kept)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    summary = {"brand": kit.slug, "documents": len(kit.documents) + len(kept), "chunks": result["chunks"]}
    if kit.skipped:
        summary["skipped"] = [{"file": file, "reason": reason} for file, reason in kit.skipped]
    return summary


def _plain(value):
    """JSON-safe copy of YAML extras (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _brand_terms(kit: BrandKit) -> list[str]:
    terms = {kit.name}
    terms.update(doc.title for doc in kit.documents if doc.type == "product_fact")
    for doc in kit.documents:
        terms.update(doc.products)
    return sorted(t for t in terms if t)


def _by_slug(rows):
    return {row.slug: row for row in rows}


def _sync_personas(brand: Brand, kit: BrandKit) -> None:
    existing = _by_slug(db.session.scalars(db.select(Persona).where(Persona.brand_id == brand.id)))
    for spec in kit.personas:
        row = existing.pop(spec.slug, None) or Persona(brand_id=brand.id, slug=spec.slug)
        row.name, row.voice, row.backstory = spec.name, spec.voice, spec.backstory
        row.catchphrases, row.taboo, row.examples = list(spec.catchphrases), list(spec.taboo), list(spec.examples)
        row.active = True
        db.session.add(row)
    for row in existing.values():  # referenced by old briefs, so retired rather than deleted
        row.active = False


def _sync_segments(brand: Brand, kit: BrandKit) -> None:
    existing = _by_slug(db.session.scalars(db.select(Segment).where(Segment.brand_id == brand.id)))
    for spec in kit.segments:
        row = existing.pop(spec.slug, None) or Segment(brand_id=brand.id, slug=spec.slug)
        row.name, row.lifecycle_stage, row.description = spec.name, spec.lifecycle_stage, spec.description
        row.active = True
        db.session.add(row)
    for row in existing.values():
        row.active = False


def _sync_channels(brand: Brand, kit: BrandKit) -> None:
    existing = _by_slug(db.session.scalars(db.select(Channel).where(Channel.brand_id == brand.id)))
    for spec in kit.channels:
        row = existing.pop(spec.slug, None) or Channel(brand_id=brand.id, slug=spec.slug)
        row.type, row.target = spec.type, spec.target
        row.settings = _plain(spec.settings)
        row.name = str(spec.settings.get("name") or spec.slug)
        row.active = True
        db.session.add(row)
    for row in existing.values():
        if row.origin != "directory":  # imported groups are the directory's, not the kit's
            row.active = False


def _sync_documents(brand: Brand, kit: BrandKit) -> list[str]:
    """Upsert document rows; rows from files skipped this time stay. Returns the kept doc ids."""
    existing = {row.doc_id: row for row in db.session.scalars(
        db.select(KnowledgeDocument).where(KnowledgeDocument.brand_id == brand.id))}
    skipped_files = {file for file, _ in kit.skipped}
    for doc in kit.documents:
        row = existing.pop(doc.doc_id, None) or KnowledgeDocument(brand_id=brand.id, doc_id=doc.doc_id)
        if row.checksum != doc.checksum:
            row.updated_at = utcnow()
        row.type, row.title, row.source, row.checksum = doc.type, doc.title, doc.source, doc.checksum
        row.valid_from, row.valid_to = doc.valid_from, doc.valid_to
        db.session.add(row)
    kept = [row.doc_id for row in existing.values() if row.source in skipped_files]
    for row in existing.values():
        if row.source not in skipped_files:
            db.session.delete(row)
    return kept


def get_brand(slug: str, *roles: str) -> Brand:
    """The brand, when the person acting (if any) is a member holding one of the roles (any role if none)."""
    brand = db.session.scalar(db.select(Brand).where(Brand.slug == slug))
    if brand is None:
        raise NotFound(f"没有品牌 {slug!r} / unknown brand {slug!r}")
    memberships.check(brand.id, *roles, what=f"没有品牌 {slug!r} / unknown brand {slug!r}")
    return brand


def list_brands() -> list[Brand]:
    """Every brand, or for a person the brands they are a member of."""
    return db.session.scalars(memberships.scope(db.select(Brand), Brand.id).order_by(Brand.name)).all()


def list_documents(brand_id: int) -> list[KnowledgeDocument]:
    return db.session.scalars(db.select(KnowledgeDocument).where(KnowledgeDocument.brand_id == brand_id)
                              .order_by(KnowledgeDocument.type, KnowledgeDocument.doc_id)).all()


def search_knowledge(slug: str, query: str, k: int = 5) -> list[dict]:
    """Hybrid search within one brand, as plain dicts, best first."""
    if not (query or "").strip():
        raise InvalidInput("查询不能为空 / the query is empty")
    get_brand(slug)
    with index_errors():
        hits = get_index().search(slug, query, k=k)
    return [{"doc_id": h.doc_id, "chunk_id": h.chunk_id, "title": h.title, "type": h.type,
             "score": round(float(h.score), 6), "text": h.text} for h in hits]


def search_language(slug: str, query: str) -> dict:
    """Whether the query is written in the language of the brand's knowledge.

    "query_language" and "knowledge_language" are "zh", "en" or "" (undecided); "language_mismatch" is true
    for a query in Latin letters whose words the brand's Chinese knowledge mostly does not have, whose hits
    then mean nothing; "suggestions" are a few of the brand's own terms to search with instead."""
    with index_errors():
        result = get_index().query_language(slug, query)
    return {"query_language": result.query, "knowledge_language": result.knowledge,
            "language_mismatch": result.mismatch, "suggestions": result.suggestions}
