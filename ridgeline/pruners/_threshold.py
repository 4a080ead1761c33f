"""Threshold pruning: stop a trial whose latest value leaves a fixed range."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._checks import (
    PrunerArgumentError,
    PrunerTypeError,
    check_int,
    check_real,
    is_first_in_interval,
)
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["ThresholdPruner"]


class ThresholdPruner(BasePruner):
    """Prune a trial whose latest intermediate value is below ``lower``, above ``upper``, or NaN.

    Only the value at the trial's latest step is checked, and the bounds are strict: a value
    equal to a bound is kept. The study's direction plays no part. Use it to stop diverging
    runs (a loss that explodes or becomes NaN) without waiting for other trials.

    Args:
        lower: Prune when the latest value is smaller than this (None: no lower bound).
        upper: Prune when the latest value is larger than this (None: no upper bound).
        n_warmup_steps: No pruning of a trial before it reaches this step.
        interval_steps: Check once per this many steps, counted from ``n_warmup_steps``. When a
            trial reports no value at a check step, its next report is checked instead.

    Raises:
        TypeError: If neither bound is given, or a bound is not a number (the error is also a
            ``ValueError``).
        ValueError: If a bound is NaN, ``lower > upper``, ``n_warmup_steps < 0`` or
            ``interval_steps < 1``.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     lr = trial.suggest_float("lr", 0.01, 10.0, log=True)
        ...     loss = 1.0
        ...     for step in range(20):
        ...         loss *= 1.0 + (lr - 1.0) / 10  # diverges when lr > 1
        ...         trial.report(loss, step)
        ...         if trial.should_prune():
        ...             raise ridgeline.TrialPruned()
        ...     return loss
        >>> study = ridgeline.create_study(pruner=ThresholdPruner(upper=2.0))
        >>> study.optimize(objective, n_trials=10)
        >>> all(t.value <= 2.0 for t in study.trials if t.state == ridgeline.TrialState.COMPLETE)
        True
    """

    def __init__(
        self,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        owner = type(self).__name__
        if lower is None and upper is None:
            raise PrunerTypeError(
                f"`lower` or `upper` of {owner} must be given; got lower=None, upper=None. "
                "Give the bound(s) outside which a trial is pruned, e.g. upper=1e3."
            )
        self._lower = -math.inf if lower is None else check_real(owner, "lower", lower)
        self._upper = math.inf if upper is None else check_real(owner, "upper", upper)
        if self._lower > self._upper:
            raise PrunerArgumentError(
                f"`lower` of {owner} must be <= `upper` ({upper!r}); got {lower!r}."
            )
        self._n_warmup_steps = check_int(owner, "n_warmup_steps", n_warmup_steps, 0)
        self._interval_steps = check_int(owner, "interval_steps", interval_steps, 1)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None or step < self._n_warmup_steps:
            return False
        values = trial._intermediate_values
        if not is_first_in_interval(step, values, self._n_warmup_steps, self._interval_steps):
            return False
        latest = values[step]
        return math.isnan(latest) or latest < self._lower or latest > self._upper

    def __repr__(self) -> str:
        lower = None if self._lower == -math.inf else self._lower
        upper = None if self._upper == math.inf else self._upper
        return (
            f"ThresholdPruner(lower={lower!r}, upper={upper!r}, "
            f"n_warmup_steps={self._n_warmup_steps}, interval_steps={self._interval_steps})"
        )
