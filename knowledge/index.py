"""Per-brand hybrid knowledge index: Chroma vectors plus a BM25 file, fused by reciprocal rank."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .bm25 import BM25Index, load_arrays, save_arrays
from .chunking import CHUNKER_VERSION, chunk_document
from .embeddings import Embedder
from .errors import EmbedderMismatch
from .loaders import Document

RRF_K = 60
_BATCH = 500
_NO_START = 0
_NO_END = 99991231
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Hit:
    """One retrieved chunk with how each retriever ranked it."""

    doc_id: str
    chunk_id: str
    title: str
    type: str
    score: float
    text: str
    metadata: dict
    vector_rank: int | None = None
    bm25_rank: int | None = None
    vector_score: float | None = None
    bm25_score: float | None = None


def collection_name(brand_slug: str) -> str:
    """The Chroma collection that holds one brand's chunks."""
    if not _SLUG.match(brand_slug or ""):
        raise ValueError(f"invalid brand slug {brand_slug!r}")
    return "brand_" + brand_slug.replace("-", "_")


def open_persistent_client(path: str | Path):
    """A Chroma PersistentClient at path with telemetry off."""
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=chromadb.Settings(anonymized_telemetry=False))


def day_number(day: date | None, default: int) -> int:
    """A date as an int like 20240601, because Chroma compares only numbers."""
    return day.year * 10000 + day.month * 100 + day.day if day else default


class KnowledgeIndex:
    """Syncs brand documents into Chroma + BM25 and answers hybrid searches."""

    def __init__(self, client, embedder: Embedder, data_dir: str | Path, *,
                 chunk_chars: int = 320, overlap_chars: int = 40):
        self.client = client
        self.embedder = embedder
        self.data_dir = Path(data_dir)
        self.chunk_chars = chunk_chars
        self.overlap_chars = overlap_chars
        self._chunker = f"{CHUNKER_VERSION}/{chunk_chars}/{overlap_chars}"
        self._bm25: dict[str, tuple[tuple[int, int], dict]] = {}
        self._lock = threading.Lock()

    # ---- writing -------------------------------------------------------------------------------

    def sync_brand(self, brand_slug: str, documents: Sequence[Document], *, extra_terms: Iterable[str] = (),
                   reindex: bool = False) -> dict:
        """Make the brand's index match `documents`, re-embedding only changed ones."""
        ids = [d.doc_id for d in documents]
        if len(set(ids)) != len(ids):
            raise ValueError("documents have duplicate doc_id values")
        collection = self._collection(brand_slug, create=True, reindex=reindex)
        indexed = self._indexed_documents(collection)
        upserts: list[tuple[str, str, dict]] = []
        stale: list[str] = []
        unchanged = 0
        for doc in documents:
            chunks = chunk_document(doc, max_chars=self.chunk_chars, overlap_chars=self.overlap_chars)
            chunk_ids = [f"{doc.doc_id}#{i}" for i in range(len(chunks))]
            old = indexed.pop(doc.doc_id, None)
            fingerprint = (doc.checksum, self._chunker)
            if old and old["fingerprint"] == fingerprint and old["ids"] == set(chunk_ids):
                unchanged += 1
                continue
            for i, (chunk_id, text) in enumerate(zip(chunk_ids, chunks)):
                upserts.append((chunk_id, text, self._metadata(brand_slug, doc, i, len(chunks))))
            if old:
                stale.extend(sorted(old["ids"] - set(chunk_ids)))
        for old in indexed.values():
            stale.extend(sorted(old["ids"]))
        for start in range(0, len(upserts), _BATCH):
            batch = upserts[start:start + _BATCH]
            vectors = self.embedder.embed_documents([indexed_text(m["title"], t) for _, t, m in batch])
            collection.upsert(ids=[b[0] for b in batch], documents=[b[1] for b in batch],
                              metadatas=[b[2] for b in batch], embeddings=vectors)
        for start in range(0, len(stale), _BATCH):
            collection.delete(ids=stale[start:start + _BATCH])
        chunk_total = self._rebuild_bm25(brand_slug, collection, list(extra_terms))
        return {
            "documents": len(documents), "chunks": chunk_total, "unchanged": unchanged,
            "changed": len(documents) - unchanged, "removed": len(indexed), "chunks_written": len(upserts),
            "chunks_deleted": len(stale),
        }

    def delete_brand(self, brand_slug: str) -> None:
        """Drop the brand's collection and BM25 file."""
        if self._get_collection(collection_name(brand_slug)) is not None:
            self.client.delete_collection(collection_name(brand_slug))
        self._bm25_path(brand_slug).unlink(missing_ok=True)
        with self._lock:
            self._bm25.pop(brand_slug, None)

    # ---- reading -------------------------------------------------------------------------------

    def search(self, brand_slug: str, query: str, *, k: int = 5, types: Iterable[str] | None = None,
               doc_ids: Iterable[str] | None = None, on_date: date | None = None) -> list[Hit]:
        """Hybrid search: dense and BM25 top lists fused by reciprocal rank fusion."""
        collection = self._collection(brand_slug, create=False)
        if collection is None or not query.strip() or k <= 0:
            return []
        filters = _Filters.of(types, doc_ids, on_date)
        depth = max(50, 5 * k)
        dense = self._dense(collection, query, depth, filters)
        sparse = self._sparse(brand_slug, collection, query, depth, filters)
        hits: dict[str, Hit] = {}
        for rank, hit in enumerate(dense, start=1):
            hit.vector_rank, hit.score = rank, 1.0 / (RRF_K + rank)
            hits[hit.chunk_id] = hit
        for rank, (chunk_id, score) in enumerate(sparse, start=1):
            hit = hits.setdefault(chunk_id, Hit(chunk_id.rsplit("#", 1)[0], chunk_id, "", "", 0.0, "", {}))
            hit.bm25_rank, hit.bm25_score = rank, score
            hit.score += 1.0 / (RRF_K + rank)
        best = sorted(hits.values(), key=lambda h: (-h.score, h.chunk_id))[:k]
        self._fill(collection, [h for h in best if not h.metadata])
        return best

    def search_vector(self, brand_slug: str, query: str, *, k: int = 5, types: Iterable[str] | None = None,
                      doc_ids: Iterable[str] | None = None, on_date: date | None = None) -> list[Hit]:
        """Dense retrieval only; score is cosine similarity."""
        collection = self._collection(brand_slug, create=False)
        if collection is None or not query.strip() or k <= 0:
            return []
        hits = self._dense(collection, query, k, _Filters.of(types, doc_ids, on_date))
        for rank, hit in enumerate(hits, start=1):
            hit.vector_rank, hit.score = rank, hit.vector_score
        return hits

    def search_bm25(self, brand_slug: str, query: str, *, k: int = 5, types: Iterable[str] | None = None,
                    doc_ids: Iterable[str] | None = None, on_date: date | None = None) -> list[Hit]:
        """BM25 retrieval only; score is the BM25 score."""
        collection = self._collection(brand_slug, create=False)
        if collection is None or not query.strip() or k <= 0:
            return []
        ranked = self._sparse(brand_slug, collection, query, k, _Filters.of(types, doc_ids, on_date))
        hits = [Hit(cid.rsplit("#", 1)[0], cid, "", "", score, "", {}, bm25_rank=rank, bm25_score=score)
                for rank, (cid, score) in enumerate(ranked, start=1)]
        self._fill(collection, hits)
        return hits

    def chunks_of(self, brand_slug: str, doc_id: str) -> list[dict]:
        """The indexed chunks of one document in order: chunk_id, text, metadata."""
        collection = self._collection(brand_slug, create=False)
        if collection is None:
            return []
        got = collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        chunks = [{"chunk_id": i, "text": t, "metadata": m}
                  for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(chunks, key=lambda c: c["metadata"]["chunk"])

    def count(self, brand_slug: str) -> int:
        """Number of chunks indexed for the brand (0 when never synced)."""
        collection = self._collection(brand_slug, create=False)
        return collection.count() if collection is not None else 0

    # ---- internals -----------------------------------------------------------------------------

    def _get_collection(self, name: str):
        from chromadb.errors import NotFoundError

        try:
            # embedding_function=None: Chroma's default would download an ONNX model when used.
            return self.client.get_collection(name, embedding_function=None)
        except NotFoundError:
            return None

    def _collection(self, brand_slug: str, *, create: bool, reindex: bool = False):
        name = collection_name(brand_slug)
        collection = self._get_collection(name)
        if collection is not None and reindex:
            self.client.delete_collection(name)
            collection = None
        if collection is None:
            if not create:
                return None
            collection = self.client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
                metadata={"brand": brand_slug, "embedder": self.embedder.name},
            )
        indexed_with = (collection.metadata or {}).get("embedder")
        if indexed_with != self.embedder.name:
            raise EmbedderMismatch(brand_slug, str(indexed_with), self.embedder.name)
        return collection

    def _metadata(self, brand_slug: str, doc: Document, index: int, total: int) -> dict:
        return {
            "brand": brand_slug, "doc_id": doc.doc_id, "type": doc.type, "title": doc.title,
            "source": doc.source, "checksum": doc.checksum, "chunker": self._chunker,
            "valid_from": doc.valid_from.isoformat() if doc.valid_from else "",
            "valid_to": doc.valid_to.isoformat() if doc.valid_to else "",
            "valid_from_day": day_number(doc.valid_from, _NO_START),
            "valid_to_day": day_number(doc.valid_to, _NO_END),
            "products": ",".join(doc.products), "chunk": index, "chunks": total,
        }

    @staticmethod
    def _indexed_documents(collection) -> dict[str, dict]:
        """doc_id -> {"ids": chunk ids, "fingerprint": (checksum, chunker)} as stored now."""
        indexed: dict[str, dict] = {}
        got = collection.get(include=["metadatas"])
        for chunk_id, meta in zip(got["ids"], got["metadatas"]):
            entry = indexed.setdefault(meta["doc_id"], {"ids": set(), "fingerprints": set()})
            entry["ids"].add(chunk_id)
            entry["fingerprints"].add((meta.get("checksum"), meta.get("chunker")))
        for entry in indexed.values():
            # Chunks from two different versions mean an interrupted sync: treat as changed.
            fingerprints = entry.pop("fingerprints")
            entry["fingerprint"] = next(iter(fingerprints)) if len(fingerprints) == 1 else None
        return indexed

    def _dense(self, collection, query: str, n: int, filters: "_Filters") -> list[Hit]:
        total = collection.count()
        vector = self.embedder.embed_query(query)
        if not total or not any(vector):
            return []
        result = collection.query(query_embeddings=[vector], n_results=min(n, total), where=filters.where(),
                                  include=["documents", "metadatas", "distances"])
        hits = []
        for chunk_id, text, meta, distance in zip(result["ids"][0], result["documents"][0],
                                                  result["metadatas"][0], result["distances"][0]):
            similarity = 1.0 - float(distance)
            hits.append(Hit(meta["doc_id"], chunk_id, meta["title"], meta["type"], similarity, text, meta,
                            vector_score=similarity))
        return hits

    def _sparse(self, brand_slug: str, collection, query: str, n: int, filters: "_Filters") -> list[tuple]:
        loaded = self._load_bm25(brand_slug, collection)
        if loaded is None:
            return []
        ranked = loaded["index"].search(query, k=n, mask=filters.mask(loaded))
        return [(str(loaded["chunk_ids"][i]), score) for i, score in ranked]

    @staticmethod
    def _fill(collection, hits: list[Hit]) -> None:
        """Fetch text and metadata for hits that only BM25 found."""
        if not hits:
            return
        got = collection.get(ids=[h.chunk_id for h in hits], include=["documents", "metadatas"])
        found = {i: (t, m) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])}
        for hit in hits:
            text, meta = found.get(hit.chunk_id, ("", {}))
            hit.text, hit.metadata = text, meta
            hit.title, hit.type = meta.get("title", ""), meta.get("type", "")
            hit.doc_id = meta.get("doc_id", hit.doc_id)

    def _bm25_path(self, brand_slug: str) -> Path:
        return self.data_dir / f"bm25-{brand_slug}.npz"

    def _rebuild_bm25(self, brand_slug: str, collection, extra_terms: list[str]) -> int:
        """Rebuild the brand's BM25 file from everything in its collection; returns the chunk count."""
        got = collection.get(include=["documents", "metadatas"])
        order = sorted(range(len(got["ids"])), key=lambda i: got["ids"][i])
        metas = [got["metadatas"][i] for i in order]
        texts = [indexed_text(m["title"], got["documents"][i]) for i, m in zip(order, metas)]
        index = BM25Index.build(texts, extra_terms=extra_terms)
        save_arrays(self._bm25_path(brand_slug), {
            **index.arrays(),
            "chunk_ids": np.array([got["ids"][i] for i in order], dtype=str),
            "doc_ids": np.array([m["doc_id"] for m in metas], dtype=str),
            "types": np.array([m["type"] for m in metas], dtype=str),
            "from_days": np.array([m["valid_from_day"] for m in metas], dtype=np.int64),
            "to_days": np.array([m["valid_to_day"] for m in metas], dtype=np.int64),
        })
        with self._lock:
            self._bm25.pop(brand_slug, None)
        return len(order)

    def _load_bm25(self, brand_slug: str, collection) -> dict | None:
        """The brand's BM25 data, reloaded when another process has rewritten the file."""
        path = self._bm25_path(brand_slug)
        if not path.exists():
            if not collection.count():
                return None
            # The data dir was wiped or is new on this machine: rebuild from Chroma.
            self._rebuild_bm25(brand_slug, collection, [])
        stat = path.stat()
        # os.replace gives every rewrite a new inode, so this changes even within one mtime tick.
        version = (stat.st_mtime_ns, stat.st_ino)
        with self._lock:
            cached = self._bm25.get(brand_slug)
            if cached and cached[0] == version:
                return cached[1]
        arrays = load_arrays(path)
        loaded = {**arrays, "index": BM25Index.from_arrays(arrays)}
        with self._lock:
            self._bm25[brand_slug] = (version, loaded)
        return loaded


def indexed_text(title: str, text: str) -> str:
    """What gets embedded and BM25-indexed: the chunk with its document title for context."""
    return text if not title or text.startswith(title) else f"{title}\n{text}"


@dataclass
class _Filters:
    """Search filters, expressed both as a Chroma `where` and as a BM25 row mask."""

    types: list[str] | None
    doc_ids: list[str] | None
    day: int | None

    @classmethod
    def of(cls, types, doc_ids, on_date: date | None) -> "_Filters":
        return cls(None if types is None else list(types), None if doc_ids is None else list(doc_ids),
                   day_number(on_date, 0) if on_date else None)

    def where(self) -> dict | None:
        clauses = []
        if self.types is not None:
            clauses.append({"type": {"$in": self.types or [""]}})
        if self.doc_ids is not None:
            clauses.append({"doc_id": {"$in": self.doc_ids or [""]}})
        if self.day is not None:
            clauses.append({"valid_from_day": {"$lte": self.day}})
            clauses.append({"valid_to_day": {"$gte": self.day}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def mask(self, loaded: dict) -> np.ndarray | None:
        mask = None
        if self.types is not None:
            mask = np.isin(loaded["types"], self.types)
        if self.doc_ids is not None:
            mask = _and(mask, np.isin(loaded["doc_ids"], self.doc_ids))
        if self.day is not None:
            mask = _and(mask, (loaded["from_days"] <= self.day) & (loaded["to_days"] >= self.day))
        return mask


def _and(mask: np.ndarray | None, other: np.ndarray) -> np.ndarray:
    return other if mask is None else mask & other
