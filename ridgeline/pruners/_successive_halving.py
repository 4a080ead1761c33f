"""Asynchronous successive halving (ASHA): keep the best fraction of trials at each rung."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._checks import PrunerArgumentError, check_int
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["SuccessiveHalvingPruner", "rung_prune"]

# A trial's value at rung k is kept in its system attributes under this prefix + k, so every
# worker (and a resumed study) sees the same rungs.
_RUNG_KEY = "asha:rung_"
_SEEN = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED)


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

    def _resource(self, study: Study) -> int | None:
        if self._min_resource is not None:
            return self._min_resource
        for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
            if t.last_step is not None:
                return max(1, (t.last_step + 1) // 100)
        return None

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        resource = self._resource(study)
        if resource is None:
            return False
        return rung_prune(
            study,
            trial,
            resource=resource,
            reduction_factor=self._reduction_factor,
            min_early_stopping_rate=self._min_early_stopping_rate,
            bootstrap_count=self._bootstrap_count,
        )

    def __repr__(self) -> str:
        resource: Any = "auto" if self._min_resource is None else self._min_resource
        return (
            f"SuccessiveHalvingPruner(min_resource={resource!r}, reduction_factor="
            f"{self._reduction_factor}, min_early_stopping_rate={self._min_early_stopping_rate}"
            f", bootstrap_count={self._bootstrap_count})"
        )


def rung_prune(
    study: Study,
    trial: FrozenTrial,
    *,
    resource: int,
    reduction_factor: int,
    min_early_stopping_rate: int,
    bootstrap_count: int,
    key_prefix: str = _RUNG_KEY,
    member: Callable[[FrozenTrial], bool] | None = None,
) -> bool:
    """ASHA's decision for ``trial`` at its latest report (see
    :class:`SuccessiveHalvingPruner`), with rung values kept under ``key_prefix + k`` and
    judged only against the trials ``member`` accepts (all by default)."""
    step = trial.last_step
    if step is None:
        return False
    value = trial._intermediate_values[step]
    if math.isnan(value):
        return True
    maximize = study.direction == StudyDirection.MAXIMIZE
    # The rungs this report crosses: those past the previous report, up to this step
    # (worked out from the steps, so a repeated should_prune() decides the same again).
    previous = max((s for s in trial._intermediate_values if s < step), default=-1)
    eta = reduction_factor
    rung = 0
    while (rung_step := resource * eta ** (min_early_stopping_rate + rung)) <= step:
        if rung_step > previous:
            key = key_prefix + str(rung)
            study._storage.set_trial_system_attr(trial._trial_id, key, value)
            others = [
                v
                for t in study.get_trials(deepcopy=False, states=_SEEN)
                if t._trial_id != trial._trial_id
                and (member is None or member(t))
                and (v := _rung_value(t, key, rung_step)) is not None
            ]
            competing = [*others, value]
            if len(competing) < bootstrap_count:
                return True
            if not _promotable(value, competing, eta, maximize):
                return True
        rung += 1
    return False


def _rung_value(trial: FrozenTrial, key: str, rung_step: int) -> float | None:
    """``trial``'s value at a rung: the one recorded there, or, for a finished trial the pruner
    never saw at that rung (added with ``add_trial``, or run before this pruner), its value
    at the first step it reported at or past the rung's step."""
    if key in trial._system_attrs:
        return float(trial._system_attrs[key])
    if trial.state == TrialState.RUNNING:
        return None
    past = [s for s in trial._intermediate_values if s >= rung_step]
    return trial._intermediate_values[min(past)] if past else None


def _promotable(value: float, competing: list[float], eta: int, maximize: bool) -> bool:
    """Whether ``value`` is among the best ``len(competing) // eta`` of ``competing`` (or, when
    that is none, the best of all)."""
    ordered = sorted((v for v in competing if not math.isnan(v)), reverse=maximize)
    keep = max(len(competing) // eta, 1)
    cutoff = ordered[min(keep, len(ordered)) - 1]
    return value >= cutoff if maximize else value <= cutoff
