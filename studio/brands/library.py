"""The knowledge library of a brand: its kit folder's documents, managed from the studio."""
from __future__ import annotations

import os
import shutil
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from knowledge.sharing import FileLock
from studio.brands.kits import get_brand, import_brand_kit
from studio.errors import InvalidInput, NotFound
from studio.extensions import db
from studio.knowledge_base.index import get_index, index_errors
from studio.models import KnowledgeDocument

UPLOAD_SUFFIXES = (".md", ".csv", ".txt", ".json", ".pdf", ".docx")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# File systems allow 255 bytes a name, and the upload's temporary name is longer; a stem can be a
# document id, which is stored in 128 characters.
MAX_NAME_BYTES = 180
MAX_STEM_CHARS = 100

_locks: dict[str, FileLock] = {}


@contextmanager
def changing_library():
    """One change of a knowledge library at a time, in every process of this studio."""
    path = str(Path(current_app.config["STUDIO_DATA_DIR"]) / "library.lock")
    lock = _locks.setdefault(path, FileLock(path))
    with lock.exclusive():
        yield


def knowledge_dir(slug: str) -> Path:
    brand = get_brand(slug)
    folder = Path(brand.kit_path) / "knowledge"
    if not brand.kit_path or not folder.is_dir():
        raise InvalidInput(f"品牌 {slug} 的资料包目录不存在：{brand.kit_path or '（未记录）'}，请重新导入")
    return folder


def _safe_filename(name: str) -> str:
    """The uploaded name as a plain file name with a known suffix, Chinese kept: no folders, no control
    characters, no leading dots, and shortened (suffix kept) to what every file system takes."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    dot = name.rfind(".")
    if dot < 0 or name[dot:].lower() not in UPLOAD_SUFFIXES:
        raise InvalidInput(f"不支持的文件类型：{name[:80]}（可上传 {' '.join(UPLOAD_SUFFIXES)}）")
    stem, suffix = name[:dot].strip().lstrip(". "), name[dot:]
    if not stem:
        raise InvalidInput(f"文件名无效 / invalid file name: {name}")
    while len(stem) > MAX_STEM_CHARS or len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip() + suffix


def replace_and_reimport(slug: str, changes: dict[Path, bytes | None]) -> dict:
    """Apply file changes to the kit, re-import; on any failure put every file back as it was."""
    backups: dict[Path, bytes | None] = {path: path.read_bytes() if path.exists() else None for path in changes}
    try:
        for path, data in changes.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                tmp = path.with_name(f".{path.name}.uploading")
                tmp.write_bytes(data)
                os.replace(tmp, path)
        # Strict: an uploaded file that does not load is refused, not skipped.
        return import_brand_kit(get_brand(slug).kit_path, strict=True)
    except Exception:
        for path, data in backups.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        raise


def checked_changes(slug: str, files: list[tuple[str, bytes]]) -> dict[Path, bytes]:
    """The kit paths the uploaded files would be written to, after the checks that need no parsing."""
    get_brand(slug, "editor")  # who may, before what was sent: another brand's page tells nothing
    if not files:
        raise InvalidInput("请选择要上传的文件")
    folder = knowledge_dir(slug)
    changes = {}
    for name, data in files:
        filename = _safe_filename(name)
        if len(data) > MAX_UPLOAD_BYTES:
            raise InvalidInput(f"{filename}：文件超过 50 MB")
        if not data:
            raise InvalidInput(f"{filename}：文件是空的")
        changes[folder / filename] = data
    return changes


def delete_document(slug: str, doc_id: str) -> dict:
    """Remove a document's file from the kit and the index; a row of a product table cannot go alone."""
    brand = get_brand(slug, "editor")
    row = db.session.scalar(db.select(KnowledgeDocument).where(KnowledgeDocument.brand_id == brand.id,
                                                               KnowledgeDocument.doc_id == doc_id))
    if row is None:
        raise NotFound(f"没有文档 {doc_id!r}")
    siblings = db.session.scalar(db.select(db.func.count()).select_from(KnowledgeDocument).where(
        KnowledgeDocument.brand_id == brand.id, KnowledgeDocument.source == row.source))
    if siblings > 1:
        raise InvalidInput(f"{doc_id} 是 {row.source} 中的一行，请编辑该文件后重新上传")
    path = (Path(brand.kit_path) / row.source).resolve()
    if Path(brand.kit_path).resolve() not in path.parents:
        raise InvalidInput(f"文档来源路径异常：{row.source}")
    with changing_library():
        return replace_and_reimport(slug, {path: None})


def reindex(slug: str) -> dict:
    """Rebuild the brand's index from its kit, e.g. after changing the embedder."""
    kit_path = get_brand(slug, "admin").kit_path
    with changing_library():
        return import_brand_kit(kit_path, reindex=True)


def document_chunks(slug: str, doc_id: str) -> tuple[KnowledgeDocument, list[dict]]:
    brand = get_brand(slug)
    row = db.session.scalar(db.select(KnowledgeDocument).where(KnowledgeDocument.brand_id == brand.id,
                                                               KnowledgeDocument.doc_id == doc_id))
    if row is None:
        raise NotFound(f"没有文档 {doc_id!r}")
    with index_errors():
        return row, get_index().chunks_of(slug, doc_id)


def search_playground(slug: str, query: str, k: int = 8) -> list[dict]:
    """Hybrid hits with each retriever's rank and score, for seeing why a fact came first."""
    if not (query or "").strip():
        return []
    get_brand(slug)
    with index_errors():
        hits = get_index().search(slug, query, k=k)
    return [{"rank": rank, "doc_id": h.doc_id, "chunk_id": h.chunk_id, "title": h.title, "type": h.type,
             "score": float(h.score), "text": h.text, "vector_rank": h.vector_rank,
             "vector_score": h.vector_score, "bm25_rank": h.bm25_rank, "bm25_score": h.bm25_score}
            for rank, h in enumerate(hits, 1)]


def copy_kit(source: Path, data_dir: Path, slug: str) -> Path:
    """Give the studio its own copy of a kit, so edits from the library never touch the original."""
    target = data_dir / "kits" / slug
    if not target.exists():
        shutil.copytree(source, target)
    return target
