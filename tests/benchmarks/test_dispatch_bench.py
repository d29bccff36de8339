"""`studio bench dispatch`: its figures, and one short run on real processes."""
import json
import os
import subprocess

import pytest

from studio.benchmarks.dispatch import DispatchBenchOptions, _Run, arrival_figures, due_times, percentiles
from tests.support import ROOT, VENV_BIN


def test_percentiles_use_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentiles(values) == {"p50": 50, "p95": 95, "p99": 99, "max": 100}
    assert percentiles([]) == {"p50": None, "p95": None, "p99": None, "max": None}


def test_arrivals_count_duplicates_and_measure_lateness_from_the_first_arrival():
    run = _Run(due={"a": 100.0, "b": 200.0, "c": 300.0},
               arrivals=[(100.25, "a"), (100.9, "a"), (200.05, "b"), (999.0, "not-ours")])
    figures = arrival_figures(run)
    assert figures["arrived"] == 2 and figures["duplicates"] == 1
    assert figures["lateness_ms"]["max"] == 250 and figures["lateness_ms"]["p50"] == 50
    assert figures["within_1s"] == round(2 / 3, 4)  # "c" never came: it counts as late


def test_a_burst_makes_every_delivery_due_in_the_same_second_and_a_window_spreads_them():
    assert due_times(DispatchBenchOptions(deliveries=500, window=30, burst=True), 100.0) == [100.0] * 500
    spread = due_times(DispatchBenchOptions(deliveries=4, window=8), 100.0)
    assert spread == [100.0, 102.0, 104.0, 106.0]


@pytest.mark.slow
def test_a_short_run_with_a_killed_worker_loses_nothing_and_sends_nothing_twice(tmp_path):
    env = {**os.environ, "STUDIO_DATA_DIR": str(tmp_path / "cli"), "PYTHONPATH": str(ROOT)}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)  # the embedded default
    command = [str(VENV_BIN / "studio"), "bench", "dispatch", "--deliveries", "60", "--window", "6",
               "--targets", "5", "--kill-worker", "--baseline", "--json"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["deliveries"] == 60 and result["killed_worker"] is True
    assert result["stack"] == {"database": "sqlite", "broker": "sqla"}
    assert result["duplicates"] == 0 and result["lost"] == 0
    assert result["sent"] + result["unconfirmed"] + result["failed"] == 60
    assert result["sent"] >= 50
    assert set(result["lateness_ms"]) == {"p50", "p95", "p99", "max"}
    assert result["lateness_ms"]["p50"] >= 0  # never before its time
    baseline = result["baseline"]
    assert baseline["deliveries"] == 60 and baseline["sent"] + baseline["lost"] == 60
    assert baseline["lateness_ms"]["p50"] is not None
