from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from ridgeline._warnings import warn_at_user_line
from ridgeline.distributions import (
    BaseDistribution,
    check_distribution_compatibility,
)
from ridgeline.exceptions import RidgelineError
from ridgeline.trial._base import BaseTrial

__all__ = ["FixedTrial"]


class FixedTrialError(RidgelineError, ValueError):
    pass


class FixedTrial(BaseTrial):
    """A trial whose parameters are given up front: run an objective outside any study.

    Useful to test an objective, or to re-train the model of a chosen configuration.

    Args:
        params: ``{name: value}`` that ``suggest_*`` calls return.
        number: The number the objective sees as ``trial.number``.

    Raises:
        ValueError: From ``suggest_*`` when a name is missing from ``params``.

    Example:
        >>> def objective(trial):
        ...     return trial.suggest_float("x", -10, 10) ** 2
        >>> objective(FixedTrial({"x": 3.0}))
        9.0
    """

    def __init__(self, params: Mapping[str, Any], number: int = 0) -> None:
        if not isinstance(params, Mapping):
            raise FixedTrialError(
                f"`params` of FixedTrial must be a dict; got {type(params).__name__}."
            )
        self._fixed = dict(params)
        self._params: dict[str, Any] = {}
        self._distributions: dict[str, BaseDistribution] = {}
        self._user_attrs: dict[str, Any] = {}
        self._system_attrs: dict[str, Any] = {}
        self._intermediate_values: dict[int, float] = {}
        self._number = number
        self._datetime_start = datetime.datetime.now()

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self._fixed:
            raise FixedTrialError(
                f"FixedTrial has no value for parameter {name!r}; give it in `params` "
                f"(known: {sorted(self._fixed)})."
            )
        if name in self._distributions:
            check_distribution_compatibility(self._distributions[name], distribution)
        value = self._fixed[name]
        internal = distribution.to_internal_repr(value)
        if not distribution.contains(internal):
            warn_at_user_line(
                f"The value {value!r} of parameter {name!r} lies outside {distribution!r}."
            )
        self._params[name] = value
        self._distributions[name] = distribution
        return value

    def report(self, value: float, step: int) -> None:
        self._intermediate_values[int(step)] = float(value)

    def should_prune(self) -> bool:
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

    @property
    def datetime_start(self) -> datetime.datetime:
        return self._datetime_start
