"""Train the lint's claim model from labeled cases.

    python -m studio.compliance.claim_training CASES.jsonl [CASES.jsonl ...] [--out PATH]

writes the weights the lint loads (``claim_model.json`` beside the rules, unless ``--out`` says where).
Training is deterministic: the same cases, in the same order, give the same file.
"""
from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

from .claim_model import DEFAULT_THRESHOLD, MODEL_FILE, ClaimModel, clause_features, clauses, sigmoid
from .evaluation import load_cases
from .rules import DEFAULT_RULES_DIR

# Enough passes for the weights to settle on a few thousand clauses.
_EPOCHS = 20
_LEARNING_RATE = 0.5
_L2 = 1e-4
_SEED = 7
# A clause holding a span labeled harmless was written to look like a claim; getting it wrong counts more.
HARMLESS_WEIGHT = 3.0


def labeled_clauses(cases, harmless_weight: float = HARMLESS_WEIGHT):
    """One example per clause: its features, 1 when it overlaps the first occurrence of a must-flag span
    (else 0), and how much it counts."""
    features, labels, weights = [], [], []
    for case in cases:
        text = case["text"]
        flagged = [(i, i + len(span)) for span in case.get("must_flag", [])
                   if _law_claim(span, case) and (i := text.find(span)) != -1]
        harmless = [(i, i + len(span)) for span in case.get("harmless", []) if (i := text.find(span)) != -1]
        for start, end in clauses(text):
            label = int(any(a < end and start < b for a, b in flagged))
            looks_risky = any(a < end and start < b for a, b in harmless)
            features.append(clause_features(text, start, end))
            labels.append(label)
            weights.append(harmless_weight if looks_risky and not label else 1.0)
    return features, labels, weights


def _law_claim(span: str, case: dict) -> bool:
    """A persona's taboo word or a mass mention is flagged for other reasons than a claim."""
    return span not in case.get("persona_taboo", []) and not span.lstrip().startswith(("@", "＠", "<at"))


def train(cases, *, threshold: float = DEFAULT_THRESHOLD, harmless_weight: float = HARMLESS_WEIGHT) -> ClaimModel:
    """Weighted logistic regression by AdaGrad over the clauses of ``cases``, in a fixed shuffled order."""
    features, labels, counts = labeled_clauses(cases, harmless_weight)
    weights: dict[str, float] = {}
    squared: dict[str, float] = {}
    order = list(range(len(features)))
    shuffle = random.Random(_SEED).shuffle
    bias_key = ""  # the bias is trained as a feature every clause has
    for _ in range(_EPOCHS):
        shuffle(order)
        for i in order:
            active = [*sorted(features[i]), bias_key]  # a fixed order sums to the same float every run
            score = sum(weights.get(f, 0.0) for f in active)
            error = (sigmoid(score) - labels[i]) * counts[i]
            for f in active:
                gradient = error + _L2 * weights.get(f, 0.0)
                squared[f] = squared.get(f, 0.0) + gradient * gradient
                weights[f] = weights.get(f, 0.0) - _LEARNING_RATE * gradient / math.sqrt(squared[f] + 1e-8)
    bias = weights.pop(bias_key, 0.0)
    return ClaimModel(bias=bias, weights=weights, threshold=threshold)


def main(argv: list[str]) -> int:
    if not argv or "--out" in argv[-1:]:
        print(__doc__.strip().split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    args = list(argv)
    out = Path(DEFAULT_RULES_DIR) / MODEL_FILE
    if "--out" in args:
        at = args.index("--out")
        out = Path(args[at + 1])
        args = args[:at] + args[at + 2:]
    try:
        cases = [case for arg in args for case in load_cases(Path(arg))]
    except (OSError, ValueError) as exc:  # a missing file, a line that is not JSON, a span not in its text
        print(f"cannot read the labeled cases: {exc}", file=sys.stderr)
        return 2
    if not cases:
        print("no labeled cases given", file=sys.stderr)
        return 2
    model = train(cases)
    partial = out.with_name(out.name + ".partial")  # the lint never reads a half-written model
    partial.write_text(json.dumps(model.to_dict(), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                       encoding="utf-8")
    partial.replace(out)
    print(f"trained on {len(cases)} cases; {len(model.to_dict()['weights'])} weights written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
