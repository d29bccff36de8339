"""Fixtures for knowledge tests: tiny brand kits on disk and an index in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import HashingEmbedder, KnowledgeIndex, open_persistent_client
from tests.support.kits import BRAND_YAML, front_matter_doc, write_kit


@pytest.fixture
def make_kit(tmp_path):
    """write_kit under tmp_path/<name>."""
    def make(files: dict[str, str | bytes], brand_yaml: str | None = BRAND_YAML, name: str = "kit") -> Path:
        return write_kit(tmp_path / name, files, brand_yaml)
    return make


@pytest.fixture
def md():
    """front_matter_doc, for tests that need Markdown documents."""
    return front_matter_doc


@pytest.fixture
def brand_yaml():
    """A valid brand.yaml text to derive broken variants from."""
    return BRAND_YAML


@pytest.fixture
def chroma_client(tmp_path):
    return open_persistent_client(tmp_path / "chroma")


@pytest.fixture
def index(chroma_client, tmp_path):
    return KnowledgeIndex(chroma_client, HashingEmbedder(), tmp_path / "data")
