"""Best trial and Pareto front selection over finished trials."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ridgeline.multi_objective._pareto import nondominated_mask
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial

__all__ = ["best_trial_of", "pareto_front_of"]


def best_trial_of(trials: Sequence[FrozenTrial], direction: StudyDirection) -> FrozenTrial | None:
    """The trial with the best single value (the lowest number among ties), or None."""
    best: FrozenTrial | None = None
    best_value = 0.0
    maximize = direction == StudyDirection.MAXIMIZE
    for t in trials:
        if t._values is None:
            continue
        v = t._values[0]
        if v != v:  # NaN never wins
            continue
        if best is None or (v > best_value if maximize else v < best_value):
            best, best_value = t, v
    return best


def pareto_front_of(
    trials: Sequence[FrozenTrial], directions: Sequence[StudyDirection]
) -> list[FrozenTrial]:
    """The trials no other trial dominates, ordered by number.

    A trial dominates another when it is at least as good in every objective and better in
    one. Duplicates of a non-dominated point are all kept.
    """
    usable = [t for t in trials if t._values is not None and len(t._values) == len(directions)]
    if not usable:
        return []
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
    points = np.array([t._values for t in usable], dtype=float) * signs  # minimise all
    points = np.where(np.isnan(points), np.inf, points)
    mask = nondominated_mask(points)
    front = [t for t, keep in zip(usable, mask, strict=True) if keep]
    return sorted(front, key=lambda t: t.number)
