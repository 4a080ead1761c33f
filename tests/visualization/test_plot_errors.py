"""The bad cases every plot shares: nothing to draw, an unknown parameter, a missing target."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

import ridgeline
from ridgeline import visualization as vis
from ridgeline.exceptions import RidgelineError

SINGLE: list[Callable[..., Any]] = [
    vis.plot_optimization_history,
    vis.plot_param_importances,
    vis.plot_parallel_coordinate,
    vis.plot_slice,
    vis.plot_contour,
    vis.plot_edf,
    vis.plot_rank,
]
WITH_PARAMS = [
    vis.plot_param_importances,
    vis.plot_parallel_coordinate,
    vis.plot_slice,
    vis.plot_contour,
    vis.plot_rank,
]
ALL = [*SINGLE, vis.plot_intermediate_values, vis.plot_timeline]


CASES = [(plot, "empty_study") for plot in ALL] + [
    (plot, "failed_study")
    for plot in ALL
    if plot is not vis.plot_timeline  # it draws them
]


@pytest.mark.parametrize(("plot", "which"), CASES, ids=lambda x: getattr(x, "__name__", x))
def test_nothing_to_draw_gives_an_empty_figure_that_says_why(
    plot: Callable[..., Any],
    which: str,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    study = request.getfixturevalue(which)
    with caplog.at_level(logging.WARNING, logger="ridgeline.visualization"):
        fig = plot(study)
    assert len(fig.data) == 0
    title = fig.layout.title.text
    expected = "no trials yet" if which == "empty_study" else "2 failed"
    assert expected in title
    assert fig.layout.annotations[0].text in title
    assert any(expected in r.getMessage() for r in caplog.records)


def test_pareto_and_hypervolume_of_an_empty_study() -> None:
    s = ridgeline.create_study(directions=["minimize", "minimize"])
    assert "no trials yet" in vis.plot_pareto_front(s).layout.title.text
    assert "no trials yet" in vis.plot_hypervolume_history(s, [1, 1]).layout.title.text


@pytest.mark.parametrize("plot", WITH_PARAMS, ids=lambda f: f.__name__)
def test_unknown_param_lists_the_available_ones(
    plot: Callable[..., Any], study: ridgeline.Study
) -> None:
    with pytest.raises(ValueError, match=r"'nope'.*available params: \['layers', 'lr'") as e:
        plot(study, params=["lr", "nope"])
    assert isinstance(e.value, RidgelineError)


@pytest.mark.parametrize(
    "plot",
    [p for p in SINGLE if p is not vis.plot_param_importances],  # one series per objective
    ids=lambda f: f.__name__,
)
def test_multi_objective_needs_target(plot: Callable[..., Any], mo_study: ridgeline.Study) -> None:
    with pytest.raises(ValueError, match=r"`target` of plot_\w+ is required.*2 objectives"):
        plot(mo_study)
    fig = plot(mo_study, target=lambda t: t.values[0], target_name="x")
    assert len(fig.data) > 0


def test_not_a_study() -> None:
    with pytest.raises(ValueError, match="must be a ridgeline Study; got str"):
        vis.plot_slice("study")
    with pytest.raises(ValueError, match="must not be an empty list"):
        vis.plot_optimization_history([])


@pytest.mark.parametrize(
    "plot",
    [vis.plot_optimization_history, vis.plot_parallel_coordinate, vis.plot_slice, vis.plot_rank],
    ids=lambda f: f.__name__,
)
def test_non_finite_values_are_left_out_with_a_warning(
    plot: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    s = ridgeline.create_study()
    dist = {"x": ridgeline.distributions.FloatDistribution(0, 1)}
    for x, v in ((0.1, 1.0), (0.2, float("inf")), (0.3, 2.0)):
        s.add_trial(ridgeline.create_trial(value=v, params={"x": x}, distributions=dist))
    with caplog.at_level(logging.WARNING, logger="ridgeline.visualization"):
        fig = plot(s)
    assert "trials [1] have a non-finite value" in caplog.text
    drawn = fig.to_dict()["data"][0]
    key = "dimensions" if drawn["type"] == "parcoords" else "x"
    assert len(drawn[key][0]["values"] if key == "dimensions" else drawn[key]) == 2
