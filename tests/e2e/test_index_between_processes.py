"""The knowledge index shared by the web process and a drafting worker: what one process writes, the other finds.

Each test runs on the embedded default (SQLite + SQLite broker) and on PostgreSQL + Redis, with a real Celery
worker that has already searched the index before the web process writes to it.
"""
from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio import accounts
from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import Post
from tests.support import StudioProcesses, drop_postgres_database, stack_urls, wait_until
from tests.support.app import PASSWORDS, join_brands, make_app
from tests.support.fake_llm import FakeChatAPI

pytestmark = pytest.mark.slow
NEW_FILES = 300


@dataclass
class Stack:
    env: dict
    app: object
    kit: Path


@pytest.fixture
def chat_api():
    api = FakeChatAPI()
    yield api
    api.server.shutdown()
    api.server.server_close()


@pytest.fixture(params=["embedded", "postgres-redis"])
def stack(request, tmp_path, chat_api):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database, broker, redis = stack_urls(request.param, data_dir)
    # A chat model writes the drafts, so every prompt shows the facts the worker's search found.
    llm = {"OPENAI_BASE_URL": chat_api.url, "STUDIO_LLM_MODE": "chat", "STUDIO_DRAFTING": "write",
           "STUDIO_LLM_MODEL": "provider-model"}
    env = {"STUDIO_DATA_DIR": str(data_dir), "DATABASE_URL": database, "CELERY_BROKER_URL": broker, **llm}
    app = make_app(data_dir, SQLALCHEMY_DATABASE_URI=database, CELERY={"broker_url": broker}, **llm)
    kit = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, kit)
    with app.app_context():
        kits.import_brand_kit(kit)
        accounts.create_user("editor", PASSWORDS["editor"], "editor")
        join_brands()  # the editor works in the brand
    yield Stack(env, app, kit)
    with app.app_context():
        db.engine.dispose()
    if redis:
        redis.stop()
        drop_postgres_database(database)


@pytest.fixture
def drafter(stack, tmp_path):
    processes = StudioProcesses(stack.env, tmp_path)
    # One pool process: the one that searched before the upload is the one that drafts after it.
    processes.start_worker("drafter", concurrency=1, queues="drafts")
    processes.wait_ready(["drafter"])
    yield processes
    processes.stop()


def _logged_in(app):
    client = app.test_client()
    response = client.post("/login", data={"username": "editor", "password": PASSWORDS["editor"]})
    assert response.status_code == 302
    return client


def _draft(client, processes: StudioProcesses, key_message: str, products: str) -> dict:
    """Create a brief for one segment and wait until the worker has drafted it; returns its progress."""
    response = client.post("/briefs/new", data={
        "brand": "chayun", "persona": "xiaocha", "channel": "sandbox-main", "segments": ["newcomer"],
        "goal": "介绍门店", "key_message": key_message, "products": products, "event_date": "2026-12-04"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    progress_url = response.headers["Location"].rstrip("/") + "/progress.json"
    return wait_until(lambda: (p := client.get(progress_url).json)["done"] == p["total"] and p, 120,
                      interval=0.5, message="the variant drafted", details=lambda: processes.log("drafter")[-3000:])


def _store_file(number: int) -> tuple[str, bytes]:
    text = (f"门店编号 STORE{number:04d}：茶韵第{number}号门店，地址是幸福路{number}号，"
            f"每天9:00到22:00营业，店里的招牌是白牡丹2024和门店限定的桂花乌龙。")
    return f"store-{number:04d}.txt", text.encode()


def test_a_worker_finds_documents_uploaded_after_it_opened_the_index(stack, drafter, chat_api):
    client = _logged_in(stack.app)
    first = _draft(client, drafter, "冬日品鉴会每周五晚8点开始，邀请大家来品白牡丹2024", "白牡丹2024")
    assert first["failed"] == 0, first
    assert chat_api.requests, "the worker searched the index and asked the model"

    files = [_store_file(n) for n in range(1, NEW_FILES + 1)]
    response = client.post("/brands/chayun/documents",
                           data={"files": [(io.BytesIO(data), name) for name, data in files]},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "已导入：" in response.get_data(as_text=True), response.get_data(as_text=True)[:2000]
    assert len(list((stack.kit / "knowledge").glob("store-*.txt"))) == NEW_FILES

    asked_before = len(chat_api.requests)
    second = _draft(client, drafter, "STORE0277 号门店开业，欢迎来幸福路277号喝桂花乌龙", "")
    assert second["failed"] == 0, (second, drafter.log("drafter")[-3000:])
    with stack.app.app_context():
        post = db.session.scalars(db.select(Post).order_by(Post.id.desc())).first()
        assert post.status == "draft", post.error
        assert "store-0277" in [fact["doc_id"] for fact in post.generation["facts"]], post.generation
    prompts = ["\n".join(m["content"] for m in r["body"]["messages"]) for r in chat_api.requests[asked_before:]]
    assert any("幸福路277号" in prompt for prompt in prompts), "the new store's facts reached the prompt"
    assert "Error finding id" not in drafter.log("drafter")
