"""What a report shows, extracted from a study as plain data (no HTML, no plotly)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.exceptions import RidgelineError
from ridgeline.samplers._constraints import CONSTRAINTS_KEY, is_feasible
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = [
    "ReportError",
    "StudySummary",
    "check_study",
    "finite_or_text",
    "metric_labels",
    "summarize",
    "top_trials",
]


class ReportError(RidgelineError, ValueError):
    """A report was asked for with arguments it cannot use."""


@dataclass(frozen=True)
class StudySummary:
    """The facts at the top of a report: configuration, counts and times."""

    study_name: str
    directions: list[str]
    metric_names: list[str]
    sampler: str
    pruner: str
    n_trials: int
    state_counts: dict[str, int]
    total_duration: datetime.timedelta | None
    mean_duration: datetime.timedelta | None
    first_start: datetime.datetime | None
    last_complete: datetime.datetime | None
    n_feasible: int
    n_infeasible: int
    has_constraints: bool


def check_study(study: Any, owner: str) -> None:
    from ridgeline.study._study import Study

    if not isinstance(study, Study):
        raise ReportError(
            f"`study` of {owner} must be a ridgeline Study; got {study!r} ({type(study).__name__})."
        )


def metric_labels(study: Study) -> list[str]:
    """The study's metric names, or ``value`` / ``values[i]`` when it has none."""
    if study.metric_names is not None:
        return list(study.metric_names)
    n = len(study.directions)
    return ["value"] if n == 1 else [f"values[{i}]" for i in range(n)]


def summarize(study: Study, trials: Sequence[FrozenTrial]) -> StudySummary:
    counts = {s.name: 0 for s in TrialState}
    for t in trials:
        counts[t.state.name] += 1
    durations = [d for d in (t.duration for t in trials if t.state.is_finished()) if d]
    total = sum(durations, datetime.timedelta()) if durations else None
    starts = [t.datetime_start for t in trials if t.datetime_start is not None]
    ends = [t.datetime_complete for t in trials if t.datetime_complete is not None]
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    n_feasible = sum(is_feasible(t) for t in complete)
    return StudySummary(
        study_name=study.study_name,
        directions=[d.name.lower() for d in study.directions],
        metric_names=metric_labels(study),
        sampler=repr(study.sampler),
        pruner=repr(study.pruner),
        n_trials=len(trials),
        state_counts=counts,
        total_duration=total,
        mean_duration=total / len(durations) if total is not None else None,
        first_start=min(starts) if starts else None,
        last_complete=max(ends) if ends else None,
        n_feasible=n_feasible,
        n_infeasible=len(complete) - n_feasible,
        has_constraints=any(CONSTRAINTS_KEY in t.system_attrs for t in complete),
    )


def top_trials(
    trials: Sequence[FrozenTrial], directions: Sequence[StudyDirection], k: int
) -> list[FrozenTrial]:
    """The ``k`` best trials with values: COMPLETE ones first, then PRUNED ones (whose value
    is their last report, a lower-fidelity figure), each part best first.

    With several objectives, "best" is the non-dominated rank (Pareto front first), then
    the first objective. Feasible trials come before infeasible ones.

    Example:
        >>> import ridgeline
        >>> from ridgeline.study._study_direction import StudyDirection
        >>> trials = [ridgeline.create_trial(value=v) for v in (3.0, 1.0, 2.0)]
        >>> [t.value for t in top_trials(trials, [StudyDirection.MINIMIZE], 2)]
        [1.0, 2.0]
    """
    out: list[FrozenTrial] = []
    for state in (TrialState.COMPLETE, TrialState.PRUNED):
        pool = [
            t
            for t in trials
            if t.state == state and t.values is not None and len(t.values) == len(directions)
        ]
        out.extend(_ranked(pool, directions))
        if len(out) >= k:
            break
    return out[:k]


def _ranked(trials: list[FrozenTrial], directions: Sequence[StudyDirection]) -> list[FrozenTrial]:
    if not trials:
        return []
    sign = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
    points = np.array([t.values for t in trials], dtype=float) * sign
    points = np.where(np.isnan(points), np.inf, points)
    infeasible = np.array([not is_feasible(t) for t in trials])
    if len(directions) > 1:
        from ridgeline.multi_objective import nondominated_ranks

        ranks = np.zeros(len(trials), dtype=np.int64)
        for mask in (~infeasible, infeasible):
            if mask.any():
                ranks[mask] = nondominated_ranks(points[mask])
    else:
        ranks = np.zeros(len(trials), dtype=np.int64)
    order = np.lexsort((np.array([t.number for t in trials]), points[:, 0], ranks, infeasible))
    return [trials[i] for i in order]


def finite_or_text(value: Any) -> Any:
    """A float that JSON can hold: non-finite floats become ``"inf"``, ``"-inf"``, ``"nan"``."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
