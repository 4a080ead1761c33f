"""benchmarks/mo_core.py runs end to end in its smoke-test mode (as a subprocess), so the
harness that measures non-dominated sorting and hypervolume against Optuna cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_mo_core_quick_run_agrees_with_optuna() -> None:
    pytest.importorskip("optuna")
    proc = subprocess.run(
        [sys.executable, "benchmarks/mo_core.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| 1,000 |")]
    # 2 and 3 objectives x uniform and concave points x rank and hypervolume.
    assert len(rows) == 8
    assert all(row.rstrip().endswith("| yes |") for row in rows)
    assert all(row.split("|")[8].strip().endswith("x") for row in rows)
