"""Contour plot: the objective interpolated over each pair of parameters."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.visualization._utils import (
    ParamAxis,
    TargetFunc,
    VisualizationError,
    check_plot_args,
    empty_reason,
    finite_only,
    import_plotly,
    import_subplots,
    minimizes,
    param_axis,
    plotly_empty,
    target_values,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_contour"]

_TITLE = "Contour Plot"
_GRID = 50  # grid points per numeric axis


@dataclass(frozen=True)
class ContourPanel:
    """The objective over one pair of parameters.

    Attributes:
        x_axis / y_axis: How each parameter is scaled.
        x_grid / y_grid: The grid's coordinates: the parameter's values on a linear or
            log axis (geometric spacing), the category names on a categorical one.
        z: The interpolated objective, ``len(y_grid)`` rows of ``len(x_grid)`` values
            (linear interpolation between trials, nearest trial outside their hull), or
            empty when fewer than two trials have both parameters.
        x / y: The parameters of the trials that have both (categorical as text).
        trial_numbers: Those trials' numbers.
    """

    x_axis: ParamAxis
    y_axis: ParamAxis
    x_grid: tuple[Any, ...]
    y_grid: tuple[Any, ...]
    z: tuple[tuple[float, ...], ...]
    x: tuple[Any, ...]
    y: tuple[Any, ...]
    trial_numbers: tuple[int, ...]


@dataclass(frozen=True)
class ContourInfo:
    """What :func:`plot_contour` draws.

    Attributes:
        params: The parameters; the grid has one row and column per parameter, and the
            panel at (row of ``y``, column of ``x``) is ``panels[(x, y)]``.
        panels: One per ordered pair of distinct parameters.
        reverse_scale: Whether smaller values are better.
    """

    params: tuple[str, ...]
    panels: dict[tuple[str, str], ContourPanel]
    reverse_scale: bool
    target_name: str
    empty_reason: str | None


def _grid(axis: ParamAxis) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Grid coordinates (in :meth:`ParamAxis.coordinate` units) and their display values."""
    if axis.is_categorical:
        return np.arange(len(axis.categories), dtype=float), axis.categories
    lo, hi = axis.padded_range()
    coords = np.linspace(lo, hi, _GRID)
    shown = 10.0**coords if axis.is_log else coords
    return coords, tuple(shown.tolist())


def _interpolate(
    px: np.ndarray, py: np.ndarray, pz: np.ndarray, gx: np.ndarray, gy: np.ndarray
) -> np.ndarray:
    from scipy.interpolate import griddata  # lazy: scipy is not loaded on `import ridgeline`

    # Scaled to the unit square so that neither parameter's units dominate the distances.
    def unit(a: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = float(g.min()), float(g.max())
        span = hi - lo if hi > lo else 1.0
        return (a - lo) / span, (g - lo) / span

    ux, ugx = unit(px, gx)
    uy, ugy = unit(py, gy)
    points = np.column_stack([ux, uy])
    mx, my = np.meshgrid(ugx, ugy)
    nearest = griddata(points, pz, (mx, my), method="nearest")
    try:
        linear = griddata(points, pz, (mx, my), method="linear")
    except Exception:  # fewer than three distinct points, or all on a line (Qhull)
        return np.asarray(nearest, dtype=float)
    return np.where(np.isnan(linear), nearest, linear)


def _panel(
    trials: Sequence[Any], values: dict[int, float], x_name: str, y_name: str
) -> ContourPanel:
    having = [t for t in trials if x_name in t.params and y_name in t.params]
    x_axis, y_axis = param_axis(having, x_name), param_axis(having, y_name)
    gx, x_grid = _grid(x_axis)
    gy, y_grid = _grid(y_axis)
    z: tuple[tuple[float, ...], ...] = ()
    pz = np.array([values[t.number] for t in having], dtype=float)
    finite = np.isfinite(pz)
    if finite.sum() >= 2:
        px = np.array([x_axis.coordinate(t.params[x_name]) for t in having])[finite]
        py = np.array([y_axis.coordinate(t.params[y_name]) for t in having])[finite]
        grid = _interpolate(px, py, pz[finite], gx, gy)
        z = tuple(tuple(row) for row in grid.tolist())

    def shown(axis: ParamAxis, name: str) -> tuple[Any, ...]:
        raw = (t.params[name] for t in having)
        return tuple(str(v) for v in raw) if axis.is_categorical else tuple(raw)

    return ContourPanel(
        x_axis=x_axis,
        y_axis=y_axis,
        x_grid=x_grid,
        y_grid=y_grid,
        z=z,
        x=shown(x_axis, x_name),
        y=shown(y_axis, y_name),
        trial_numbers=tuple(t.number for t in having),
    )


def _get_contour_info(
    study: Study,
    params: Sequence[str] | None = None,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> ContourInfo:
    """The data of :func:`plot_contour`."""
    owner = "plot_contour"
    trials, names = check_plot_args(study, params, target, owner, feasible_only=True)
    reverse = minimizes(study, target)
    if params is not None and len(names) < 2:
        raise VisualizationError(
            f"`params` of {owner} must name at least two parameters; got {params!r}."
        )
    reason = None
    if not trials:
        reason = empty_reason(study, "completed feasible")
    elif len(names) < 2:
        reason = f"A contour plot needs two parameters; the study has {names!r}."
    if reason is not None:
        warn_empty(owner, reason)
        return ContourInfo(tuple(names), {}, reverse, target_name, reason)
    trials, finite = finite_only(trials, target_values(trials, target), owner)
    values = dict(zip((t.number for t in trials), finite, strict=True))
    panels = {(x, y): _panel(trials, values, x, y) for x, y in itertools.permutations(names, 2)}
    return ContourInfo(tuple(names), panels, reverse, target_name, None)


def _axis_layout(axis: ParamAxis) -> dict[str, Any]:
    out: dict[str, Any] = {"title": {"text": axis.name}}
    if axis.is_categorical:
        out.update(type="category", categoryorder="array", categoryarray=list(axis.categories))
    elif axis.is_log:
        lo, hi = axis.padded_range()
        out.update(type="log", range=[lo, hi])
    else:
        out.update(type="linear", range=list(axis.padded_range()))
    return out


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Plot the objective as contours over pairs of parameters, with the trials on top.

    Two parameters give one panel; more give a grid with one panel per pair (the diagonal
    left empty). Values between trials are interpolated linearly (in log10 for log-scaled
    parameters), and outside the trials' hull take the nearest trial's value. Only
    completed feasible trials that have both parameters of a panel are used.

    Args:
        study: The study.
        params: The parameters to draw (all by default), at least two.
        target: A function of a trial giving the value to draw; required for a study with
            several objectives.
        target_name: The colour bar's title.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If ``params`` names a parameter the study does not have or fewer than
            two, or ``target`` is missing for a multi-objective study.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) * t.suggest_float("y", 0, 1),
        ...                n_trials=10)
        >>> fig = ridgeline.visualization.plot_contour(study, params=["x", "y"])
        >>> [trace.type for trace in fig.data]
        ['contour', 'scatter']
    """
    info = _get_contour_info(study, params, target, target_name)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    names = info.params
    pairs = [(names[0], names[1])] if len(names) == 2 else list(info.panels)
    n = 1 if len(names) == 2 else len(names)
    fig = import_subplots().make_subplots(rows=n, cols=n) if n > 1 else go.Figure()
    for k, (x_name, y_name) in enumerate(pairs):
        p = info.panels[(x_name, y_name)]
        where = {} if n == 1 else {"row": names.index(y_name) + 1, "col": names.index(x_name) + 1}
        if p.z:
            fig.add_trace(
                go.Contour(
                    x=p.x_grid,
                    y=p.y_grid,
                    z=p.z,
                    colorscale="Blues",
                    reversescale=info.reverse_scale,
                    connectgaps=True,
                    contours_coloring="heatmap",
                    hoverinfo="none",
                    line_smoothing=1.3,
                    showscale=k == 0,
                    colorbar={"title": {"text": info.target_name}},
                ),
                **where,
            )
        fig.add_trace(
            go.Scatter(
                x=p.x,
                y=p.y,
                mode="markers",
                marker={"color": "black", "line": {"width": 1, "color": "Grey"}},
                text=[f"Trial {n_}" for n_ in p.trial_numbers],
                showlegend=False,
            ),
            **where,
        )
        fig.update_xaxes(**_axis_layout(p.x_axis), **where)
        fig.update_yaxes(**_axis_layout(p.y_axis), **where)
    fig.update_layout(title=_TITLE)
    return fig
