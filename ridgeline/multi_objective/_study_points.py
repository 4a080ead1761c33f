"""A study's completed trials as points to minimise: the adapter between a study and the
array functions of this package."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeline.multi_objective._checks import MultiObjectiveTypeError, direction_signs
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

__all__ = ["StudyPoints", "study_points"]


@dataclass(frozen=True, eq=False)
class StudyPoints:
    """The COMPLETE trials of a study, in number order, and their values to minimise."""

    trials: list[FrozenTrial]
    points: np.ndarray  # (n, m): each value times its sign
    signs: np.ndarray  # (m,): +1 for a minimised objective, -1 for a maximised one
    feasible: np.ndarray  # (n,) bool


def study_points(study: Any, owner: str) -> StudyPoints:
    """The COMPLETE trials of ``study`` with one value per objective, as points to minimise.

    A trial is infeasible when the constraint values a sampler stored for it (from a
    ``constraints_func``) include one above 0, as ``ridgeline.constraints.is_feasible`` says;
    a trial without stored constraints is feasible.
    """
    # Imported here: the samplers package imports the study package, which imports this one.
    from ridgeline.samplers._constraints import is_feasible

    directions = getattr(study, "directions", None)
    if directions is None or not hasattr(study, "get_trials"):
        raise MultiObjectiveTypeError(
            f"`study` of {owner} must be a ridgeline Study; got {type(study).__name__}."
        )
    signs = direction_signs(list(directions), len(directions), owner)
    m = len(signs)
    trials = [
        t
        for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if t._values is not None and len(t._values) == m
    ]
    points = np.array([t._values for t in trials], dtype=float).reshape(-1, m) * signs
    feasible = np.array([is_feasible(t) for t in trials], dtype=bool)
    return StudyPoints(trials=trials, points=points, signs=signs, feasible=feasible)
