"""Start the real local model server for tests (the session fixture ``local_llm`` uses it).

    base_url, process = start_local_model_server(tmp_dir)
    ...
    stop_local_model_server(process)

The assembled .gguf (250 MB) is kept in a cache folder shared by test runs: $STUDIO_MODEL_CACHE, or
~/.cache/community-studio.  ``data_dir`` receives the server's log.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from studio.localmodel import ensure_model_file, server_argv
from tests.support.runtime import free_port

START_TIMEOUT_S = 180


def model_cache_dir() -> Path:
    raw = os.environ.get("STUDIO_MODEL_CACHE")
    return Path(raw).expanduser() if raw else Path.home() / ".cache" / "community-studio"


def models_answer(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
            return response.status == 200 and "data" in json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start_local_model_server(data_dir: Path, *, timeout_s: float = START_TIMEOUT_S
                             ) -> tuple[str, subprocess.Popen]:
    """Prepare the model (cached), start llama.cpp's server on a free loopback port, wait until
    ``/v1/models`` answers; return (base_url ending in /v1, process)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    model = ensure_model_file(model_cache_dir())
    port = free_port()
    log_path = data_dir / f"llm-server-{port}.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(server_argv(model, host="127.0.0.1", port=port), stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()  # the child keeps its own descriptor
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"model server exited with {process.returncode}:\n{tail}")
        if models_answer(base_url):
            return base_url, process
        time.sleep(0.3)
    stop_local_model_server(process)
    raise RuntimeError(f"model server did not answer at {base_url} within {timeout_s:g} s (log: {log_path})")


def stop_local_model_server(process: subprocess.Popen, timeout_s: float = 10) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout_s)
