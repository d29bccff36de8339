"""`make run` keeps the model server's loading log off the terminal and prints the logins once all answer."""
import os
import subprocess
import sys
import time

import pytest

from tests.support import ROOT
from tests.support.local_model import model_cache_dir, models_answer, stop_local_model_server
from tests.support.runtime import free_port

CHILD = """
import os, sys
from pathlib import Path
from studio.localmodel import redirect_output
print("before", flush=True)
redirect_output(Path(sys.argv[1]))
print("after", flush=True)
os.execv("/bin/sh", ["sh", "-c", "echo child-out; echo child-err >&2"])
"""


def _run(log_file):
    return subprocess.run([sys.executable, "-c", CHILD, str(log_file)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_the_model_servers_output_goes_to_its_log_file_and_the_previous_log_is_kept(tmp_path):
    log_file = tmp_path / "logs" / "model.log"
    first = _run(log_file)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "before\n" and first.stderr == "", "nothing after the redirect reaches the terminal"
    assert log_file.read_text().split() == ["after", "child-out", "child-err"], "the exec'd server writes there"
    log_file.write_text("the first run's log\n")
    second = _run(log_file)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "logs" / "model.log.1").read_text() == "the first run's log\n"
    assert "child-out" in log_file.read_text()


def test_procfile_sends_the_model_log_to_the_data_folder_and_prints_the_logins_when_ready():
    entries = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert "--log-file ${STUDIO_DATA_DIR:-var}/logs/model.log" in entries["model"]
    assert entries["ready"].endswith("studio demo ready --stay"), "it must not exit: honcho would stop the rest"
    assert "STUDIO_WARM_UP=1" in entries["web"]
    assert "model.log" in (ROOT / "Makefile").read_text()


@pytest.mark.slow
def test_serve_with_a_log_file_prints_one_line_and_the_server_logs_to_the_file(tmp_path):
    cache = model_cache_dir()
    from studio.localmodel import ensure_model_file

    ensure_model_file(cache)
    port = free_port()
    log_file = tmp_path / "model.log"
    env = {**os.environ, "STUDIO_LLM_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "studio.localmodel", "serve", "--data-dir", str(cache),
                                "--log-file", str(log_file)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not models_answer(f"http://127.0.0.1:{port}/v1"):
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.3)
    finally:
        stop_local_model_server(process)
    out, err = process.communicate(timeout=30)
    assert out == ""
    # runpy's warning about running a module of an imported package is Python's, not the server's.
    lines = [line for line in err.splitlines() if "RuntimeWarning" not in line]
    assert len(lines) == 1 and lines[0].endswith(f"its log: {log_file}")
    log = log_file.read_text(errors="replace")
    assert log.count("\n") > 50 and "llama" in log.lower()
