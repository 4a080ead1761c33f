"""The multi-objective benchmark: its problems mean what their papers say, its optimal
hypervolumes are right, and ``benchmarks/mo_efficiency.py --quick`` runs end to end."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ridgeline
from benchmarks.efficiency import _sampler, unavailable
from benchmarks.mo_efficiency import OPTIMIZERS, hypervolume, hypervolume_at, summarize
from benchmarks.problems import MO_PROBLEMS, mo_problems_named
from benchmarks.problems.multi_objective import _forest, zdt3_optimal_hypervolume

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = [p for p in MO_PROBLEMS.values() if p.group == "synthetic"]


def _pareto_values(name: str, n: int = 50) -> np.ndarray:
    problem = MO_PROBLEMS[name]
    assert problem.pareto_params is not None
    params = problem.pareto_params(np.random.default_rng(0), n)
    return np.array([problem.evaluate(p) for p in params])


@pytest.mark.parametrize(
    ("name", "front"),
    [
        ("zdt1", lambda f: f[:, 1] - (1 - np.sqrt(f[:, 0]))),
        ("zdt2", lambda f: f[:, 1] - (1 - f[:, 0] ** 2)),
        (
            "zdt3",
            lambda f: f[:, 1] - (1 - np.sqrt(f[:, 0]) - f[:, 0] * np.sin(10 * np.pi * f[:, 0])),
        ),
        ("dtlz2", lambda f: np.sum(f**2, axis=1) - 1),
    ],
)
def test_pareto_optimal_configurations_lie_on_the_true_front(name: str, front) -> None:
    values = _pareto_values(name)
    np.testing.assert_allclose(front(values), 0.0, atol=1e-12)


@pytest.mark.parametrize("problem", SYNTHETIC, ids=lambda p: p.name)
def test_pareto_optimal_values_are_not_dominated_by_the_dense_front(problem) -> None:
    values = _pareto_values(problem.name)
    dense = problem.pareto_front(20_000)
    for v in values:
        # ZDT3's pieces are rounded inwards, so no tolerance is needed for strict dominance.
        assert not np.any(np.all(dense <= v - 1e-9, axis=1)), v


@pytest.mark.parametrize("problem", SYNTHETIC, ids=lambda p: p.name)
def test_optimal_hypervolume_matches_a_dense_sampling_of_the_front(problem) -> None:
    dense = problem.pareto_front(40_000)
    sampled = hypervolume(dense, problem.reference_point)
    # A finite sampling of the front misses the thin slivers between its points: slightly less.
    assert sampled <= problem.optimal_hypervolume + 1e-9
    tolerance = 0.01 if problem.n_objectives == 3 else 1e-3
    assert sampled == pytest.approx(problem.optimal_hypervolume, rel=tolerance)


def test_zdt3_integral_agrees_with_the_exact_hypervolume_of_its_front() -> None:
    front = MO_PROBLEMS["zdt3"].pareto_front(400_001)
    for reference in [(1.0, 1.0), (1.1, 4.0), (2.0, 1.5)]:
        assert zdt3_optimal_hypervolume(reference) == pytest.approx(
            hypervolume(front, reference), rel=1e-5
        )


@pytest.mark.parametrize("problem", SYNTHETIC, ids=lambda p: p.name)
def test_random_configurations_add_nothing_to_the_true_front(problem) -> None:
    rng = np.random.default_rng(1)
    dense = problem.pareto_front(40_000)
    randoms = np.array([problem.evaluate(problem.random_params(rng)) for _ in range(300)])
    alone = hypervolume(dense, problem.reference_point)
    both = hypervolume(np.vstack([dense, randoms]), problem.reference_point)
    assert both == pytest.approx(alone, rel=1e-9)


@pytest.mark.parametrize("problem", SYNTHETIC, ids=lambda p: p.name)
def test_objective_asks_a_trial_for_every_parameter(problem) -> None:
    params = problem.pareto_params(np.random.default_rng(2), 1)[0]
    values = problem.objective(ridgeline.FixedTrial(params))
    assert values == problem.evaluate(params)
    assert len(values) == problem.n_objectives


def test_forest_task_is_deterministic_and_inside_its_reference_box() -> None:
    problem = MO_PROBLEMS["forest_size_digits"]
    params = {"n_estimators": 3, "max_depth": 4, "min_samples_leaf": 2, "max_features": "sqrt"}
    _forest.cache_clear()
    first = problem.evaluate(params)
    _forest.cache_clear()
    again = problem.objective(ridgeline.FixedTrial(params))
    assert first == again
    error, log_nodes = first
    assert 0.0 < error < problem.reference_point[0]
    # 3 trees of depth <= 4 have between 3 and 3 * 31 nodes.
    assert math.log10(3) <= log_nodes <= math.log10(3 * 31) < problem.reference_point[1]
    assert problem.optimal_hypervolume is None


def test_unknown_problem_names_the_choices() -> None:
    with pytest.raises(KeyError, match="unknown problem 'zdt9'; choose from zdt1, zdt2"):
        mo_problems_named(["zdt9"])
    assert [p.name for p in mo_problems_named(["sklearn", "zdt1"])] == [
        "forest_size_digits",
        "zdt1",
    ]


def test_hypervolume_at_reads_each_budget_off_one_run() -> None:
    values = [[3.0, 3.0], [1.0, 2.0], [2.0, 1.0], [5.0, 0.5]]
    assert hypervolume_at(values, (4.0, 4.0), [1, 2, 3, 10]) == [1.0, 6.0, 8.0, 8.0]


def test_summary_normalises_by_the_front_or_all_runs_together_and_ranks() -> None:
    info = {
        "known": {"reference_point": [4.0, 4.0], "optimal_hypervolume": 10.0},
        "unknown": {"reference_point": [4.0, 4.0], "optimal_hypervolume": None},
    }
    runs = [
        {"optimizer": o, "problem": p, "seed": 0, "values": v, "seconds": 1.0}
        for p in info
        for o, v in [("a", [[1.0, 2.0], [2.0, 1.0]]), ("b", [[3.0, 3.0], [1.0, 1.0]])]
    ]
    summary = summarize(runs, info, [1, 2])
    assert summary.hv[("a", "known", 1)] == [0.6]
    assert summary.hv[("b", "known", 2)] == [0.9]
    # All runs together reach 9 on "unknown": b's second point dominates a's.
    assert summary.scales["unknown"].hypervolume == 9.0
    assert summary.hv[("a", "unknown", 2)] == [8.0 / 9.0]
    assert summary.rank[("a", "unknown", 1)] == [1.0]
    assert summary.rank[("a", "unknown", 2)] == [2.0]


def _run(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.slow
def test_mo_efficiency_quick_run_ranks_every_optimizer(tmp_path: Path) -> None:
    pytest.importorskip("optuna")
    names = ["ridgeline-tpe", "ridgeline-nsga2", "optuna-tpe", "optuna-nsga2"]
    out = tmp_path / "runs.json"
    text = _run("benchmarks/mo_efficiency.py", "--quick", "--out", str(out), "--optimizers", *names)
    summary = text[text.index("| optimizer |") :]
    for name in names:
        assert f"| {name} |" in summary
    assert "### zdt1" in summary and "### dtlz2" in summary
    saved = json.loads(out.read_text())
    runs = saved["runs"]
    # --quick: 2 problems x 2 seeds per optimizer, each run 40 trials long.
    assert len(runs) == 2 * 2 * len(names)
    assert all(len(r["values"]) == 40 and len(r["hypervolume"]) == 2 for r in runs)
    assert all(
        0.0 <= hv <= MO_PROBLEMS[r["problem"]].optimal_hypervolume
        for r in runs
        for hv in r["hypervolume"]
    )
    again = _run("benchmarks/mo_efficiency.py", "--from-json", str(out))
    assert summary.splitlines()[:6] == again[again.index("| optimizer |") :].splitlines()[:6]


def test_a_sampler_missing_from_ridgeline_is_reported_unavailable() -> None:
    registry = {**OPTIMIZERS, "ridgeline-x": _sampler("ridgeline", "NoSuchSampler", "missing")}
    assert unavailable("ridgeline-tpe", registry) is None
    why = unavailable("ridgeline-x", registry)
    assert why is not None and "NoSuchSampler" in why
    with pytest.raises(KeyError, match="unknown optimizer 'nope'"):
        unavailable("nope", registry)
