"""Drafting jobs' lease: an edit takes a variant over, a silent job is queued again then failed with a reason,
and a queue that cannot take a job is a message, with the job kept for the sweep."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from studio.drafting import briefs, generation, jobs
from studio.errors import InvalidInput, QueueUnavailable
from studio.extensions import db
from studio.models import AuditEvent, Post, PostStatus, Revision, utcnow
from studio.review import workflow
from tests.support import free_port
from tests.support.app import PASSWORDS, add_users, demo_app
from tests.support.posts import drafted_post, user

HUMAN_TEXT = "小茶来啦~ 这是编辑亲手写的白牡丹2024介绍，周五晚8点品鉴会见。"


def _brief(segments=("newcomer",)):
    return briefs.create_brief(briefs.BriefInput(
        brand="chayun", persona="xiaocha", channel="sandbox-main", segments=list(segments),
        key_message="冬日品鉴会，白牡丹2024上新", products=["白牡丹2024"]), author_id=user("editor").id)


def _silent(post_id: int) -> None:
    """The job's worker stopped reporting longer ago than the lease."""
    db.session.get(Post, post_id).job_seen_at = utcnow() - timedelta(seconds=jobs.lease_seconds() + 5)
    db.session.commit()


def _post(post_id: int) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post_id)


@pytest.fixture
def lease_app(tmp_path):
    app = demo_app(tmp_path / "data", STUDIO_GENERATION_LEASE=4, STUDIO_GENERATION_ATTEMPTS=2)
    with app.app_context():
        add_users("editor", "reviewer")
        yield app
        db.engine.dispose()


def test_a_new_brief_records_a_job_per_variant(lease_app):
    brief = _brief(("newcomer", "vip"))
    tokens = {post.job_token for post in brief.posts}
    assert None not in tokens and len(tokens) == 2
    assert all(post.job_kind == "draft" and post.job_attempts == 1 and post.job_seen_at for post in brief.posts)


def test_an_edit_during_drafting_takes_the_variant_over(lease_app):
    post_id = _brief().posts[0].id
    revision = workflow.save_revision(post_id, HUMAN_TEXT, user("editor"), note="手写")
    post = _post(post_id)
    assert post.status == PostStatus.DRAFT and post.job_token is None
    assert post.current_revision_id == revision.id and revision.number == 1
    assert "generation_taken_over" in [e.action for e in db.session.scalars(db.select(AuditEvent))]


def test_a_draft_that_arrives_after_an_edit_does_not_overwrite_it(lease_app, monkeypatch):
    post_id = _brief().posts[0].id
    token = _post(post_id).job_token
    real_compose = generation.compose_variant

    def editor_edits_while_the_model_writes(*args, **kwargs):
        composed = real_compose(*args, **kwargs)
        with lease_app.app_context():  # the editor's request, in a session of its own
            workflow.save_revision(post_id, HUMAN_TEXT, user("editor"))
        return composed

    monkeypatch.setattr(generation, "compose_variant", editor_edits_while_the_model_writes)
    generation.draft_post(post_id, token)
    post = _post(post_id)
    assert post.status == PostStatus.DRAFT and post.current_revision.body == HUMAN_TEXT
    assert [r.body for r in db.session.scalars(db.select(Revision).where(Revision.post_id == post_id))] == [HUMAN_TEXT]


def test_a_regeneration_that_arrives_after_an_edit_does_not_overwrite_it(lease_app):
    post = drafted_post()
    post_id = post.id
    post.job_token = jobs.open_job(post, jobs.REGENERATE, {"actor_id": user("editor").id, "instruction": ""})
    db.session.commit()
    token = post.job_token
    workflow.save_revision(post_id, HUMAN_TEXT, user("editor"))
    generation.regenerate(post_id, user("editor").id, "", token)  # the late task
    post = _post(post_id)
    assert post.current_revision.body == HUMAN_TEXT and len(post.revisions) == 2


def _taken(post_id: int) -> None:
    """A worker took the job (and may go silent afterwards)."""
    assert jobs.begin(post_id, _post(post_id).job_token)


def test_a_silent_job_is_queued_again_then_failed_with_a_reason_the_editor_can_act_on(lease_app):
    post_id = _brief().posts[0].id
    first = _post(post_id).job_token
    _taken(post_id)
    _silent(post_id)
    assert jobs.sweep_stalled_jobs() == {"requeued": [post_id], "failed": []}
    post = _post(post_id)
    assert post.status == PostStatus.GENERATING and post.job_attempts == 2 and post.job_token != first
    generation.draft_post(post_id, first)  # the first attempt's message, delivered late: not its job any more
    assert _post(post_id).status == PostStatus.GENERATING
    assert jobs.sweep_stalled_jobs() == {"requeued": [], "failed": []}  # reporting in time: left alone
    _taken(post_id)
    _silent(post_id)
    assert jobs.sweep_stalled_jobs() == {"requeued": [], "failed": [post_id]}
    post = _post(post_id)
    assert post.status == PostStatus.ERROR and post.job_token is None
    assert "重新生成" in post.error and "编辑正文" in post.error
    workflow.save_revision(post_id, HUMAN_TEXT, user("editor"))  # the editor takes it from here
    assert _post(post_id).status == PostStatus.DRAFT


def test_a_job_no_worker_took_waits_in_the_queue_without_using_up_attempts(lease_app):
    """Every worker busy, or none running: the job is queued again each lease and never failed for that."""
    post_id = _brief().posts[0].id
    for _ in range(5):
        _silent(post_id)
        assert jobs.sweep_stalled_jobs() == {"requeued": [post_id], "failed": []}
    post = _post(post_id)
    assert post.status == PostStatus.GENERATING and post.job_attempts == 1 and post.job_started_at is None
    _taken(post_id)
    assert _post(post_id).job_started_at is not None


def test_a_variant_left_generating_without_a_job_is_taken_in_by_the_sweep(lease_app):
    post_id = _brief().posts[0].id
    db.session.get(Post, post_id).job_token = None
    db.session.commit()
    db.session.execute(db.update(Post).where(Post.id == post_id)
                       .values(updated_at=utcnow() - timedelta(minutes=5), job_seen_at=None))
    db.session.commit()
    assert jobs.sweep_stalled_jobs()["requeued"] == [post_id]
    assert _post(post_id).job_token is not None


def _corrupt(path: Path) -> str:
    path.write_bytes(b"this is not a SQLite database " * 200)
    return f"sqla+sqlite:///{path}"


@pytest.mark.parametrize("broker", ["corrupt", "redis-down"])
def test_a_broken_queue_is_a_message_and_the_job_is_kept(tmp_path, broker):
    url = _corrupt(tmp_path / "broker.sqlite3") if broker == "corrupt" else f"redis://127.0.0.1:{free_port()}/0"
    app = demo_app(tmp_path / "data", CELERY={"broker_url": url, "broker_connection_timeout": 1,
                                              "broker_transport_options": {"max_retries": 1}})
    with app.app_context():
        add_users("editor")
        post_id = drafted_post().id
    client = app.test_client()
    client.post("/login", data={"username": "editor", "password": PASSWORDS["editor"]})

    response = client.post(f"/posts/{post_id}/regenerate", data={"instruction": "短一点"},
                           headers={"Referer": f"http://localhost/posts/{post_id}"})
    assert response.status_code == 302
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "消息队列暂时不可用" in page
    with app.app_context():
        post = db.session.get(Post, post_id)
        assert post.job_token and post.job_kind == "regenerate" and post.job_attempts == 0
        assert post.job_seen_at < utcnow() - timedelta(seconds=jobs.lease_seconds())  # the sweep's next look

    response = client.post("/briefs/new", data={
        "brand": "chayun", "persona": "xiaocha", "channel": "sandbox-main", "segments": ["newcomer"],
        "key_message": "冬日品鉴会，白牡丹2024上新"})
    assert response.status_code == 302
    assert "消息队列暂时不可用" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        newest = db.session.scalars(db.select(Post).order_by(Post.id.desc())).first()
        assert newest.status == PostStatus.GENERATING and newest.job_token
        with pytest.raises(QueueUnavailable):
            jobs.queue_job(newest.id, newest.job_token, newest.job_kind, newest.job_request)
        assert jobs.sweep_stalled_jobs()["requeued"] == []  # still down: kept for the next look
        assert db.session.get(Post, newest.id).status == PostStatus.GENERATING
        db.engine.dispose()


def test_a_first_draft_job_left_on_a_drafted_variant_is_tidied_away_quietly(lease_app):
    post_id = drafted_post().id  # drafted by hand: its first-draft job was never closed
    _silent(post_id)
    assert jobs.sweep_stalled_jobs() == {"requeued": [], "failed": []}
    post = _post(post_id)
    assert post.status == PostStatus.DRAFT and post.job_token is None
    assert [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.post_id == post_id))] \
        == ["created"]


def test_the_sweep_runs_on_beat_at_the_configured_interval_and_drafting_tasks_back_off_on_a_busy_database(
        tmp_path):
    from sqlalchemy.exc import OperationalError

    from studio.config import build_config
    from studio.task_names import QUEUES, SWEEP_STALLED_GENERATIONS
    from workers import tasks

    config = build_config(environ={"STUDIO_DATA_DIR": str(tmp_path), "STUDIO_GENERATION_SWEEP_INTERVAL": "2",
                                   "STUDIO_GENERATION_LEASE": "7"})
    entry = config["CELERY"]["beat_schedule"]["sweep-stalled-generations"]
    assert entry["task"] == SWEEP_STALLED_GENERATIONS and entry["schedule"] == 2.0
    assert config["STUDIO_GENERATION_LEASE"] == 7.0 and QUEUES[SWEEP_STALLED_GENERATIONS] == "dispatch"
    for task in (tasks.draft_variant, tasks.regenerate_variant):
        assert OperationalError in task.autoretry_for and task.retry_backoff


def test_regenerate_is_refused_while_a_first_draft_is_under_way_and_taken_when_it_went_silent(lease_app):
    post_id = _brief().posts[0].id
    with pytest.raises(InvalidInput, match="初稿还在生成中"):
        briefs.request_regeneration(post_id, user("editor"), "")
    _silent(post_id)
    briefs.request_regeneration(post_id, user("editor"), "短一点")  # queued to this test's broker file
    post = _post(post_id)
    assert post.job_kind == "regenerate" and post.job_request["instruction"] == "短一点"
    generation.regenerate(post_id, user("editor").id, "短一点", post.job_token)  # what the worker runs
    post = _post(post_id)
    assert post.status == PostStatus.DRAFT and post.current_revision is not None and post.job_token is None
