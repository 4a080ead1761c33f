"""Optimization history: each completed trial's value and the best value so far."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.samplers._constraints import is_feasible
from ridgeline.visualization._utils import (
    TargetFunc,
    as_studies,
    check_target,
    completed_trials,
    empty_reason,
    finite_only,
    import_plotly,
    minimizes,
    plotly_empty,
    target_values,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_optimization_history"]

_TITLE = "Optimization History Plot"


@dataclass(frozen=True)
class HistorySeries:
    """One study's history.

    Attributes:
        study_name: The study's name (the legend).
        trial_numbers: The COMPLETE trials' numbers, increasing.
        values: Their values (``target`` or the objective value).
        feasible: Whether each trial met its stored constraints (infeasible ones are drawn
            apart and never count as best).
        best_values: The best feasible value up to each trial (NaN before the first feasible
            one); ``None`` when a ``target`` is drawn (its direction is unknown).
    """

    study_name: str
    trial_numbers: tuple[int, ...]
    values: tuple[float, ...]
    feasible: tuple[bool, ...]
    best_values: tuple[float, ...] | None


@dataclass(frozen=True)
class HistoryBand:
    """Mean and standard deviation over several studies, per trial number."""

    trial_numbers: tuple[int, ...]
    value_mean: tuple[float, ...]
    value_std: tuple[float, ...]
    best_mean: tuple[float, ...] | None
    best_std: tuple[float, ...] | None


@dataclass(frozen=True)
class OptimizationHistoryInfo:
    """What :func:`plot_optimization_history` draws."""

    series: tuple[HistorySeries, ...]
    band: HistoryBand | None
    target_name: str
    empty_reason: str | None


def _series(study: Study, target: TargetFunc | None, owner: str) -> HistorySeries:
    trials = completed_trials(study)
    trials, values = finite_only(trials, target_values(trials, target), owner)
    feasible = [is_feasible(t) for t in trials]
    best: list[float] | None = None
    if target is None:
        pick = min if minimizes(study, target) else max
        best, current = [], math.nan
        for v, ok in zip(values, feasible, strict=True):
            if ok and not math.isnan(v):
                current = v if math.isnan(current) else pick(current, v)
            best.append(current)
    return HistorySeries(
        study_name=study.study_name,
        trial_numbers=tuple(t.number for t in trials),
        values=tuple(values),
        feasible=tuple(feasible),
        best_values=None if best is None else tuple(best),
    )


def _band(series: Sequence[HistorySeries]) -> HistoryBand:
    numbers = sorted({n for s in series for n in s.trial_numbers})
    index = {n: i for i, n in enumerate(numbers)}
    vals = np.full((len(series), len(numbers)), np.nan)
    bests = np.full((len(series), len(numbers)), np.nan)
    for row, s in enumerate(series):
        for n, v in zip(s.trial_numbers, s.values, strict=True):
            vals[row, index[n]] = v
        if s.best_values is not None:
            last = np.nan
            it = dict(zip(s.trial_numbers, s.best_values, strict=True))
            for n in numbers:  # the best so far holds between a study's trials
                last = it.get(n, last)
                bests[row, index[n]] = last

    def stats(a: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
        ok = ~np.isnan(a)
        count = ok.sum(axis=0)
        mean = np.where(count > 0, np.nansum(a, axis=0) / np.maximum(count, 1), np.nan)
        dev = np.where(ok, a - mean, 0.0)
        std = np.sqrt((dev**2).sum(axis=0) / np.maximum(count, 1))
        std = np.where(count > 0, std, np.nan)
        return tuple(mean.tolist()), tuple(std.tolist())

    value_mean, value_std = stats(vals)
    has_best = all(s.best_values is not None for s in series)
    best_mean, best_std = stats(bests) if has_best else (None, None)
    return HistoryBand(tuple(numbers), value_mean, value_std, best_mean, best_std)


def _get_optimization_history_info(
    study: Study | Sequence[Study],
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> OptimizationHistoryInfo:
    """The data of :func:`plot_optimization_history`."""
    owner = "plot_optimization_history"
    studies = as_studies(study, owner)
    for s in studies:
        check_target(s, target, owner)
    series = tuple(_series(s, target, owner) for s in studies)
    reason = None
    if not any(s.trial_numbers for s in series):
        reason = (
            empty_reason(studies[0])
            if len(studies) == 1
            else ("None of the studies has completed trials.")
        )
        warn_empty(owner, reason)
    band = _band(series) if error_bar and reason is None else None
    return OptimizationHistoryInfo(series, band, target_name, reason)


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> Any:
    """Plot each completed trial's value and the best value so far, per trial number.

    Args:
        study: A study, or several studies drawn together (e.g. several seeds).
        target: A function of a trial giving the value to draw; required for a study with
            several objectives. No best-value line is drawn for a ``target``.
        target_name: The value axis' title.
        error_bar: With several studies, draw the mean and standard deviation over the
            studies per trial number instead of each study.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: For a multi-objective study without ``target``.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        >>> fig = ridgeline.visualization.plot_optimization_history(study)
        >>> [trace.name for trace in fig.data]
        ['Objective Value', 'Best Value']
    """
    info = _get_optimization_history_info(study, target, target_name, error_bar)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    fig = go.Figure()
    several = len(info.series) > 1
    if info.band is not None:
        b = info.band
        fig.add_trace(
            go.Scatter(
                x=b.trial_numbers,
                y=b.value_mean,
                error_y={"type": "data", "array": b.value_std, "visible": True},
                mode="markers",
                name=target_name,
            )
        )
        if b.best_mean is not None and b.best_std is not None:
            upper = [m + s for m, s in zip(b.best_mean, b.best_std, strict=True)]
            lower = [m - s for m, s in zip(b.best_mean, b.best_std, strict=True)]
            fig.add_trace(go.Scatter(x=b.trial_numbers, y=b.best_mean, name="Best Value"))
            fig.add_trace(
                go.Scatter(
                    x=list(b.trial_numbers) + list(reversed(b.trial_numbers)),
                    y=upper + lower[::-1],
                    fill="toself",
                    line={"width": 0},
                    opacity=0.3,
                    showlegend=False,
                    name="Best Value band",
                    hoverinfo="skip",
                )
            )
    else:
        for s in info.series:
            prefix = f"{s.study_name}: " if several else ""
            ok = [i for i, f in enumerate(s.feasible) if f]
            bad = [i for i, f in enumerate(s.feasible) if not f]
            fig.add_trace(
                go.Scatter(
                    x=[s.trial_numbers[i] for i in ok],
                    y=[s.values[i] for i in ok],
                    mode="markers",
                    name=prefix + target_name,
                )
            )
            if s.best_values is not None:
                fig.add_trace(
                    go.Scatter(x=s.trial_numbers, y=s.best_values, name=prefix + "Best Value")
                )
            if bad:
                fig.add_trace(
                    go.Scatter(
                        x=[s.trial_numbers[i] for i in bad],
                        y=[s.values[i] for i in bad],
                        mode="markers",
                        marker={"color": "#cccccc"},
                        name=prefix + "Infeasible Trial",
                    )
                )
    fig.update_layout(
        title=_TITLE,
        xaxis={"title": {"text": "Trial"}},
        yaxis={"title": {"text": target_name}},
    )
    return fig
