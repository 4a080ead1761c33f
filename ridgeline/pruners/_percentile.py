from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._checks import PrunerArgumentError, check_int, is_first_in_interval
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["MedianPruner", "PercentilePruner"]


class PercentilePruner(BasePruner):
    """Prune a trial whose best intermediate value so far is worse than the given percentile
    of the values that completed trials reported at the same step.

    Args:
        percentile: In [0, 100]. For minimisation, a trial is pruned when its best value is
            above this percentile (so 25.0 keeps only the best quarter); for maximisation the
            mirror image.
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning of a trial before it reaches this step.
        interval_steps: Check once per this many steps (after the warm-up).
        n_min_trials: No pruning at a step that fewer completed trials reported.

    Raises:
        ValueError: On arguments out of range.

    Example:
        >>> pruner = PercentilePruner(25.0, n_startup_trials=5, n_warmup_steps=3)
    """

    def __init__(
        self,
        percentile: float,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        owner = type(self).__name__
        if (
            isinstance(percentile, bool)
            or not isinstance(percentile, numbers.Real)
            or not 0.0 <= percentile <= 100.0
        ):
            raise PrunerArgumentError(
                f"`percentile` of {owner} must be a number in [0, 100]; got {percentile!r}."
            )
        self._percentile = float(percentile)
        self._n_startup_trials = check_int(owner, "n_startup_trials", n_startup_trials, 0)
        self._n_warmup_steps = check_int(owner, "n_warmup_steps", n_warmup_steps, 0)
        self._interval_steps = check_int(owner, "interval_steps", interval_steps, 1)
        self._n_min_trials = check_int(owner, "n_min_trials", n_min_trials, 1)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None or step < self._n_warmup_steps:
            return False
        values = trial._intermediate_values
        if not is_first_in_interval(step, values.keys(), self._n_warmup_steps, self._interval_steps):
            return False
        completed = study.get_trials(states=(TrialState.COMPLETE,))
        if len(completed) == 0 or len(completed) < self._n_startup_trials:
            return False

        maximize = study.direction == StudyDirection.MAXIMIZE
        own = np.asarray(list(values.values()), dtype=float)
        if np.all(np.isnan(own)):
            return True
        best = float(np.nanmax(own) if maximize else np.nanmin(own))

        at_step = [t._intermediate_values[step] for t in completed if step in t._intermediate_values]
        if len(at_step) < self._n_min_trials:
            return False
        q = 100.0 - self._percentile if maximize else self._percentile
        arr = np.asarray(at_step, dtype=float)
        if np.all(np.isnan(arr)):
            return False
        threshold = float(np.nanpercentile(arr, q))
        if math.isnan(threshold):
            return False
        return best < threshold if maximize else best > threshold

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(percentile={self._percentile}, "
            f"n_startup_trials={self._n_startup_trials}, n_warmup_steps={self._n_warmup_steps}, "
            f"interval_steps={self._interval_steps}, n_min_trials={self._n_min_trials})"
        )


class MedianPruner(PercentilePruner):
    """Prune a trial whose best intermediate value is worse than the median of completed trials
    at the same step. A :class:`PercentilePruner` preset with ``percentile=50``.

    Args:
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning of a trial before it reaches this step.
        interval_steps: Check once per this many steps (after the warm-up).
        n_min_trials: No pruning at a step that fewer completed trials reported.
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(
            50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials
        )

    def __repr__(self) -> str:
        return (
            f"MedianPruner(n_startup_trials={self._n_startup_trials}, "
            f"n_warmup_steps={self._n_warmup_steps}, interval_steps={self._interval_steps}, "
            f"n_min_trials={self._n_min_trials})"
        )
