"""The per-trial wall-clock limit of ``Study.optimize(trial_timeout=...)``."""

from __future__ import annotations

import math
import numbers
import time
from typing import TYPE_CHECKING, Any

from ridgeline.exceptions import RidgelineError, TrialTimeoutError

if TYPE_CHECKING:
    from ridgeline.trial._trial import Trial

__all__ = ["TIMEOUT_KEY", "TimeLimit", "check_time_limit_args"]

# System attribute of a trial stopped by its time limit: why, in words.
TIMEOUT_KEY = "trial_timeout"
_MODES = ("prune", "fail")


class _TimeLimitArgumentError(RidgelineError, ValueError):
    pass


def check_time_limit_args(trial_timeout: Any, on_trial_timeout: Any) -> float | None:
    """``trial_timeout`` as float seconds (or None), or raise naming the bad argument."""
    if on_trial_timeout not in _MODES:
        raise _TimeLimitArgumentError(
            f"`on_trial_timeout` of Study.optimize must be 'prune' or 'fail'; got "
            f"{on_trial_timeout!r}."
        )
    if trial_timeout is None:
        return None
    if (
        isinstance(trial_timeout, bool)
        or not isinstance(trial_timeout, numbers.Real)
        or math.isnan(float(trial_timeout))
        or not float(trial_timeout) > 0
    ):
        raise _TimeLimitArgumentError(
            f"`trial_timeout` of Study.optimize must be a positive number of seconds or None; "
            f"got {trial_timeout!r}."
        )
    return float(trial_timeout)


class TimeLimit:
    """One running trial's wall-clock budget, checked where the objective reports.

    The limit is cooperative: a thread cannot be stopped from outside, so the trial is
    stopped at its next ``should_prune()`` (``mode="prune"``: it returns True) or its next
    ``report()``/``should_prune()`` (``mode="fail"``: :class:`TrialTimeoutError`). A trial
    that finishes past its limit without having been stopped is recorded as PRUNED or FAIL
    all the same (see :meth:`overrun`). The reason goes to the trial's system attribute
    ``trial_timeout``.
    """

    def __init__(self, seconds: float, mode: str) -> None:
        self.seconds = seconds
        self.mode = mode
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def overrun(self) -> str | None:
        """Why the trial is past its limit, or None if it is not."""
        elapsed = self.elapsed()
        if elapsed <= self.seconds:
            return None
        return (
            f"the trial ran {elapsed:.3g} s, past its time limit of {self.seconds:g} s "
            "(Study.optimize(trial_timeout=...))"
        )

    def check(self, trial: Trial) -> bool:
        """True (mode "prune") or raise (mode "fail") once the limit has passed; records why."""
        reason = self.overrun()
        if reason is None:
            return False
        if TIMEOUT_KEY not in trial._system_attrs:
            trial.set_system_attr(TIMEOUT_KEY, reason)
        if self.mode == "fail":
            raise TrialTimeoutError(f"Trial {trial.number}: {reason}.")
        return True
