"""The hypervolume of a study's feasible completed trials after each trial.

The volume is updated as trials arrive instead of recomputed: a new trial adds its volume
exclusive of the current front (0 when the front dominates it), the front drops what the new
trial dominates. In two objectives the front is a sorted staircase and a trial costs
O(log n) plus a list move; in more, the exclusive volume is computed over the front's limit
set reduced as in ``exclusive_volume`` (While et al. 2012), which usually leaves a few points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.multi_objective._checks import as_vector
from ridgeline.multi_objective._hv_exact import Staircase, exclusive_volume_of_columns
from ridgeline.multi_objective._hypervolume import nadir_plus_margin
from ridgeline.multi_objective._study_points import study_points

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["HypervolumeHistory", "IncrementalHypervolume", "hypervolume_history"]

# Margin of the reference point inferred from a study's trials (see reference_point).
_MARGIN = 0.1


@dataclass(frozen=True, eq=False)
class HypervolumeHistory:
    """The hypervolume after each completed trial of a study.

    Attributes:
        trial_numbers: The numbers of the COMPLETE trials, increasing.
        values: The hypervolume of the feasible ones among those trials up to and including
            each, non-decreasing (an infeasible trial repeats the value before it).
        reference_point: The reference point used, in the study's directions (worse than the
            trials: larger for a minimised objective, smaller for a maximised one); ``None``
            when it was to be inferred and no feasible trial had finite values.
    """

    trial_numbers: np.ndarray
    values: np.ndarray
    reference_point: np.ndarray | None


class IncrementalHypervolume:
    """The hypervolume of a growing set of points (to minimise), updated per point."""

    def __init__(self, reference_point: np.ndarray) -> None:
        self._r = np.asarray(reference_point, dtype=float)
        self._r_list = self._r.tolist()
        self.value = 0.0
        m = len(self._r)
        self._stair = Staircase(self._r_list[0], self._r_list[1]) if m == 2 else None
        # The front, one array per objective (numpy compares columns faster than short rows).
        self._cols = [np.empty(0) for _ in range(m)]

    def add(self, point: np.ndarray) -> float:
        """Add ``point`` and return the hypervolume of all points so far."""
        p = np.asarray(point, dtype=float)
        values = p.tolist()
        if math.isinf(self.value) or not all(
            v < rv for v, rv in zip(values, self._r_list, strict=True)
        ):
            return self.value  # NaN compares false too
        if -math.inf in values:
            self.value = math.inf
            return self.value
        if self._stair is not None:
            self.value += self._stair.insert(values[0], values[1])
            return self.value
        cols = self._cols
        if len(cols[0]):
            covered = cols[0] <= values[0]
            for c, v in zip(cols[1:], values[1:], strict=True):
                covered &= c <= v
            if covered.any():
                return self.value  # dominated, or a copy of a front point
        self.value += exclusive_volume_of_columns(p, cols, self._r)
        beaten = cols[0] >= values[0]
        for c, v in zip(cols[1:], values[1:], strict=True):
            beaten &= c >= v
        keep = ~beaten
        self._cols = [np.append(c[keep], v) for c, v in zip(cols, values, strict=True)]
        return self.value


def hypervolume_history(study: Study, reference_point: Any = None) -> HypervolumeHistory:
    """The hypervolume of the feasible COMPLETE trials after each COMPLETE trial.

    Trials are taken in number order. A trial is infeasible when the constraint values a
    sampler stored for it (``constraints_func``, see ``ridgeline.samplers``) include one above
    0; trials without stored constraints are feasible. Maximised objectives are negated
    internally, so the reference point is given and returned in the study's own units.

    Args:
        study: A study (usually with several objectives).
        reference_point: One finite value per objective, worse than the trials that should
            count. By default it is inferred from all feasible completed trials (not only the
            final front, so that early trials count too): per objective the worst value plus
            10% of the range over those trials (see
            :func:`~ridgeline.multi_objective.reference_point` for the flat case).

    Returns:
        A :class:`HypervolumeHistory`.

    Raises:
        ValueError: If ``reference_point`` is not one finite value per objective.

    Example:
        >>> import ridgeline
        >>> from ridgeline.multi_objective import hypervolume_history
        >>> study = ridgeline.create_study(directions=["minimize", "maximize"])
        >>> for x in (0.5, 0.2, 0.9):
        ...     _ = study.add_trial(ridgeline.create_trial(values=[x, x]))
        >>> hypervolume_history(study, reference_point=[1.0, 0.0]).values.round(6).tolist()
        [0.25, 0.31, 0.35]
    """
    owner = "hypervolume_history"
    data = study_points(study, owner)
    points, signs, feasible = data.points, data.signs, data.feasible
    numbers = np.array([t.number for t in data.trials], dtype=np.int64)
    if reference_point is not None:
        ref = as_vector(reference_point, owner, "reference_point", len(signs)) * signs
    else:
        usable = points[feasible]
        usable = usable[np.all(np.isfinite(usable), axis=1)]
        ref = nadir_plus_margin(usable, _MARGIN) if len(usable) else None
    values = np.zeros(len(points))
    if ref is not None:
        tracker = IncrementalHypervolume(ref)
        volume = 0.0
        for i, (p, ok) in enumerate(zip(points, feasible.tolist(), strict=True)):
            if ok:
                volume = tracker.add(p)
            values[i] = volume
    user_ref = None if ref is None else ref * signs + 0.0  # + 0.0: no -0.0
    return HypervolumeHistory(trial_numbers=numbers, values=values, reference_point=user_ref)
