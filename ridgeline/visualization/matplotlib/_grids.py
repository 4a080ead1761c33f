"""matplotlib renderers of the per-parameter plots (slice, contour, rank)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.visualization._contour import _get_contour_info
from ridgeline.visualization._rank import _get_rank_info
from ridgeline.visualization._slice import _get_slice_info
from ridgeline.visualization._utils import ParamAxis, TargetFunc
from ridgeline.visualization.matplotlib._utils import (
    colorbar,
    coordinates,
    empty_axes,
    grid_axes,
    pyplot,
    set_param_axis,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_contour", "plot_rank", "plot_slice"]

_GREY = "#bbbbbb"


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """:func:`ridgeline.visualization.plot_slice` on matplotlib axes: one axes for one
    parameter, else a numpy array of axes (one per parameter).

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(
        ...     lambda t: t.suggest_float("x", 1e-3, 1, log=True) + t.suggest_int("n", 1, 4),
        ...     n_trials=5,
        ... )
        >>> axes = ridgeline.visualization.matplotlib.plot_slice(study)
        >>> [ax.get_xscale() for ax in axes]
        ['linear', 'log']
    """
    title = "Slice Plot"
    info = _get_slice_info(study, params, target, target_name)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    n = len(info.panels)
    fig, axes = pyplot().subplots(
        1, n, figsize=(max(4 * n, 6), 4.5), sharey=True, squeeze=False, layout="constrained"
    )
    fig.suptitle(title)
    for k, (ax, p) in enumerate(zip(axes[0], info.panels, strict=True)):
        x = coordinates(p.axis, p.x)
        ok = [i for i, f in enumerate(p.feasible) if f]
        bad = [i for i, f in enumerate(p.feasible) if not f]
        points = ax.scatter(
            [x[i] for i in ok],
            [p.y[i] for i in ok],
            c=[p.trial_numbers[i] for i in ok],
            cmap="Blues",
            edgecolors="grey",
        )
        if bad:
            ax.scatter([x[i] for i in bad], [p.y[i] for i in bad], color=_GREY)
        set_param_axis(ax, p.axis, "x")
        if k == 0:
            ax.set_ylabel(info.target_name)
        if k == n - 1:
            fig.colorbar(points, ax=ax, label="Trial")
    return axes[0, 0] if n == 1 else axes[0]


def _grid_coordinates(axis: ParamAxis, grid: tuple[Any, ...]) -> np.ndarray:
    return np.array(coordinates(axis, grid), dtype=float)


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """:func:`ridgeline.visualization.plot_contour` on matplotlib axes: one axes for two
    parameters, else an ``n`` by ``n`` numpy array of axes (the diagonal empty)."""
    title = "Contour Plot"
    info = _get_contour_info(study, params, target, target_name)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    names = info.params
    n = 1 if len(names) == 2 else len(names)
    axes = grid_axes(title, n)
    cmap = "Blues_r" if info.reverse_scale else "Blues"
    pairs = [(names[0], names[1])] if n == 1 else list(info.panels)
    filled = None
    for x_name, y_name in pairs:
        p = info.panels[(x_name, y_name)]
        ax = axes if n == 1 else axes[names.index(y_name), names.index(x_name)]
        gx = _grid_coordinates(p.x_axis, p.x_grid)
        gy = _grid_coordinates(p.y_axis, p.y_grid)
        if p.z and len(gx) > 1 and len(gy) > 1:
            filled = ax.contourf(gx, gy, np.array(p.z), levels=15, cmap=cmap)
        ax.scatter(coordinates(p.x_axis, p.x), coordinates(p.y_axis, p.y), color="black", s=12)
        set_param_axis(ax, p.x_axis, "x")
        set_param_axis(ax, p.y_axis, "y")
    if n > 1:
        for i in range(n):
            axes[i, i].set_axis_off()
    if filled is not None:
        colorbar(axes, filled, info.target_name)
    return axes


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """:func:`ridgeline.visualization.plot_rank` on matplotlib axes: one axes for one or
    two parameters, else an ``n`` by ``n`` numpy array of axes (the diagonal empty)."""
    title = "Rank Plot"
    info = _get_rank_info(study, params, target, target_name)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    names = info.params
    n = 1 if len(names) <= 2 else len(names)
    axes = grid_axes(title, n)
    if n == 1:
        keys: list[tuple[str, str | None]] = [(names[0], names[1] if len(names) == 2 else None)]
    else:
        keys = list(info.panels)
    points = None
    for key in keys:
        p = info.panels[key]
        x_name, y_name = key
        ax = axes if n == 1 else axes[names.index(str(y_name)), names.index(x_name)]
        x = coordinates(p.x_axis, p.x)
        y = list(p.y) if p.y_axis is None else coordinates(p.y_axis, p.y)
        ranks = np.array(p.ranks, dtype=float)
        ok = ~np.isnan(ranks)
        xa, ya = np.array(x, dtype=float), np.array(y, dtype=float)
        points = ax.scatter(
            xa[ok], ya[ok], c=ranks[ok], cmap="RdYlBu_r", vmin=0, vmax=1, edgecolors="grey"
        )
        if (~ok).any():
            ax.scatter(xa[~ok], ya[~ok], color=_GREY)
        set_param_axis(ax, p.x_axis, "x")
        if p.y_axis is None:
            ax.set_ylabel(info.target_name)
        else:
            set_param_axis(ax, p.y_axis, "y")
    if n > 1:
        for i in range(n):
            axes[i, i].set_axis_off()
    if points is not None:
        colorbar(axes, points, f"Rank of {info.target_name}")
    return axes
