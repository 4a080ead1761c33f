"""Errors and argument checks shared by the evolutionary samplers and their operators.

One message shape everywhere: "`{name}` of {owner} must be {constraint}; got {value!r}." plus a
hint where one helps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ridgeline.exceptions import RidgelineError

__all__ = [
    "EvolutionaryArgumentError",
    "EvolutionaryTypeError",
    "EvolutionaryUsageError",
    "check_callable",
    "check_int",
    "check_probability",
    "check_real",
]


class EvolutionaryArgumentError(RidgelineError, ValueError):
    """An evolutionary sampler or operator was given an argument out of range."""


class EvolutionaryTypeError(RidgelineError, TypeError):
    """An evolutionary sampler or operator was given an argument of the wrong type."""


class EvolutionaryUsageError(RidgelineError, ValueError):
    """An evolutionary sampler was used on a study it cannot serve."""


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def check_int(name: str, value: Any, owner: str, minimum: int, hint: str = "") -> int:
    """``value`` as an int ``>= minimum``, or a clear error."""
    if not _is_int(value):
        raise EvolutionaryTypeError(f"`{name}` of {owner} must be an int; got {value!r}.{hint}")
    if value < minimum:
        raise EvolutionaryArgumentError(
            f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}.{hint}"
        )
    return int(value)


def check_probability(
    name: str, value: Any, owner: str, *, allow_zero: bool = True, hint: str = ""
) -> float:
    """``value`` as a float in ``[0, 1]`` (``(0, 1]`` without ``allow_zero``)."""
    interval = "[0, 1]" if allow_zero else "(0, 1]"
    if not _is_real(value):
        raise EvolutionaryTypeError(
            f"`{name}` of {owner} must be a float in {interval}; got {value!r}.{hint}"
        )
    v = float(value)
    if not (0.0 <= v <= 1.0) or (not allow_zero and v == 0.0):
        raise EvolutionaryArgumentError(
            f"`{name}` of {owner} must be a float in {interval}; got {value!r}.{hint}"
        )
    return v


def check_real(
    name: str,
    value: Any,
    owner: str,
    *,
    minimum: float = -math.inf,
    strict: bool = False,
    hint: str = "",
) -> float:
    """``value`` as a finite float ``>= minimum`` (``> minimum`` when ``strict``)."""
    relation = ">" if strict else ">="
    what = f"a finite float {relation} {minimum:g}" if minimum > -math.inf else "a finite float"
    if not _is_real(value):
        raise EvolutionaryTypeError(f"`{name}` of {owner} must be {what}; got {value!r}.{hint}")
    v = float(value)
    if not math.isfinite(v) or v < minimum or (strict and v == minimum):
        raise EvolutionaryArgumentError(f"`{name}` of {owner} must be {what}; got {value!r}.{hint}")
    return v


def check_callable(name: str, value: Any, owner: str, what: str) -> Any:
    """``value`` if it is callable or None, else a clear error (``what`` describes the call)."""
    if value is not None and not callable(value):
        raise EvolutionaryTypeError(
            f"`{name}` of {owner} must be a function {what} or None; got {value!r}."
        )
    return value
