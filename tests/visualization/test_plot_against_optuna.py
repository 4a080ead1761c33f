"""The extracted data matches what Optuna's figures draw for the same trials."""

from __future__ import annotations

import numpy as np
import pytest

import ridgeline
from ridgeline.visualization._edf import _get_edf_info
from ridgeline.visualization._optimization_history import _get_optimization_history_info
from ridgeline.visualization._slice import _get_slice_info

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")


@pytest.fixture()
def pair() -> tuple[ridgeline.Study, object]:
    ours = ridgeline.create_study(
        study_name="s", direction="maximize", sampler=ridgeline.samplers.RandomSampler(seed=3)
    )
    ours.optimize(lambda t: -((t.suggest_float("x", -3, 3) - 1) ** 2), n_trials=10)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    theirs = optuna.create_study(study_name="s", direction="maximize")
    dist = {"x": optuna.distributions.FloatDistribution(-3, 3)}
    for t in ours.trials:
        theirs.add_trial(
            optuna.trial.create_trial(value=t.value, params=t.params, distributions=dist)
        )
    return ours, theirs


def test_history(pair: tuple[ridgeline.Study, object]) -> None:
    ours, theirs = pair
    fig = optuna.visualization.plot_optimization_history(theirs)
    (series,) = _get_optimization_history_info(ours).series
    assert list(fig.data[0].y) == list(series.values)
    assert series.best_values is not None
    assert list(fig.data[1].y) == list(series.best_values)


def test_edf(pair: tuple[ridgeline.Study, object]) -> None:
    ours, theirs = pair
    fig = optuna.visualization.plot_edf(theirs)
    info = _get_edf_info(ours)
    assert np.allclose(fig.data[0].x, info.x)
    assert np.allclose(fig.data[0].y, info.lines[0].y)


def test_slice(pair: tuple[ridgeline.Study, object]) -> None:
    ours, theirs = pair
    fig = optuna.visualization.plot_slice(theirs)
    (panel,) = _get_slice_info(ours).panels
    assert list(fig.data[0].x) == list(panel.x)
    assert list(fig.data[0].y) == list(panel.y)
