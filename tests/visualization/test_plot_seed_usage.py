"""The seeds' visualization calls, after ``import ridgeline as optuna``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("plotly")


def test_seed_002_analysis_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ridgeline as optuna

    monkeypatch.chdir(tmp_path)

    def objective(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        weight_decay = trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True)
        batch_size = trial.suggest_categorical("batch_size", [32, 64, 128])
        return 1.0 - abs(lr - 1e-3) - weight_decay - batch_size / 1000

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=12)

    # As in seeds/002 (analyze_study), verbatim but for the prints.
    import ridgeline.visualization as vis

    importance = optuna.importance.get_param_importances(study)
    assert set(importance) == {"lr", "weight_decay", "batch_size"}
    fig_history = vis.plot_optimization_history(study)
    fig_importance = vis.plot_param_importances(study)
    fig_parallel = vis.plot_parallel_coordinate(study)
    fig_slice = vis.plot_slice(study)
    fig_contour = vis.plot_contour(study, params=["lr", "weight_decay"])

    fig_history.write_html("optimization_history.html")
    fig_importance.write_html("param_importance.html")
    fig_parallel.write_html("parallel_coordinate.html")
    for name in ("optimization_history", "param_importance", "parallel_coordinate"):
        assert os.path.getsize(f"{name}.html") > 1000
    assert len(fig_slice.data) == 3 and len(fig_contour.data) == 2


def test_seed_003_imports() -> None:
    import ridgeline as optuna
    from ridgeline.visualization import (  # noqa: F401  (as the seed imports them)
        plot_contour,
        plot_optimization_history,
        plot_parallel_coordinate,
        plot_param_importances,
        plot_slice,
    )

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) ** 2, n_trials=5)
    assert optuna.visualization.plot_optimization_history(study).data
    assert optuna.visualization.plot_param_importances(study).data
    assert optuna.visualization.plot_parallel_coordinate(study).data
