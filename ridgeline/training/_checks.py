"""Errors and argument checks shared by the training helpers."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from ridgeline.exceptions import RidgelineError

__all__ = ["TrainingArgumentError", "TrainingTypeError"]


class TrainingArgumentError(RidgelineError, ValueError):
    """A training helper was given an argument outside what it accepts."""


class TrainingTypeError(TrainingArgumentError, TypeError):
    """A training helper was given an argument of the wrong kind (also a ``ValueError``)."""


# ---------------------------------------------------------------------------- argument checks
def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _int(owner: str, name: str, value: Any, minimum: int) -> int:
    message = f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}."
    if not _is_int(value):
        raise TrainingTypeError(message)
    if value < minimum:
        raise TrainingArgumentError(message)
    return int(value)


def _real(owner: str, name: str, value: Any, constraint: str, ok: Callable[[float], bool]) -> float:
    """``value`` as a float, if it is a finite real number for which ``ok`` holds."""
    message = f"`{name}` of {owner} must be {constraint}; got {value!r}."
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TrainingTypeError(message)
    result = float(value)
    if not math.isfinite(result) or not ok(result):
        raise TrainingArgumentError(message)
    return result


def _base_lr(owner: str, base_lr: Any) -> float:
    return _real(owner, "base_lr", base_lr, "a finite number > 0", lambda v: v > 0)


def _min_lr(owner: str, min_lr: Any, base_lr: float) -> float:
    return _real(
        owner,
        "min_lr",
        min_lr,
        f"a number in [0, base_lr] = [0, {base_lr!r}] (the rate the schedule decays to)",
        lambda v: 0 <= v <= base_lr,
    )


def _gamma(owner: str, gamma: Any) -> float:
    return _real(
        owner,
        "gamma",
        gamma,
        "a number in (0, 1] (the factor applied at each decay: 0.1 divides the rate by ten)",
        lambda v: 0 < v <= 1,
    )


def _step(owner: str, step: Any) -> int:
    return _int(owner, "step", step, 0)
