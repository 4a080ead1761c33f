"""What every trial-like object offers an objective: the ``suggest_*`` API and reporting."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

__all__ = ["BaseTrial"]


class BaseTrial(abc.ABC):
    """Base class of :class:`Trial`, :class:`FixedTrial` and :class:`FrozenTrial`.

    Annotate objectives with it when they should accept any of them. Subclasses decide what a
    suggestion returns by implementing ``_suggest``; the ``suggest_*`` methods only build and
    validate the distribution.
    """

    __slots__ = ()

    _number: int
    _params: dict[str, Any]
    _distributions: dict[str, BaseDistribution]
    _user_attrs: dict[str, Any]
    _system_attrs: dict[str, Any]
    _intermediate_values: dict[int, float]

    # Read-only views: each returns a fresh copy, so changing it changes nothing recorded.
    @property
    def number(self) -> int:
        """The trial's number within its study (0, 1, 2, ...)."""
        return self._number

    @property
    def params(self) -> dict[str, Any]:
        """``{name: value}`` of the parameters suggested so far."""
        return dict(self._params)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return dict(self._distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        return dict(self._user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return dict(self._system_attrs)

    @property
    def intermediate_values(self) -> dict[int, float]:
        """``{step: value}`` reported so far."""
        return dict(self._intermediate_values)

    @abc.abstractmethod
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        """The value of parameter ``name`` drawn from (or checked against) ``distribution``."""

    @abc.abstractmethod
    def report(self, value: float, step: int) -> None:
        """Record an intermediate objective value at ``step``."""

    @abc.abstractmethod
    def should_prune(self) -> bool:
        """Whether the trial should stop now."""

    @abc.abstractmethod
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a user attribute."""

    def suggest_float(
        self,
        name: str,
        low: float,
        high: float,
        *,
        step: float | None = None,
        log: bool = False,
    ) -> float:
        """Suggest a float in ``[low, high]``.

        Args:
            name: The parameter's name, unique within the trial.
            low / high: Bounds, both included.
            step: Grid spacing (values ``low + k*step``); not with ``log``.
            log: Sample on a log scale (needs ``low > 0``).

        Raises:
            ValueError: On invalid bounds (see :class:`FloatDistribution`) or a name already
                used with an incompatible distribution in this trial.
        """
        return float(self._suggest(name, FloatDistribution(low, high, log=log, step=step)))

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """Suggest an integer in ``[low, high]`` (both included), on a grid of ``step``."""
        return int(self._suggest(name, IntDistribution(low, high, log=log, step=step)))

    def suggest_categorical(self, name: str, choices: Sequence[CategoricalChoiceType]) -> Any:
        """Suggest one of ``choices`` (None, bool, int, float or str values).

        The choices may differ between trials (they can depend on earlier parameters).
        """
        return self._suggest(name, CategoricalDistribution(choices))

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Same as ``suggest_float(name, low, high)`` (older Optuna API)."""
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Same as ``suggest_float(name, low, high, log=True)`` (older Optuna API)."""
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Same as ``suggest_float(name, low, high, step=q)`` (older Optuna API)."""
        return self.suggest_float(name, low, high, step=q)
