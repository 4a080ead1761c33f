from __future__ import annotations

import math

import numpy as np
import pytest

import ridgeline
from ridgeline.visualization import plot_contour
from ridgeline.visualization._contour import _get_contour_info


@pytest.fixture()
def plane() -> ridgeline.Study:
    s = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
    s.optimize(lambda t: t.suggest_float("a", 0, 1) + 2 * t.suggest_float("b", 0, 1), n_trials=15)
    return s


def test_linear_interpolation_of_a_plane(plane: ridgeline.Study) -> None:
    info = _get_contour_info(plane, params=["a", "b"])
    panel = info.panels[("a", "b")]
    assert set(info.panels) == {("a", "b"), ("b", "a")}
    z = np.array(panel.z)
    assert z.shape == (len(panel.y_grid), len(panel.x_grid))
    gx, gy = np.meshgrid(panel.x_grid, panel.y_grid)
    # Inside the trials' hull, linear interpolation of a plane is the plane itself.
    from scipy.spatial import Delaunay

    hull = Delaunay(np.column_stack([panel.x, panel.y]))
    inside = hull.find_simplex(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape) >= 0
    assert inside.sum() > 100
    assert np.allclose(z[inside], (gx + 2 * gy)[inside])
    assert np.isfinite(z).all()  # outside the hull: the nearest trial


def test_log_and_categorical_axes(study: ridgeline.Study) -> None:
    info = _get_contour_info(study, params=["lr", "optimizer"])
    panel = info.panels[("lr", "optimizer")]
    assert panel.x_axis.is_log and panel.y_axis.is_categorical
    assert panel.y_grid == ("adam", "sgd")
    ratios = np.diff(np.log10(panel.x_grid))
    assert np.allclose(ratios, ratios[0])  # geometric spacing
    assert math.log10(panel.x_grid[0]) < math.log10(min(panel.x))


def test_conditional_pair_uses_trials_with_both(study: ridgeline.Study) -> None:
    info = _get_contour_info(study, params=["lr", "momentum"])
    panel = info.panels[("lr", "momentum")]
    assert panel.trial_numbers == tuple(t.number for t in study.trials if "momentum" in t.params)


def test_figure_single_and_grid(study: ridgeline.Study) -> None:
    fig = plot_contour(study, params=["lr", "layers"])
    assert [d["type"] for d in fig.to_dict()["data"]] == ["contour", "scatter"]
    assert fig.layout.xaxis.type == "log"
    fig = plot_contour(study, params=["lr", "layers", "optimizer"])
    types = [d["type"] for d in fig.to_dict()["data"]]
    assert types.count("contour") == 6 and types.count("scatter") == 6


def test_needs_two_params(study: ridgeline.Study) -> None:
    with pytest.raises(ValueError, match="at least two parameters"):
        plot_contour(study, params=["lr"])
    one = ridgeline.create_study()
    one.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    info = _get_contour_info(one)
    assert info.empty_reason is not None and "two parameters" in info.empty_reason
