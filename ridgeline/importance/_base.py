"""The evaluator protocol shared by every importance method."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.importance._data import ImportanceError, ImportanceTypeError, ParamData

if TYPE_CHECKING:
    from ridgeline.study import Study
    from ridgeline.trial import FrozenTrial

__all__ = ["BaseImportanceEvaluator", "check_positive_int", "check_seed", "scores_to_dict"]


class BaseImportanceEvaluator(abc.ABC):
    """Scores how much each parameter explains the objective (or ``target``) of a study.

    Subclasses implement :meth:`evaluate`; :func:`ridgeline.importance.get_param_importances`
    calls it once, from the caller's thread, then normalizes and sorts the result. The trials
    the evaluator sees are immutable records and must not be changed.
    """

    @abc.abstractmethod
    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        """Unnormalized, non-negative importances, one per parameter, most important first.

        Args:
            study: The study whose COMPLETE trials are explained.
            params: The parameters to score; by default those in every COMPLETE trial.
            target: What to explain instead of the objective value (required for a
                multi-objective study), e.g. ``lambda t: t.values[1]``.
        """


def scores_to_dict(data: ParamData, scores: np.ndarray) -> dict[str, float]:
    """``{name: score}`` with constant parameters at 0, most important first (ties by name)."""
    out = {
        name: 0.0 if data.is_constant(i) else max(float(scores[i]), 0.0)
        for i, name in enumerate(data.names)
    }
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def check_positive_int(owner: str, name: str, value: object) -> int:
    """``value`` if it is an int >= 1, else a clear error."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ImportanceTypeError(f"`{name}` of {owner} must be an int; got {value!r}.")
    if value < 1:
        raise ImportanceError(f"`{name}` of {owner} must be >= 1; got {value!r}.")
    return value


def check_seed(owner: str, seed: object) -> int | None:
    """``seed`` if it is None or an int, else a clear error."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ImportanceTypeError(
            f"`seed` of {owner} must be an int or None; got {seed!r}. Pass e.g. seed=0."
        )
    return seed
