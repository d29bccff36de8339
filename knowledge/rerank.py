"""Second-stage reranking of hybrid search candidates (documents, not chunks).

A reranker sees the best few documents of the first stage (vector + BM25 fused by rank) and scores
them again; the index then fuses that ranking in as one more voter. The default reranker is purely
lexical and needs no model: it measures how much of the query's *weighted* vocabulary a document
covers, where years, numbers, SKUs and long rare words (store names, product names) weigh most —
the tokens that tell near-duplicates apart (a 2024 vs a 2021 edition, two stores in one city).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from .bm25 import BM25Index, is_specific, tokenize


@dataclass
class Candidate:
    """One document proposed by the first stage."""

    doc_id: str
    score: float                    # first-stage fused score
    vector_rank: int | None         # rank of the document among vector hits (best chunk), if any
    bm25_rank: int | None           # rank of the document among BM25 hits (best chunk), if any
    chunk_ids: list[str] = field(default_factory=list)  # its retrieved chunks, best first
    text: str = ""                  # best chunk text, filled only for rerankers with needs_text


@runtime_checkable
class Reranker(Protocol):
    """Scores first-stage candidates again; higher is better."""

    #: True when rerank() reads Candidate.text (the index then fetches chunk texts first).
    needs_text: bool

    def rerank(self, query: str, candidates: Sequence[Candidate], corpus: "LexicalCorpus") -> list[float]:
        """One score per candidate, in the candidates' order."""
        ...


class LexicalCorpus:
    """Read-only view of a brand's lexical index for rerankers: terms, IDF and which chunks hold them."""

    def __init__(self, bm25: BM25Index, doc_ids: np.ndarray, titles: np.ndarray | None = None):
        self.bm25 = bm25
        self._titles = titles
        self._title_terms: dict[str, frozenset[str]] = {}
        names, codes = np.unique(np.asarray(doc_ids), return_inverse=True)
        self.doc_names = names.tolist()
        self.doc_code = {name: i for i, name in enumerate(self.doc_names)}
        self.chunk_doc = codes.astype(np.int32)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        self._doc_rows = order.astype(np.int32)
        self._doc_bounds = bounds

    def title_terms(self, doc_id: str) -> frozenset[str]:
        """Tokens of the document's title (empty when titles were not stored)."""
        cached = self._title_terms.get(doc_id)
        if cached is None:
            rows = self.rows_of(doc_id)
            title = str(self._titles[rows[0]]) if self._titles is not None and len(rows) else ""
            cached = self._title_terms[doc_id] = frozenset(tokenize(title)) if title else frozenset()
        return cached

    def rows_of(self, doc_id: str) -> np.ndarray:
        """Index rows (chunks) of one document."""
        code = self.doc_code.get(doc_id)
        if code is None:
            return np.zeros(0, dtype=np.int32)
        return self._doc_rows[self._doc_bounds[code]:self._doc_bounds[code + 1]]


def _member(rows: np.ndarray, postings: np.ndarray) -> np.ndarray:
    """rows in postings, for ascending postings: a binary search per row, not a pass over postings."""
    if not len(postings):
        return np.zeros(len(rows), dtype=bool)
    at = np.minimum(np.searchsorted(postings, rows), len(postings) - 1)
    return postings[at] == rows


def term_weight(term: str, idf: float) -> float:
    """How much one query term counts when judging coverage."""
    if is_specific(term):
        return 3.0 * idf
    if len(term) == 1:
        return 0.25 * idf
    return (1.0 + 0.5 * min(len(term) - 2, 2)) * idf


def is_year(term: str) -> bool:
    return len(term) == 4 and term.isdigit() and term[:2] in ("19", "20")


class LexicalOverlapReranker:
    """Scores a document by the weighted share of the query's terms it holds, where it holds them.

    score = chunk_share * (coverage of its best chunk) + title_share * (coverage of its title)
            + rest * (coverage anywhere in the document), minus year_penalty when the query names
    a year and the title names only other years (the 2021 edition asked, the 2024 one offered).
    """

    needs_text = False

    def __init__(self, chunk_share: float = 0.6, title_share: float = 0.4, year_penalty: float = 0.5):
        self.chunk_share = chunk_share
        self.title_share = title_share
        self.year_penalty = year_penalty

    def rerank(self, query: str, candidates: Sequence[Candidate], corpus: LexicalCorpus) -> list[float]:
        bm25 = corpus.bm25
        terms = bm25.term_ids(query)
        if not terms or not candidates:
            return [0.0] * len(candidates)
        names = [bm25.terms[t] for t in terms]
        weights = np.array([term_weight(name, float(bm25.idf[t])) for name, t in zip(names, terms)])
        total = float(weights.sum()) or 1.0
        rows_per_doc = [corpus.rows_of(c.doc_id) for c in candidates]
        rows = np.unique(np.concatenate(rows_per_doc))
        if not len(rows):
            return [0.0] * len(candidates)
        # contains[i, j]: chunk rows[j] holds query term i.
        contains = np.stack([_member(rows, bm25.postings(t)) for t in terms])
        chunk_cover = weights @ contains / total
        position = {int(r): j for j, r in enumerate(rows)}
        query_years = {name for name in names if is_year(name)}
        rest = max(0.0, 1.0 - self.chunk_share - self.title_share)
        scores = []
        for candidate, doc_rows in zip(candidates, rows_per_doc):
            cols = [position[int(r)] for r in doc_rows]
            if not cols:
                scores.append(0.0)
                continue
            title = corpus.title_terms(candidate.doc_id)
            title_cover = float(sum(w for w, name in zip(weights, names) if name in title)) / total
            anywhere = float(weights @ contains[:, cols].any(axis=1) / total)
            score = (self.chunk_share * float(chunk_cover[cols].max()) + self.title_share * title_cover
                     + rest * anywhere)
            title_years = {t for t in title if is_year(t)}
            if query_years and title_years and not (query_years & title_years):
                score -= self.year_penalty
            scores.append(score)
        return scores
