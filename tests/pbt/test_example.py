"""examples/pbt_digits.py and benchmarks/pbt.py run end to end with a small budget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.slow
def test_example_runs_and_resumes(tmp_path: Path) -> None:
    out = _run("examples/pbt_digits.py", "--quick", "--out", str(tmp_path), "--n-jobs", "1")
    assert "Budget: 160 training steps per method" in out
    assert out.count("\n") >= 10
    lines = out.splitlines()
    pbt_row = next(line for line in lines if line.startswith("PBT "))
    random_row = next(line for line in lines if line.startswith("random search"))
    assert len(pbt_row.split()) == 6 and len(random_row.split()) == 7
    schedule = lines[lines.index(next(x for x in lines if x.startswith("Schedule"))) + 2 :]
    assert [row.split()[0] for row in schedule] == ["0-10", "10-20", "20-30", "30-40"]
    assert (tmp_path / "pbt.db").is_file() and (tmp_path / "checkpoints").is_dir()
    # The same --out resumes: PBT's study is complete, so its result is read back unchanged.
    again = _run("examples/pbt_digits.py", "--quick", "--out", str(tmp_path), "--n-jobs", "1")
    assert again.splitlines()[2].split()[:5] == pbt_row.split()[:5]


@pytest.mark.slow
def test_benchmark_quick_run_prints_the_table() -> None:
    out = _run("benchmarks/pbt.py", "--quick", "--n-jobs", "1")
    assert "| seed | method | val loss | val acc | test loss | test acc | seconds |" in out
    assert out.count("| mean ± se |") == 2
    assert "lower validation loss in" in out
