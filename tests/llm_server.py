"""Start the real llama.cpp server with the packaged Gemma model for tests."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from studio.localmodel import ensure_model_file, server_argv
from tests.support import free_port

MODEL_CACHE = Path(os.environ.get("STUDIO_MODEL_CACHE") or Path.home() / ".cache" / "community-studio")


def start_local_model_server(data_dir: Path):
    model = ensure_model_file(MODEL_CACHE)
    port = free_port()
    log = open(Path(data_dir) / "llm-server.log", "ab")
    process = subprocess.Popen(server_argv(model, port=port), stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama.cpp server exited with {process.returncode}; see {log.name}")
        try:
            if requests.get(base_url + "/models", timeout=2).ok:
                return base_url, process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError("llama.cpp server did not start within 120 s")
