"""The exception tree of ridgeline.

Every error the library raises on purpose derives from :class:`RidgelineError`, and also from the
builtin that fits (``ValueError``, ``KeyError``, ``RuntimeError``) so that existing ``except``
clauses written for Optuna or for the builtins keep working.
"""

from __future__ import annotations

__all__ = [
    "DuplicatedStudyError",
    "RidgelineError",
    "StorageError",
    "StorageInternalError",
    "TrialPruned",
    "UnknownStudyError",
    "UpdateFinishedTrialError",
]


class RidgelineError(Exception):
    """Base class of every error raised by ridgeline on purpose."""


class TrialPruned(RidgelineError):
    """Raised by an objective to say its trial was stopped early.

    The optimize loop records the trial as ``PRUNED`` (with the last reported intermediate value
    as its value) instead of ``FAIL``.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     trial.report(1.0, step=0)
        ...     raise ridgeline.TrialPruned()
    """


class TrialTimeoutError(RidgelineError, TimeoutError):
    """A trial ran past the per-trial time limit of ``Study.optimize(trial_timeout=...)`` with
    ``on_trial_timeout="fail"``.

    Raised from ``trial.report`` or ``trial.should_prune`` once the limit has passed; the
    optimize loop records the trial as ``FAIL`` with this message as its ``fail_reason`` and
    goes on with the next trial.
    """


class StorageError(RidgelineError, RuntimeError):
    """A storage backend could not do what was asked (connection, schema, lock)."""


StorageInternalError = StorageError


class DuplicatedStudyError(RidgelineError, ValueError):
    """A study with the requested name already exists in the storage."""


class UnknownStudyError(RidgelineError, KeyError):
    """No study with the requested name or id exists in the storage."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""


class UpdateFinishedTrialError(RidgelineError, RuntimeError):
    """A write was attempted on a trial that is already finished (finished trials are immutable)."""
