"""Empirical distribution function of the objective values, one line per study."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.visualization._utils import (
    TargetFunc,
    as_studies,
    check_target,
    completed_trials,
    empty_reason,
    import_plotly,
    plotly_empty,
    target_values,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_edf"]

_TITLE = "Empirical Distribution Function Plot"
_POINTS = 100


@dataclass(frozen=True)
class EDFLine:
    """One study's EDF: the fraction of its completed trials with a value ``<= x``."""

    study_name: str
    y: tuple[float, ...]


@dataclass(frozen=True)
class EDFInfo:
    """What :func:`plot_edf` draws: every line over the same ``x`` values."""

    x: tuple[float, ...]
    lines: tuple[EDFLine, ...]
    target_name: str
    empty_reason: str | None


def _get_edf_info(
    study: Study | Sequence[Study],
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> EDFInfo:
    """The data of :func:`plot_edf`."""
    owner = "plot_edf"
    studies = as_studies(study, owner)
    for s in studies:
        check_target(s, target, owner)
    samples = []
    for s in studies:
        v = np.array(target_values(completed_trials(s), target), dtype=float)
        samples.append(np.sort(v[np.isfinite(v)]))
    if not any(len(v) for v in samples):
        reason = (
            empty_reason(studies[0])
            if len(studies) == 1
            else "None of the studies has completed trials."
        )
        warn_empty(owner, reason)
        return EDFInfo((), (), target_name, reason)
    lo = min(float(v[0]) for v in samples if len(v))
    hi = max(float(v[-1]) for v in samples if len(v))
    x = np.linspace(lo, hi, _POINTS)
    lines = tuple(
        EDFLine(
            s.study_name,
            tuple((np.searchsorted(v, x, side="right") / len(v)).tolist())
            if len(v)
            else (0.0,) * _POINTS,
        )
        for s, v in zip(studies, samples, strict=True)
    )
    return EDFInfo(tuple(x.tolist()), lines, target_name, None)


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Plot the empirical distribution function of the completed trials' values.

    Useful to compare studies (samplers, seeds): a line to the upper left reached good
    values more often (for a minimised objective).

    Args:
        study: A study or several.
        target: A function of a trial giving the value to draw; required for a study with
            several objectives.
        target_name: The x axis' title.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(study_name="a")
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        >>> fig = ridgeline.visualization.plot_edf(study)
        >>> fig.data[0].name, fig.data[0].y[-1]
        ('a', 1.0)
    """
    info = _get_edf_info(study, target, target_name)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    fig = go.Figure()
    for line in info.lines:
        fig.add_trace(go.Scatter(x=info.x, y=line.y, name=line.study_name, mode="lines"))
    fig.update_layout(
        title=_TITLE,
        xaxis={"title": {"text": info.target_name}},
        yaxis={"title": {"text": "Cumulative Probability"}, "range": [0, 1.05]},
    )
    return fig
