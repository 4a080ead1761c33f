"""The errors of population-based training and the argument checks shared by its modules."""

from __future__ import annotations

import math
import numbers
from typing import Any

from ridgeline.exceptions import RidgelineError

__all__ = ["PBTError", "PBTTypeError", "check_int", "check_real"]


class PBTError(RidgelineError, ValueError):
    """Population-based training was given an argument, a result or a stored run it cannot use.

    Raised for bad arguments of :class:`~ridgeline.pbt.PopulationBasedTraining`, a training
    function that returns something other than ``(metrics, checkpoint)`` or a non-finite
    metric, and a study that holds a run with other settings.
    """


class PBTTypeError(PBTError, TypeError):
    """An argument of population-based training has the wrong type (also a ``TypeError``)."""


def check_int(owner: str, name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, or raise if it is not an integer ``>= minimum`` (bools are not ints).

    Example:
        >>> check_int("PopulationBasedTraining", "population_size", 4, 2)
        4
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise PBTTypeError(f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}.")
    if value < minimum:
        raise PBTError(f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def check_real(owner: str, name: str, value: Any, constraint: str) -> float:
    """``value`` as a finite float, or raise naming ``constraint`` (bools are not numbers).

    The caller checks the range; this only checks that ``value`` is a finite real number.

    Example:
        >>> check_real("PopulationBasedTraining", "quantile_fraction", 0.25, "in (0, 0.5]")
        0.25
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PBTTypeError(f"`{name}` of {owner} must be a number {constraint}; got {value!r}.")
    result = float(value)
    if not math.isfinite(result):
        raise PBTError(f"`{name}` of {owner} must be a number {constraint}; got {value!r}.")
    return result
