"""Per-brand hybrid knowledge index: Chroma vectors plus a BM25 file, fused by reciprocal rank."""

from __future__ import annotations

import functools
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .bm25 import BM25Index, is_specific, load_arrays, save_arrays, tokenize
from .chunking import CHUNKER_VERSION, chunk_document
from .embeddings import Embedder, feature_document_frequencies
from .errors import EmbedderMismatch
from .language import QueryLanguage, check_query_language, suggested_terms, text_language, vocabulary_language
from .loaders import Document
from .rerank import Candidate, LexicalCorpus, LexicalOverlapReranker, Reranker
from .sharing import SharedChromaFolder, open_persistent_client  # noqa: F401  part of this module's API

RRF_K = 60
# Relative weights of the stages in a document's hybrid score: vector and BM25 scores (normalized per
# result list) form the first stage, the reranker's score is blended in with its share of the total.
# The hashing embedder is a weaker, noisier lexical signal than BM25, hence its lower weight.
DEFAULT_WEIGHTS = {"vector": 0.5, "bm25": 1.0, "rerank": 1.0}
# How many fused documents the reranker sees (at least; k is added).
RERANK_DEPTH = 30
# Bump when the lexical side file changes shape, so old files are rebuilt from Chroma.
_LEXICAL_FORMAT = 2
_DEFAULT = object()
_BATCH = 500
_NO_START = 0
_NO_END = 99991231
# Any text with Hanzi, Latin letters and a number exercises every stage of a search.
WARM_UP_QUERY = "品牌 产品 介绍 2024 brand"
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


def day_number(day: date | None, default: int) -> int:
    """A date as an int like 20240601, because Chroma compares only numbers."""
    return day.year * 10000 + day.month * 100 + day.day if day else default


class _OneClient:
    """A client nobody else writes behind this process's back (a Chroma server, a test's own folder)."""

    def __init__(self, client):
        self.client = client

    @contextmanager
    def reading(self):
        yield self.client

    @contextmanager
    def writing(self):
        yield self.client


def _reads(method):
    """Run the method on a current view of the index, with no write in between."""
    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        with self.folder.reading():
            return method(self, *args, **kwargs)
    return reading


def _writes(method):
    """Run the method as the index's only writer, on a current view of it."""
    @functools.wraps(method)
    def writing(self, *args, **kwargs):
        with self.folder.writing():
            return method(self, *args, **kwargs)
    return writing


class KnowledgeIndex:
    """Syncs brand documents into Chroma + BM25 and answers hybrid searches.

    `client` is a Chroma client, or a SharedChromaFolder when other processes use the same local folder.
    """

    def __init__(self, client, embedder: Embedder, data_dir: str | Path, *,
                 chunk_chars: int = 320, overlap_chars: int = 40, reranker: Reranker | None = _DEFAULT,
                 weights: dict[str, float] | None = None, query_idf: bool = True):
        self.folder = client if isinstance(client, SharedChromaFolder) else _OneClient(client)
        self.embedder = embedder
        self.data_dir = Path(data_dir)
        self.chunk_chars = chunk_chars
        self.overlap_chars = overlap_chars
        # reranker=None turns the second stage off (plain vector + BM25 fusion).
        self.reranker: Reranker | None = LexicalOverlapReranker() if reranker is _DEFAULT else reranker
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        # Weight query features by the brand corpus' IDF (only for embedders exposing features).
        self.query_idf = query_idf
        self._chunker = f"{CHUNKER_VERSION}/{chunk_chars}/{overlap_chars}"
        self._bm25: dict[str, tuple[tuple[int, int], dict]] = {}
        self._lock = threading.Lock()

    @property
    def client(self):
        """The Chroma client: the current one while a read or write is under way."""
        return self.folder.client

    # ---- writing -------------------------------------------------------------------------------

    @_writes
    def sync_brand(self, brand_slug: str, documents: Sequence[Document], *, extra_terms: Iterable[str] = (),
                   reindex: bool = False, keep: Iterable[str] = ()) -> dict:
        """Make the brand's index match `documents`, re-embedding only changed ones.

        `keep` names documents to leave exactly as indexed (their file failed to load this time).
        """
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
        for doc_id in keep:
            indexed.pop(doc_id, None)
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

    @_writes
    def delete_brand(self, brand_slug: str) -> None:
        """Drop the brand's collection and BM25 file."""
        if self._get_collection(collection_name(brand_slug)) is not None:
            self.client.delete_collection(collection_name(brand_slug))
        self._bm25_path(brand_slug).unlink(missing_ok=True)
        with self._lock:
            self._bm25.pop(brand_slug, None)

    # ---- reading -------------------------------------------------------------------------------

    @_reads
    def search(self, brand_slug: str, query: str, *, k: int = 5, types: Iterable[str] | None = None,
               doc_ids: Iterable[str] | None = None, on_date: date | None = None) -> list[Hit]:
        """Hybrid search: vector and BM25 fused per document, then reranked.

        Each retriever's chunk list is first reduced to documents (a document scores as its best chunk),
        so a long document with many middling chunks cannot crowd out a short exact one. The documents'
        scores, normalized within each list, are blended by `weights`; the reranker then scores the best
        RERANK_DEPTH documents again and its score is blended in with the "rerank" weight. Hits come back
        as chunks: every document's best chunk in document order (score in [0, 1]), then the documents'
        other matching chunks. Within a document, chunks are ordered by reciprocal rank fusion.
        """
        collection = self._collection(brand_slug, create=False)
        if collection is None or not query.strip() or k <= 0:
            return []
        filters = _Filters.of(types, doc_ids, on_date)
        depth = max(50, 5 * k)
        loaded = self._load_bm25(brand_slug, collection)
        dense = self._dense(collection, query, depth, filters, loaded)
        sparse = self._sparse(brand_slug, collection, query, depth, filters, loaded)
        weights = self._voter_weights()
        hits: dict[str, Hit] = {}
        chunk_score: dict[str, float] = {}
        for rank, hit in enumerate(dense, start=1):
            hit.vector_rank = rank
            hits[hit.chunk_id] = hit
            chunk_score[hit.chunk_id] = weights["vector"] / (RRF_K + rank)
        for rank, (chunk_id, score) in enumerate(sparse, start=1):
            hit = hits.setdefault(chunk_id, Hit(chunk_id.rsplit("#", 1)[0], chunk_id, "", "", 0.0, "", {}))
            hit.bm25_rank, hit.bm25_score = rank, score
            chunk_score[chunk_id] = chunk_score.get(chunk_id, 0.0) + weights["bm25"] / (RRF_K + rank)
        vector_docs = _doc_ranks(h.chunk_id for h in dense)
        bm25_docs = _doc_ranks(chunk_id for chunk_id, _ in sparse)
        doc_chunks: dict[str, list[str]] = {}
        for chunk_id in sorted(chunk_score, key=lambda c: (-chunk_score[c], c)):
            doc_chunks.setdefault(_doc_of(chunk_id), []).append(chunk_id)
        # Document-level fusion of scores normalized per list: unlike pure rank fusion, a clear BM25
        # winner is not outvoted by a document both retrievers find only middling.
        vector_norm = _normalized_doc_scores([(h.chunk_id, h.vector_score) for h in dense], floor=True)
        bm25_norm = _normalized_doc_scores(sparse, floor=False)
        first = weights["vector"] + weights["bm25"] or 1.0
        doc_score = {doc: (weights["vector"] * vector_norm.get(doc, 0.0)
                           + weights["bm25"] * bm25_norm.get(doc, 0.0)) / first for doc in doc_chunks}
        order = sorted(doc_score, key=lambda d: (-doc_score[d], d))
        share = weights["rerank"] / (first + weights["rerank"])
        if self.reranker is not None and share > 0 and loaded is not None and len(order) > 1:
            candidates = [Candidate(doc, doc_score[doc], vector_docs.get(doc), bm25_docs.get(doc),
                                    doc_chunks[doc]) for doc in order[:max(RERANK_DEPTH, k)]]
            if getattr(self.reranker, "needs_text", False):
                self._fill(collection, [hits[c.chunk_ids[0]] for c in candidates
                                        if not hits[c.chunk_ids[0]].metadata])
                for c in candidates:
                    hit = hits[c.chunk_ids[0]]
                    c.text = indexed_text(hit.title, hit.text)
            scores = self.reranker.rerank(query, candidates, loaded["corpus"])
            for c, score in zip(candidates, scores):
                doc_score[c.doc_id] = (1.0 - share) * c.score + share * float(score)
            for doc in order[len(candidates):]:
                doc_score[doc] *= 1.0 - share
            order = sorted(doc_score, key=lambda d: (-doc_score[d], d))
        best = self._chunk_hits(order, doc_score, doc_chunks, chunk_score, hits, k)
        self._fill(collection, [h for h in best if not h.metadata])
        return best

    @staticmethod
    def _chunk_hits(order: list[str], doc_score: dict, doc_chunks: dict, chunk_score: dict, hits: dict,
                    k: int) -> list[Hit]:
        """Each document's best chunk in document order, then the other chunks, k in all."""
        best: list[Hit] = []
        for doc in order[:k]:
            hit = hits[doc_chunks[doc][0]]
            hit.score = doc_score[doc]
            best.append(hit)
        if len(best) < k:
            rest = []
            for doc in order:
                top = chunk_score[doc_chunks[doc][0]]
                for chunk_id in doc_chunks[doc][1:]:
                    # A further chunk scores its document's score scaled by how it compares to the best one.
                    rest.append((doc_score[doc] * chunk_score[chunk_id] / top, chunk_id))
            floor = best[-1].score if best else float("inf")
            for score, chunk_id in sorted(rest, key=lambda r: (-r[0], r[1]))[:k - len(best)]:
                hit = hits[chunk_id]
                hit.score = min(score, floor)
                best.append(hit)
        return best

    def _voter_weights(self) -> dict[str, float]:
        active = {name: max(0.0, float(self.weights.get(name, 0.0))) for name in DEFAULT_WEIGHTS}
        if self.reranker is None:
            active["rerank"] = 0.0
        return active

    @_reads
    def query_language(self, brand_slug: str, query: str) -> QueryLanguage:
        """Whether the query is written in the language of the brand's knowledge (knowledge.language)."""
        collection = self._collection(brand_slug, create=False)
        loaded = self._load_bm25(brand_slug, collection) if collection is not None else None
        if loaded is None:
            return QueryLanguage(query=text_language(query), knowledge="")
        index: BM25Index = loaded["index"]
        if "language" not in loaded:
            loaded["language"] = vocabulary_language(index.terms, np.diff(index.starts))

        def is_known(word: str) -> bool:
            tokens = tokenize(word)
            return bool(tokens) and all(token in index.term_index for token in tokens)

        result = check_query_language(query, loaded["language"], is_known)
        if result.mismatch:
            result.suggestions = suggested_terms(index.extra_terms)
        return result

    def warm_up(self, brand_slug: str) -> bool:
        """Load what a first search of the brand needs (its BM25 file and brand words, jieba's dictionary,
        Chroma's vector segment) by running one; False when the brand has no index yet."""
        self.search(brand_slug, WARM_UP_QUERY, k=1)
        return self.count(brand_slug) > 0

    @_reads
    def search_vector(self, brand_slug: str, query: str, *, k: int = 5, types: Iterable[str] | None = None,
                      doc_ids: Iterable[str] | None = None, on_date: date | None = None) -> list[Hit]:
        """Dense retrieval only; score is cosine similarity."""
        collection = self._collection(brand_slug, create=False)
        if collection is None or not query.strip() or k <= 0:
            return []
        loaded = self._load_bm25(brand_slug, collection)
        hits = self._dense(collection, query, k, _Filters.of(types, doc_ids, on_date), loaded)
        for rank, hit in enumerate(hits, start=1):
            hit.vector_rank, hit.score = rank, hit.vector_score
        return hits

    @_reads
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

    @_reads
    def chunks_of(self, brand_slug: str, doc_id: str) -> list[dict]:
        """The indexed chunks of one document in order: chunk_id, text, metadata."""
        collection = self._collection(brand_slug, create=False)
        if collection is None:
            return []
        got = collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        chunks = [{"chunk_id": i, "text": t, "metadata": m}
                  for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(chunks, key=lambda c: c["metadata"]["chunk"])

    @_reads
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
        got = _get_all(collection, ["metadatas"])
        for chunk_id, meta in zip(got["ids"], got["metadatas"]):
            entry = indexed.setdefault(meta["doc_id"], {"ids": set(), "fingerprints": set()})
            entry["ids"].add(chunk_id)
            entry["fingerprints"].add((meta.get("checksum"), meta.get("chunker")))
        for entry in indexed.values():
            # Chunks from two different versions mean an interrupted sync: treat as changed.
            fingerprints = entry.pop("fingerprints")
            entry["fingerprint"] = next(iter(fingerprints)) if len(fingerprints) == 1 else None
        return indexed

    def _query_vector(self, query: str, loaded: dict | None) -> list[float]:
        """The query embedding; with a feature-hashing embedder, features weigh by the brand's IDF.

        Only the query side is weighted (documents keep plain tf vectors), so the dot product becomes
        an IDF-weighted match while unchanged documents never need re-embedding when the corpus changes.
        """
        features = getattr(self.embedder, "features", None)
        if (not self.query_idf or features is None or loaded is None or "vec_df_keys" not in loaded
                or not len(loaded["vec_df_keys"])):
            return self.embedder.embed_query(query)
        hashes, weights = features(query)
        keys, counts, n = loaded["vec_df_keys"], loaded["vec_df_counts"], float(loaded["vec_df_n"])
        at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
        df = np.where(keys[at] == hashes, counts[at], 0).astype(np.float64)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        # A feature no chunk has cannot match anything; in hashed space it would only add noise.
        idf[df == 0] = 0.0
        return self.embedder.embed_features(hashes, weights * idf)

    def _dense(self, collection, query: str, n: int, filters: "_Filters", loaded: dict | None = None
               ) -> list[Hit]:
        total = collection.count()
        vector = self._query_vector(query, loaded)
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

    def _sparse(self, brand_slug: str, collection, query: str, n: int, filters: "_Filters",
                loaded: dict | None = None) -> list[tuple]:
        if loaded is None:
            loaded = self._load_bm25(brand_slug, collection)
        if loaded is None:
            return []
        index = loaded["index"]
        ranked = index.search(query, k=n, mask=filters.mask(loaded),
                              term_weights=_bm25_term_weights(index, query))
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
        got = _get_all(collection, ["documents", "metadatas"])
        order = sorted(range(len(got["ids"])), key=lambda i: got["ids"][i])
        metas = [got["metadatas"][i] for i in order]
        texts = [indexed_text(m["title"], got["documents"][i]) for i, m in zip(order, metas)]
        index = BM25Index.build(texts, extra_terms=extra_terms)
        vector_stats = {}
        if getattr(self.embedder, "features", None) is not None:
            keys, counts = feature_document_frequencies(self.embedder, texts)
            vector_stats = {"vec_df_keys": keys, "vec_df_counts": counts, "vec_df_n": np.array(len(texts))}
        save_arrays(self._bm25_path(brand_slug), {
            **index.arrays(),
            **vector_stats,
            "format": np.array(_LEXICAL_FORMAT),
            "chunk_ids": np.array([got["ids"][i] for i in order], dtype=str),
            "doc_ids": np.array([m["doc_id"] for m in metas], dtype=str),
            "types": np.array([m["type"] for m in metas], dtype=str),
            "titles": np.array([m["title"] for m in metas], dtype=str),
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
        if int(arrays.get("format", np.array(1))) != _LEXICAL_FORMAT:
            # Written by an older version: rebuild it from Chroma once, keeping its brand terms.
            self._rebuild_bm25(brand_slug, collection, arrays["bm25_extra_terms"].tolist())
            return self._load_bm25(brand_slug, collection)
        index = BM25Index.from_arrays(arrays)
        corpus = LexicalCorpus(index, arrays["doc_ids"], arrays["titles"])
        loaded = {**arrays, "index": index, "corpus": corpus}
        with self._lock:
            self._bm25[brand_slug] = (version, loaded)
        return loaded


_GET_PAGE = 5000


def _get_all(collection, include: list[str]) -> dict:
    """Every record of a collection, fetched in pages (one huge get exceeds SQLite's variable limit)."""
    got: dict[str, list] = {"ids": [], **{key: [] for key in include}}
    offset = 0
    while True:
        page = collection.get(include=include, limit=_GET_PAGE, offset=offset)
        for key in got:
            got[key].extend(page[key] or [])
        if len(page["ids"]) < _GET_PAGE:
            return got
        offset += _GET_PAGE


def _doc_of(chunk_id: str) -> str:
    return chunk_id.rsplit("#", 1)[0]


def _doc_ranks(chunk_ids: Iterable[str]) -> dict[str, int]:
    """doc_id -> rank among distinct documents, from a best-first chunk list."""
    ranks: dict[str, int] = {}
    for chunk_id in chunk_ids:
        doc = _doc_of(chunk_id)
        if doc not in ranks:
            ranks[doc] = len(ranks) + 1
    return ranks


def _normalized_doc_scores(ranked: list[tuple[str, float]], *, floor: bool) -> dict[str, float]:
    """Each document's best chunk score scaled into [0, 1] within one result list.

    floor=True maps the list's lowest score to 0 (cosine similarities have a baseline above zero);
    floor=False divides by the best score only (BM25 scores start at zero).
    """
    best: dict[str, float] = {}
    for chunk_id, score in ranked:
        best.setdefault(_doc_of(chunk_id), float(score))
    if not best:
        return {}
    hi = max(best.values())
    lo = min(best.values()) if floor else 0.0
    span = hi - lo
    if span <= 0:
        return {doc: 1.0 for doc in best}
    return {doc: (value - lo) / span for doc, value in best.items()}


def _bm25_term_weights(index: BM25Index, query: str) -> dict[str, float]:
    """Years, numbers and SKUs in a query pin one document down: they count double in BM25."""
    return {index.terms[t]: 2.0 for t in index.term_ids(query) if is_specific(index.terms[t])}


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
