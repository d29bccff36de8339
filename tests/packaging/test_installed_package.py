"""A plain install of the studio (a wheel, no checkout beside it) serves every page."""
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT


def test_a_wheel_installed_without_the_checkout_serves_every_page(tmp_path):
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(wheels), str(ROOT)], check=True, cwd=tmp_path)
    wheel = next(wheels.glob("community_content_studio-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, cwd=tmp_path)
    # The installed copy comes first; the studio's dependencies still come from this environment.
    env = {**os.environ, "PYTHONPATH": str(target), "STUDIO_DATA_DIR": str(tmp_path / "data")}
    run = subprocess.run([sys.executable, str(Path(__file__).with_name("serve_installed.py")),
                          str(tmp_path / "data")], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(result["studio"]).is_relative_to(target)
    assert Path(result["templates"]).is_relative_to(target)
    assert result["commands"] == {"db upgrade": 0, "demo setup": 0}
    assert len(result["status"]) >= 12
    assert {page: code for page, code in result["status"].items() if code != 200} == {}
