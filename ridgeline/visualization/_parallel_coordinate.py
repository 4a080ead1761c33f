"""Parallel coordinates: one line per completed trial across the objective and each param."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ridgeline.visualization._utils import (
    TargetFunc,
    check_plot_args,
    completed_trials,
    empty_reason,
    finite_only,
    import_plotly,
    minimizes,
    param_axis,
    plotly_empty,
    target_values,
    tick_labels,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_parallel_coordinate"]

_TITLE = "Parallel Coordinate Plot"


@dataclass(frozen=True)
class ParallelDimension:
    """One vertical axis.

    Attributes:
        label: The parameter's name, or the target name for the first axis.
        values: One coordinate per drawn trial: log10 of the value on a log axis, the
            category's index for a categorical parameter.
        range: The axis range, in the same units.
        is_log / is_categorical: How the parameter is scaled.
        tick_values / tick_text: Ticks for log and categorical axes (empty otherwise).
    """

    label: str
    values: tuple[float, ...]
    range: tuple[float, float]
    is_log: bool
    is_categorical: bool
    tick_values: tuple[float, ...]
    tick_text: tuple[str, ...]


@dataclass(frozen=True)
class ParallelCoordinateInfo:
    """What :func:`plot_parallel_coordinate` draws.

    Attributes:
        trial_numbers: The trials drawn: COMPLETE, feasible, with every drawn parameter.
        objective: The objective's axis (also the lines' colour).
        dimensions: One axis per parameter.
        reverse_scale: Whether smaller values are better (the colour scale is reversed).
    """

    trial_numbers: tuple[int, ...]
    objective: ParallelDimension
    dimensions: tuple[ParallelDimension, ...]
    reverse_scale: bool
    target_name: str
    empty_reason: str | None


def _get_parallel_coordinate_info(
    study: Study,
    params: Sequence[str] | None = None,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> ParallelCoordinateInfo:
    """The data of :func:`plot_parallel_coordinate`."""
    owner = "plot_parallel_coordinate"
    trials, names = check_plot_args(study, params, target, owner, feasible_only=True)
    # A line needs a value on every axis: trials lacking a drawn parameter are left out.
    trials = [t for t in trials if all(n in t.params for n in names)]
    trials, values = finite_only(trials, target_values(trials, target), owner)
    reverse = minimizes(study, target)
    if not trials:
        reason = empty_reason(study)
        if completed_trials(study):
            reason = f"No completed feasible trial has all of the parameters {names!r}."
        warn_empty(owner, reason)
        empty = ParallelDimension(target_name, (), (0.0, 1.0), False, False, (), ())
        return ParallelCoordinateInfo((), empty, (), reverse, target_name, reason)
    lo, hi = min(values), max(values)
    objective = ParallelDimension(target_name, tuple(values), (lo, hi), False, False, (), ())
    dims = []
    for name in names:
        axis = param_axis(trials, name)
        coords = tuple(axis.coordinate(t.params[name]) for t in trials)
        ticks, text = tick_labels(axis)
        if axis.is_categorical:
            rng = (0.0, float(max(len(axis.categories) - 1, 0)))
        else:
            rng = (axis.coordinate(axis.low), axis.coordinate(axis.high))
        dims.append(
            ParallelDimension(
                name, coords, rng, axis.is_log, axis.is_categorical, tuple(ticks), tuple(text)
            )
        )
    return ParallelCoordinateInfo(
        tuple(t.number for t in trials), objective, tuple(dims), reverse, target_name, None
    )


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Plot the completed trials as lines across the objective and the parameters.

    Log-scaled parameters get log10 axes with ticks at powers of ten; categorical ones get
    one tick per choice. Trials lacking one of the drawn parameters, and infeasible trials,
    are left out.

    Args:
        study: The study.
        params: The parameters to draw (all by default).
        target: A function of a trial giving the value to draw; required for a study with
            several objectives.
        target_name: The objective axis' title.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If ``params`` names a parameter the study does not have, or ``target``
            is missing for a multi-objective study.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        >>> fig = ridgeline.visualization.plot_parallel_coordinate(study)
        >>> [d["label"] for d in fig.data[0].dimensions]
        ['Objective Value', 'x']
    """
    info = _get_parallel_coordinate_info(study, params, target, target_name)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    dims = []
    for d in (info.objective, *info.dimensions):
        dim: dict[str, Any] = {"label": d.label, "values": d.values, "range": d.range}
        if d.tick_values:
            dim["tickvals"] = d.tick_values
            dim["ticktext"] = d.tick_text
        dims.append(dim)
    fig = go.Figure(
        data=[
            go.Parcoords(
                dimensions=dims,
                line={
                    "color": info.objective.values,
                    "colorscale": "Blues",
                    "reversescale": info.reverse_scale,
                    "showscale": True,
                    "colorbar": {"title": {"text": info.target_name}},
                },
                labelangle=30,
                labelside="bottom",
            )
        ]
    )
    fig.update_layout(title=_TITLE)
    return fig
