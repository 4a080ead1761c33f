"""Parameter distributions: what values a parameter may take.

A distribution knows its bounds, step, log flag or choices, converts values between the user's
("external") representation and a float ("internal") representation that storages keep, and
round-trips through JSON. Internal values: floats for float and int parameters, the index of
the choice for categorical parameters.
"""

from __future__ import annotations

import abc
import decimal
import json
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

from ridgeline._warnings import warn_at_user_line
from ridgeline.exceptions import RidgelineError

__all__ = [
    "BaseDistribution",
    "CategoricalChoiceType",
    "CategoricalDistribution",
    "FloatDistribution",
    "IntDistribution",
    "check_distribution_compatibility",
    "distribution_to_json",
    "json_to_distribution",
]

CategoricalChoiceType = None | bool | int | float | str


class DistributionError(RidgelineError, ValueError):
    """A distribution was given arguments that describe no valid set of values."""


_KEY_CACHE = "_cached_key"


class BaseDistribution(abc.ABC):
    """Base class of the parameter distributions.

    Subclasses are immutable value objects: equal arguments give equal, hashable distributions.
    """

    @abc.abstractmethod
    def to_external_repr(self, param_value_in_internal_repr: float) -> Any:
        """Convert a stored float into the value the objective sees."""

    @abc.abstractmethod
    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        """Convert a value the objective saw into the float that storages keep."""

    @abc.abstractmethod
    def single(self) -> bool:
        """Whether the distribution holds exactly one value."""

    @abc.abstractmethod
    def _contains(self, param_value_in_internal_repr: float) -> bool:
        """Whether an internal value lies in the distribution."""

    def contains(self, param_value_in_internal_repr: float) -> bool:
        """Whether an internal (float) value lies in the distribution."""
        return self._contains(param_value_in_internal_repr)

    def _asdict(self) -> dict[str, Any]:
        return {k.lstrip("_"): v for k, v in self.__dict__.items() if k != _KEY_CACHE}

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(self) is not type(other):
            return NotImplemented
        assert isinstance(other, BaseDistribution)
        return self._key() == other._key()

    def _key(self) -> tuple[Any, ...]:
        # Distributions are immutable, so the key (compared and hashed on every dict lookup
        # samplers make) is computed once.
        key = self.__dict__.get(_KEY_CACHE)
        if key is None:
            key = tuple(sorted(self._asdict().items()))
            self.__dict__[_KEY_CACHE] = key
        return key

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._asdict().items())
        return f"{type(self).__name__}({args})"


def _check_finite_number(owner: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DistributionError(
            f"`{name}` of {owner} must be a number; got {value!r} ({type(value).__name__})."
        )
    if not math.isfinite(value):
        raise DistributionError(f"`{name}` of {owner} must be finite; got {value!r}.")
    return float(value)


def _adjust_high(low: float, high: float, step: float, owner: str) -> float:
    """Return the largest value on the grid ``low + k * step`` that does not exceed ``high``."""
    d_high = decimal.Decimal(str(high))
    d_low = decimal.Decimal(str(low))
    d_step = decimal.Decimal(str(step))
    d_r = d_high - d_low
    if d_r % d_step != decimal.Decimal("0"):
        adjusted = float((d_r // d_step) * d_step + d_low)
        _warn_high_adjusted(owner, low, high, step, adjusted)
        return adjusted
    return high


def _warn_high_adjusted(owner: str, low: Any, high: Any, step: Any, adjusted: Any) -> None:
    warn_at_user_line(
        f"The range of {owner} [{low}, {high}] is not divisible by `step`={step}; "
        f"`high` is replaced by {adjusted}."
    )


class FloatDistribution(BaseDistribution):
    """A float parameter in ``[low, high]``, optionally on a log scale or a grid of ``step``.

    Args:
        low: Lower bound, included.
        high: Upper bound, included.
        log: Sample in log space. Needs ``low > 0``; cannot be combined with ``step``.
        step: Spacing of a grid starting at ``low``. ``high`` is lowered onto the grid.

    Raises:
        ValueError: On ``low > high``, non-finite bounds, ``log`` with ``low <= 0``, or
            ``step`` with ``log`` or ``step <= 0``.

    Example:
        >>> FloatDistribution(1e-5, 1e-1, log=True).contains(1e-3)
        True
    """

    def __init__(
        self, low: float, high: float, log: bool = False, step: float | None = None
    ) -> None:
        owner = "FloatDistribution"
        low = _check_finite_number(owner, "low", low)
        high = _check_finite_number(owner, "high", high)
        if log and step is not None:
            raise DistributionError(
                f"`step` of {owner} must be None when `log=True`; got step={step!r}. "
                "Use either a log scale or a grid, not both."
            )
        if low > high:
            raise DistributionError(
                f"`low` of {owner} must be <= `high`; got low={low!r}, high={high!r}."
            )
        if log and low <= 0.0:
            raise DistributionError(
                f"`low` of {owner} must be > 0 when `log=True`; got low={low!r}. "
                "Use a positive lower bound or `log=False`."
            )
        if step is not None:
            step = _check_finite_number(owner, "step", step)
            if step <= 0:
                raise DistributionError(f"`step` of {owner} must be > 0; got step={step!r}.")
            high = _adjust_high(low, high, step, owner)
        self.low = low
        self.high = high
        self.log = bool(log)
        self.step = step

    def single(self) -> bool:
        if self.step is None:
            return self.low == self.high
        if self.low == self.high:
            return True
        return (decimal.Decimal(str(self.high)) - decimal.Decimal(str(self.low))) < (
            decimal.Decimal(str(self.step))
        )

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        if not (self.low <= value <= self.high):
            return False
        if self.step is None:
            return True
        k = (value - self.low) / self.step
        return abs(k - round(k)) < 1e-8

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        value = param_value_in_external_repr
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(value)
            except (TypeError, ValueError) as e:
                raise DistributionError(
                    f"A value of FloatDistribution must be a float; got {value!r}."
                ) from e
        value = float(value)
        if math.isnan(value):
            raise DistributionError("A value of FloatDistribution must not be NaN; got nan.")
        return value

    def to_external_repr(self, param_value_in_internal_repr: float) -> float:
        return float(param_value_in_internal_repr)


class IntDistribution(BaseDistribution):
    """An integer parameter in ``[low, high]``, optionally on a log scale or a grid of ``step``.

    Args:
        low: Lower bound, included.
        high: Upper bound, included.
        log: Sample in log space. Needs ``low >= 1`` and ``step == 1``.
        step: Spacing of a grid starting at ``low``. ``high`` is lowered onto the grid.

    Raises:
        ValueError: On ``low > high``, ``log`` with ``low < 1`` or ``step != 1``, or ``step < 1``.

    Example:
        >>> IntDistribution(1, 9, step=2).contains(5)
        True
    """

    def __init__(self, low: int, high: int, log: bool = False, step: int = 1) -> None:
        owner = "IntDistribution"
        for name, value in (("low", low), ("high", high), ("step", step)):
            integral = isinstance(value, numbers.Integral) or (
                isinstance(value, float) and float(value).is_integer()
            )
            if isinstance(value, bool) or not integral:
                raise DistributionError(
                    f"`{name}` of {owner} must be an integer; got {value!r} "
                    f"({type(value).__name__})."
                )
        low, high, step = int(low), int(high), int(step)
        if log and step != 1:
            raise DistributionError(
                f"`step` of {owner} must be 1 when `log=True`; got step={step!r}. "
                "Use either a log scale or a grid, not both."
            )
        if step < 1:
            raise DistributionError(f"`step` of {owner} must be >= 1; got step={step!r}.")
        if low > high:
            raise DistributionError(
                f"`low` of {owner} must be <= `high`; got low={low!r}, high={high!r}."
            )
        if log and low < 1:
            raise DistributionError(
                f"`low` of {owner} must be >= 1 when `log=True`; got low={low!r}. "
                "Use a positive lower bound or `log=False`."
            )
        if (high - low) % step != 0:
            adjusted = (high - low) // step * step + low
            _warn_high_adjusted(owner, low, high, step, adjusted)
            high = adjusted
        self.low = low
        self.high = high
        self.log = bool(log)
        self.step = step

    def single(self) -> bool:
        return self.low == self.high

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        if not (self.low <= value <= self.high):
            return False
        return (value - self.low) % self.step == 0

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        value = param_value_in_external_repr
        try:
            result = float(value)
        except (TypeError, ValueError) as e:
            raise DistributionError(
                f"A value of IntDistribution must be an integer; got {value!r}."
            ) from e
        if math.isnan(result):
            raise DistributionError("A value of IntDistribution must not be NaN; got nan.")
        return result

    def to_external_repr(self, param_value_in_internal_repr: float) -> int:
        return round(param_value_in_internal_repr)


_CHOICE_TYPES = (type(None), bool, int, float, str)


def _same_choice(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        # 1 == 1.0 == True in Python; a choice list may hold both, so types must agree too,
        # except int/float which users mix freely (e.g. 1 and 1.0 denote the same choice).
        numeric = (int, float)
        if not (
            isinstance(a, numeric)
            and isinstance(b, numeric)
            and not isinstance(a, bool)
            and not isinstance(b, bool)
        ):
            return False
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


class CategoricalDistribution(BaseDistribution):
    """A parameter that takes one of ``choices`` (None, bool, int, float or str values).

    The internal representation is the index of the choice.

    Raises:
        ValueError: On empty ``choices``.
        TypeError: On a choice of another type (a list, a dict, an object).

    Example:
        >>> d = CategoricalDistribution(["adam", "sgd"])
        >>> d.to_internal_repr("sgd"), d.to_external_repr(0)
        (1.0, 'adam')
    """

    def __init__(self, choices: Sequence[CategoricalChoiceType]) -> None:
        owner = "CategoricalDistribution"
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Iterable):
            raise _CategoricalTypeError(
                f"`choices` of {owner} must be a list or tuple; got {choices!r}."
            )
        choices = list(choices)
        if len(choices) == 0:
            raise DistributionError(
                f"`choices` of {owner} must contain at least one value; got {choices!r}."
            )
        for choice in choices:
            if not isinstance(choice, _CHOICE_TYPES):
                raise _CategoricalTypeError(
                    f"`choices` of {owner} must hold None, bool, int, float or str values; got "
                    f"{choice!r} ({type(choice).__name__}). Store complex objects in a dict "
                    "keyed by a string and suggest the key instead."
                )
        self.choices: tuple[CategoricalChoiceType, ...] = tuple(choices)

    def single(self) -> bool:
        return len(self.choices) == 1

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        index = param_value_in_internal_repr
        return 0 <= index < len(self.choices) and float(index).is_integer()

    def index_of(self, value: Any) -> int | None:
        """Index of ``value`` among the choices, or None if it is not one of them."""
        for i, choice in enumerate(self.choices):
            if _same_choice(choice, value):
                return i
        return None

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        index = self.index_of(param_value_in_external_repr)
        if index is None:
            raise DistributionError(
                f"{param_value_in_external_repr!r} is not one of the choices "
                f"{list(self.choices)!r} of this CategoricalDistribution."
            )
        return float(index)

    def to_external_repr(self, param_value_in_internal_repr: float) -> CategoricalChoiceType:
        return self.choices[int(param_value_in_internal_repr)]

    def _key(self) -> tuple[Any, ...]:
        # Compare choices with their types so that [1, 2] != [True, 2].
        key = self.__dict__.get(_KEY_CACHE)
        if key is None:
            key = tuple((type(c).__name__, "nan" if c != c else c) for c in self.choices)
            self.__dict__[_KEY_CACHE] = key
        return key


class _CategoricalTypeError(RidgelineError, TypeError):
    pass


_CLASSES: dict[str, type[BaseDistribution]] = {
    "FloatDistribution": FloatDistribution,
    "IntDistribution": IntDistribution,
    "CategoricalDistribution": CategoricalDistribution,
}


def distribution_to_json(dist: BaseDistribution) -> str:
    """Serialize a distribution to a JSON string (see :func:`json_to_distribution`).

    Example:
        >>> json_to_distribution(distribution_to_json(IntDistribution(1, 3)))
        IntDistribution(low=1, high=3, log=False, step=1)
    """
    if isinstance(dist, CategoricalDistribution):
        attributes: dict[str, Any] = {"choices": list(dist.choices)}
    else:
        attributes = dist._asdict()
    return json.dumps({"name": type(dist).__name__, "attributes": attributes})


def json_to_distribution(json_str: str) -> BaseDistribution:
    """Deserialize a distribution written by :func:`distribution_to_json`.

    Raises:
        ValueError: If the JSON does not describe a known distribution.
    """
    try:
        data = json.loads(json_str)
        name = data["name"]
        attributes = data["attributes"]
    except (ValueError, KeyError, TypeError) as e:
        raise DistributionError(
            f"`json_str` must be a distribution written by distribution_to_json; got {json_str!r}."
        ) from e
    cls = _CLASSES.get(name)
    if cls is None:
        raise DistributionError(
            f"Unknown distribution name {name!r} in JSON; expected one of {sorted(_CLASSES)}."
        )
    if cls is CategoricalDistribution:
        return CategoricalDistribution(attributes["choices"])
    return cls(**attributes)


def check_distribution_compatibility(
    dist_old: BaseDistribution, dist_new: BaseDistribution
) -> None:
    """Raise if two distributions cannot describe the same parameter within one trial.

    Compatible means: the same kind, the same log flag, and (for categorical parameters) the
    same choices. Bounds may differ.

    Raises:
        ValueError: With both distributions in the message.
    """
    if type(dist_old) is not type(dist_new):
        raise DistributionError(
            f"Cannot suggest the same parameter as {type(dist_new).__name__} after "
            f"{type(dist_old).__name__}; got {dist_old!r} then {dist_new!r}. Use another "
            "parameter name."
        )
    if isinstance(dist_old, CategoricalDistribution):
        if dist_old != dist_new:
            raise DistributionError(
                f"Cannot change the choices of a categorical parameter within a trial; got "
                f"{list(dist_old.choices)!r} then "
                f"{list(dist_new.choices)!r}."  # type: ignore[attr-defined]
            )
        return
    if getattr(dist_old, "log", False) != getattr(dist_new, "log", False):
        raise DistributionError(
            f"Cannot change `log` of a parameter within a trial; got {dist_old!r} then "
            f"{dist_new!r}."
        )
