"""Fixtures that build the real app on a throwaway database, data folder and Chroma index.

Helpers (make_app, PASSWORDS, posts, fakes) live in ``tests.support``; this file only defines fixtures.
"""
from __future__ import annotations

import os

import pytest

from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.extensions import db
from tests.support import WebhookReceiver
from tests.support.app import PASSWORDS, AuthActions, add_users, join_brands, make_app
from tests.support.fake_llm import NEWCOMERS, TEA_BRIEF, TEA_FACTS, TEA_PERSONA

# The studio must never reach a model hub: fail loudly instead of downloading.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The fake bots and receivers listen on loopback: channels may post there (worker processes inherit it).
# Tests of the public-address guard turn it off for their own app.
os.environ["STUDIO_ALLOW_PRIVATE_TARGETS"] = "1"


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path / "data")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app):
    with app.app_context():
        add_users("editor", "editor2", "reviewer", "admin")
    return PASSWORDS


@pytest.fixture
def auth(client, users):
    return AuthActions(client)


@pytest.fixture
def demo_brand(app):
    with app.app_context():
        result = kits.import_brand_kit(DEMO_KIT)
        join_brands()
        return result


@pytest.fixture
def ctx(app, users, demo_brand):
    """Inside an app context, with the demo brand and the four users."""
    with app.app_context():
        yield app


@pytest.fixture(scope="session")
def local_llm(tmp_path_factory):
    """The real llama.cpp server with the packaged Gemma model, once per test session."""
    from tests.support.local_model import start_local_model_server

    base_url, process = start_local_model_server(tmp_path_factory.mktemp("llm"))
    yield base_url
    process.terminate()
    try:
        process.wait(timeout=20)
    except Exception:
        process.kill()


@pytest.fixture
def llm_config(local_llm):
    """App settings that point drafting at the local model."""
    return {"OPENAI_BASE_URL": local_llm, "STUDIO_LLM_MODE": "completion", "STUDIO_LLM_MODEL": "gemma-3-270m"}


@pytest.fixture
def tea():
    """Keyword arguments for build_draft_prompt: a tea brand's newcomer post about 白牡丹2024."""
    return {"brand_name": "山茶小馆", "persona": dict(TEA_PERSONA), "segment": dict(NEWCOMERS),
            "channel_type": "wecom", "brief": dict(TEA_BRIEF), "facts": list(TEA_FACTS)}


@pytest.fixture
def receiver():
    """The partner webhook of the demo brand, signed with the demo kit's secret."""
    server = WebhookReceiver(secret="demo-webhook-secret").start()
    yield server
    server.stop()
