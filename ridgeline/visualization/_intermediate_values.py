"""Learning curves: the intermediate values each trial reported, per step."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.samplers._constraints import is_feasible
from ridgeline.trial._state import TrialState
from ridgeline.visualization._utils import (
    check_study,
    empty_reason,
    import_plotly,
    plotly_empty,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_intermediate_values"]

_TITLE = "Intermediate Values Plot"
_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
_MAX_TRACES = 300  # beyond this many curves, one trace per colour (see plot_intermediate_values)


@dataclass(frozen=True)
class IntermediateCurve:
    """One trial's reports, by increasing step."""

    trial_number: int
    state: TrialState
    feasible: bool
    steps: tuple[int, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class IntermediateValuesInfo:
    """What :func:`plot_intermediate_values` draws: the COMPLETE, PRUNED and RUNNING trials
    that reported at least one value."""

    curves: tuple[IntermediateCurve, ...]
    empty_reason: str | None


def _get_intermediate_values_info(study: Study) -> IntermediateValuesInfo:
    """The data of :func:`plot_intermediate_values`."""
    owner = "plot_intermediate_values"
    check_study(study, owner)
    curves = []
    for t in study.get_trials(deepcopy=False, states=_STATES):
        reports = sorted(t.intermediate_values.items())
        if reports:
            curves.append(
                IntermediateCurve(
                    trial_number=t.number,
                    state=t.state,
                    feasible=is_feasible(t),
                    steps=tuple(int(s) for s, _ in reports),
                    values=tuple(float(v) for _, v in reports),
                )
            )
    if not curves:
        reason = empty_reason(study)
        if study.get_trials(deepcopy=False, states=_STATES):
            reason = "No trial reported intermediate values (`trial.report`)."
        warn_empty(owner, reason)
        return IntermediateValuesInfo((), reason)
    return IntermediateValuesInfo(tuple(curves), None)


def plot_intermediate_values(study: Study) -> Any:
    """Plot each trial's reported intermediate values against the step (learning curves).

    Completed, pruned and running trials that reported at least once are drawn; infeasible
    ones in grey. Up to 300 curves, each trial is a trace of its own (``Trial<number>``);
    beyond, the curves are drawn as one trace per colour (hover shows the trial), which keeps
    the figure fast to build and to draw at thousands of trials.

    Args:
        study: The study.

    Returns:
        A ``plotly.graph_objects.Figure``.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0, 1)
        ...     for step in range(3):
        ...         trial.report(x / (step + 1), step)
        ...     return x / 3
        >>> study.optimize(objective, n_trials=2)
        >>> fig = ridgeline.visualization.plot_intermediate_values(study)
        >>> [trace.name for trace in fig.data]
        ['Trial0', 'Trial1']
    """
    info = _get_intermediate_values_info(study)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    fig = go.Figure()
    if len(info.curves) > _MAX_TRACES:
        # One trace per trial costs plotly milliseconds each (seconds at thousands of trials):
        # past _MAX_TRACES, the curves go into one trace per colour, separated by gaps.
        for feasible in (True, False):
            xs: list[float] = []
            ys: list[float] = []
            texts: list[str] = []
            for c in info.curves:
                if c.feasible == feasible:
                    xs += [*c.steps, math.nan]
                    ys += [*c.values, math.nan]
                    texts += [f"Trial{c.trial_number}"] * (len(c.steps) + 1)
            if xs:
                # numpy arrays: plotly checks them as a whole, lists element by element.
                fig.add_trace(
                    go.Scatter(
                        x=np.array(xs),
                        y=np.array(ys),
                        text=np.array(texts),
                        mode="lines",
                        line={"width": 1, "color": None if feasible else "#cccccc"},
                        name="feasible trials" if feasible else "infeasible trials",
                    )
                )
    for c in info.curves if len(info.curves) <= _MAX_TRACES else ():
        marker: dict[str, Any] = {"maxdisplayed": 10}
        if not c.feasible:
            marker["color"] = "#cccccc"
        fig.add_trace(
            go.Scatter(
                x=c.steps,
                y=c.values,
                mode="lines+markers",
                marker=marker,
                name=f"Trial{c.trial_number}",
            )
        )
    fig.update_layout(
        title=_TITLE,
        xaxis={"title": {"text": "Step"}},
        yaxis={"title": {"text": "Intermediate Value"}},
        showlegend=False,
    )
    return fig
