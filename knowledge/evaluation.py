"""Offline retrieval evaluation: recall@k, MRR and latency of hybrid, BM25 and vector search.

Relevance is judged per document, not per chunk: the hits of a retriever are deduplicated by
doc_id (each document keeps its best rank) before recall and reciprocal rank are computed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import KnowledgeError

RETRIEVERS = ("hybrid", "bm25", "vector")
# Chunks asked of a retriever per wanted document, so k distinct documents survive deduplication.
_CHUNKS_PER_DOC = 4


class QueryFileError(KnowledgeError, ValueError):
    """A labeled query file is malformed; the message names the file and line."""


def load_queries(path: str | Path) -> list[dict]:
    """Read a JSONL file of {"id", "query", "relevant": [doc_id, ...]} objects, one per line.

    Blank lines are skipped. Any other problem raises QueryFileError naming the line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QueryFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryFileError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    queries: list[dict] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QueryFileError(f"{where}: malformed JSON: {exc.msg} (column {exc.colno})") from None
        queries.append(_validated(item, where))
        qid = queries[-1]["id"]
        if qid in seen:
            raise QueryFileError(f"{where}: duplicate id {qid!r} (also on line {seen[qid]})")
        seen[qid] = number
    if not queries:
        raise QueryFileError(f"{path}: no queries")
    return queries


def _validated(item, where: str) -> dict:
    if not isinstance(item, dict):
        raise QueryFileError(f"{where}: must be an object with id, query and relevant")
    qid, query, relevant = item.get("id"), item.get("query"), item.get("relevant")
    if isinstance(qid, int) and not isinstance(qid, bool):
        qid = str(qid)
    if not isinstance(qid, str) or not qid.strip():
        raise QueryFileError(f"{where}: missing 'id'")
    if not isinstance(query, str) or not query.strip():
        raise QueryFileError(f"{where}: missing 'query' text")
    if (not isinstance(relevant, list) or not relevant
            or not all(isinstance(r, str) and r.strip() for r in relevant)):
        raise QueryFileError(f"{where}: 'relevant' must be a non-empty list of document ids")
    return {**item, "id": qid.strip(), "query": query.strip(), "relevant": [r.strip() for r in relevant]}


def distinct_documents(hits: Iterable) -> list[str]:
    """doc_ids in order of their best-ranked hit."""
    seen: dict[str, None] = {}
    for hit in hits:
        seen.setdefault(hit.doc_id, None)
    return list(seen)


def first_relevant_rank(doc_ids: Sequence[str], relevant: Iterable[str]) -> int | None:
    """1-based rank of the first relevant document, or None."""
    wanted = set(relevant)
    return next((rank for rank, doc_id in enumerate(doc_ids, start=1) if doc_id in wanted), None)


def _percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    # Nearest-rank percentile: deterministic and always one of the measured values.
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


def _metrics(ranks: list[int | None], latencies_ms: list[float], k: int) -> dict:
    n = len(ranks) or 1
    return {
        **{f"recall@{cut}": round(sum(1 for r in ranks if r is not None and r <= cut) / n, 4)
           for cut in sorted({1, 5, k}) if cut <= k},
        "mrr": round(sum(1.0 / r for r in ranks if r is not None) / n, 4),
        "p50_ms": round(_percentile(latencies_ms, 50), 2),
        "p95_ms": round(_percentile(latencies_ms, 95), 2),
    }


def evaluate(index, brand_slug: str, queries: list[dict], k: int = 5, *,
             details: bool = False) -> dict:
    """Run every query through hybrid, BM25-only and vector-only search of one brand.

    Returns {"queries": n, "hybrid": {...}, "bm25": {...}, "vector": {...}} where each retriever has
    recall@1, recall@k, mrr, p50_ms and p95_ms. MRR counts ranks within the top k documents.
    With details=True a "per_query" list shows each query's ranked documents per retriever.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    searchers: dict[str, Callable] = {
        "hybrid": index.search, "bm25": index.search_bm25, "vector": index.search_vector,
    }
    depth = k * _CHUNKS_PER_DOC
    ranks: dict[str, list[int | None]] = {name: [] for name in RETRIEVERS}
    latencies: dict[str, list[float]] = {name: [] for name in RETRIEVERS}
    per_query = []
    for item in queries:
        row = {"id": item["id"], "query": item["query"], "relevant": item["relevant"]}
        for name in RETRIEVERS:
            started = time.perf_counter()
            hits = searchers[name](brand_slug, item["query"], k=depth)
            latencies[name].append((time.perf_counter() - started) * 1000.0)
            docs = distinct_documents(hits)[:k]
            rank = first_relevant_rank(docs, item["relevant"])
            ranks[name].append(rank)
            row[name] = {"rank": rank, "docs": docs}
        per_query.append(row)
    result: dict = {"queries": len(queries)}
    for name in RETRIEVERS:
        result[name] = _metrics(ranks[name], latencies[name], k)
    if details:
        result["per_query"] = per_query
    return result
