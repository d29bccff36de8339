"""Copies of the compliance rules folder: one a test may change, and the rules without the learned model."""
from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from studio.compliance import DEFAULT_RULES_DIR
from studio.compliance.claim_model import MODEL_FILE


def copy_rules(tmp_path: Path) -> Path:
    """The rules files to change, without the claim model: a test of rule data sees only the rules."""
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder, ignore=shutil.ignore_patterns(MODEL_FILE))
    return folder


@lru_cache(maxsize=1)
def rules_only() -> Path:
    """The shipped rules without the learned claim model, for tests that pin what the rules judge."""
    folder = Path(tempfile.mkdtemp(prefix="studio-rules-")) / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder, ignore=shutil.ignore_patterns(MODEL_FILE))
    return folder
