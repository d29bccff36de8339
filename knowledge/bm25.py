"""Okapi BM25 over jieba tokens with a numpy inverted index that can be saved to a file."""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

import jieba
import numpy as np

jieba.setLogLevel(logging.WARNING)

K1 = 1.5
B = 0.75
STOPWORDS = frozenset("的了是在和与及或也就都而又把被着过吗呢吧啊呀哦嗯么个这那之其")

# "21年" is how people write 2021 in chat: such a two-digit year also yields the full year token.
_SHORT_YEAR = re.compile(r"(?<![0-9])([0-9]{2})\s*年")

# Chinese numerals before a unit or measure word ("六十多年", "十小袋", "五点") also yield Arabic digits,
# so they meet the "60年" / "10袋" / "5点" written in documents (and the other way round).
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"([零〇一二两三四五六七八九十百千]+)(?=[多余几]?[年月日天号周点时分秒岁个位人次份克斤两罐袋包盒片泡杯壶张"
                        r"条款件套元块角度层楼米里公倍成折小大])")

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()
_added_words: set[str] = set()


def _jieba() -> jieba.Tokenizer:
    # A private tokenizer, so brand terms added here never change other users of jieba.
    global _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            _tokenizer = jieba.Tokenizer()
            _tokenizer.initialize()
        return _tokenizer


def add_words(words: Iterable[str]) -> None:
    """Teach the tokenizer brand terms (product names, slogans) so they stay whole."""
    tokenizer = _jieba()
    for word in words:
        word = unicodedata.normalize("NFKC", word or "").lower().strip()
        if word and word not in _added_words:
            tokenizer.add_word(word)
            _added_words.add(word)


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of NFKC-lowercased text plus their Hanzi, without punctuation/stopwords."""
    folded = unicodedata.normalize("NFKC", text).lower()
    tokens = []
    for token in _jieba().lcut_for_search(folded):
        token = token.strip()
        if not token or token in STOPWORDS or (len(token) == 1 and _is_hanzi(token)):
            continue
        if all(unicodedata.category(ch)[0] in "PZCS" for ch in token):
            continue
        tokens.append(token)
    tokens += ["20" + m.group(1) for m in _SHORT_YEAR.finditer(folded)]
    numbers = (chinese_number(m.group(1)) for m in _CN_NUMBER.finditer(folded))
    tokens += [str(n) for n in numbers if n is not None]
    # Every Hanzi is a token too, so a paraphrase ("泡") still meets the word it hides in ("冲泡").
    return tokens + [ch for ch in folded if _is_hanzi(ch) and ch not in STOPWORDS]


def chinese_number(text: str) -> int | None:
    """The value of a simple Chinese numeral (一, 十二, 六十, 两百五十, 一九九八), or None."""
    if not text:
        return None
    if all(ch in _CN_DIGITS for ch in text):
        # Digit by digit, as in years: 二〇二四.
        return int("".join(str(_CN_DIGITS[ch]) for ch in text)) if len(text) > 1 or text != "两" else 2
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def is_specific(token: str) -> bool:
    """Tokens with digits or Latin letters (years, prices, SKUs, sizes): they pin one fact down."""
    return any(ch.isdigit() or ("a" <= ch <= "z") for ch in token)


def _is_hanzi(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


class BM25Index:
    """Postings in CSR form: term t's chunks are positions[starts[t]:starts[t+1]] with their tf."""

    def __init__(self, terms: Sequence[str], starts: np.ndarray, positions: np.ndarray, tfs: np.ndarray,
                 lengths: np.ndarray, extra_terms: Sequence[str] = ()):
        self.terms = list(terms)
        self.term_index = {t: i for i, t in enumerate(self.terms)}
        self.starts = starts
        self.positions = positions
        self.tfs = tfs
        self.lengths = lengths
        self.extra_terms = list(extra_terms)
        self.avg_length = float(lengths.mean()) if len(lengths) else 0.0
        df = np.diff(starts).astype(np.float64)
        n = len(lengths)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5))

    @property
    def size(self) -> int:
        """Number of indexed texts."""
        return len(self.lengths)

    @classmethod
    def build(cls, texts: Sequence[str], *, extra_terms: Sequence[str] = ()) -> "BM25Index":
        """Index texts; their positions in `texts` are the ids that `search` returns."""
        add_words(extra_terms)
        postings: dict[str, list[tuple[int, int]]] = {}
        lengths = np.zeros(len(texts), dtype=np.float32)
        for position, text in enumerate(texts):
            tokens = tokenize(text)
            lengths[position] = len(tokens)
            counts: dict[str, int] = {}
            for token in tokens:
                counts[token] = counts.get(token, 0) + 1
            for token, count in counts.items():
                postings.setdefault(token, []).append((position, count))
        terms = sorted(postings)
        sizes = np.fromiter((len(postings[t]) for t in terms), dtype=np.int64, count=len(terms))
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        flat = [pair for t in terms for pair in postings[t]]
        pairs = np.array(flat, dtype=np.int64).reshape(-1, 2)
        return cls(terms, starts, pairs[:, 0].astype(np.int32), pairs[:, 1].astype(np.float32), lengths,
                   extra_terms)

    def term_ids(self, query: str) -> list[int]:
        """Distinct indexed terms of the query, in first-occurrence order."""
        seen: dict[int, None] = {}
        for token in tokenize(query):
            t = self.term_index.get(token)
            if t is not None:
                seen.setdefault(t, None)
        return list(seen)

    def postings(self, t: int) -> np.ndarray:
        """Positions of the texts that contain term t (ascending)."""
        return self.positions[self.starts[t]:self.starts[t + 1]]

    def scores(self, query: str, *, term_weights: dict[str, float] | None = None) -> np.ndarray:
        """BM25 score of every indexed text for the query (zeros when nothing matches).

        term_weights optionally multiplies the contribution of some query tokens.
        """
        scores = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return scores
        norm = self._norm()
        for t in self.term_ids(query):
            lo, hi = self.starts[t], self.starts[t + 1]
            docs, tf = self.positions[lo:hi], self.tfs[lo:hi]
            weight = self.idf[t] * (term_weights.get(self.terms[t], 1.0) if term_weights else 1.0)
            # Positions are unique within one term's postings, so fancy-index += is safe.
            scores[docs] += weight * tf * (K1 + 1.0) / (tf + norm[docs])
        return scores

    def _norm(self) -> np.ndarray:
        norm = getattr(self, "_norm_cache", None)
        if norm is None:
            norm = self._norm_cache = (K1 * (1.0 - B + B * self.lengths / max(self.avg_length, 1e-9))
                                       ).astype(np.float32)
        return norm

    def search(self, query: str, *, k: int = 10, mask: np.ndarray | None = None,
               term_weights: dict[str, float] | None = None) -> list[tuple[int, float]]:
        """Top-k (position, score) pairs with a positive score, best first; mask keeps only True rows."""
        scores = self.scores(query, term_weights=term_weights)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        # Ties broken by position so results are deterministic.
        order = sorted(candidates.tolist(), key=lambda i: (-float(scores[i]), i))
        return [(i, float(scores[i])) for i in order]

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as plain numpy arrays (no pickled objects)."""
        return {
            "bm25_terms": np.array(self.terms, dtype=str),
            "bm25_starts": self.starts,
            "bm25_positions": self.positions,
            "bm25_tfs": self.tfs,
            "bm25_lengths": self.lengths,
            "bm25_extra_terms": np.array(self.extra_terms, dtype=str),
        }

    @classmethod
    def from_arrays(cls, arrays) -> "BM25Index":
        """Rebuild an index from `arrays()` output, re-teaching its extra terms to the tokenizer."""
        extra = arrays["bm25_extra_terms"].tolist()
        add_words(extra)
        return cls(arrays["bm25_terms"].tolist(), arrays["bm25_starts"], arrays["bm25_positions"],
                   arrays["bm25_tfs"], arrays["bm25_lengths"], extra)


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays to an .npz file atomically, so readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_arrays(path: Path) -> dict[str, np.ndarray]:
    """Read arrays written by save_arrays (no pickle allowed)."""
    with np.load(Path(path), allow_pickle=False) as data:
        return {key: data[key] for key in data.files}
