"""Real `celery worker` and `celery beat` processes, started the way the Procfile starts them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
CELERY = str(Path(sys.executable).parent / "celery")


class CeleryProcesses:
    """Each process in its own session, so a SIGKILL takes the worker and its pool children together."""

    def __init__(self, env: dict, log_dir: Path):
        self.env = {**os.environ, **env, "PYTHONPATH": str(PROJECT_ROOT)}
        self.log_dir = Path(log_dir)
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")
        proc = subprocess.Popen([CELERY, "-A", "workers.make_celery", *args], cwd=PROJECT_ROOT, env=self.env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def start_worker(self, name: str = "worker", concurrency: int = 2, queues: str = "drafts,dispatch,send",
                     loglevel: str = "INFO") -> subprocess.Popen:
        return self.start(name, "worker", "--queues", queues, "--concurrency", str(concurrency),
                          "--loglevel", loglevel, "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h",
                          "--without-gossip", "--without-mingle", "--without-heartbeat")

    def start_beat(self, loglevel: str = "INFO") -> subprocess.Popen:
        return self.start("beat", "beat", "--loglevel", loglevel,
                          "--schedule", str(self.log_dir / "celerybeat-schedule"))

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_ready(self, names, timeout: float = 60.0) -> None:
        """Until each worker logs that it is ready; a worker that exits first is an error."""
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            for name in list(waiting):
                if self.procs[name].poll() is not None:
                    raise RuntimeError(f"celery process {name} exited: {self.log(name)[-2000:]}")
                if " ready." in self.log(name):
                    waiting.discard(name)
            time.sleep(0.2)
        if waiting:
            raise RuntimeError(f"celery processes not ready after {timeout:.0f}s: {sorted(waiting)}")

    def kill(self, name: str) -> None:
        """A crash, not a shutdown: SIGKILL to the worker and its pool, nothing gets to clean up."""
        proc = self.procs[name]
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
