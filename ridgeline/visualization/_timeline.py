"""Timeline: when each trial ran, as horizontal bars coloured by state."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ridgeline.samplers._constraints import is_feasible
from ridgeline.trial._state import TrialState
from ridgeline.visualization._utils import (
    VisualizationError,
    check_study,
    empty_reason,
    import_plotly,
    plotly_empty,
    warn_empty,
)

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["plot_timeline"]

_TITLE = "Timeline Plot"
COLORS = {
    "COMPLETE": "blue",
    "FAIL": "red",
    "PRUNED": "orange",
    "RUNNING": "green",
    "WAITING": "gray",
    "INFEASIBLE": "#cccccc",
}


@dataclass(frozen=True)
class TimelineBar:
    """One trial's run.

    Attributes:
        label: ``"INFEASIBLE"`` for a completed trial that broke its constraints, otherwise
            the state's name (the bar's colour and legend entry).
        complete: When it finished, or the time the info was taken for a running trial.
    """

    trial_number: int
    start: datetime.datetime
    complete: datetime.datetime
    state: TrialState
    label: str


@dataclass(frozen=True)
class TimelineInfo:
    """What :func:`plot_timeline` draws: trials that started, by number."""

    bars: tuple[TimelineBar, ...]
    empty_reason: str | None


def _get_timeline_info(study: Study, n_recent_trials: int | None = None) -> TimelineInfo:
    """The data of :func:`plot_timeline`."""
    owner = "plot_timeline"
    check_study(study, owner)
    if n_recent_trials is not None and (
        isinstance(n_recent_trials, bool)
        or not isinstance(n_recent_trials, int)
        or n_recent_trials < 1
    ):
        raise VisualizationError(
            f"`n_recent_trials` of {owner} must be a positive int or None; got {n_recent_trials!r}."
        )
    trials = [t for t in study.get_trials(deepcopy=False) if t.datetime_start is not None]
    if n_recent_trials is not None:
        trials = trials[-n_recent_trials:]
    now = datetime.datetime.now()
    bars = []
    for t in trials:
        start = t.datetime_start
        if start is None:  # filtered above; this narrows the type
            continue
        label = t.state.name
        if t.state == TrialState.COMPLETE and not is_feasible(t):
            label = "INFEASIBLE"
        running_end = now.astimezone(start.tzinfo) if start.tzinfo is not None else now
        end = t.datetime_complete or running_end
        bars.append(TimelineBar(t.number, start, end, t.state, label))
    if not bars:
        reason = empty_reason(study, "started")
        warn_empty(owner, reason)
        return TimelineInfo((), reason)
    return TimelineInfo(tuple(bars), None)


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Any:
    """Plot when each trial started and finished, as bars coloured by state.

    Args:
        study: The study.
        n_recent_trials: Draw only the most recent trials (all by default).

    Returns:
        A ``plotly.graph_objects.Figure``.

    Raises:
        ValueError: If ``n_recent_trials`` is not a positive int.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        >>> fig = ridgeline.visualization.plot_timeline(study)
        >>> [trace.name for trace in fig.data]
        ['COMPLETE']
    """
    info = _get_timeline_info(study, n_recent_trials)
    if info.empty_reason is not None:
        return plotly_empty(_TITLE, info.empty_reason)
    go = import_plotly()
    fig = go.Figure()
    for label in COLORS:
        bars = [b for b in info.bars if b.label == label]
        if not bars:
            continue
        fig.add_trace(
            go.Bar(
                name=label,
                x=[(b.complete - b.start).total_seconds() * 1000 for b in bars],
                y=[b.trial_number for b in bars],
                base=[b.start.isoformat() for b in bars],
                orientation="h",
                marker={"color": COLORS[label]},
                text=[f"Trial {b.trial_number}" for b in bars],
                hovertemplate="%{text}<br>%{base} + %{x} ms<extra></extra>",
            )
        )
    fig.update_layout(
        title=_TITLE,
        barmode="overlay",
        xaxis={"title": {"text": "Datetime"}, "type": "date"},
        yaxis={"title": {"text": "Trial"}},
    )
    return fig
