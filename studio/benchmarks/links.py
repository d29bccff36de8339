"""`studio bench links`: a burst of clicks on tracked links through the web app as `make run` serves it.

The run uses the database the environment names (SQLite in a throwaway folder when it names none), makes
L links, starts the web process as the Procfile does (gunicorn), and sends N requests from C concurrent clients as fast as
they go: people with their own browser strings (some clicking twice) and link previews. It then reads the
counters back: every answered request must be counted, as a person or a robot, and every person once.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import requests

from studio.benchmarks.dispatch import percentiles
from studio.benchmarks.processes import PROJECT_ROOT

PREVIEW = "TelegramBot (like TwitterBot)"
PERSON = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Mobile/15E148 MicroMessenger/8.0.49 NetType/WIFI Language/zh_CN reader/{n}")


@dataclass
class LinkBenchOptions:
    clicks: int = 5000
    concurrency: int = 16
    links: int = 20
    preview_share: float = 0.2  # of requests that are link previews
    repeat_share: float = 0.25  # of people who click a second time


def run_link_bench(options: LinkBenchOptions, progress=lambda message: None) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="studio-bench-links-"))
    env = {**os.environ, "STUDIO_DATA_DIR": str(workdir), "PYTHONPATH": str(PROJECT_ROOT)}
    server = None
    try:
        tokens = _prepare(env, options.links)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(["bash", "-c", web_command()], cwd=PROJECT_ROOT, start_new_session=True,
                                  env={**env, "STUDIO_BASE_URL": base, "STUDIO_PORT": str(port)},
                                  stdout=open(workdir / "web.log", "ab"), stderr=subprocess.STDOUT)
        _wait_for(base + "/health", server, workdir / "web.log")
        _wait_until_idle(server.pid)  # each process loads jieba and the index as it starts
        plan = _plan(options, tokens)
        progress(f"{len(plan)} requests from {options.concurrency} clients on {len(tokens)} links")
        started, cpu_before = time.perf_counter(), _group_cpu_seconds(server.pid)
        answers = asyncio.run(_send_all(base, plan, options.concurrency))
        elapsed = time.perf_counter() - started
        web_cpu = _group_cpu_seconds(server.pid) - cpu_before
        counted = _counted(env)
        answered = [a for a in answers if a[0] == 302]
        people = {(token, agent) for (token, agent), a in zip(plan, answers) if a[0] == 302 and agent != PREVIEW}
        expected_people = sum(1 for (token, agent), a in zip(plan, answers) if a[0] == 302 and agent != PREVIEW)
        return {
            "requests": len(plan), "answered": len(answered), "errors": len(plan) - len(answered),
            "seconds": round(elapsed, 2), "clicks_per_second": round(len(answered) / elapsed, 1),
            "latency_ms": percentiles([a[1] for a in answered]),
            # What a click costs the web processes, whatever else the machine is busy with.
            "web_cpu_ms_per_click": round(web_cpu * 1000 / max(len(answered), 1), 2),
            "counted_people": counted["clicks"], "expected_people": expected_people,
            "counted_unique": counted["unique"], "expected_unique": len(people),
            "counted_robots": counted["bots"], "expected_robots": len(answered) - expected_people,
            "lost": len(answered) - counted["clicks"] - counted["bots"],
            "database": counted["database"], "concurrency": options.concurrency,
        }
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def web_command() -> str:
    """The web process exactly as the Procfile starts it under `make run`."""
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return "exec " + line.removeprefix("web:").strip()
    raise RuntimeError("the Procfile has no web process")


def _plan(options: LinkBenchOptions, tokens: list[str]) -> list[tuple[str, str]]:
    """Requests in a fixed order: person n on link n % L, a share of them twice, previews in between."""
    plan, person = [], 0
    preview_every = round(1 / options.preview_share) if options.preview_share else 0
    repeat_every = round(1 / options.repeat_share) if options.repeat_share else 0
    while len(plan) < options.clicks:
        token = tokens[person % len(tokens)]
        if preview_every and len(plan) % preview_every == preview_every - 1:
            plan.append((token, PREVIEW))
        elif repeat_every and person % repeat_every == 1 and plan and plan[-1][1] == PERSON.format(n=person - 1):
            plan.append((tokens[(person - 1) % len(tokens)], plan[-1][1]))  # the same reader again
            person += 1
        else:
            plan.append((token, PERSON.format(n=person)))
            person += 1
    return plan


async def _send_all(base: str, plan: list[tuple[str, str]], concurrency: int) -> list[tuple[int, float]]:
    """Every request of the plan, at most `concurrency` at once, each without cookies (its own reader)."""
    slots = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=True)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     timeout=aiohttp.ClientTimeout(total=30)) as session:
        async def click(token: str, agent: str) -> tuple[int, float]:
            async with slots:
                started = time.perf_counter()
                try:
                    async with session.get(f"{base}/l/{token}", headers={"User-Agent": agent},
                                           allow_redirects=False) as answer:
                        await answer.read()
                        status = answer.status
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    status = 0
                return status, (time.perf_counter() - started) * 1000

        return await asyncio.gather(*(click(token, agent) for token, agent in plan))


def _prepare(env: dict, count: int) -> list[str]:
    script = ("from studio import create_app, links\nfrom studio.extensions import db\n"
              "from flask_migrate import upgrade\napp = create_app()\n"
              "with app.app_context():\n    upgrade(directory=str(app.extensions['migrate'].directory))\n"
              f"    tokens = [links.create_link(f'https://shop.example.com/item/{{n}}?from=group').token"
              f" for n in range({count})]\n    db.session.commit()\n    print(' '.join(tokens))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"could not prepare the links: {result.stderr[-2000:]}")
    return result.stdout.split()


def _counted(env: dict) -> dict:
    script = ("import json\nfrom studio import create_app\nfrom studio.extensions import db\n"
              "from studio.models import ShortLink\napp = create_app()\nwith app.app_context():\n"
              "    row = db.session.execute(db.select(db.func.sum(ShortLink.clicks), db.func.sum(ShortLink.unique_clicks),"
              " db.func.sum(ShortLink.bot_clicks))).one()\n"
              "    print(json.dumps({'clicks': row[0] or 0, 'unique': row[1] or 0, 'bots': row[2] or 0,"
              " 'database': db.engine.dialect.name}))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"could not read the counts: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the web app exited before it answered: {log.read_text(errors='replace')[-1500:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the web app did not answer {url} within {timeout:.0f} s")


def _wait_until_idle(group: int, timeout: float = 90.0) -> None:
    """Until the processes of the group use less than a tenth of a core for a second."""
    deadline = time.monotonic() + timeout
    last = _group_cpu_seconds(group)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = _group_cpu_seconds(group)
        if now - last < 0.1:
            return
        last = now


def _group_cpu_seconds(group: int) -> float:
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # the process group id
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
