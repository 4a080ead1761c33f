"""Slice plot: the objective against each parameter, one panel per parameter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ridgeline.samplers._constraints import is_feasible
from ridgeline.visualization._utils import (
    ParamAxis,
    TargetFunc,
    check_plot_args,
    empty_reason,
    finite_only,
    import_plotly,
    import_subplots,
    param_axis,
    plotly_empty,
    target_values,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_slice"]

_TITLE = "Slice Plot"


@dataclass(frozen=True)
class SlicePanel:
    """One parameter's panel.

    Attributes:
        axis: How the parameter is scaled (log, categorical).
        x: The parameter's values for the trials that have it (categorical as text).
        y: Their objective values.
        trial_numbers: Those trials' numbers (the markers' colour).
        feasible: Whether each trial met its stored constraints.
    """

    axis: ParamAxis
    x: tuple[Any, ...]
    y: tuple[float, ...]
    trial_numbers: tuple[int, ...]
    feasible: tuple[bool, ...]


@dataclass(frozen=True)
class SliceInfo:
    """What :func:`plot_slice` draws."""

    panels: tuple[SlicePanel, ...]
    target_name: str
    empty_reason: str | None


def _get_slice_info(
    study: Study,
    params: Sequence[str] | None = None,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> SliceInfo:
    """The data of :func:`plot_slice`."""
    owner = "plot_slice"
    trials, names = check_plot_args(study, params, target, owner)
    trials, values_list = finite_only(trials, target_values(trials, target), owner)
    if not trials:
        reason = empty_reason(study)
        warn_empty(owner, reason)
        return SliceInfo((), target_name, reason)
    values = dict(zip((t.number for t in trials), values_list, strict=True))
    panels = []
    for name in names:
        having = [t for t in trials if name in t.params]
        axis = param_axis(having, name)
        x = tuple(str(t.params[name]) if axis.is_categorical else t.params[name] for t in having)
        panels.append(
            SlicePanel(
                axis=axis,
                x=x,
                y=tuple(values[t.number] for t in having),
                trial_numbers=tuple(t.number for t in having),
                feasible=tuple(is_feasible(t) for t in having),
            )
        )
    return SliceInfo(tuple(panels), target_name, None)


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Plot the objective value against each parameter, one panel per parameter.

    Each panel has the completed trials that have the parameter (conditional parameters
    show only where they were sampled), coloured by trial number; log-scaled parameters are
    on a log axis, categorical ones on a category axis; infeasible trials are grey.

    Args:
        study: The study.
        params: The parameters to draw (all by default).
        target: A function of a trial giving the value to draw; required for a study with
            several objectives.
        target_name: The value axis' title.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If ``params`` names a parameter the study does not have, or ``target``
            is missing for a multi-objective study.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(
        ...     lambda t: t.suggest_float("x", 1e-3, 1, log=True) + t.suggest_int("n", 1, 4),
        ...     n_trials=5,
        ... )
        >>> fig = ridgeline.visualization.plot_slice(study)
        >>> fig.layout.xaxis.type, fig.layout.xaxis2.type
        ('linear', 'log')
    """
    info = _get_slice_info(study, params, target, target_name)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    subplots = import_subplots()
    n = max(len(info.panels), 1)
    fig = subplots.make_subplots(rows=1, cols=n, shared_yaxes=True)
    for col, p in enumerate(info.panels, start=1):
        ok = [i for i, f in enumerate(p.feasible) if f]
        bad = [i for i, f in enumerate(p.feasible) if not f]
        fig.add_trace(
            go.Scatter(
                x=[p.x[i] for i in ok],
                y=[p.y[i] for i in ok],
                mode="markers",
                name=p.axis.name,
                marker={
                    "color": [p.trial_numbers[i] for i in ok],
                    "colorscale": "Blues",
                    "showscale": col == 1,
                    "colorbar": {"title": {"text": "Trial"}},
                    "line": {"width": 0.5, "color": "Grey"},
                },
                text=[f"Trial {p.trial_numbers[i]}" for i in ok],
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        if bad:
            fig.add_trace(
                go.Scatter(
                    x=[p.x[i] for i in bad],
                    y=[p.y[i] for i in bad],
                    mode="markers",
                    name="Infeasible Trial",
                    marker={"color": "#cccccc"},
                    showlegend=False,
                ),
                row=1,
                col=col,
            )
        xaxis: dict[str, Any] = {"title": {"text": p.axis.name}}
        if p.axis.is_log:
            xaxis["type"] = "log"
        elif p.axis.is_categorical:
            xaxis["type"] = "category"
            xaxis["categoryorder"] = "array"
            xaxis["categoryarray"] = list(p.axis.categories)
        else:
            xaxis["type"] = "linear"
        fig.update_xaxes(row=1, col=col, **xaxis)
    fig.update_yaxes(row=1, col=1, title={"text": info.target_name})
    fig.update_layout(title=_TITLE)
    return fig
