"""Argument checks shared by the pruners."""

from __future__ import annotations

import numbers
from typing import Any

from ridgeline.exceptions import RidgelineError

__all__ = ["PrunerArgumentError", "check_int", "is_first_in_interval"]


class PrunerArgumentError(RidgelineError, ValueError):
    """A pruner was given an argument outside what it accepts."""


def check_int(owner: str, name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise PrunerArgumentError(
            f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}."
        )
    return int(value)


def is_first_in_interval(step: int, reported_steps: Any, n_warmup_steps: int, interval: int) -> bool:
    """Whether ``step`` is the first reported step of its interval (counted after warm-up).

    Pruning is checked only once per ``interval`` steps; when a trial reports irregular steps,
    the first report that falls into a new interval triggers the check.
    """
    if interval == 1:
        return True
    nearest = (step - n_warmup_steps) // interval * interval + n_warmup_steps
    earlier = [s for s in reported_steps if nearest <= s < step]
    return not earlier
