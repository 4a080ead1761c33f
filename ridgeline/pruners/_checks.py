"""Argument checks and small helpers shared by the pruners."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from ridgeline.exceptions import RidgelineError

__all__ = [
    "PrunerArgumentError",
    "PrunerTypeError",
    "check_int",
    "check_real",
    "is_first_in_interval",
]


class PrunerArgumentError(RidgelineError, ValueError):
    """A pruner was given an argument outside what it accepts."""


class PrunerTypeError(PrunerArgumentError, TypeError):
    """A pruner was given an argument of the wrong kind (or a required one is missing).

    It is both a ``ValueError`` (like every :class:`PrunerArgumentError`) and a ``TypeError``,
    the builtin Optuna raises in the same places, so ``except`` clauses written for either keep
    working.
    """


def check_int(owner: str, name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, or raise if it is not an integer ``>= minimum`` (bools are not ints)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise PrunerTypeError(f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}.")
    if value < minimum:
        raise PrunerArgumentError(
            f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}."
        )
    return int(value)


def check_real(owner: str, name: str, value: Any, *, minimum: float | None = None) -> float:
    """``value`` as a float, or raise if it is not a real number (not NaN, ``>= minimum``)."""
    if minimum is None:
        constraint = "a number (not NaN)"
    else:
        constraint = f"a number >= {minimum:g}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PrunerTypeError(f"`{name}` of {owner} must be {constraint}; got {value!r}.")
    result = float(value)
    if math.isnan(result) or (minimum is not None and result < minimum):
        raise PrunerArgumentError(f"`{name}` of {owner} must be {constraint}; got {value!r}.")
    return result


def is_first_in_interval(
    step: int, reported_steps: Iterable[int], n_warmup_steps: int, interval: int
) -> bool:
    """Whether ``step`` is the first report in its pruning interval (counted after warm-up).

    Checks happen at ``n_warmup_steps``, ``n_warmup_steps + interval``, ... When a trial does not
    report exactly at a check step, the first report after it stands in for the check, so a
    trial that reports irregular steps is still checked once per interval. ``step`` is the
    trial's latest step (>= ``n_warmup_steps``); ``reported_steps`` may include it.
    """
    if interval == 1:
        return True
    interval_start = (step - n_warmup_steps) // interval * interval + n_warmup_steps
    return not any(interval_start <= s < step for s in reported_steps)
