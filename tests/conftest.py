"""Fixtures that build the real app on a throwaway database, data folder and Chroma index."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import workers.tasks  # noqa: F401  eager-mode tests run the tasks registered under their names
from studio import accounts, create_app
from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.extensions import db
from tests.support import ROOT

PASSWORDS = {"editor": "editor-pass-1", "editor2": "editor-pass-2", "reviewer": "reviewer-pass-1",
             "admin": "admin-pass-1"}

# The studio must never reach a model hub: fail loudly instead of downloading.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def make_app(data_dir: Path, **overrides):
    from flask_migrate import upgrade

    config = {"STUDIO_DATA_DIR": str(data_dir), "TESTING": True, "WTF_CSRF_ENABLED": False,
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'studio.sqlite3'}",
              "CELERY": {"broker_url": f"sqla+sqlite:///{data_dir / 'broker.sqlite3'}"}}
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "studio" / "migrations"))
    return app


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
        for name, role in (("editor", "editor"), ("editor2", "editor"), ("reviewer", "reviewer"),
                           ("admin", "admin")):
            accounts.create_user(name, PASSWORDS[name], role)
    return PASSWORDS


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username: str):
        return self.client.post("/login", data={"username": username, "password": PASSWORDS[username]})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, users):
    return AuthActions(client)


@pytest.fixture
def demo_brand(app):
    with app.app_context():
        return kits.import_brand_kit(DEMO_KIT)


@pytest.fixture(scope="session")
def local_llm(tmp_path_factory):
    """The real llama.cpp server with the packaged Gemma model, once per test session."""
    from tests.llm_server import start_local_model_server

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
