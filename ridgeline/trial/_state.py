from __future__ import annotations

import enum

__all__ = ["TrialState"]


class TrialState(enum.IntEnum):
    """The life-cycle state of a trial.

    ``WAITING`` (enqueued, not started) → ``RUNNING`` → one of the finished states ``COMPLETE``,
    ``PRUNED`` or ``FAIL``. Finished trials never change again.
    """

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"TrialState.{self.name}"

    def is_finished(self) -> bool:
        """Whether the state is COMPLETE, PRUNED or FAIL."""
        return self in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
