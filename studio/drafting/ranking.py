"""Ranking composed candidates: a small base model cannot write faithful copy, but it can tell which of
several wordings reads most like ordinary Chinese, by the mean log-probability of their tokens.

Two scorers give the same number:

* :class:`LocalScorer` runs the bundled GGUF model in this process (llama.cpp), scoring a hundred
  tokens in about 0.3 s on two cores.  The bundled server's ``echo`` + ``logprobs`` answer is the same figure but
  sorts the 262k-token vocabulary in Python for every token (about 20 s a candidate), too slow to wait for.
* :class:`EndpointScorer` asks any OpenAI-compatible completion endpoint (``echo=True, logprobs=0``),
  within a time budget.

Candidates are scored part by part (a script line, a fact with its lead-in), each part once per process,
so a brief's later variants mostly reuse scores.  When no scorer answers in time, candidates are ranked
by their facts alone and the variant says so.
No Flask here.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from studio.drafting.composer import Composition

log = logging.getLogger(__name__)

FLUENCY_WEIGHT = 2.0  # one nat of mean log-probability counts as much as two well-chosen facts
PREFIX = "{brand}社群消息：\n"


class FluencyScorer(Protocol):
    name: str

    def __call__(self, prefix: str, texts: list[str], budget_s: float) -> list[float | None]: ...


class LocalScorer:
    """Mean token log-probability from the bundled GGUF model, loaded once per process."""

    _models: dict[str, object] = {}
    _lock = threading.Lock()

    def __init__(self, model_path: Path, threads: int = 2):
        self.model_path, self.threads = Path(model_path), threads
        # Scores belong to one model file: its name and size tell a replaced model apart.
        self.name = f"local:{self.model_path.name}:{self.model_path.stat().st_size}"

    def _model(self):
        key = str(self.model_path)
        if key not in self._models:
            from llama_cpp import Llama  # a heavy import, only where the bundled model scores

            self._models[key] = Llama(model_path=key, n_ctx=512, n_batch=512, n_threads=self.threads,
                                      logits_all=True, verbose=False)
        return self._models[key]

    def __call__(self, prefix: str, texts: list[str], budget_s: float) -> list[float | None]:
        import numpy as np

        started, scores = time.monotonic(), []
        with self._lock:  # one llama.cpp context is not for two threads at once
            model = self._model()
            head = model.tokenize(prefix.encode(), add_bos=True)
            for text in texts:
                if time.monotonic() - started > budget_s:
                    scores.append(None)
                    continue
                tokens = model.tokenize((prefix + text).encode(), add_bos=True)[:model.n_ctx()]
                model.reset()
                model.eval(tokens)
                rows = np.asarray(model.scores[len(head) - 1:len(tokens) - 1], dtype=np.float64)
                if not len(rows):
                    scores.append(None)
                    continue
                top = rows.max(axis=1)
                normalizer = top + np.log(np.exp(rows - top[:, None]).sum(axis=1))
                chosen = rows[np.arange(len(rows)), tokens[len(head):]]
                scores.append(float((chosen - normalizer).mean()))
        return scores


@dataclass
class EndpointScorer:
    """The same figure from an OpenAI-compatible completion endpoint that returns prompt log-probabilities."""

    base_url: str
    api_key: str
    model: str

    @property
    def name(self) -> str:
        return f"endpoint:{self.model}"

    def __call__(self, prefix: str, texts: list[str], budget_s: float) -> list[float | None]:
        import openai

        started, scores = time.monotonic(), []
        client = openai.OpenAI(base_url=self.base_url, api_key=self.api_key or "none", max_retries=0,
                               timeout=max(0.5, budget_s))
        for text in texts:
            left = budget_s - (time.monotonic() - started)
            if left <= 0:
                scores.append(None)
                continue
            answer = client.with_options(timeout=left).completions.create(
                model=self.model, prompt=prefix + text, max_tokens=1, echo=True, logprobs=0, temperature=0)
            logprobs = answer.choices[0].logprobs
            values = [value for value, offset in zip(logprobs.token_logprobs, logprobs.text_offset)
                      if value is not None and offset >= len(prefix)]
            scores.append(sum(values) / len(values) if values else None)
        return scores


class ScoreCache:
    """Mean log-probabilities of parts already scored, by (scorer, prefix, text).  A script line, a fact
    with its lead-in or a product row reads the same in every post, so each is scored once; with a file,
    once for every process of the studio (the drafter's pool processes, and after a restart)."""

    MAX_IN_MEMORY = 20000

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self.memory: dict[tuple[str, str, str], float] = {}
        self.lock = threading.Lock()
        if self.path is not None:
            try:
                with closing(self._connect()) as connection, connection:
                    connection.execute("CREATE TABLE IF NOT EXISTS score (scorer TEXT, prefix TEXT, text TEXT, "
                                       "value REAL, PRIMARY KEY (scorer, prefix, text))")
            except sqlite3.Error:  # a cache that cannot be opened is left out, never a failed draft
                log.warning("ranking scores at %s cannot be used; keeping them in memory", self.path, exc_info=True)
                self.path = None

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=5)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection

    def get(self, scorer: str, prefix: str, texts: list[str]) -> dict[str, float]:
        with self.lock:
            found = {t: self.memory[(scorer, prefix, t)] for t in texts if (scorer, prefix, t) in self.memory}
        missing = [t for t in texts if t not in found]
        if missing and self.path is not None:
            try:
                with closing(self._connect()) as connection:
                    for start in range(0, len(missing), 500):
                        chunk = missing[start:start + 500]
                        rows = connection.execute(
                            f"SELECT text, value FROM score WHERE scorer = ? AND prefix = ? AND text IN "
                            f"({','.join('?' * len(chunk))})", [scorer, prefix, *chunk]).fetchall()
                        found.update(dict(rows))
            except sqlite3.Error:  # the file is a cache: without it, parts are scored again
                log.warning("could not read the ranking scores at %s", self.path, exc_info=True)
            self._remember(scorer, prefix, {t: found[t] for t in missing if t in found})
        return found

    def put(self, scorer: str, prefix: str, values: dict[str, float]) -> None:
        self._remember(scorer, prefix, values)
        if values and self.path is not None:
            try:
                with closing(self._connect()) as connection, connection:
                    connection.executemany("INSERT OR REPLACE INTO score VALUES (?, ?, ?, ?)",
                                           [(scorer, prefix, text, value) for text, value in values.items()])
            except sqlite3.Error:
                log.warning("could not store the ranking scores at %s", self.path, exc_info=True)

    def _remember(self, scorer: str, prefix: str, values: dict[str, float]) -> None:
        with self.lock:
            if len(self.memory) > self.MAX_IN_MEMORY:
                self.memory.clear()
            self.memory.update({(scorer, prefix, text): value for text, value in values.items()})


_in_process = ScoreCache()


def _parts(composition: Composition) -> list[str]:
    """What ranking reads: every part but the brief's own words, which all candidates share."""
    return [part.text for part in composition.parts if part.source != "brief" and part.text.strip()]


def _fluency(composition: Composition, scores: dict[str, float]) -> float | None:
    """The parts' scores, weighted by their length; None when no part has a score."""
    scored = [(len(text), scores[text]) for text in _parts(composition) if text in scores]
    weight = sum(length for length, _ in scored)
    return sum(length * value for length, value in scored) / weight if weight else None


def rank(compositions: list[Composition], scorer: FluencyScorer | None, *, brand_name: str,
         budget_s: float, cache: ScoreCache | None = None, proven: tuple[str, ...] = ()) -> tuple[list[Composition], str]:
    """Best first, and a note when fluency could not be scored (empty when it was).

    ``proven`` are script lines the segment's best posts used: each one a candidate carries counts a little
    in its favour, about what a well-fitting fact does, so what worked is tried without overruling fluency."""
    cache = cache or _in_process
    unique = list({c.text: c for c in compositions if c.text.strip()}.values())
    note, prefix, scores = "", PREFIX.format(brand=brand_name), {}
    if scorer is not None and len(unique) > 1:
        texts = list(dict.fromkeys(text for c in unique for text in _parts(c)))
        scores = cache.get(scorer.name, prefix, texts)
        wanted = [text for text in texts if text not in scores]
        try:
            values = scorer(prefix, wanted, budget_s) if wanted else []
        except Exception as exc:  # a ranking model that is down must not stop the draft
            log.warning("fluency scoring with %s failed: %s", scorer.name, exc)
            note = f"排序模型不可用（{type(exc).__name__}），按资料相关度选稿"
        else:
            new = {text: value for text, value in zip(wanted, values) if value is not None}
            cache.put(scorer.name, prefix, new)
            scores.update(new)
            if values and all(value is None for value in values) and not scores:
                note = "排序模型超时，按资料相关度选稿"
    for composition in unique:
        composition.fluency = _fluency(composition, scores) if scorer is not None else None
        value = composition.fluency if composition.fluency is not None else _FALLBACK_FLUENCY
        composition.score = (composition.relevance + FLUENCY_WEIGHT * value
                             + PROVEN_LINE_WEIGHT * sum(part.source in proven for part in composition.parts))
    return sorted(unique, key=lambda c: -c.score), note


PROVEN_LINE_WEIGHT = 0.5
_FALLBACK_FLUENCY = -5.0  # an unscored candidate ranks as if it read a little worse than a scored one
