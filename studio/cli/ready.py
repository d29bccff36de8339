"""`studio demo ready`: wait until the web app and the model answer, then print the address and the logins.

`make run` starts it beside the other processes, so the address and the logins come again after the
servers' start-up logs instead of being buried under them.
"""
from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext

from studio.auth import DEMO_USERS, demo_logins

POLL_INTERVAL_S = 1.0


def answers(url: str, *, headers: dict | None = None, timeout_s: float = 2.0) -> bool:
    """Whether a GET of the URL comes back 200 with a JSON body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            json.loads(response.read() or b"null")
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until_answering(checks: dict[str, Callable[[], bool]], *, timeout_s: float,
                         interval_s: float = POLL_INTERVAL_S, clock=time.monotonic, sleep=time.sleep
                         ) -> list[str]:
    """Poll each check until all have answered once or the time is up; the names that never answered."""
    waiting = dict(checks)
    deadline = clock() + timeout_s
    while True:
        for name, check in list(waiting.items()):
            if check():
                del waiting[name]
        if not waiting or clock() >= deadline:
            return list(waiting)
        sleep(interval_s)


def login_lines() -> list[str]:
    """One line per demo login: with its password while it is still the documented one, else without."""
    unchanged = {username for username, _role, _password in demo_logins()}
    lines = []
    for username, role, password in DEMO_USERS:
        if username in unchanged:
            lines.append(f"    {role:<8} {username} / {password}")
        else:
            lines.append(f"    {role:<8} {username}  (密码已修改或账号不存在 / password changed or no such user)")
    return lines


def _default_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('STUDIO_PORT') or 5000}"


@click.command("ready")
@click.option("--url", default=None, help="the web app's address (default: http://127.0.0.1:$STUDIO_PORT)")
@click.option("--timeout", "timeout_s", default=900.0, show_default=True, help="seconds to wait")
@click.option("--model-log", type=click.Path(path_type=Path), default=None,
              help="where the model server writes its log (default: $STUDIO_DATA_DIR/logs/model.log)")
@click.option("--stay", is_flag=True,
              help="keep running once it has printed, so a process manager does not stop the rest")
@with_appcontext
def ready_command(url: str | None, timeout_s: float, model_log: Path | None, stay: bool):
    """Wait until the web app and the model answer, then print the address and the demo logins."""
    config = current_app.config
    url = (url or _default_url()).rstrip("/")
    model_url = config["OPENAI_BASE_URL"].rstrip("/") + "/models"
    model_headers = {"Authorization": f"Bearer {config['OPENAI_API_KEY']}"}
    model_log = model_log or Path(config["STUDIO_DATA_DIR"]) / "logs" / "model.log"
    missing = wait_until_answering({
        "web": lambda: answers(url + "/health"),
        "model": lambda: answers(model_url, headers=model_headers),
    }, timeout_s=timeout_s)

    click.echo("")
    if missing:
        for name in missing:
            where = f"{url}/health" if name == "web" else f"{model_url}（日志 / log: {model_log}）"
            click.echo(f"  ✗ {name} 在 {timeout_s:.0f} 秒内没有应答 / did not answer within {timeout_s:.0f} s: {where}")
    else:
        click.echo(f"  ✓ 社群内容工作台已就绪 / Community Content Studio is ready: {url}")
        click.echo(f"    沙盒群 / sandbox group chat: {url}/sandbox")
    try:
        lines = login_lines()
    except Exception:  # noqa: BLE001  a database that is not migrated yet: the address is still worth printing
        lines = []
    if lines:
        click.echo("  演示账号 / demo logins:")
        for line in lines:
            click.echo(line)
    click.echo(f"  模型日志 / model log: {model_log}")
    click.echo("")
    if stay:
        try:
            while True:
                signal.pause()
        except KeyboardInterrupt:
            pass
