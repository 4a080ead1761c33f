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


@pytest.mark.parametrize("plot", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("which", ["empty_study", "failed_study"])
def test_nothing_to_draw_gives_an_empty_figure_that_says_why(
    plot: Callable[..., Any],
    which: str,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    study = request.getfixturevalue(which)
    if plot is vis.plot_timeline and which == "failed_study":
        pytest.skip("failed trials ran: the timeline draws them")
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


@pytest.mark.parametrize("plot", SINGLE, ids=lambda f: f.__name__)
def test_multi_objective_needs_target(plot: Callable[..., Any], mo_study: ridgeline.Study) -> None:
    if plot is vis.plot_param_importances:
        pytest.skip("importances draw one series per objective")
    with pytest.raises(ValueError, match=r"`target` of plot_\w+ is required.*2 objectives"):
        plot(mo_study)
    fig = plot(mo_study, target=lambda t: t.values[0], target_name="x")
    assert len(fig.data) > 0


def test_not_a_study() -> None:
    with pytest.raises(ValueError, match="must be a ridgeline Study; got str"):
        vis.plot_slice("study")
    with pytest.raises(ValueError, match="must not be an empty list"):
        vis.plot_optimization_history([])
