"""The benchmark scripts run end to end (as subprocesses, in their smoke-test modes).

They are how every sampler claim is measured, so they must not rot between measurements.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.slow
def test_efficiency_quick_run_ranks_every_optimizer(tmp_path: Path) -> None:
    names = ["ridgeline-tpe", "ridgeline-gp", "ridgeline-cmaes", "ridgeline-auto", "optuna-tpe"]
    out = tmp_path / "runs.json"
    text = _run("benchmarks/efficiency.py", "--quick", "--out", str(out), "--optimizers", *names)
    summary = text[text.index("| optimizer |") :]
    for name in names:
        assert f"| {name} |" in summary
    runs = json.loads(out.read_text())["runs"]
    # --quick: 3 problems x 2 seeds per optimizer, each run 30 evaluations long.
    assert len(runs) == 3 * 2 * len(names)
    assert all(len(r["values"]) == 30 for r in runs)
    again = _run("benchmarks/efficiency.py", "--from-json", str(out))
    assert summary.splitlines()[:7] == again[again.index("| optimizer |") :].splitlines()[:7]


@pytest.mark.slow
def test_overhead_quick_run_prints_ratios() -> None:
    text = _run("benchmarks/overhead.py", "--quick", "--optimizers", "ridgeline-tpe", "optuna-tpe")
    rows = [line for line in text.splitlines() if line.startswith("| ridgeline-tpe | optuna-tpe")]
    assert len(rows) == 2
    assert all(row.split("|")[6].strip().endswith("x") for row in rows)
