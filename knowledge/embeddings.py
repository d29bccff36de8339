"""Text embedders: an offline hashing embedder and an OpenAI-compatible one."""

from __future__ import annotations

import logging
import os
import unicodedata
import zlib
from collections import Counter
from typing import Protocol, Sequence, runtime_checkable

import jieba
import numpy as np

jieba.setLogLevel(logging.WARNING)

_HASH_CACHE: dict[str, int] = {}
_HASH_CACHE_LIMIT = 1_000_000


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors; `name` identifies the vector space in indexes."""

    name: str

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def normalize(text: str) -> str:
    """NFKC, lowercase, and without whitespace, punctuation or control characters."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


class HashingEmbedder:
    """Offline embedder: hashed character 1-3 grams plus jieba words, sublinear tf, L2-normalized."""

    def __init__(self, dim: int = 512):
        if dim < 16:
            raise ValueError("dim must be at least 16")
        self.dim = dim
        self.name = f"hashing-char-ngram-v1-{dim}"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit vector per text."""
        return self.embed_matrix(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """The same vector a document with this text would get."""
        return self.embed_matrix([text])[0].tolist()

    def embed_matrix(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), dim) float32 matrix of unit rows (zero rows for empty texts)."""
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            hashes, weights = self.features(text)
            if len(hashes):
                self._accumulate(matrix[row], hashes, weights)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's distinct features as (crc32 hashes, weights) before they are folded into dim buckets.

        Weights are sublinear tf, halved for single characters (frequent and ambiguous in Chinese).
        """
        counts = Counter(_features(text))
        hashes = np.fromiter((_hash(f) for f in counts), dtype=np.uint64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        weight = np.fromiter((0.5 if len(f) == 1 else 1.0 for f in counts), dtype=np.float32,
                             count=len(counts))
        return hashes, weight * (1.0 + np.log(tf))

    def embed_features(self, hashes: np.ndarray, weights: np.ndarray) -> list[float]:
        """A unit vector from (possibly re-weighted) features, e.g. a query weighted by corpus IDF."""
        vector = np.zeros(self.dim, dtype=np.float32)
        if len(hashes):
            self._accumulate(vector, hashes, weights.astype(np.float32))
        norm = float(np.linalg.norm(vector))
        return (vector / norm if norm else vector).tolist()

    def _accumulate(self, row: np.ndarray, hashes: np.ndarray, weights: np.ndarray) -> None:
        sign = np.where((hashes >> np.uint64(31)) & np.uint64(1), -1.0, 1.0).astype(np.float32)
        buckets = (hashes % np.uint64(self.dim)).astype(np.intp)
        np.add.at(row, buckets, sign * weights)


def feature_document_frequencies(embedder, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct feature hashes, how many texts contain each) over a corpus, for query IDF."""
    chunks = [embedder.features(text)[0] for text in texts]
    if not chunks or not any(len(c) for c in chunks):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    keys, counts = np.unique(np.concatenate(chunks), return_counts=True)
    return keys.astype(np.uint64), counts.astype(np.int32)


def _features(text: str) -> list[str]:
    plain = normalize(text)
    grams = [plain[i:i + n] for n in (1, 2, 3) for i in range(len(plain) - n + 1)]
    folded = unicodedata.normalize("NFKC", text).lower()
    words = [w for w in jieba.lcut(folded) if len(w) > 1 and normalize(w) == w]
    return grams + words


def _hash(feature: str) -> int:
    value = _HASH_CACHE.get(feature)
    if value is None:
        if len(_HASH_CACHE) >= _HASH_CACHE_LIMIT:
            _HASH_CACHE.clear()
        value = _HASH_CACHE[feature] = zlib.crc32(feature.encode("utf-8"))
    return value


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible /embeddings endpoint via langchain_openai."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None,
                 model: str = "text-embedding-3-small"):
        from langchain_openai import OpenAIEmbeddings  # heavy import, only when this embedder is used

        self.model = model
        self.name = f"openai:{model}"
        # check_embedding_ctx_length=False sends raw strings, so no tokenizer is downloaded.
        self._client = OpenAIEmbeddings(
            model=model, base_url=base_url, check_embedding_ctx_length=False,
            # Local OpenAI-compatible servers often need no key, but the client insists on one.
            api_key=api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
        )

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, from the remote endpoint."""
        return self._client.embed_documents(list(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        """The vector of a search query."""
        return self._client.embed_query(text)


def make_embedder(spec: str = "hashing", *, base_url: str | None = None,
                  api_key: str | None = None) -> Embedder:
    """Build an embedder from 'hashing', 'hashing:DIM' or 'openai:MODEL'."""
    kind, _, arg = (spec or "hashing").strip().partition(":")
    if kind == "hashing":
        return HashingEmbedder(int(arg)) if arg else HashingEmbedder()
    if kind == "openai" and arg:
        return OpenAIEmbedder(base_url=base_url, api_key=api_key, model=arg)
    raise ValueError(f"unknown embedder {spec!r}: use 'hashing' or 'openai:MODEL'")
