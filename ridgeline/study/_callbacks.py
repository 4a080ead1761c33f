from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from ridgeline.exceptions import RidgelineError
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["MaxTrialsCallback"]


class _CallbackError(RidgelineError, ValueError):
    pass


class MaxTrialsCallback:
    """Stop the study once it holds ``n_trials`` trials in ``states`` (across all workers).

    Unlike ``optimize(n_trials=...)``, which counts the trials of one call, this counts what the
    storage holds, so several workers together stop at a total.

    Args:
        n_trials: The total to reach.
        states: Which states count; default: finished trials (COMPLETE, PRUNED, FAIL).

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=50,
        ...                callbacks=[MaxTrialsCallback(10)])
        >>> len(study.trials)
        10
    """

    def __init__(
        self,
        n_trials: int,
        states: Container[TrialState] | None = (
            TrialState.COMPLETE,
            TrialState.PRUNED,
            TrialState.FAIL,
        ),
    ) -> None:
        if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0:
            raise _CallbackError(
                f"`n_trials` of MaxTrialsCallback must be a non-negative int; got {n_trials!r}."
            )
        self._n_trials = n_trials
        self._states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if len(study.get_trials(states=self._states)) >= self._n_trials:
            study.stop()
