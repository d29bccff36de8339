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
from studio.models import User

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class BriefBenchOptions:
    brand: str = "chayun"
    runs: int = 3
    brief: str = "冬日品鉴会每周五晚8点开席，这周对比白牡丹2024和白牡丹2021，欢迎茶友提前备好盖碗。"
    timeout_s: float = 120.0


def _editor() -> User:
    editor = db.session.scalar(db.select(User).where(User.role.in_(("editor", "admin"))).order_by(User.id))
    if editor is None:
        raise RuntimeError("no editor login: run `studio demo setup` or `studio user create` first")
    return editor


def _post_brief(client, brand, options: BriefBenchOptions) -> int:
    page = client.get(f"/briefs/new?brand={brand.slug}").get_data(as_text=True)
    token = _CSRF.search(page)
    form = {"brand": brand.slug, "persona": brand.personas[0].slug, "channel": brand.channels[0].slug,
            "segments": [segment.slug for segment in brand.segments], "key_message": options.brief,
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


def run_brief_bench(options: BriefBenchOptions, progress=lambda message: None) -> dict:
    app = current_app._get_current_object()
    brand = kits.get_brand(options.brand)
    editor_id = _editor().id
    seconds, failed = [], 0
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as folder:
        processes = CeleryProcesses({}, Path(folder))
        try:
            processes.start_worker("drafter", concurrency=2, queues="drafts")
            processes.wait_ready(["drafter"])
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = str(editor_id)
                session["_fresh"] = True
            for run in range(options.runs):
                started = time.monotonic()
                brief_id = _post_brief(client, brand, options)
                done = _wait_drafted(client, brief_id, started + options.timeout_s)
                seconds.append(time.monotonic() - started)
                failed += done["failed"]
                progress(f"run {run + 1}: {len(brand.segments)} variants in {seconds[-1]:.2f} s")
        finally:
            processes.stop()
    return {"brand": brand.slug, "segments": len(brand.segments), "runs": len(seconds),
            "seconds": [round(s, 2) for s in seconds], "median_s": round(statistics.median(seconds), 2),
            "max_s": round(max(seconds), 2), "failed_variants": failed,
            "model": app.config["STUDIO_LLM_MODEL"], "drafting": app.config["STUDIO_DRAFTING"]}
