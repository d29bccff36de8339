"""A learned second opinion for the lint: how likely a clause makes a claim the law restricts.

The rules find what they have words and shapes for; copywriters keep finding new ways to say 用一次就见效
or 比医院还专业. This model reads each clause as character n-grams (and its neighbours' edges) and gives the
probability that a reviewer would flag it, learned by logistic regression from labeled cases
(`studio.compliance.claim_training`). The engine adds a ``warn`` for a clause the model is confident about and
no rule has already flagged; when the model file sets ``overrule_below``, it also drops a rule finding in a
clause the model is all but sure makes no claim.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = "claim_model.json"
# A clause at least this likely to be a claim is flagged. On sets written by people who never saw the rules
# it added 0.17–0.26 recall and up to 3 points of false flags; lower, false flags grow on tricky harmless text.
DEFAULT_THRESHOLD = 0.7
# A rule finding in a clause less likely than this to be a claim is overruled. Off (0) by default: on
# cases written blind, 0.05 cut false flags from 13% to 3% for 3 points of recall, but it also overrules
# short claims the rules judge deliberately (我们就是第一).
DEFAULT_OVERRULE_BELOW = 0.0
_CLAUSE_END = re.compile(r"[，。！？；!?;\n…～~]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_QUESTION_MARKS = "？?"
_NEIGHBOUR = 4  # characters read on each side of a clause
_KEEP_WEIGHT = 1e-3  # smaller weights change no decision and only bloat the file


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: the text between commas, stops, question and exclamation marks."""
    spans, start = [], 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def clause_features(text: str, start: int, end: int) -> set[str]:
    """Character 1–3-grams of the clause, with its edges marked and every number read as 0; the character
    pairs just before and after it (论口碑，我们就是第一 needs its lead-in); and whether a question mark
    ends it (a member's question quoted is not the brand's claim)."""
    clause = "^" + _NUMBER.sub("0", text[start:end].strip().lower()) + "$"
    features = {clause[i:i + n] for n in (1, 2, 3) for i in range(len(clause) - n + 1)}
    before, after = text[max(0, start - _NEIGHBOUR):start], text[end:end + _NEIGHBOUR]
    features.update("<" + before[i:i + 2] for i in range(len(before) - 1))
    features.update(">" + after[i:i + 2] for i in range(len(after) - 1))
    if text[end:end + 1] in _QUESTION_MARKS:
        features.add("#question")
    return features


def sigmoid(score: float) -> float:
    """The probability a logistic score stands for, clamped so that no score overflows."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


@dataclass(frozen=True)
class ClaimModel:
    bias: float
    weights: dict
    threshold: float = DEFAULT_THRESHOLD
    overrule_below: float = DEFAULT_OVERRULE_BELOW

    def probability(self, features) -> float:
        return sigmoid(self.bias + sum(self.weights.get(f, 0.0) for f in features))

    def to_dict(self) -> dict:
        weights = {f: round(w, 4) for f, w in sorted(self.weights.items()) if abs(w) >= _KEEP_WEIGHT}
        return {"threshold": self.threshold, "overrule_below": self.overrule_below, "bias": round(self.bias, 4),
                "weights": weights}


def model_from_dict(data: dict) -> ClaimModel:
    try:
        weights = {str(f): float(w) for f, w in data["weights"].items()}
        return ClaimModel(bias=float(data["bias"]), weights=weights,
                          threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
                          overrule_below=float(data.get("overrule_below", DEFAULT_OVERRULE_BELOW)))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{MODEL_FILE}: not a claim model ({exc})") from exc


@lru_cache(maxsize=8)
def load_model(rules_dir: Path) -> ClaimModel | None:
    """The model kept beside the rules, or None when that rules directory has none."""
    path = Path(rules_dir) / MODEL_FILE
    if not path.exists():
        return None
    return model_from_dict(json.loads(path.read_text(encoding="utf-8")))
