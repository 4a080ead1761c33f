"""AutoSampler: the choice rules, their record on the study, and runs that switch samplers."""

from __future__ import annotations

import logging
import pickle
from dataclasses import replace

import pytest

import ridgeline
from ridgeline.samplers import AutoSampler
from ridgeline.samplers._auto import StudyProfile, choose_sampler
from ridgeline.trial import TrialState

NUMERIC = StudyProfile(
    n_objectives=1,
    n_finished=50,
    n_params=4,
    n_categorical=0,
    n_float=4,
    conditional=False,
    constrained=False,
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "gp"),
        ({"n_objectives": 2}, "gp"),
        ({"n_objectives": 2, "n_finished": 3}, "random"),
        ({"n_objectives": 2, "conditional": True}, "tpe"),
        ({"n_objectives": 2, "n_finished": 500}, "tpe"),
        ({"n_finished": 3}, "random"),
        ({"conditional": True}, "tpe"),
        ({"n_categorical": 2, "n_float": 2}, "tpe"),
        ({"n_categorical": 1, "n_float": 3}, "gp"),
        ({"n_finished": 500}, "cmaes"),
        ({"n_finished": 500, "constrained": True}, "tpe"),
        ({"n_finished": 500, "n_float": 2}, "tpe"),  # ints in the space
        ({"n_finished": 500, "n_params": 1, "n_float": 1}, "tpe"),  # CMA-ES needs 2 dims
    ],
)
def test_rules(changes: dict[str, object], expected: str) -> None:
    choice = choose_sampler(replace(NUMERIC, **changes))  # type: ignore[arg-type]
    assert choice.sampler == expected
    assert choice.reason


def test_thresholds_are_arguments() -> None:
    assert choose_sampler(NUMERIC, n_startup_trials=60).sampler == "random"
    assert choose_sampler(NUMERIC, gp_max_trials=40).sampler == "cmaes"
    mixed = replace(NUMERIC, n_categorical=1, n_float=3)
    assert choose_sampler(mixed, categorical_share=0.25).sampler == "tpe"


def _numeric(trial: ridgeline.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", -5, 5)
    return (x - 1) ** 2 + (y + 2) ** 2


def test_numeric_study_moves_from_random_to_gp_and_records_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    study = ridgeline.create_study(sampler=AutoSampler(seed=0, n_startup_trials=5))
    with caplog.at_level(logging.INFO, logger="ridgeline"):
        study.optimize(_numeric, n_trials=12)
    used = [t.system_attrs["auto_sampler"] for t in study.trials]
    assert used == ["random"] * 5 + ["gp"] * 7
    record = study.system_attrs["auto_sampler"]
    assert record["sampler"] == "gp" and record["since"] == 5
    assert "Gaussian process" in record["reason"]
    messages = [r.getMessage() for r in caplog.records if "AutoSampler" in r.getMessage()]
    assert len(messages) == 2 and "gp" in messages[1]
    assert study.best_value < 2.0


def test_categorical_heavy_study_uses_tpe() -> None:
    def objective(trial: ridgeline.Trial) -> float:
        a = trial.suggest_categorical("a", ["p", "q", "r"])
        b = trial.suggest_categorical("b", [1, 2, 3])
        x = trial.suggest_float("x", 0, 1)
        return x + (a == "q") + b

    study = ridgeline.create_study(sampler=AutoSampler(seed=0, n_startup_trials=3))
    study.optimize(objective, n_trials=6)
    assert [t.system_attrs["auto_sampler"] for t in study.trials][3:] == ["tpe"] * 3


def test_conditional_study_uses_tpe() -> None:
    def objective(trial: ridgeline.Trial) -> float:
        if trial.suggest_float("switch", 0, 1) < 0.5:
            return trial.suggest_float("a", 0, 1)
        return trial.suggest_float("b", 0, 1) + 1

    study = ridgeline.create_study(sampler=AutoSampler(seed=1, n_startup_trials=4))
    study.optimize(objective, n_trials=8)
    assert study.system_attrs["auto_sampler"]["sampler"] == "tpe"


def test_long_continuous_study_moves_to_cmaes() -> None:
    study = ridgeline.create_study(sampler=AutoSampler(seed=0, n_startup_trials=3, gp_max_trials=8))
    study.optimize(_numeric, n_trials=20)
    used = [t.system_attrs["auto_sampler"] for t in study.trials]
    assert used[:3] == ["random"] * 3
    assert set(used[3:8]) == {"gp"}
    assert set(used[8:]) == {"cmaes"}
    assert study.best_value < 5.0


def test_several_objectives_use_parego_then_tpe() -> None:
    study = ridgeline.create_study(
        directions=["minimize", "minimize"],
        sampler=AutoSampler(seed=0, n_startup_trials=2, gp_max_trials=6),
    )
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("x", 0, 1)), 9)
    used = [t.system_attrs["auto_sampler"] for t in study.trials]
    assert used[:2] == ["random", "random"]
    assert set(used[2:6]) == {"gp"}
    assert set(used[6:]) == {"tpe"}


def test_constraints_are_stored_for_every_trial_whichever_sampler_proposed_it() -> None:
    def constraints(trial: ridgeline.trial.FrozenTrial) -> list[float]:
        return [trial.params["x"] - 0.0]

    study = ridgeline.create_study(
        sampler=AutoSampler(seed=0, constraints_func=constraints, n_startup_trials=4)
    )
    study.optimize(_numeric, n_trials=8)
    for t in study.trials:
        assert t.system_attrs["constraints"] == [t.params["x"]]
    later = [t for t in study.trials if t.system_attrs["auto_sampler"] == "gp"]
    assert later and sum(t.params["x"] <= 0 for t in later) >= len(later) // 2


def test_seeded_runs_repeat_and_the_sampler_pickles() -> None:
    def run() -> list[dict[str, float]]:
        study = ridgeline.create_study(sampler=AutoSampler(seed=3, n_startup_trials=4))
        study.optimize(_numeric, n_trials=8)
        return [t.params for t in study.trials]

    assert run() == run()
    sampler = AutoSampler(seed=0, n_startup_trials=2)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(_numeric, n_trials=4)
    clone = pickle.loads(pickle.dumps(sampler))
    study2 = ridgeline.create_study(sampler=clone)
    study2.optimize(_numeric, n_trials=3)
    assert all(t.state == TrialState.COMPLETE for t in study2.trials)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_startup_trials": -1}, "`n_startup_trials` of AutoSampler must be a non-negative"),
        ({"gp_max_trials": 2.5}, "`gp_max_trials` of AutoSampler"),
        ({"categorical_share": 1.5}, r"`categorical_share` of AutoSampler must be a number in"),
        ({"constraints_func": 3}, "`constraints_func` of AutoSampler must be callable"),
        ({"seed": -2}, "`seed` of AutoSampler"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises((ValueError, TypeError), match=match):
        AutoSampler(**kwargs)  # type: ignore[arg-type]
