"""A copy of the compliance rules folder that a test may change."""
from __future__ import annotations

import shutil
from pathlib import Path

from studio.compliance import DEFAULT_RULES_DIR


def copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder)
    return folder
