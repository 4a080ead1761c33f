"""benchmarks/importance.py: its known importances are right and a tiny run works."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import importance as bench


@pytest.mark.parametrize("name", sorted(bench.PROBLEMS))
def test_known_importances_are_the_main_effect_variances(name: str) -> None:
    problem = bench.PROBLEMS[name]
    outer = bench.sample_params(problem, 120, seed=1)
    inner = bench.sample_params(problem, 120, seed=2)
    for param, truth in problem.truth.items():
        # Var over x_param of the mean over the other parameters (Monte Carlo).
        marginal = [
            np.mean([problem.function({**p, param: o[param]}) for p in inner]) for o in outer
        ]
        estimate = float(np.var(marginal))
        assert estimate == pytest.approx(truth, rel=0.3, abs=0.02), param


def test_tiny_run_prints_one_row_per_evaluator(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("scipy")
    evaluators = ["ridgeline ped-anova (default)", "ridgeline fanova", "ridgeline mdi"]
    try:
        import optuna  # noqa: F401

        evaluators.append(bench.BASELINE)
    except ImportError:
        pass
    rows = bench.main(
        ["--sizes", "40", "--problems", "mixed", "--repeats", "1", "--evaluators", *evaluators]
    )
    assert [r["evaluator"] for r in rows] == evaluators
    assert all(r["seconds"] > 0 and -1 <= r["spearman"] <= 1 for r in rows)
    out = capsys.readouterr().out
    assert out.startswith("| problem | trials | evaluator |")
    assert "| mixed | 40 | ridgeline fanova |" in out
