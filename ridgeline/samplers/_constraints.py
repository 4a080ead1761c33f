"""Constraint values that samplers store on trials (``constraints_func``: ``<= 0`` feasible).

Every sampler that takes a ``constraints_func`` calls it when a trial finishes and stores the
values under :data:`CONSTRAINTS_KEY` in the trial's system attributes, so any model that reads
the study later (another sampler, a resumed study, AutoSampler's next choice) sees which
trials were feasible without calling the function again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ridgeline.exceptions import RidgelineError
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = [
    "CONSTRAINTS_KEY",
    "ConstraintsValueError",
    "check_constraints",
    "feasible_trials",
    "is_feasible",
    "store_constraints",
    "total_violation",
]

CONSTRAINTS_KEY = "constraints"


class ConstraintsValueError(RidgelineError, ValueError):
    """A ``constraints_func`` returned values a sampler cannot use."""


class _ConstraintsTypeError(ConstraintsValueError, TypeError):
    pass


def check_constraints(raw: Any, owner: str) -> list[float]:
    """``raw`` (what a ``constraints_func`` returned) as a list of floats, or a clear error."""
    try:
        values = [float(c) for c in raw]
    except (TypeError, ValueError):
        raise _ConstraintsTypeError(
            f"`constraints_func` of {owner} must return a sequence of floats; got {raw!r}."
        ) from None
    if any(math.isnan(v) for v in values):
        raise ConstraintsValueError(
            f"`constraints_func` of {owner} returned NaN in {values!r}; return finite "
            "values (<= 0 means satisfied)."
        )
    return values


def store_constraints(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
    owner: str,
) -> None:
    """In a sampler's ``after_trial``: call ``constraints_func`` on a COMPLETE or PRUNED
    ``trial`` and store the checked values under :data:`CONSTRAINTS_KEY`."""
    if constraints_func is None or state not in (TrialState.COMPLETE, TrialState.PRUNED):
        return
    try:
        raw = constraints_func(trial)
    except Exception as e:
        raise ConstraintsValueError(
            f"`constraints_func` of {owner} raised {type(e).__name__}: {e} (trial "
            f"{trial.number}); it must return a sequence of floats for every finished trial."
        ) from e
    values = check_constraints(raw, owner)
    study._storage.set_trial_system_attr(trial._trial_id, CONSTRAINTS_KEY, values)


def total_violation(trial: FrozenTrial) -> float:
    """``sum(max(0, c))`` over the trial's stored constraint values; a trial without usable
    values (added by hand, or finished before a ``constraints_func`` was given) counts as the
    most infeasible (``inf``)."""
    values = trial._system_attrs.get(CONSTRAINTS_KEY)
    if not isinstance(values, (list, tuple)):
        return math.inf
    try:
        return float(sum(max(0.0, float(c)) for c in values))
    except (TypeError, ValueError):
        return math.inf


def is_feasible(trial: FrozenTrial) -> bool:
    """Whether no stored constraint value of ``trial`` is above 0 (no values: feasible)."""
    values = trial._system_attrs.get(CONSTRAINTS_KEY)
    return values is None or all(v <= 0 for v in values)


def feasible_trials(trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    """The feasible ones among ``trials`` (see :func:`is_feasible`), in order."""
    return [t for t in trials if is_feasible(t)]
