"""Fixtures for the drafting tests.

``fake_api`` is a loopback HTTP server standing in for a hosted OpenAI-compatible provider
(``tests.support.fake_llm.FakeAPI``): it records what it receives and answers with scripted texts.
``local_llm`` and ``tea`` come from the root conftest.
"""
from __future__ import annotations

import pytest

from tests.support.fake_llm import FakeAPI


@pytest.fixture
def fake_api():
    api = FakeAPI()
    yield api
    api.close()
