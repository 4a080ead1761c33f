"""Argument checks shared by the multi-objective functions: one error shape for all of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ridgeline.exceptions import RidgelineError
from ridgeline.study._study_direction import StudyDirection

__all__ = [
    "MultiObjectiveArgumentError",
    "MultiObjectiveTypeError",
    "as_points",
    "as_vector",
    "direction_signs",
]


class MultiObjectiveArgumentError(RidgelineError, ValueError):
    """A multi-objective function was given an argument outside what it accepts."""


class MultiObjectiveTypeError(MultiObjectiveArgumentError, TypeError):
    """A multi-objective function was given an argument of the wrong kind.

    Also a ``ValueError``, like every :class:`MultiObjectiveArgumentError`.
    """


def _as_float_array(value: Any, name: str, owner: str, shape_words: str) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise MultiObjectiveTypeError(
            f"`{name}` of {owner} must be {shape_words} of numbers; got {value!r}."
        ) from None
    return a


def as_points(value: Any, owner: str, name: str = "points") -> np.ndarray:
    """``value`` as an ``(n, m)`` float array with ``m >= 1``, or a clear error."""
    a = _as_float_array(value, name, owner, "a 2-D array (points x objectives)")
    if a.ndim != 2:
        hint = (
            f" For a single point pass `[{name}]`; for one objective pass a column "
            "(`np.reshape(values, (-1, 1))`)."
            if a.ndim == 1
            else ""
        )
        raise MultiObjectiveArgumentError(
            f"`{name}` of {owner} must be a 2-D array (points x objectives); got an array "
            f"of shape {a.shape}.{hint}"
        )
    if a.shape[1] == 0 and a.shape[0] > 0:
        raise MultiObjectiveArgumentError(
            f"`{name}` of {owner} must have at least one objective (column); got shape {a.shape}."
        )
    return a


def as_vector(
    value: Any, owner: str, name: str, n_objectives: int | None, *, finite: bool = True
) -> np.ndarray:
    """``value`` as a 1-D float array with one entry per objective (any positive length when
    ``n_objectives`` is None), or a clear error."""
    a = _as_float_array(value, name, owner, "a sequence")
    if n_objectives is None:
        if a.ndim != 1 or a.size == 0:
            raise MultiObjectiveArgumentError(
                f"`{name}` of {owner} must be a 1-D sequence with one value per objective; "
                f"got {value!r} (shape {a.shape})."
            )
    elif a.shape != (n_objectives,):
        raise MultiObjectiveArgumentError(
            f"`{name}` of {owner} must have one value per objective ({n_objectives}); got "
            f"{value!r} (shape {a.shape})."
        )
    if finite and not np.all(np.isfinite(a)):
        raise MultiObjectiveArgumentError(
            f"`{name}` of {owner} must be finite in every objective; got {value!r}."
        )
    return a


def direction_signs(directions: Any, n_objectives: int, owner: str) -> np.ndarray:
    """+1 for each minimised objective and -1 for each maximised one.

    ``directions`` is ``None`` (all minimised) or one ``"minimize"``/``"maximize"`` string or
    :class:`~ridgeline.study.StudyDirection` per objective.
    """
    if directions is None:
        return np.ones(n_objectives)
    if isinstance(directions, (str, StudyDirection)) or not isinstance(directions, Sequence):
        raise MultiObjectiveTypeError(
            f"`directions` of {owner} must be a sequence with one 'minimize' or 'maximize' "
            f"per objective; got {directions!r}."
        )
    if len(directions) != n_objectives:
        raise MultiObjectiveArgumentError(
            f"`directions` of {owner} must have one entry per objective ({n_objectives}); "
            f"got {list(directions)!r}."
        )
    signs = np.empty(n_objectives)
    for i, d in enumerate(directions):
        if d == StudyDirection.MINIMIZE or (isinstance(d, str) and d.lower() == "minimize"):
            signs[i] = 1.0
        elif d == StudyDirection.MAXIMIZE or (isinstance(d, str) and d.lower() == "maximize"):
            signs[i] = -1.0
        else:
            raise MultiObjectiveArgumentError(
                f"`directions` of {owner} must contain only 'minimize' or 'maximize' (or "
                f"StudyDirection.MINIMIZE/MAXIMIZE); got {d!r} at position {i}."
            )
    return signs
