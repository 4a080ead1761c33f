"""Small real studies for the plot tests (RandomSampler with a seed, a few trials)."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator

import pytest

import ridgeline
from ridgeline.trial import TrialState


def _objective(trial: ridgeline.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    optimizer = trial.suggest_categorical("optimizer", ["adam", "sgd"])
    layers = trial.suggest_int("layers", 1, 4)
    value = math.log10(lr) ** 2 + layers
    if optimizer == "sgd":  # conditional: only SGD trials have a momentum
        value += trial.suggest_float("momentum", 0.0, 0.9)
    for step in range(3):
        trial.report(value * (3 - step), step)
    return value


@pytest.fixture()
def study() -> ridgeline.Study:
    """12 completed trials: log-scaled, categorical, int and conditional parameters."""
    s = ridgeline.create_study(study_name="mixed", sampler=ridgeline.samplers.RandomSampler(seed=0))
    s.optimize(_objective, n_trials=12)
    return s


@pytest.fixture()
def mo_study() -> ridgeline.Study:
    """Two objectives (minimise, maximise), constraints stored by the sampler."""
    sampler = ridgeline.samplers.RandomSampler(
        seed=1, constraints_func=lambda t: [t.params["x"] - 0.8]
    )
    s = ridgeline.create_study(directions=["minimize", "maximize"], sampler=sampler)
    s.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=20)
    return s


@pytest.fixture()
def empty_study() -> ridgeline.Study:
    return ridgeline.create_study(study_name="empty")


@pytest.fixture()
def failed_study() -> ridgeline.Study:
    """Only failed trials (each sampled a parameter before failing)."""
    s = ridgeline.create_study(study_name="failed")

    def objective(trial: ridgeline.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise RuntimeError("boom")

    s.optimize(objective, n_trials=2, catch=(RuntimeError,))
    assert {t.state for t in s.trials} == {TrialState.FAIL}
    return s


@pytest.fixture()
def agg() -> None:
    """matplotlib on its Agg backend (no display)."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close the matplotlib figures a test opened (pyplot warns past 20 open figures)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
