"""How long an editor waits for a brief: from posting the web form until the last variant is in the
editor, with a real drafter worker (as `make run` starts it) on the database, broker, index and model the
environment names."""
from __future__ import annotations

import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from studio.benchmarks.processes import CeleryProcesses
from studio.brands import kits
from studio.extensions import db
from studio.models import Post, User

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Celery's line for a finished task: "Task drafting.draft_variant[<id>] succeeded in 0.52s: None".
_TASK_DONE = re.compile(r"Task drafting\.draft_variant\[[^\]]+\] succeeded in ([0-9.]+)s")


# Another brief each run, as an editor's week brings: what one brief ranked, the next reuses only in part.
DEMO_BRIEFS = (
    "冬日品鉴会每周五晚8点开席，这周对比白牡丹2024和白牡丹2021，欢迎茶友提前备好盖碗。",
    "大红袍2025到货了，陈师傅说新焙的岩茶放三个月再喝，用100℃沸水快出汤。",
    "冬至煮一壶寿眉饼2019，先冲泡四五道再煮，欢迎晒出你的围炉茶席。",
    "三坊七巷店月末周五线下品鉴会报名接龙，限12人，欢迎带朋友来。",
    "正山小种2025适合冬天调一杯热奶茶，欢迎大家晒出成品参与打卡。",
)


@dataclass
class BriefBenchOptions:
    brand: str = "chayun"
    runs: int = 3
    brief: str = ""  # the same brief every run; by default another of DEMO_BRIEFS each run
    timeout_s: float = 120.0

    def brief_for(self, run: int) -> str:
        return self.brief or DEMO_BRIEFS[run % len(DEMO_BRIEFS)]


def _editor(brand) -> User:
    """The first login that may write briefs for the brand: one of its editors or admins, or a site admin."""
    for user in db.session.scalars(db.select(User).order_by(User.id)):
        if user.can("editor", brand_id=brand.id):
            return user
    raise RuntimeError(f"no editor of {brand.slug}: run `studio demo setup`, or "
                       f"`studio member add USER --brand {brand.slug} --role editor`")


def _post_brief(client, brand, text: str) -> int:
    page = client.get(f"/briefs/new?brand={brand.slug}").get_data(as_text=True)
    token = _CSRF.search(page)
    form = {"brand": brand.slug, "persona": brand.personas[0].slug, "channel": brand.channels[0].slug,
            "segments": [segment.slug for segment in brand.segments], "key_message": text,
            "csrf_token": token.group(1) if token else ""}
    response = client.post("/briefs/new", data=form)
    if response.status_code != 302:
        raise RuntimeError(f"the brief form answered {response.status_code}")
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def _wait_drafted(client, brief_id: int, deadline: float) -> dict:
    while time.monotonic() < deadline:
        progress = client.get(f"/briefs/{brief_id}/progress.json").get_json()
        if progress["done"] == progress["total"]:
            return progress
        time.sleep(0.05)
    raise RuntimeError(f"brief {brief_id} was not drafted in time")


def _wait_warmed_up(processes: CeleryProcesses, pool: int, deadline: float) -> None:
    """Until each pool process has loaded the index, the lint and the ranking model, as `make run` does
    before anyone posts a brief."""
    while processes.log("drafter").count("ready to draft") < pool:
        if time.monotonic() > deadline:
            raise RuntimeError("the drafter did not warm up: " + processes.log("drafter")[-2000:])
        time.sleep(0.1)


def run_brief_bench(options: BriefBenchOptions, progress=lambda message: None) -> dict:
    app = current_app._get_current_object()
    brand = kits.get_brand(options.brand)
    editor_session = _editor(brand).get_id()  # the session id Flask-Login keeps: user and session epoch
    seconds, failed, brief_ids = [], 0, []
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as folder:
        processes = CeleryProcesses({"STUDIO_WORKER_WARM_UP": "drafting"}, Path(folder))
        try:
            processes.start_worker("drafter", concurrency=2, queues="drafts")
            processes.wait_ready(["drafter"])
            _wait_warmed_up(processes, pool=2, deadline=time.monotonic() + 120)
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = editor_session
                session["_fresh"] = True
            for run in range(options.runs):
                started = time.monotonic()
                brief_id = _post_brief(client, brand, options.brief_for(run))
                brief_ids.append(brief_id)
                try:
                    done = _wait_drafted(client, brief_id, started + options.timeout_s)
                except RuntimeError as exc:
                    raise RuntimeError(f"{exc}; the drafter's log ends with:\n{processes.log('drafter')[-3000:]}") from None
                seconds.append(time.monotonic() - started)
                failed += done["failed"]
                progress(f"run {run + 1}: {len(brand.segments)} variants in {seconds[-1]:.2f} s")
        finally:
            task_seconds = sorted(float(found) for found in _TASK_DONE.findall(processes.log("drafter")))
            processes.stop()
    return {"brand": brand.slug, "segments": len(brand.segments), "runs": len(seconds),
            "seconds": [round(s, 2) for s in seconds], "median_s": round(statistics.median(seconds), 2),
            "max_s": round(max(seconds), 2), "failed_variants": failed,
            # Each variant's task in the worker, the wait for a free worker and the broker's polling left out.
            "variant_p50_s": _nearest_rank(task_seconds, 0.5), "variant_p95_s": _nearest_rank(task_seconds, 0.95),
            "unranked_variants": _unranked(brief_ids),
            "model": app.config["STUDIO_LLM_MODEL"], "drafting": app.config["STUDIO_DRAFTING"]}


def _unranked(brief_ids: list[int]) -> int:
    """Variants chosen without the ranking model (it was down, too slow, or none was configured): a fast
    figure that left the model out measures another studio than the one users run."""
    db.session.expire_all()
    generations = [post.generation or {} for post in
                   db.session.scalars(db.select(Post).where(Post.brief_id.in_(brief_ids)))]
    # ranking notes a model that did not answer ("排序模型不可用…", "排序模型超时…")
    return sum(1 for meta in generations if not meta.get("ranker") or "排序模型" in str(meta.get("note", "")))


def _nearest_rank(values: list[float], share: float) -> float | None:
    return round(values[min(len(values) - 1, max(0, round(share * len(values)) - 1))], 2) if values else None
