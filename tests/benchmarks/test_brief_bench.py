"""`studio bench brief`: one run through the web form and a real drafter worker."""
import json
import os
import subprocess

import pytest

from tests.support import ROOT, VENV_BIN, free_port


@pytest.mark.slow
def test_a_brief_posted_through_the_form_is_drafted_for_every_segment(tmp_path):
    env = {**os.environ, "STUDIO_DATA_DIR": str(tmp_path / "cli"), "PYTHONPATH": str(ROOT),
           # No model answers here: drafts are composed and ranked by their facts, and say so.
           "OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1", "STUDIO_LLM_MODEL": "gemma-3-270m"}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)  # the embedded default
    studio = str(VENV_BIN / "studio")
    for setup in (["db", "upgrade"], ["demo", "setup"]):
        done = subprocess.run([studio, *setup], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
    done = subprocess.run([studio, "bench", "brief", "--runs", "1", "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["brand"] == "chayun" and result["segments"] == 6 and result["runs"] == 1
    assert result["failed_variants"] == 0 and result["drafting"] == "auto"
    assert 0 < result["median_s"] == result["max_s"] == result["seconds"][0]
    # the figure says it left the ranking model out, and the command warns
    assert result["unranked_variants"] == 6
    assert "drafted without the ranking model" in done.stderr
