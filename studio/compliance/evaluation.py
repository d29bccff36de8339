"""Score the lint on labeled cases: the share of must-flag spans it catches, and of harmless spans it flags.

    python -m studio.compliance.evaluation tests/data/lint_cases.jsonl [--json]

A case is {"id", "text", "must_flag": [span, ...], "harmless": [span, ...], "persona_taboo": [...]}.
A must-flag span counts as caught when a warn or block finding overlaps its first occurrence; a harmless
span counts as flagged when any finding overlaps any of its occurrences.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .engine import lint_text


@dataclass
class LintScore:
    cases: int = 0
    must_flag: int = 0
    caught: int = 0
    harmless: int = 0
    flagged: int = 0
    misses: list = field(default_factory=list)  # (case id, span) the lint let through
    false_flags: list = field(default_factory=list)  # (case id, span) the lint flagged wrongly

    @property
    def recall(self) -> float:
        return self.caught / self.must_flag if self.must_flag else 1.0

    @property
    def false_flag_rate(self) -> float:
        return self.flagged / self.harmless if self.harmless else 0.0


def occurrences(text: str, span: str) -> list[tuple[int, int]]:
    out, start = [], text.find(span)
    while start != -1:
        out.append((start, start + len(span)))
        start = text.find(span, start + 1)
    return out


def load_cases(path: Path) -> list[dict]:
    """The labeled cases of a JSON Lines file; a span that is not in its text is named."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        case = json.loads(line)
        for span in (*case.get("must_flag", []), *case.get("harmless", [])):
            if span not in case["text"]:
                raise ValueError(f"{path.name} line {number} ({case.get('id')}): span {span!r} is not in the text")
        cases.append(case)
    return cases


def score_cases(cases: list[dict]) -> LintScore:
    score = LintScore(cases=len(cases))
    for case in cases:
        text = case["text"]
        findings = lint_text(text, persona_taboo=case.get("persona_taboo", []))
        for span in case.get("must_flag", []):
            score.must_flag += 1
            if any(f.start < end and start < f.end and f.severity in ("block", "warn")
                   for start, end in occurrences(text, span)[:1] for f in findings):
                score.caught += 1
            else:
                score.misses.append((case["id"], span))
        for span in case.get("harmless", []):
            score.harmless += 1
            if any(f.start < end and start < f.end for start, end in occurrences(text, span) for f in findings):
                score.flagged += 1
                score.false_flags.append((case["id"], span))
    return score


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv if not arg.startswith("--")]
    if len(paths) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    score = score_cases(load_cases(paths[0]))
    report = {**asdict(score), "recall": round(score.recall, 3), "false_flag_rate": round(score.false_flag_rate, 3)}
    if "--json" in argv:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"{score.cases} cases: caught {score.caught}/{score.must_flag} must-flag spans ({score.recall:.3f}), "
              f"flagged {score.flagged}/{score.harmless} harmless spans ({score.false_flag_rate:.3f})")
        for case_id, span in score.misses:
            print(f"  missed  {case_id}: {span}")
        for case_id, span in score.false_flags:
            print(f"  flagged {case_id}: {span}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
