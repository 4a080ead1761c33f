"""Patient pruning: let a trial that stopped improving go on for a while before judging it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._checks import PrunerTypeError, check_int, check_real
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["PatientPruner"]


class PatientPruner(BasePruner):
    """Prune only a trial that has stalled for ``patience`` steps, and only if the wrapped
    pruner agrees.

    With its reports ordered by step, the trial's last ``patience + 1`` values form the recent
    window and everything before it the history. The trial is *stalled* when the best value of
    the window is worse than the best value of the history by more than ``min_delta`` (in the
    study's direction; NaNs ignored; a window or history of only NaNs never stalls). A stalled
    trial is pruned if ``wrapped_pruner`` is None or its ``prune`` says so; a trial that is not
    stalled is never pruned, whatever the wrapped pruner thinks. So a noisy trial survives a
    few bad reports, and with ``wrapped_pruner=None`` this is plain early stopping.

    A trial needs at least ``patience + 2`` reports before it can be pruned.

    ``min_delta`` is a tolerance with the same meaning as in Optuna's ``PatientPruner``, so
    studies behave the same after ``import ridgeline as optuna``: a window that is worse than
    the history by at most ``min_delta`` still counts as keeping up.

    Args:
        wrapped_pruner: The pruner that decides once the trial has stalled (None: prune
            every stalled trial).
        patience: The window holds the last ``patience + 1`` reports: a trial stalls after
            ``patience + 1`` reports in a row that all miss the best value before them.
        min_delta: How much worse than the history's best the window may be (>= 0).

    Raises:
        TypeError: If ``wrapped_pruner`` is not a :class:`BasePruner` or None, or ``patience``
            or ``min_delta`` is not a number (the error is also a ``ValueError``).
        ValueError: If ``patience < 0`` or ``min_delta`` is negative or NaN.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0.0, 1.0)
        ...     for step in range(30):
        ...         loss = x + max(0.0, 10 - step) + (0.5 if step % 3 == 0 else 0.0)
        ...         trial.report(loss, step)
        ...         if trial.should_prune():
        ...             raise ridgeline.TrialPruned()
        ...     return loss
        >>> pruner = PatientPruner(ridgeline.pruners.MedianPruner(), patience=3)
        >>> study = ridgeline.create_study(pruner=pruner)
        >>> study.optimize(objective, n_trials=10)
        >>> len(study.trials)
        10
    """

    def __init__(
        self, wrapped_pruner: BasePruner | None, patience: int, min_delta: float = 0.0
    ) -> None:
        owner = type(self).__name__
        if wrapped_pruner is not None and not isinstance(wrapped_pruner, BasePruner):
            raise PrunerTypeError(
                f"`wrapped_pruner` of {owner} must be a BasePruner or None; got "
                f"{wrapped_pruner!r}. Pass a pruner instance such as MedianPruner(), not a class."
            )
        self._wrapped_pruner = wrapped_pruner
        self._patience = check_int(owner, "patience", patience, 0)
        self._min_delta = check_real(owner, "min_delta", min_delta, minimum=0.0)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        values = trial._intermediate_values
        n_window = self._patience + 1
        if len(values) <= n_window:
            return False
        ordered = [values[step] for step in sorted(values)]
        maximize = study.direction == StudyDirection.MAXIMIZE
        history = _best(ordered[:-n_window], maximize)
        window = _best(ordered[-n_window:], maximize)
        if math.isnan(history) or math.isnan(window):
            return False
        if maximize:
            stalled = window < history - self._min_delta
        else:
            stalled = window > history + self._min_delta
        if not stalled:
            return False
        return self._wrapped_pruner is None or self._wrapped_pruner.prune(study, trial)

    def __repr__(self) -> str:
        return (
            f"PatientPruner(wrapped_pruner={self._wrapped_pruner!r}, "
            f"patience={self._patience}, min_delta={self._min_delta})"
        )


def _best(values: list[float], maximize: bool) -> float:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan
    return max(finite) if maximize else min(finite)
