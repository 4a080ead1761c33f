"""examples/multi_fidelity.py runs as a user would run it: a subprocess on a SQLite file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ridgeline

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multi_fidelity.py"


@pytest.mark.slow
def test_multi_fidelity_example_prunes_with_hyperband_and_bohb(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bohb.db'}"
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--n-trials", "14", "--storage", url],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "14 trials" in done.stdout and "Best validation error" in done.stdout
    study = ridgeline.load_study(study_name="digits-mlp-bohb", storage=url)
    trials = study.trials
    assert len(trials) == 14
    pruned = [t for t in trials if t.state == ridgeline.TrialState.PRUNED]
    assert pruned and all(t.last_step in {1, 3, 9} for t in pruned)
    assert all("hyperband:bracket" in t.system_attrs for t in trials)
