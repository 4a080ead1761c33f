"""Constraints on trials: which trials are feasible, and metric ranges as a constraint.

A sampler given ``constraints_func`` calls it when a trial finishes and stores the returned
values (``<= 0`` means satisfied) under the trial's system attribute ``"constraints"``;
``Study.best_trial`` and ``Study.best_trials`` then keep to feasible trials.

Example:
    >>> import ridgeline
    >>> from ridgeline.constraints import range_constraints
    >>> sampler = ridgeline.samplers.TPESampler(
    ...     seed=0, constraints_func=range_constraints({"memory_gb": (0, 32)})
    ... )
    >>> study = ridgeline.create_study(direction="maximize", sampler=sampler)
    >>> def objective(trial):
    ...     width = trial.suggest_int("width", 1, 64)
    ...     trial.set_user_attr("memory_gb", width * 1.0)  # what the run measured
    ...     return float(width)
    >>> study.optimize(objective, n_trials=30)
    >>> study.best_trial.user_attrs["memory_gb"] <= 32
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ridgeline.exceptions import RidgelineError
from ridgeline.samplers._constraints import (
    CONSTRAINTS_KEY,
    ConstraintsValueError,
    feasible_trials,
    is_feasible,
)
from ridgeline.trial._frozen import FrozenTrial

__all__ = [
    "CONSTRAINTS_KEY",
    "ConstraintsValueError",
    "feasible_trials",
    "is_feasible",
    "range_constraints",
]


class _RangeError(RidgelineError, ValueError):
    pass


def range_constraints(
    ranges: Mapping[str, tuple[float | None, float | None]],
) -> Callable[[FrozenTrial], list[float]]:
    """A ``constraints_func`` that keeps named metrics inside ``[low, high]`` ranges.

    For each ``name: (low, high)``, the trial's value of ``name`` is read from its user
    attributes (``trial.set_user_attr(name, value)`` in the objective) or, failing that, its
    parameters. Two constraint values are returned per range, ``low - value`` and
    ``value - high`` (``<= 0`` inside the range; the amount outside otherwise), so samplers
    can rank infeasible trials by how far outside they are. ``None`` leaves a side open.

    Raises:
        ValueError: On a malformed range (here), or, when a trial finishes, if it has no value
            for a named metric (the trial is then recorded as FAIL with that reason).
    """
    if not isinstance(ranges, Mapping) or not ranges:
        raise _RangeError(
            "`ranges` of range_constraints must be a non-empty dict {metric name: (low, "
            f"high)}}; got {ranges!r}."
        )
    checked: list[tuple[str, float, float]] = []
    for name, bounds in ranges.items():
        try:
            low, high = bounds
        except (TypeError, ValueError):
            raise _RangeError(
                f"`ranges[{name!r}]` of range_constraints must be a pair (low, high); got "
                f"{bounds!r}. Use None for an open side, e.g. (None, 32)."
            ) from None
        lo = -math.inf if low is None else _bound(name, "low", low)
        hi = math.inf if high is None else _bound(name, "high", high)
        if lo > hi:
            raise _RangeError(
                f"`ranges[{name!r}]` of range_constraints has low {low!r} above high "
                f"{high!r}; swap them."
            )
        checked.append((str(name), lo, hi))

    def constraints(trial: FrozenTrial) -> list[float]:
        out: list[float] = []
        for name, lo, hi in checked:
            value = _metric(trial, name)
            if lo > -math.inf:
                out.append(lo - value)
            if hi < math.inf:
                out.append(value - hi)
        return out

    return constraints


def _bound(name: str, side: str, value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        out = math.nan
    if math.isnan(out):
        raise _RangeError(
            f"`ranges[{name!r}]` of range_constraints needs a number or None as {side}; got "
            f"{value!r}."
        )
    return out


def _metric(trial: FrozenTrial, name: str) -> float:
    if name in trial._user_attrs:
        raw = trial._user_attrs[name]
    elif name in trial._params:
        raw = trial._params[name]
    else:
        raise ConstraintsValueError(
            f"range_constraints has a range for {name!r}, but trial {trial.number} has no "
            f"user attribute or parameter {name!r}; call trial.set_user_attr({name!r}, "
            "value) in the objective."
        )
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ConstraintsValueError(
            f"range_constraints needs a number for {name!r}; trial {trial.number} has {raw!r}."
        ) from None
