"""Small real studies for the analysis tests."""

from __future__ import annotations

import pytest

import ridgeline
from ridgeline.trial import Trial


def mixed_objective(trial: Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    value = x**2 + {"a": 0.0, "b": 5.0, "c": 10.0}[kind] + 0.01 * lr
    if kind == "c":
        value += trial.suggest_int("depth", 1, 8)  # conditional
    return value


@pytest.fixture(scope="module")
def mixed_study() -> ridgeline.Study:
    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
    study.optimize(mixed_objective, n_trials=60)
    return study
