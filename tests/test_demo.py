"""`make demo`'s script runs end to end and writes its HTML report and JSON summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.py"

pytest.importorskip("sklearn")
pytest.importorskip("plotly")


def run_demo(tmp_path: Path, n_trials: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(DEMO),
            "--n-trials",
            str(n_trials),
            "--storage",
            f"sqlite:///{tmp_path / 'demo.db'}",
            "--report-dir",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_demo_writes_report_and_summary(tmp_path: Path) -> None:
    done = run_demo(tmp_path, n_trials=4)
    assert done.returncode == 0, done.stderr[-3000:]
    html = tmp_path / "out" / "demo_report.html"
    summary = tmp_path / "out" / "demo_summary.json"
    assert f"Report: {html}" in done.stdout
    assert f"Summary: {summary}" in done.stdout
    page = html.read_text(encoding="utf-8")
    assert "<h1>Study digits-sgd</h1>" in page and 'data-figure="optimization_history"' in page
    data = json.loads(summary.read_text())
    assert data["study_name"] == "digits-sgd"
    assert data["study"]["n_trials"] == 4
    assert data["directions"] == ["maximize"]
    assert set(data["best_params"]) >= {"loss", "penalty", "alpha", "learning_rate", "eta0"}
    # Run again: the same study continues and the report covers all its trials.
    again = run_demo(tmp_path, n_trials=1)
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads(summary.read_text())["study"]["n_trials"] == 5
