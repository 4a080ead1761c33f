"""Every matplotlib renderer draws a PNG from the same extracted data (Agg backend)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.visualization import matplotlib as vis

pytestmark = pytest.mark.usefixtures("agg")


def _save(result: Any, path: Path) -> Any:
    ax = result.flat[0] if isinstance(result, np.ndarray) else result
    ax.figure.savefig(path)
    assert path.stat().st_size > 1000
    plt = pytest.importorskip("matplotlib.pyplot")
    plt.close(ax.figure)
    return ax


@pytest.mark.parametrize(
    "plot",
    [
        vis.plot_optimization_history,
        vis.plot_param_importances,
        vis.plot_parallel_coordinate,
        vis.plot_slice,
        vis.plot_contour,
        vis.plot_edf,
        vis.plot_intermediate_values,
        vis.plot_timeline,
        vis.plot_rank,
    ],
    ids=lambda f: f.__name__,
)
def test_single_objective_png(
    plot: Callable[..., Any], study: ridgeline.Study, tmp_path: Path
) -> None:
    # Two parameters (one panel) for the grids; the 3 x 3 grid is drawn below.
    grid = plot in (vis.plot_contour, vis.plot_rank)
    _save(plot(study, params=["lr", "layers"]) if grid else plot(study), tmp_path / "plot.png")


def test_axes_follow_the_params(study: ridgeline.Study, tmp_path: Path) -> None:
    axes = vis.plot_slice(study, params=["lr", "optimizer", "layers"])
    assert [ax.get_xscale() for ax in axes] == ["log", "linear", "linear"]
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["adam", "sgd"]
    grid = vis.plot_contour(study, params=["lr", "layers", "optimizer"])
    assert grid.shape == (3, 3)
    assert grid[1, 0].get_xscale() == "log" and grid[0, 1].get_yscale() == "log"
    ax = vis.plot_contour(study, params=["lr", "layers"])
    assert ax.get_xlabel() == "lr" and ax.get_ylabel() == "layers"
    _save(grid, tmp_path / "contour.pdf")


def test_multi_objective_pngs(mo_study: ridgeline.Study, tmp_path: Path) -> None:
    ax = _save(vis.plot_pareto_front(mo_study), tmp_path / "pareto.png")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Infeasible Trial",
        "Trial",
        "Best Trial",
    ]
    ax = _save(vis.plot_hypervolume_history(mo_study, [1.0, 0.0]), tmp_path / "hv.png")
    assert ax.get_ylabel() == "Hypervolume"
    s3 = ridgeline.create_study(directions=["minimize"] * 3)
    s3.optimize(lambda t: (t.suggest_float("a", 0, 1), 1.0 - t.params["a"], 0.5), n_trials=4)
    ax = _save(vis.plot_pareto_front(s3), tmp_path / "pareto3.png")
    assert ax.name == "3d"


def test_empty_axes_say_why(empty_study: ridgeline.Study, tmp_path: Path) -> None:
    ax = _save(vis.plot_optimization_history(empty_study), tmp_path / "empty.png")
    assert ax.get_title() == "Optimization History Plot"
    assert ax.texts[0].get_text() == "The study has no trials yet."


def test_is_available() -> None:
    assert vis.is_available() is True
