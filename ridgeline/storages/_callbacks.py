"""What to do with a trial whose worker died: retry it."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

from ridgeline.exceptions import RidgelineError
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._trial import waiting_trial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["RetryFailedTrialCallback"]

_FAILED_TRIAL_KEY = "failed_trial"
_RETRY_HISTORY_KEY = "retry_history"


class _RetryArgumentError(RidgelineError, ValueError):
    pass


class RetryFailedTrialCallback:
    """Re-queue a trial that failed because its worker stopped sending heartbeats.

    Give it to a storage with heartbeats: ``RDBStorage(url, heartbeat_interval=60,
    failed_trial_callback=RetryFailedTrialCallback(max_retry=2))``. When a worker finds a
    stale trial and marks it FAIL, this callback enqueues a new trial with the same parameters
    (and, if asked, the intermediate values already reported), so the configuration is run
    again by the next free worker.

    Args:
        max_retry: How many times one configuration may be retried (None: no limit).
        inherit_intermediate_values: Copy the failed trial's reported values to the retry.

    Example:
        >>> cb = RetryFailedTrialCallback(max_retry=2)
    """

    def __init__(
        self, max_retry: int | None = None, inherit_intermediate_values: bool = False
    ) -> None:
        if max_retry is not None and (
            isinstance(max_retry, bool)
            or not isinstance(max_retry, numbers.Integral)
            or max_retry < 0
        ):
            raise _RetryArgumentError(
                "`max_retry` of RetryFailedTrialCallback must be a non-negative int or None; "
                f"got {max_retry!r}."
            )
        self._max_retry = None if max_retry is None else int(max_retry)
        self._inherit_intermediate_values = bool(inherit_intermediate_values)

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        history = self.retry_history(trial)
        if self._max_retry is not None and len(history) >= self._max_retry:
            return
        retry = waiting_trial(
            trial.params,
            trial.user_attrs,
            {_FAILED_TRIAL_KEY: trial.number, _RETRY_HISTORY_KEY: [*history, trial.number]},
            trial.intermediate_values if self._inherit_intermediate_values else None,
        )
        study._storage.create_new_trial(study._study_id, template_trial=retry)

    @staticmethod
    def retried_trial_number(trial: FrozenTrial) -> int | None:
        """The number of the failed trial this one retries, or None."""
        number = trial.system_attrs.get(_FAILED_TRIAL_KEY)
        return None if number is None else int(number)

    @staticmethod
    def retry_history(trial: FrozenTrial) -> list[int]:
        """The numbers of the earlier attempts of this configuration, oldest first."""
        return [int(n) for n in trial.system_attrs.get(_RETRY_HISTORY_KEY, [])]
