"""The pruning benchmark (``benchmarks/pruning.py``) counts every trained step, keeps to its
budget, and renders its tables; its learning-curve problems are deterministic."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import ridgeline
from benchmarks.problems.learning_curves import LEARNING_CURVE_PROBLEMS
from benchmarks.pruning import (
    OPTIMIZERS,
    best_at,
    budget_of,
    head_to_head,
    incumbent_curve,
    lower_median,
    main,
    render,
    run_study,
    sign_test,
    steps_to,
    summarize,
)

OPTIMIZER_NAMES = ["ridgeline-asha", "optuna-nopruning"]


@pytest.mark.parametrize(
    ("optimizer", "problem", "budget"),
    [
        ("ridgeline-asha", "lc_overfit", 600),  # not a multiple of 81: the last trial is cut
        ("optuna-median", "lc_powerlaw", 500),
        ("ridgeline-asha", "sgd_digits", 60),
    ],
)
def test_every_trained_step_is_reported_and_the_budget_is_kept(
    optimizer: str, problem: str, budget: int
) -> None:
    lc = LEARNING_CURVE_PROBLEMS[problem]
    run, study = run_study(optimizer, lc, seed=0, budget=budget)
    trials = study.get_trials(deepcopy=False)
    assert run["steps"] == budget
    assert sum(t.last_step for t in trials) == budget
    assert [t.last_step for t in trials] == [r[0] for r in run["trials"]]
    states = [t.state.name for t in trials]
    assert states == ["COMPLETE" if r[1] == "complete" else "PRUNED" for r in run["trials"]]
    assert all(r[0] == lc.max_steps for r in run["trials"] if r[1] == "complete")
    assert "COMPLETE" in states
    if optimizer != "optuna-median" or problem != "lc_powerlaw":
        assert "PRUNED" in states
    # Only the last trial can be stopped by the budget.
    assert all(r[1] != "cut" for r in run["trials"][:-1])
    for t, r in zip(trials, run["trials"], strict=True):
        if r[1] == "complete":
            assert t.value == r[2]
            assert 0.0 <= r[3] <= 1.0


def test_a_configuration_always_gets_the_same_curve() -> None:
    for name in ("lc_crossing", "lc_powerlaw", "lc_overfit", "mlp_digits"):
        problem = LEARNING_CURVE_PROBLEMS[name]
        params = problem.suggest(ridgeline.FixedTrial(_first_config(name)))
        first = [v for _, v in zip(range(3), problem.train(params), strict=False)]
        assert first == [v for _, v in zip(range(3), problem.train(params), strict=False)]
        assert all(math.isfinite(v) and v > 0.0 for v in first)


def _first_config(name: str) -> dict[str, object]:
    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=1))
    trial = study.ask()
    return LEARNING_CURVE_PROBLEMS[name].suggest(trial)


def test_metrics_follow_the_best_complete_trial() -> None:
    # steps, state, observed final, score: the second complete trial looks better (0.2) but
    # scores worse (0.35) than the first (0.3 observed, 0.25 score): a noisy pick.
    run = {
        "trials": [
            [9, "complete", 0.3, 0.25],
            [3, "pruned", None, None],
            [9, "complete", 0.2, 0.35],
            [9, "complete", 0.5, 0.1],
            [2, "cut", None, None],
        ]
    }
    curve = incumbent_curve(run, sign=1.0)
    assert curve == [(9, 0.25), (21, 0.35)]
    assert math.isnan(best_at(curve, 8))
    assert best_at(curve, 20) == 0.25
    assert best_at(curve, 32) == 0.35
    assert steps_to(curve, 0.3, sign=1.0) == 9
    assert steps_to(curve, 0.2, sign=1.0) == math.inf
    assert lower_median([3.0, 1.0, math.inf, 2.0]) == 2.0


def test_main_renders_every_table_with_sane_numbers(tmp_path: Path) -> None:
    out = tmp_path / "pruning.md"
    argv = ["--problems", "lc_powerlaw", "sgd_digits", "--optimizers", *OPTIMIZER_NAMES]
    runs = tmp_path / "runs.json"
    argv += ["--seeds", "2", "--budget-scale", "0.05", "--jobs", "1", "--out", str(out)]
    assert main([*argv, "--runs-out", str(runs)]) == 0
    text = out.read_text()
    again = tmp_path / "again.md"
    assert main(["--from-json", str(runs), "--out", str(again)]) == 0
    tables = again.read_text()
    assert tables[tables.index("### Overall") :] == text[text.index("### Overall") :]
    assert "Command: `.venv/bin/python benchmarks/pruning.py --problems lc_powerlaw" in text
    for section in ("Overall", "Steps to optuna-nopruning's final quality", "Trials per run"):
        assert f"### {section}" in text
    for problem in ("lc_powerlaw", "sgd_digits"):
        budget = budget_of(LEARNING_CURVE_PROBLEMS[problem], 0.05)
        table = text[text.index(f"### {problem}\n") :]
        assert f"Budget {budget} steps." in table
        for name in OPTIMIZER_NAMES:
            row = re.search(rf"^\| {name} \| (.*) \|$", table, re.MULTILINE)
            assert row is not None, name
            cells = row.group(1).split(" | ")
            best_all = float(cells[1].split(" ± ")[0])
            assert 0.0 < best_all < 1.0
            assert 1.0 <= float(cells[3]) <= len(OPTIMIZER_NAMES)
            started, complete = (float(x) for x in re.findall(r"[\d.]+", cells[6]))
            assert 1 <= complete <= started <= budget
            if name == "optuna-nopruning":  # every trial it starts is full-length
                n_full = budget // LEARNING_CURVE_PROBLEMS[problem].max_steps
                assert started == complete == n_full


def test_every_registered_optimizer_names_its_library() -> None:
    assert {entry.library for entry in OPTIMIZERS.values()} == {"ridgeline", "optuna"}
    summary = summarize([], {})
    assert summary.reference is None


def test_sign_test_is_the_two_sided_binomial_tail() -> None:
    assert sign_test(10, 0) == pytest.approx(2 / 1024)
    assert sign_test(0, 10) == sign_test(10, 0)
    assert sign_test(7, 3) == pytest.approx(2 * (1 + 10 + 45 + 120) / 1024)
    assert sign_test(5, 5) == 1.0
    assert sign_test(0, 0) == 1.0


def _fake_run(optimizer: str, problem: str, seed: int, final: float) -> dict[str, object]:
    steps = LEARNING_CURVE_PROBLEMS[problem].max_steps
    return {
        "optimizer": optimizer,
        "problem": problem,
        "seed": seed,
        "budget": steps,
        "steps": steps,
        "trials": [[steps, "complete", final, final]],
        "seconds": 0.0,
    }


def test_head_to_head_is_split_by_problem_group() -> None:
    runs = []
    for seed in range(6):
        # ridgeline-hyperband wins every scikit-learn pair and loses every synthetic one.
        runs += [_fake_run("ridgeline-hyperband", "sgd_digits", seed, 0.1)]
        runs += [_fake_run("optuna-hyperband", "sgd_digits", seed, 0.2)]
        runs += [_fake_run("ridgeline-hyperband", "lc_powerlaw", seed, 0.3)]
        runs += [_fake_run("optuna-hyperband", "lc_powerlaw", seed, 0.2)]
    summary = summarize(runs, {"sgd_digits": "minimize", "lc_powerlaw": "minimize"})
    assert head_to_head(summary, "ridgeline-hyperband", "optuna-hyperband", 1) == (6, 0, 6)
    only_real = head_to_head(summary, "ridgeline-hyperband", "optuna-hyperband", 1, ["sgd_digits"])
    assert only_real == (6, 0, 0)
    text = render(summary)
    text = text[text.index("### Head to head") :]
    row = next(line for line in text.splitlines() if line.startswith("| ridgeline-hyperband |"))
    assert "6 / 0 / 6 (p 1.00)" in row
    assert "0 / 0 / 6 (p 0.03)" in row and "6 / 0 / 0 (p 0.03)" in row
    assert "| synthetic @all |" in text and "| sklearn @all |" in text
