"""The learning-curve statistics (``benchmarks/curve_stats.py``): rank correlation, rung
steps, the share a rung keeps, and the rendered report."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from benchmarks.curve_stats import (
    Curves,
    extrapolated_agreement,
    kept_share,
    main,
    random_configs,
    rank_agreement,
    rung_steps,
    sample_curves,
    share_reaching,
    spearman,
)
from benchmarks.problems.learning_curves import LEARNING_CURVE_PROBLEMS
from benchmarks.pruning import budget_of, run_study


def test_spearman_is_pearson_of_mean_ranks() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert spearman(a, a**3) == pytest.approx(1.0)
    assert spearman(a, -a) == pytest.approx(-1.0)
    # Ties share their mean rank: ranks (0, 1.5, 1.5, 3) against (0, 1, 2, 3).
    tied = np.array([1.0, 2.0, 2.0, 3.0])
    expected = np.corrcoef([0.0, 1.5, 1.5, 3.0], [0.0, 1.0, 2.0, 3.0])[0, 1]
    assert spearman(tied, np.arange(4.0)) == pytest.approx(expected)
    assert math.isnan(spearman(np.ones(5), a))
    assert math.isnan(spearman(a[:2], a[:2]))


def test_rung_steps_are_the_powers_of_eta_below_the_last_step() -> None:
    assert rung_steps(27) == [1, 3, 9]
    assert rung_steps(81) == [1, 3, 9, 27]
    assert rung_steps(10, eta=2) == [1, 2, 4, 8]
    assert rung_steps(1) == []


def _curves(early: list[float], finals: list[float]) -> Curves:
    problem = LEARNING_CURVE_PROBLEMS["lc_powerlaw"]
    curves = np.column_stack([early, finals])
    return Curves(problem, curves, np.array(finals, dtype=float))


def test_kept_share_counts_the_best_finals_in_the_best_third_at_the_step() -> None:
    # 60 configurations: the best 3 finals (indices 0-2) sit at early ranks 0, 30 and 59.
    finals = list(range(60))
    early = [float(i) for i in range(60)]
    early[1], early[30] = early[30], early[1]
    early[2], early[59] = early[59], early[2]
    c = _curves(early, [float(f) for f in finals])
    assert kept_share(c, 1) == pytest.approx(1 / 3)
    assert kept_share(c, 2) == 1.0  # the final step orders them as the final value does
    assert rank_agreement(c, 2, 1.0) == pytest.approx(1.0)
    assert share_reaching(c, 2.0) == pytest.approx(3 / 60)


def test_random_configurations_are_seeded() -> None:
    problem = LEARNING_CURVE_PROBLEMS["sgd_digits"]
    first = random_configs(problem, 5, seed=3)
    assert first == random_configs(problem, 5, seed=3)
    assert first != random_configs(problem, 5, seed=4)
    assert set(first[0]) == {"loss", "penalty", "alpha", "learning_rate", "eta0"}


def test_sampled_curves_score_the_noise_free_final_value() -> None:
    problem = LEARNING_CURVE_PROBLEMS["lc_overfit"]
    c = sample_curves(problem, 12, seed=0, jobs=1)
    assert c.curves.shape == (12, problem.max_steps)
    configs = random_configs(problem, 12, seed=0)
    assert problem.final is not None
    assert c.finals.tolist() == [problem.final(cfg) for cfg in configs]
    # The observed last value carries noise; the score does not.
    assert not np.array_equal(c.curves[:, -1], c.finals)


def test_main_relates_the_runs_to_random_configurations(tmp_path: Path) -> None:
    lc = LEARNING_CURVE_PROBLEMS["lc_powerlaw"]
    runs = [
        run_study(name, lc, seed=0, budget=budget_of(lc, 0.2))[0]
        for name in ("ridgeline-nopruning", "ridgeline-asha")
    ]
    saved = tmp_path / "runs.json"
    saved.write_text(json.dumps({"runs": runs, "directions": {lc.name: lc.direction}}))
    out = tmp_path / "stats.md"
    args = ["--problems", "lc_powerlaw", "--configs", "40", "--jobs", "1"]
    assert main([*args, "--runs", str(saved), "--out", str(out)]) == 0
    text = out.read_text()
    for heading in ("Final values", "Spearman", "best third", "pruning benchmark's target"):
        assert heading in text
    rhos = [float(x) for x in re.findall(r"(-?\d\.\d\d)(?= /| \|)", text.split("Spearman")[1])]
    assert rhos and all(-1.0 <= r <= 1.0 for r in rhos)
    target = next(line for line in text.splitlines() if line.startswith("| target"))
    assert re.search(r"\| \d\.\d{4} \((< )?\d+\.\d\d%\) \|$", target), target
    row = next(line for line in text.splitlines() if line.startswith("| ridgeline-asha"))
    shares = [int(s) for s in re.findall(r"(\d+)%", row)]
    assert len(shares) == 2 and all(0 <= s <= 100 for s in shares) and shares[1] <= shares[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--configs", "5"], "--configs must be >= 10"),
        (["--problems", "nope"], "unknown problem 'nope'"),
        (["--runs", "/nonexistent/runs.json"], "No such file"),
    ],
)
def test_bad_arguments_are_named(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--problems", "lc_powerlaw", *args] if "--problems" not in args else args) == 2
    assert message in capsys.readouterr().err


def test_a_curve_model_orders_what_the_early_shape_predicts() -> None:
    # Finals are the early value plus twice the early slope: the latest value alone orders
    # them poorly, a linear model of the two early values orders them exactly.
    rng = np.random.default_rng(0)
    first, second = rng.normal(size=200), rng.normal(size=200)
    finals = second + 2.0 * (second - first)
    c = Curves(
        LEARNING_CURVE_PROBLEMS["lc_powerlaw"],
        np.column_stack([first, second, finals]),
        finals,
    )
    assert extrapolated_agreement(c, 2, 0.2) > 0.95
    assert rank_agreement(c, 2, 0.2) < 0.9
