"""Asynchronous successive halving (ASHA): keep the best fraction of trials at each rung."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._checks import PrunerArgumentError, check_int
from ridgeline.pruners._rungs import RUNG_KEY, RungBooks, rung_prune
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["SuccessiveHalvingPruner"]


class SuccessiveHalvingPruner(BasePruner):
    """Asynchronous successive halving (Li et al. 2020, "A System for Massively Parallel
    Hyperparameter Tuning", ASHA).

    Rung ``k`` sits at step ``min_resource * reduction_factor ** (min_early_stopping_rate +
    k)``. When a trial first reports at or past a rung's step, its latest value is recorded
    for that rung, and the trial goes on only if that value is among the best
    ``1 / reduction_factor`` of all the values recorded at the rung so far (its own included;
    NaN is pruned at once); otherwise it is pruned. No trial waits for others: a trial is
    judged against whoever reached the rung before it. Finished trials the pruner never saw at
    a rung (added with ``add_trial``, or run before this pruner) count with their value at the
    first step they reported at or past it. While fewer than ``reduction_factor`` values are
    at a rung, only a trial that is the best there goes on (pausing a trial until others
    arrive is not possible in a pruner). In a sequential run it decides as Optuna's
    ``SuccessiveHalvingPruner`` does (tested).

    Args:
        min_resource: The step of the first rung; ``"auto"``: a hundredth of the number of
            steps the first COMPLETE trial reported (at least 1), with no pruning until a
            trial has completed.
        reduction_factor: ``eta``: each rung keeps the best ``1 / eta`` and lies ``eta`` times
            further than the previous one.
        min_early_stopping_rate: ``s``: skips the first ``s`` rungs (the first rung is then at
            ``min_resource * eta ** s``).
        bootstrap_count: A trial reaching a rung where fewer than this many values are
            recorded (its own included) is pruned: with a positive count, only rungs that have
            seen enough trials promote any.

    Raises:
        ValueError: On ``min_resource`` that is neither ``"auto"`` nor an int >= 1,
            ``reduction_factor < 2``, or a negative ``min_early_stopping_rate`` or
            ``bootstrap_count`` (also a ``TypeError`` for a value of the wrong type).

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
        ...     loss = 1.0
        ...     for step in range(27):
        ...         loss *= 1.0 - lr / 2
        ...         trial.report(loss, step)
        ...         if trial.should_prune():
        ...             raise ridgeline.TrialPruned()
        ...     return loss
        >>> pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
        >>> study = ridgeline.create_study(pruner=pruner)
        >>> study.optimize(objective, n_trials=20)
        >>> any(t.state == ridgeline.TrialState.PRUNED for t in study.trials)
        True
    """

    def __init__(
        self,
        min_resource: str | int = "auto",
        reduction_factor: int = 4,
        min_early_stopping_rate: int = 0,
        bootstrap_count: int = 0,
    ) -> None:
        owner = type(self).__name__
        if isinstance(min_resource, str):
            if min_resource != "auto":
                raise PrunerArgumentError(
                    f"`min_resource` of {owner} must be 'auto' or an int >= 1; got "
                    f"{min_resource!r}."
                )
            self._min_resource: int | None = None
        else:
            self._min_resource = check_int(owner, "min_resource", min_resource, 1)
        self._reduction_factor = check_int(owner, "reduction_factor", reduction_factor, 2)
        self._min_early_stopping_rate = check_int(
            owner, "min_early_stopping_rate", min_early_stopping_rate, 0
        )
        self._bootstrap_count = check_int(owner, "bootstrap_count", bootstrap_count, 0)
        self._books = RungBooks()
        self._auto_resource: dict[tuple[int, int], int] = {}

    def _resource(self, study: Study) -> int | None:
        if self._min_resource is not None:
            return self._min_resource
        key = (id(study._storage), study._study_id)
        found = self._auto_resource.get(key)
        if found is not None:
            return found
        for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
            if t.last_step is not None:
                found = self._auto_resource[key] = max(1, (t.last_step + 1) // 100)
                return found
        return None

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        resource = self._resource(study)
        if resource is None:
            return False
        book = self._books.get(
            study, resource, self._reduction_factor, self._min_early_stopping_rate, RUNG_KEY, None
        )
        return rung_prune(study, trial, book, bootstrap_count=self._bootstrap_count)

    def __repr__(self) -> str:
        resource: Any = "auto" if self._min_resource is None else self._min_resource
        return (
            f"SuccessiveHalvingPruner(min_resource={resource!r}, reduction_factor="
            f"{self._reduction_factor}, min_early_stopping_rate={self._min_early_stopping_rate}"
            f", bootstrap_count={self._bootstrap_count})"
        )
