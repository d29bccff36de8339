"""Drafting through crashes and outages, on real processes: no variant stays generating past its lease and one
sweep, an editor's edit outlives a late result, a broken queue or a busy database is a message, never a 500.

Each test runs on the embedded default (SQLite + SQLite broker) and on PostgreSQL + Redis where both apply,
with a real beat (the sweep), a dispatcher worker (where the sweep runs) and drafting workers, against a
loopback model API that holds its answer until the test lets it go.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from studio import accounts, api_tokens
from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import AuditEvent, Post, Revision
from tests.support import PrivateRedis, StudioProcesses, drop_postgres_database, stack_urls, wait_until
from tests.support.app import PASSWORDS, join_brands, make_app

pytestmark = pytest.mark.slow

LEASE_S, SWEEP_S = 3.0, 1.0
HUMAN_TEXT = "小茶来啦~ 这段是编辑亲手改写的：白牡丹2024建议90℃冲泡，周五晚8点品鉴会见。"
MODEL_TEXT = "小茶来啦~ 白牡丹2024建议用90℃左右的水冲泡，周五晚8点的冬日品鉴会等你来，一起慢慢喝口好茶。"
QUEUE_MESSAGE = "消息队列暂时不可用"


class HoldingChatAPI:
    """An OpenAI-compatible chat endpoint that holds each answer while ``holding`` is set."""

    def __init__(self):
        self.asked = 0
        self.holding = threading.Event()
        self.released = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                api.asked += 1
                if api.holding.is_set():
                    api.released.wait(120)
                answer = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                          "choices": [{"index": 0, "finish_reason": "stop",
                                       "message": {"role": "assistant", "content": MODEL_TEXT}}],
                          "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
                data = json.dumps(answer, ensure_ascii=False).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the worker that asked was killed
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def hold(self) -> None:
        self.released.clear()
        self.holding.set()

    def release(self) -> None:
        self.holding.clear()
        self.released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Stack:
    kind: str
    env: dict
    app: object
    data_dir: Path
    redis: PrivateRedis | None = None


@pytest.fixture
def model():
    api = HoldingChatAPI()
    yield api
    api.close()


def _stack(kind: str, tmp_path: Path, model: HoldingChatAPI):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database, broker, redis = stack_urls(kind, data_dir)
    llm = {"OPENAI_BASE_URL": model.url, "STUDIO_LLM_MODE": "chat", "STUDIO_DRAFTING": "write",
           "STUDIO_LLM_MODEL": "provider-model"}
    timing = {"STUDIO_GENERATION_LEASE": str(LEASE_S), "STUDIO_GENERATION_SWEEP_INTERVAL": str(SWEEP_S),
              "STUDIO_GENERATION_ATTEMPTS": "3"}
    env = {"STUDIO_DATA_DIR": str(data_dir), "DATABASE_URL": database, "CELERY_BROKER_URL": broker, **llm, **timing}
    app = make_app(data_dir, SQLALCHEMY_DATABASE_URI=database, **llm,
                   CELERY={"broker_url": broker, "broker_connection_timeout": 1,
                           "broker_transport_options": {"max_retries": 1}},
                   STUDIO_GENERATION_LEASE=LEASE_S, STUDIO_GENERATION_SWEEP_INTERVAL=SWEEP_S,
                   STUDIO_GENERATION_ATTEMPTS=3, STUDIO_DB_BUSY_TIMEOUT=1.0)
    with app.app_context():
        kits.import_brand_kit(DEMO_KIT)
        accounts.create_user("editor", PASSWORDS["editor"], "editor")
        join_brands()  # the editor works in the demo brand, on the web and through the API
        api_tokens.issue_token("editor")
    return Stack(kind, env, app, data_dir, redis), database


@pytest.fixture(params=["embedded", "postgres-redis"])
def stack(request, tmp_path, model):
    made, database = _stack(request.param, tmp_path, model)
    yield made
    _dispose(made, database)


@pytest.fixture
def embedded(tmp_path, model):
    made, database = _stack("embedded", tmp_path, model)
    yield made
    _dispose(made, database)


def _dispose(stack: Stack, database: str) -> None:
    with stack.app.app_context():
        db.engine.dispose()
    if stack.redis:
        stack.redis.stop()
        drop_postgres_database(database)


@pytest.fixture
def processes(stack, tmp_path):
    running = StudioProcesses(stack.env, tmp_path)
    yield running
    kill_all(running)


def kill_all(processes: StudioProcesses) -> None:
    """The end of a test: no need to wait for a warm shutdown."""
    for name in list(processes.procs):
        processes.kill(name)


def start_studio(processes: StudioProcesses, drafter: str = "drafter") -> None:
    processes.start_beat()
    processes.start_worker("dispatcher", concurrency=1, queues="dispatch")
    processes.start_worker(drafter, concurrency=1, queues="drafts")
    processes.wait_ready(["dispatcher", drafter])


def logged_in(app):
    client = app.test_client()
    assert client.post("/login", data={"username": "editor", "password": PASSWORDS["editor"]}).status_code == 302
    return client


def create_brief(client) -> object:
    return client.post("/briefs/new", data={
        "brand": "chayun", "persona": "xiaocha", "channel": "sandbox-main", "segments": ["newcomer"],
        "goal": "介绍新茶", "key_message": "冬日品鉴会每周五晚8点开始，邀请大家来品白牡丹2024", "products": "白牡丹2024"})


def newest_post(stack: Stack) -> Post:
    with stack.app.app_context():
        post = db.session.scalars(db.select(Post).order_by(Post.id.desc())).first()
        db.session.expunge_all()
        return post


def post_state(stack: Stack, post_id: int) -> dict:
    with stack.app.app_context():
        post = db.session.get(Post, post_id)
        bodies = [r.body for r in db.session.scalars(db.select(Revision).where(Revision.post_id == post_id)
                                                      .order_by(Revision.number))]
        actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.post_id == post_id)
                                                           .order_by(AuditEvent.id))]
        state = {"status": str(post.status), "error": post.error, "bodies": bodies, "actions": actions,
                 "token": post.job_token, "attempts": post.job_attempts}
        db.session.commit()
        return state


def wait_settled(stack: Stack, post_id: int, processes: StudioProcesses, timeout: float) -> dict:
    return wait_until(lambda: (s := post_state(stack, post_id))["status"] != "generating" and s, timeout, 0.2,
                      f"post {post_id} no longer generating",
                      details=lambda: f"{post_state(stack, post_id)}\n" + "\n".join(
                          processes.log(name)[-2000:] for name in processes.procs))


def test_a_drafting_worker_killed_mid_draft_is_swept_and_the_variant_finishes(stack, model, processes):
    model.hold()
    start_studio(processes, drafter="doomed")
    assert create_brief(logged_in(stack.app)).status_code == 302
    post_id = newest_post(stack).id
    wait_until(lambda: model.asked >= 1, 60, 0.1, "the drafter asked the model")
    processes.kill("doomed")  # mid-draft: nothing gets to clean up
    killed_at = time.time()
    model.release()
    processes.start_worker("survivor", concurrency=1, queues="drafts")
    state = wait_settled(stack, post_id, processes, timeout=LEASE_S + SWEEP_S + 30)
    assert state["status"] == "draft", state
    assert state["bodies"] == [MODEL_TEXT] and state["token"] is None
    # The sweep queues the job again once its lease runs out; a survivor still starting up when that second
    # lease runs out (3 s here) finds it queued once more, which costs an attempt but never a second draft.
    assert "draft_requeued" in state["actions"] and state["attempts"] in (2, 3), state
    # Queued again within a lease and a sweep of the last report (the survivor's start-up comes on top).
    with stack.app.app_context():
        requeued = db.session.scalar(db.select(AuditEvent.at).where(AuditEvent.post_id == post_id,
                                                                    AuditEvent.action == "draft_requeued"))
    requeued_after = requeued.replace(tzinfo=timezone.utc).timestamp() - killed_at
    assert requeued_after <= LEASE_S + 2 * SWEEP_S + 1, requeued_after


def test_an_edit_during_drafting_or_regeneration_is_kept_when_the_late_result_arrives(stack, model, processes):
    start_studio(processes)
    client = logged_in(stack.app)
    model.hold()
    assert create_brief(client).status_code == 302
    post_id = newest_post(stack).id
    wait_until(lambda: model.asked >= 1, 60, 0.1, "the drafter asked the model")
    response = client.post(f"/posts/{post_id}/revisions", data={"body": HUMAN_TEXT})
    assert response.status_code == 302
    model.release()
    wait_until(lambda: "not stored" in processes.log("drafter"), 30, 0.2, "the late draft arrived",
               details=lambda: processes.log("drafter")[-3000:])
    state = post_state(stack, post_id)
    assert state["status"] == "draft" and state["bodies"] == [HUMAN_TEXT], state
    assert "generation_taken_over" in state["actions"]

    model.hold()
    asked = model.asked
    assert client.post(f"/posts/{post_id}/regenerate", data={"instruction": "短一点"}).status_code == 302
    wait_until(lambda: model.asked > asked, 30, 0.1, "the regeneration asked the model")
    edited = HUMAN_TEXT + "名额有限。"
    assert client.post(f"/posts/{post_id}/revisions", data={"body": edited}).status_code == 302
    model.release()
    wait_until(lambda: processes.log("drafter").count("not stored") >= 2, 30, 0.2, "the late regeneration arrived")
    time.sleep(2 * SWEEP_S + LEASE_S)  # the sweep finds nothing to queue again either
    state = post_state(stack, post_id)
    assert state["bodies"] == [HUMAN_TEXT, edited] and state["token"] is None, state
    assert "draft_requeued" not in state["actions"]


def _break_broker(stack: Stack) -> None:
    if stack.redis:
        stack.redis.stop()
    else:  # the studio starts on a broker file a crash left unreadable
        (stack.data_dir / "broker.sqlite3").write_bytes(b"\x00not a database\x00" * 512)


def _mend_broker(stack: Stack) -> None:
    if stack.redis:
        stack.redis.start()
    else:  # what `make run` does at start
        check = subprocess.run([sys.executable, "-m", "studio.embedded_broker", "check"], env={
            **os.environ, **stack.env}, capture_output=True, text=True, timeout=60)
        assert check.returncode == 0 and "已移到" in check.stderr, check.stderr
        assert list(stack.data_dir.glob("broker.sqlite3.corrupt-*"))


def test_a_broken_queue_is_a_message_and_the_kept_jobs_run_once_it_is_back(stack, model, tmp_path):
    processes = StudioProcesses(stack.env, tmp_path)
    client = logged_in(stack.app)
    with stack.app.app_context():
        token = api_tokens.issue_token("editor")[0]
    try:
        _break_broker(stack)

        response = create_brief(client)
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert QUEUE_MESSAGE in page
        created = newest_post(stack).id
        api = stack.app.test_client().post("/api/v1/briefs", headers={"Authorization": f"Bearer {token}"}, json={
            "brand": "chayun", "persona": "xiaocha", "channel": "sandbox-main", "segments": ["newcomer"],
            "key_message": "白牡丹2024上新"})
        assert api.status_code == 202 and QUEUE_MESSAGE in api.json["warning"], api.get_data(as_text=True)
        with stack.app.app_context():  # a variant with a draft to regenerate
            drafted_id = _give_a_draft(api.json["posts"][0]["id"])
        response = client.post(f"/posts/{drafted_id}/regenerate", data={"instruction": "短一点"},
                               headers={"Referer": f"http://localhost/posts/{drafted_id}"})
        assert response.status_code == 302
        assert QUEUE_MESSAGE in client.get(f"/posts/{drafted_id}").get_data(as_text=True)
        assert post_state(stack, created)["status"] == "generating"

        _mend_broker(stack)
        start_studio(processes, drafter="after")
        assert wait_settled(stack, created, processes, timeout=60)["status"] == "draft"
        wait_until(lambda: len(post_state(stack, drafted_id)["bodies"]) == 2, 60, 0.2, "the kept regeneration ran",
                   details=lambda: f"{post_state(stack, drafted_id)}\n{processes.log('after')[-2000:]}")
    finally:
        kill_all(processes)


def _give_a_draft(post_id: int) -> int:
    """The variant the API just created, drafted by hand: it then has something to regenerate."""
    from studio.review import workflow
    from tests.support.posts import user

    workflow.save_revision(post_id, HUMAN_TEXT, user("editor"))
    return post_id


def test_a_broker_file_deleted_under_running_processes_loses_no_draft(embedded, model, tmp_path):
    processes = StudioProcesses(embedded.env, tmp_path)
    try:
        model.hold()
        start_studio(processes)
        assert create_brief(logged_in(embedded.app)).status_code == 302
        post_id = newest_post(embedded).id
        wait_until(lambda: model.asked >= 1, 60, 0.1, "the drafter asked the model")
        (embedded.data_dir / "broker.sqlite3").unlink()
        processes.kill("drafter")  # only the drafting worker is restarted
        processes.start_worker("drafter-again", concurrency=1, queues="drafts")
        model.release()
        state = wait_settled(embedded, post_id, processes, timeout=LEASE_S + SWEEP_S + 40)
        assert state["status"] == "draft" and state["bodies"] == [MODEL_TEXT], state
    finally:
        kill_all(processes)


def test_a_database_locked_past_the_busy_timeout_answers_503_with_retry_after(embedded):
    client = logged_in(embedded.app)
    with embedded.app.app_context():
        token = api_tokens.issue_token("editor")[0]
        db.engine.dispose()  # an exclusive lock on a WAL database is taken while nobody else has it open
    holder = subprocess.Popen([sys.executable, "-c", (
        # Exclusive locking mode: even readers wait, as behind a bulk import or a backup tool.
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA locking_mode=EXCLUSIVE')\n"
        "c.execute('BEGIN EXCLUSIVE'); c.execute('UPDATE brand SET name = name')\n"
        "print('locked', flush=True); time.sleep(float(sys.argv[2])); c.rollback(); c.close()\n"),
        str(embedded.data_dir / "studio.sqlite3"), "6"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        page = client.get("/briefs/new")
        assert page.status_code == 503, page.get_data(as_text=True)[:500]
        assert page.headers["Retry-After"].isdigit()
        text = page.get_data(as_text=True)
        assert text.index("数据库正忙") < text.index("database is busy")
        api = embedded.app.test_client().get("/api/v1/brands", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 503 and api.headers["Retry-After"] and "数据库正忙" in api.json["error"]["message"]
        saved = client.post("/briefs/new", data={"brand": "chayun", "persona": "xiaocha", "channel": "sandbox-main",
                                                 "segments": ["newcomer"], "key_message": "白牡丹2024上新"})
        assert saved.status_code == 503
    finally:
        holder.wait(timeout=30)
    assert client.get("/briefs/new").status_code == 200  # the lock gone, pages answer again
