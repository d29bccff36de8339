"""Large knowledge uploads: the request stages them and answers at once, a worker indexes them, the page follows."""
import io
import shutil
import time
from datetime import timedelta

import pytest

from studio.brands import kits, library, library_jobs
from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import KnowledgeDocument, LibraryJob, utcnow
from tests.support import free_port
from tests.support.app import PASSWORDS, add_users, make_app
from tests.support.runtime import ROOT

BIG_TEXT = ("白牡丹2024仓储手册：茶叶放在阴凉干燥处，避光密封，远离异味。门店每周盘点一次库存，"
            "龙头路店负责鼓浪屿片区的补货。\n").encode() * 3000  # about 370 KB


def _upload(client, *files: tuple[str, bytes]):
    return client.post("/brands/chayun/documents",
                       data={"files": [(io.BytesIO(data), name) for name, data in files]},
                       content_type="multipart/form-data", headers={"Referer": "http://localhost/brands/chayun"})


def _stored(app, kit) -> tuple:
    """Everything an upload could change: the kit's files, the document rows and the indexed chunks."""
    with app.app_context():
        rows = sorted((r.doc_id, r.checksum) for r in db.session.scalars(db.select(KnowledgeDocument)))
        chunks = library.search_playground("chayun", "白牡丹2024 仓储 门店")
        return ({p.name: p.read_bytes() for p in sorted((kit / "knowledge").iterdir())}, rows,
                [(c["chunk_id"], c["text"]) for c in chunks])


def _job(app) -> LibraryJob:
    with app.app_context():
        job = db.session.scalars(db.select(LibraryJob).order_by(LibraryJob.id.desc())).first()
        db.session.expunge_all()
        return job


def test_a_large_upload_answers_at_once_with_a_job_and_changes_nothing_until_a_worker_runs_it(app, client, auth,
                                                                                               kit):
    auth.login("editor")
    before = _stored(app, kit)
    assert len(BIG_TEXT) >= app.config["STUDIO_UPLOAD_INLINE_BYTES"] == 256 * 1024

    started = time.monotonic()
    response = _upload(client, ("仓储手册.txt", BIG_TEXT))
    assert response.status_code == 302 and time.monotonic() - started < 2.0
    job = _job(app)
    assert (job.state, job.stage, job.files, job.in_queue) == ("queued", "queued", ["仓储手册.txt"], True)
    assert (library_jobs_staging(app, job.id) / "仓储手册.txt").read_bytes() == BIG_TEXT
    assert _stored(app, kit) == before
    page = client.get("/brands/chayun").get_data(as_text=True)
    assert "已交给后台建立索引" in page and f'id="library-job-{job.id}"' in page and "排队等待索引" in page
    assert client.get(f"/brands/chayun/library-jobs/{job.id}.json").get_json() == {
        "id": job.id, "state": "queued", "stage": "queued", "fraction": 0.0, "files": ["仓储手册.txt"],
        "queued": True, "documents": None, "chunks": None, "error": "", "label": "排队等待索引"}

    with app.app_context():
        assert library_jobs.run_upload(job.id) == "done"  # what the worker runs
        assert library_jobs.run_upload(job.id) == "done"  # a message delivered twice indexes once
        hits = library.search_playground("chayun", "龙头路店 补货 鼓浪屿片区")
    assert hits[0]["doc_id"] == "仓储手册"
    state = client.get(f"/brands/chayun/library-jobs/{job.id}.json").get_json()
    assert (state["state"], state["stage"], state["fraction"], state["error"]) == ("done", "done", 1.0, "")
    assert state["documents"] == len(before[1]) + 1 and state["chunks"] > 20 and state["label"] == "索引完成"
    assert (kit / "knowledge" / "仓储手册.txt").read_bytes() == BIG_TEXT
    assert not library_jobs_staging(app, job.id).exists()
    page = client.get("/brands/chayun").get_data(as_text=True)
    assert f"已导入：{state['documents']} 篇文档，{state['chunks']} 个片段" in page and "仓储手册" in page


def library_jobs_staging(app, job_id: int):
    with app.app_context():
        return library_jobs.staging_dir(job_id)


def test_a_small_upload_is_still_indexed_in_the_request_without_a_job(app, client, auth, kit):
    auth.login("editor")
    assert _upload(client, ("小文件.txt", "龙头路店九点开门。".encode())).status_code == 302
    assert "已导入" in client.get("/brands/chayun").get_data(as_text=True)
    assert _job(app) is None
    assert (kit / "knowledge" / "小文件.txt").is_file()


def test_the_registered_task_indexes_a_large_upload_when_celery_runs_eagerly(app, client, auth, kit):
    app.extensions["celery"].conf.task_always_eager = True  # the queued task runs here, as a worker would
    app.config["STUDIO_UPLOAD_INLINE_BYTES"] = 1024
    auth.login("editor")
    assert _upload(client, ("仓储手册.txt", BIG_TEXT[:20_000])).status_code == 302
    job = _job(app)
    assert (job.state, job.documents, job.error) == ("done", len(_stored(app, kit)[1]), "")
    assert job.chunks > 0 and not library_jobs_staging(app, job.id).exists()
    with app.app_context():
        assert "仓储手册" in [h["doc_id"] for h in library.search_playground("chayun", "龙头路店 补货")]


BROKEN_DOCX = b"PK\x03\x04" + b"\x00" * 26 + b"not really a zip" * 200


@pytest.mark.parametrize("name, data, reason", [
    ("嵌套.json", b"[" * 50_000 + b"]" * 50_000, "nested 50000 levels deep"),
    ("坏文件.docx", BROKEN_DOCX, "坏文件.docx"),
])
def test_a_large_file_that_does_not_load_fails_its_job_by_name_and_changes_nothing(app, client, auth, kit, name,
                                                                                   data, reason):
    app.config["STUDIO_UPLOAD_INLINE_BYTES"] = 1024
    auth.login("editor")
    before = _stored(app, kit)
    assert _upload(client, (name, data)).status_code == 302
    job = _job(app)
    with app.app_context():
        assert library_jobs.run_upload(job.id) == "failed"
    state = client.get(f"/brands/chayun/library-jobs/{job.id}.json").get_json()
    assert (state["state"], state["stage"], state["documents"], state["label"]) == ("failed", "failed", None,
                                                                                  "索引失败")
    assert reason in state["error"] and state["error"].startswith("品牌资料包有误")
    assert _stored(app, kit) == before
    assert not library_jobs_staging(app, job.id).exists()
    page = client.get("/brands/chayun").get_data(as_text=True)
    assert "索引失败" in page and reason in page


def test_a_large_upload_gets_the_cheap_checks_in_the_request(app, client, auth, kit):
    app.config["STUDIO_UPLOAD_INLINE_BYTES"] = 1024
    auth.login("editor")
    before = _stored(app, kit)
    assert _upload(client, ("大文件.exe", BIG_TEXT)).status_code == 302
    assert _upload(client, ("大文件.txt", BIG_TEXT), ("空.md", b"")).status_code == 302
    page = client.get("/brands/chayun").get_data(as_text=True)
    assert "不支持的文件类型" in page and "空.md：文件是空的" in page
    assert _job(app) is None and _stored(app, kit) == before


def test_another_brands_job_answers_404(app, client, auth, kit, tmp_path):
    with app.app_context():
        kits.import_brand_kit(library.copy_kit(ROOT / "tests" / "data" / "kits" / "yagu", tmp_path, "yagu"))
        yagu = kits.get_brand("yagu")
        other = LibraryJob(brand_id=yagu.id, files=["芽谷.txt"], total_bytes=300_000, state="done", stage="done",
                           fraction=1.0, documents=3, chunks=9, error="", in_queue=True)
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    auth.login("editor")  # a member of chayun only
    assert client.get(f"/brands/yagu/library-jobs/{other_id}.json").status_code == 404
    assert client.get(f"/brands/chayun/library-jobs/{other_id}.json").status_code == 404
    assert client.get("/brands/chayun/library-jobs/99999.json").status_code == 404
    assert "芽谷.txt" not in client.get("/brands/chayun").get_data(as_text=True)


def test_a_job_the_broker_cannot_take_waits_and_the_sweep_queues_it_when_the_broker_is_back(tmp_path):
    app = make_app(tmp_path / "data", STUDIO_UPLOAD_INLINE_BYTES=1024,
                   CELERY={"broker_url": f"redis://127.0.0.1:{free_port()}/0", "broker_connection_timeout": 1,
                           "broker_transport_options": {"max_retries": 1}})
    target = tmp_path / "kit"
    shutil.copytree(DEMO_KIT, target)
    with app.app_context():
        kits.import_brand_kit(target)
        add_users("editor")
    client = app.test_client()
    client.post("/login", data={"username": "editor", "password": PASSWORDS["editor"]})
    assert _upload(client, ("仓储手册.txt", BIG_TEXT[:20_000])).status_code == 302
    page = client.get("/brands/chayun").get_data(as_text=True)
    assert "消息队列暂时不可用" in page and "消息队列恢复后开始" in page
    job = _job(app)
    assert (job.state, job.in_queue) == ("queued", False)
    with app.app_context():
        assert library_jobs.sweep_library_jobs()["requeued"] == []  # still down: kept for the next look
        app.extensions["celery"].conf.task_always_eager = True  # the broker is back, and runs it here
        assert library_jobs.sweep_library_jobs()["requeued"] == [job.id]
        assert db.session.get(LibraryJob, job.id).state == "done"
        db.engine.dispose()


def test_a_running_job_whose_worker_went_silent_is_failed_by_the_sweep(app, kit):
    with app.app_context():
        brand = kits.get_brand("chayun")
        job = LibraryJob(brand_id=brand.id, files=["x.txt"], total_bytes=300_000, state="running",
                         stage="indexing", fraction=0.3, error="", in_queue=True,
                         updated_at=utcnow() - timedelta(hours=2))
        db.session.add(job)
        db.session.commit()
        assert library_jobs.sweep_library_jobs() == {"requeued": [], "failed": [job.id]}
        job = db.session.get(LibraryJob, job.id, populate_existing=True)
        assert job.state == "failed" and "stopped" in job.error


def test_jobs_are_routed_to_the_slow_workers_and_waiting_ones_are_queued_again_by_beat(tmp_path):
    from studio.config import build_config
    from studio.task_names import INDEX_LIBRARY_UPLOAD, QUEUE_WAITING_UPLOADS, QUEUES

    config = build_config({"STUDIO_DATA_DIR": str(tmp_path)},
                          environ={"STUDIO_UPLOAD_INLINE_BYTES": "1000000", "STUDIO_GENERATION_SWEEP_INTERVAL": "4"})
    assert config["STUDIO_UPLOAD_INLINE_BYTES"] == 1_000_000
    assert build_config({"STUDIO_DATA_DIR": str(tmp_path)}, environ={})["STUDIO_UPLOAD_INLINE_BYTES"] == 262_144
    entry = config["CELERY"]["beat_schedule"]["queue-waiting-uploads"]
    assert (entry["task"], entry["schedule"]) == (QUEUE_WAITING_UPLOADS, 4.0)
    assert (QUEUES[INDEX_LIBRARY_UPLOAD], QUEUES[QUEUE_WAITING_UPLOADS]) == ("drafts", "dispatch")


def test_jobs_on_the_brand_page_in_english_show_no_chinese_outside_brand_material(app, client, auth, kit):
    from tests.web.test_english_ui import stray_chinese

    with app.app_context():
        brand_id = kits.get_brand("chayun").id
        common = {"brand_id": brand_id, "total_bytes": 300_000}
        db.session.add_all([
            LibraryJob(files=["仓储手册.txt"], state="done", stage="done", fraction=1.0, documents=29, chunks=117,
                       error="", in_queue=True, **common),
            LibraryJob(files=["嵌套.json"], state="failed", stage="failed", fraction=1.0, in_queue=True,
                       error="品牌资料包有误 / invalid brand kit: 嵌套.json: nested 50000 levels deep", **common),
            LibraryJob(files=["等待.txt"], state="queued", stage="queued", fraction=0.0, error="", in_queue=False,
                       **common)])
        db.session.commit()
    auth.login("editor")
    client.get("/lang/en")
    page = client.get("/brands/chayun").get_data(as_text=True)
    assert "Imported 29 documents, 117 chunks" in page and "Indexing failed" in page
    assert "Invalid brand kit:" in page
    assert "starts when the task queue is back" in page and "Waiting to be indexed" in page
    assert stray_chinese(page) == []
    assert _upload(client, ("仓储手册.txt", BIG_TEXT)).status_code == 302
    page = client.get("/brands/chayun").get_data(as_text=True)
    assert "being indexed in the background" in page and stray_chinese(page) == []
