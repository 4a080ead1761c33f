"""Percentile and median pruning: compare a trial with completed trials at the same step."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._cache import StudyCaches
from ridgeline.pruners._checks import (
    PrunerArgumentError,
    PrunerTypeError,
    check_int,
    is_first_in_interval,
)
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["MedianPruner", "PercentilePruner"]

_COMPLETE = (TrialState.COMPLETE,)


class PercentilePruner(BasePruner):
    """Prune a trial whose best intermediate value so far is worse than the given percentile
    of the values that completed trials reported at the same step.

    At each check, the trial's best value over all the steps it reported (NaNs ignored) is
    compared with the ``percentile``-th percentile (linear interpolation, NaNs ignored) of the
    values that COMPLETE trials reported at the trial's latest step. For minimisation the trial
    is pruned when its best value is above that percentile; for maximisation, when it is below
    the ``100 - percentile``-th percentile. A trial whose reports are all NaN is pruned.

    Nothing is pruned while fewer than ``n_startup_trials`` trials are complete (or none is),
    before step ``n_warmup_steps``, between checks (once per ``interval_steps``), or when fewer
    than ``n_min_trials`` completed trials reported the step (or all of them reported NaN).

    Completed trials are immutable, so the pruner keeps, per study, the values they reported at
    each step and adds only newly completed trials on each call: a check costs about the same
    at 10,000 trials as at 10. The cache is safe to share between threads (``n_jobs``).

    Args:
        percentile: In [0, 100]. 25.0 keeps (for minimisation) the trials whose best value is
            within the lowest quarter of completed trials at the same step.
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning of a trial before it reaches this step; the earliest check
            is at ``step == n_warmup_steps``.
        interval_steps: Check once per this many steps, counted from ``n_warmup_steps``. When a
            trial reports no value at a check step, its next report is checked instead.
        n_min_trials: No pruning at a step that fewer than this many completed trials reported.

    Raises:
        ValueError: If an argument is out of range (``TypeError`` too if not a number).

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0.0, 1.0)
        ...     for step in range(10):
        ...         trial.report(x + 1.0 / (step + 1), step)
        ...         if trial.should_prune():
        ...             raise ridgeline.TrialPruned()
        ...     return x
        >>> pruner = PercentilePruner(25.0, n_startup_trials=5, n_warmup_steps=3)
        >>> study = ridgeline.create_study(pruner=pruner)
        >>> study.optimize(objective, n_trials=20)
        >>> len(study.trials)
        20
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
        message = f"`percentile` of {owner} must be a number in [0, 100]; got {percentile!r}."
        if isinstance(percentile, bool) or not isinstance(percentile, numbers.Real):
            raise PrunerTypeError(message)
        if not 0.0 <= percentile <= 100.0:  # False for NaN too
            raise PrunerArgumentError(message)
        self._percentile: float = float(percentile)
        self._n_startup_trials: int = check_int(owner, "n_startup_trials", n_startup_trials, 0)
        self._n_warmup_steps: int = check_int(owner, "n_warmup_steps", n_warmup_steps, 0)
        self._interval_steps: int = check_int(owner, "interval_steps", interval_steps, 1)
        self._n_min_trials: int = check_int(owner, "n_min_trials", n_min_trials, 1)
        self._caches: StudyCaches[_CompletedStepValues] = StudyCaches()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None or step < self._n_warmup_steps:
            return False
        values = trial._intermediate_values
        if not is_first_in_interval(step, values, self._n_warmup_steps, self._interval_steps):
            return False
        completed = study.get_trials(deepcopy=False, states=_COMPLETE)
        if len(completed) == 0 or len(completed) < self._n_startup_trials:
            return False

        maximize = study.direction == StudyDirection.MAXIMIZE
        best = _best_so_far(values.values(), maximize)
        if math.isnan(best):
            return True
        q = 100.0 - self._percentile if maximize else self._percentile
        with self._caches.lock:
            cache = self._caches.get(study, q, lambda: _CompletedStepValues(q, self._n_min_trials))
            cache.update(completed)
            threshold = cache.percentile(step)
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

    Raises:
        ValueError: If an argument is out of range (``TypeError`` too if not an int).

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0.0, 1.0)
        ...     for step in range(10):
        ...         trial.report(x * (10 - step), step)
        ...         if trial.should_prune():
        ...             raise ridgeline.TrialPruned()
        ...     return x
        >>> study = ridgeline.create_study(pruner=MedianPruner(n_startup_trials=3))
        >>> study.optimize(objective, n_trials=10)
        >>> len(study.trials)
        10
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


def _best_so_far(values: Iterable[float], maximize: bool) -> float:
    """The best of ``values`` ignoring NaNs; NaN when there is none."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan
    return max(finite) if maximize else min(finite)


class _StepColumn:
    """The values completed trials reported at one step, in a growable float array."""

    __slots__ = ("data", "size")

    def __init__(self) -> None:
        self.data = np.empty(8, dtype=float)
        self.size = 0

    def extend(self, values: list[float]) -> None:
        end = self.size + len(values)
        if end > len(self.data):
            grown = np.empty(max(end, 2 * len(self.data)), dtype=float)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size : end] = values
        self.size = end


class _CompletedStepValues:
    """Per-step values of one study's COMPLETE trials, grown as trials complete.

    Finished trials never change, so a trial is added once (found by its number) and the
    percentile at a step is recomputed only after a new trial reported that step.
    """

    def __init__(self, q: float, n_min_trials: int) -> None:
        self.q = q
        self._n_min_trials = n_min_trials
        self._reset()

    def _reset(self) -> None:
        self._seen: set[int] = set()
        self._columns: dict[int, _StepColumn] = {}
        self._percentiles: dict[int, float] = {}

    def update(self, completed: Sequence[FrozenTrial]) -> None:
        """Add the trials of ``completed`` (ordered by number) not seen yet."""
        n_new = len(completed) - len(self._seen)
        if n_new == 0:
            return
        new: list[FrozenTrial] = []
        if n_new > 0:
            # Trials mostly complete in number order, so the unseen ones sit near the end.
            for t in reversed(completed):
                if t.number not in self._seen:
                    new.append(t)
                    if len(new) == n_new:
                        break
        if len(new) != n_new:  # trials vanished (a storage was reset): start over
            self._reset()
            new = list(completed)
        # Gather per step first: one array write per step, not one per value.
        gathered: dict[int, list[float]] = {}
        for t in new:
            self._seen.add(t.number)
            for step, value in t._intermediate_values.items():
                values = gathered.get(step)
                if values is None:
                    gathered[step] = [value]
                else:
                    values.append(value)
        for step, values in gathered.items():
            column = self._columns.get(step)
            if column is None:
                column = self._columns[step] = _StepColumn()
            column.extend(values)
            self._percentiles.pop(step, None)

    def percentile(self, step: int) -> float:
        """The ``q``-th percentile at ``step``; NaN when it cannot decide (too few, all NaN)."""
        cached = self._percentiles.get(step)
        if cached is not None:
            return cached
        column = self._columns.get(step)
        result = math.nan
        if column is not None and column.size >= self._n_min_trials:
            values = column.data[: column.size]
            if not np.isnan(values).all():
                # +inf and -inf together interpolate to NaN ("no verdict"), quietly.
                with np.errstate(invalid="ignore"):
                    result = float(np.nanpercentile(values, self.q))
        self._percentiles[step] = result
        return result
