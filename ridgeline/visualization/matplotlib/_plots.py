"""matplotlib renderers of the one-panel plots, drawn from the same info as plotly's."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline._imports import require
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.visualization._edf import _get_edf_info
from ridgeline.visualization._hypervolume_history import _get_hypervolume_history_info
from ridgeline.visualization._intermediate_values import _get_intermediate_values_info
from ridgeline.visualization._optimization_history import _get_optimization_history_info
from ridgeline.visualization._parallel_coordinate import _get_parallel_coordinate_info
from ridgeline.visualization._param_importances import _get_param_importances_info
from ridgeline.visualization._pareto_front import _get_pareto_front_info
from ridgeline.visualization._timeline import COLORS, _get_timeline_info
from ridgeline.visualization._utils import TargetFunc
from ridgeline.visualization.matplotlib._utils import (
    empty_axes,
    line_colormap,
    new_axes,
    pyplot,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = [
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_timeline",
]

_GREY = "#bbbbbb"


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> Any:
    """:func:`ridgeline.visualization.plot_optimization_history` on matplotlib axes.

    Example:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        >>> ax = ridgeline.visualization.matplotlib.plot_optimization_history(study)
        >>> ax.get_title()
        'Optimization History Plot'
    """
    title = "Optimization History Plot"
    info = _get_optimization_history_info(study, target, target_name, error_bar)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    ax = new_axes(title)
    if info.band is not None:
        b = info.band
        ax.errorbar(b.trial_numbers, b.value_mean, yerr=b.value_std, fmt="o", label=target_name)
        if b.best_mean is not None and b.best_std is not None:
            mean, std = np.array(b.best_mean), np.array(b.best_std)
            ax.plot(b.trial_numbers, mean, label="Best Value")
            ax.fill_between(b.trial_numbers, mean - std, mean + std, alpha=0.3)
    else:
        several = len(info.series) > 1
        for s in info.series:
            prefix = f"{s.study_name}: " if several else ""
            ok = [i for i, f in enumerate(s.feasible) if f]
            bad = [i for i, f in enumerate(s.feasible) if not f]
            ax.scatter(
                [s.trial_numbers[i] for i in ok],
                [s.values[i] for i in ok],
                label=prefix + target_name,
            )
            if s.best_values is not None:
                ax.plot(s.trial_numbers, s.best_values, label=prefix + "Best Value")
            if bad:
                ax.scatter(
                    [s.trial_numbers[i] for i in bad],
                    [s.values[i] for i in bad],
                    color=_GREY,
                    label=prefix + "Infeasible Trial",
                )
    ax.set_xlabel("Trial")
    ax.set_ylabel(target_name)
    ax.legend(loc="best")
    return ax


def plot_param_importances(
    study: Study,
    evaluator: Any = None,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """:func:`ridgeline.visualization.plot_param_importances` on matplotlib axes."""
    title = "Hyperparameter Importances"
    info = _get_param_importances_info(study, evaluator, params, target, target_name)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    ax = new_axes(title)
    n = len(info.series)
    height = 0.8 / n
    pos = np.arange(len(info.params), dtype=float)
    for k, s in enumerate(info.series):
        bars = ax.barh(pos + (k - (n - 1) / 2) * height, s.importances, height, label=s.name)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in s.importances], padding=2)
    ax.set_yticks(pos)
    ax.set_yticklabels(info.params)
    ax.set_xlabel("Hyperparameter Importance")
    ax.set_ylabel("Hyperparameter")
    if n > 1:
        ax.legend(loc="lower right")
    return ax


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """:func:`ridgeline.visualization.plot_parallel_coordinate` on matplotlib axes.

    Each axis is scaled to [0, 1] over its range and labelled with its ends (its choices
    for a categorical parameter, powers of ten for a log-scaled one).
    """
    title = "Parallel Coordinate Plot"
    info = _get_parallel_coordinate_info(study, params, target, target_name)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    plt = pyplot()
    collections = require("matplotlib.collections", "viz")
    ax = new_axes(title)
    dims = (info.objective, *info.dimensions)
    scaled = []
    for d in dims:
        lo, hi = d.range
        span = hi - lo if hi > lo else 1.0
        scaled.append([(v - lo) / span for v in d.values])
    xs = list(range(len(dims)))
    segments = [list(zip(xs, col, strict=True)) for col in zip(*scaled, strict=True)]
    cmap = line_colormap(info.reverse_scale)
    lines = collections.LineCollection(segments, cmap=cmap, alpha=0.8)
    lines.set_array(np.array(info.objective.values))
    ax.add_collection(lines)
    plt.colorbar(lines, ax=ax, label=info.target_name)
    for x, d in zip(xs, dims, strict=True):
        ax.axvline(x, color="black", linewidth=0.8)
        lo, hi = d.range
        span = hi - lo if hi > lo else 1.0
        ticks = list(zip(d.tick_values, d.tick_text, strict=True)) or [
            (lo, f"{lo:.3g}"),
            (hi, f"{hi:.3g}"),
        ]
        for value, text in ticks:
            if lo - 1e-12 <= value <= hi + 1e-12:
                ax.text(x + 0.02, (value - lo) / span, text, fontsize=8, va="center")
    ax.set_xticks(xs)
    ax.set_xticklabels([d.label for d in dims], rotation=30, ha="right")
    ax.set_xlim(-0.1, len(dims) - 0.6)
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([])
    return ax


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """:func:`ridgeline.visualization.plot_edf` on matplotlib axes."""
    title = "Empirical Distribution Function Plot"
    info = _get_edf_info(study, target, target_name)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    ax = new_axes(title)
    for line in info.lines:
        ax.plot(info.x, line.y, label=line.study_name)
    ax.set_xlabel(info.target_name)
    ax.set_ylabel("Cumulative Probability")
    ax.set_ylim(0, 1.05)
    ax.legend(loc="best")
    return ax


def plot_intermediate_values(study: Study) -> Any:
    """:func:`ridgeline.visualization.plot_intermediate_values` on matplotlib axes."""
    title = "Intermediate Values Plot"
    info = _get_intermediate_values_info(study)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    ax = new_axes(title)
    for c in info.curves:
        kwargs: dict[str, Any] = {} if c.feasible else {"color": _GREY}
        ax.plot(c.steps, c.values, marker=".", label=f"Trial{c.trial_number}", **kwargs)
    ax.set_xlabel("Step")
    ax.set_ylabel("Intermediate Value")
    return ax


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Any:
    """:func:`ridgeline.visualization.plot_hypervolume_history` on matplotlib axes."""
    title = "Hypervolume History Plot"
    info = _get_hypervolume_history_info(study, reference_point)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    ax = new_axes(title)
    ax.plot(info.trial_numbers, info.values, marker="o", label="Hypervolume")
    ax.set_xlabel("Trial")
    ax.set_ylabel("Hypervolume")
    return ax


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Any:
    """:func:`ridgeline.visualization.plot_timeline` on matplotlib axes."""
    title = "Timeline Plot"
    info = _get_timeline_info(study, n_recent_trials)
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    dates = require("matplotlib.dates", "viz")
    ax = new_axes(title)
    for label, color in COLORS.items():
        bars = [b for b in info.bars if b.label == label]
        if bars:
            starts = dates.date2num([b.start for b in bars])
            ends = dates.date2num([b.complete for b in bars])
            ax.barh(
                [b.trial_number for b in bars],
                ends - starts,
                left=starts,
                color=color,
                label=label,
            )
    ax.xaxis_date()
    ax.set_xlabel("Datetime")
    ax.set_ylabel("Trial")
    ax.legend(loc="best")
    return ax


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: list[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> Any:
    """:func:`ridgeline.visualization.plot_pareto_front` on matplotlib axes (3-D axes for
    three targets)."""
    title = "Pareto-front Plot"
    info = _get_pareto_front_info(
        study, target_names, include_dominated_trials, axis_order, constraints_func, targets
    )
    if info.empty_reason is not None:
        return empty_axes(title, info.empty_reason)
    three = len(info.target_names) == 3
    fig = pyplot().figure(figsize=(8, 6))
    ax = fig.add_subplot(projection="3d") if three else fig.add_subplot()
    ax.set_title(title)
    groups = [
        (info.infeasible, "Infeasible Trial", _GREY),
        (info.dominated, "Trial", "tab:blue"),
        (info.best, "Best Trial", "tab:red"),
    ]
    for points, name, color in groups:
        if points.trial_numbers:
            cols = [list(c) for c in zip(*points.values, strict=True)]
            ax.scatter(*cols, color=color, label=name)
    for which, name in zip("xyz", info.target_names, strict=False):
        getattr(ax, f"set_{which}label")(name)
    ax.legend(loc="best")
    return ax
