from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from ridgeline.distributions import (
    BaseDistribution,
    check_distribution_compatibility,
)
from ridgeline.exceptions import RidgelineError
from ridgeline.trial._base import BaseTrial
from ridgeline.trial._state import TrialState

__all__ = ["FrozenTrial", "create_trial"]


class FrozenTrialError(RidgelineError, ValueError):
    """A FrozenTrial was built from values that do not describe a valid trial."""


class FrozenTrial(BaseTrial):
    """An immutable record of one trial, as storages return it.

    Later writes to the storage never change a ``FrozenTrial`` already handed out; read
    ``study.trials`` again to see new state. The mapping attributes return fresh copies, so
    changing them changes nothing stored.

    A ``FrozenTrial`` can stand in for a :class:`~ridgeline.Trial` in an objective: its
    ``suggest_*`` methods return the recorded values (useful to re-train the best trial's model),
    ``report`` does nothing and ``should_prune`` is False.

    Attributes:
        number: The trial's number, unique and consecutive within its study (0, 1, 2, ...).
        state: The :class:`TrialState`.
        values: The objective values, or None until the trial is COMPLETE (or PRUNED with a
            last intermediate value).
        datetime_start / datetime_complete: When the trial started and finished.
        params: ``{name: value}`` as the objective saw them.
        distributions: ``{name: distribution}``.
        user_attrs / system_attrs: Attributes set by the user and by ridgeline.
        intermediate_values: ``{step: value}`` reported with ``trial.report``.
    """

    __slots__ = (
        "_datetime_complete",
        "_datetime_start",
        "_distributions",
        "_intermediate_values",
        "_number",
        "_params",
        "_state",
        "_system_attrs",
        "_trial_id",
        "_user_attrs",
        "_values",
    )

    _number: int
    _state: TrialState
    _values: tuple[float, ...] | None
    _datetime_start: datetime.datetime | None
    _datetime_complete: datetime.datetime | None
    _params: dict[str, Any]
    _distributions: dict[str, BaseDistribution]
    _user_attrs: dict[str, Any]
    _system_attrs: dict[str, Any]
    _intermediate_values: dict[int, float]
    _trial_id: int

    def __init__(
        self,
        number: int,
        state: TrialState,
        value: float | None,
        datetime_start: datetime.datetime | None,
        datetime_complete: datetime.datetime | None,
        params: Mapping[str, Any],
        distributions: Mapping[str, BaseDistribution],
        user_attrs: Mapping[str, Any],
        system_attrs: Mapping[str, Any],
        intermediate_values: Mapping[int, float],
        trial_id: int,
        *,
        values: Sequence[float] | None = None,
    ) -> None:
        if value is not None and values is not None:
            raise FrozenTrialError(
                "Give either `value` or `values` to FrozenTrial, not both; got "
                f"value={value!r}, values={values!r}."
            )
        set_ = object.__setattr__
        set_(self, "_number", number)
        set_(self, "_state", TrialState(state))
        if value is not None:
            set_(self, "_values", (float(value),))
        elif values is not None:
            set_(self, "_values", tuple(float(v) for v in values))
        else:
            set_(self, "_values", None)
        set_(self, "_datetime_start", datetime_start)
        set_(self, "_datetime_complete", datetime_complete)
        set_(self, "_params", dict(params))
        set_(self, "_distributions", dict(distributions))
        set_(self, "_user_attrs", dict(user_attrs))
        set_(self, "_system_attrs", dict(system_attrs))
        set_(self, "_intermediate_values", dict(intermediate_values))
        set_(self, "_trial_id", trial_id)

    # ----------------------------------------------------------------- immutability
    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError(
            f"FrozenTrial is immutable; cannot set {name!r}. Use study.tell(...), "
            "trial.set_user_attr(...) on a running Trial, or create_trial(...) for a new record."
        )

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"FrozenTrial is immutable; cannot delete {name!r}.")

    def __copy__(self) -> FrozenTrial:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenTrial:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._state_tuple(),))

    def _state_tuple(self) -> tuple[Any, ...]:
        return tuple(getattr(self, s) for s in self.__slots__)

    @classmethod
    def _make(
        cls,
        number: int,
        state: TrialState,
        values: tuple[float, ...] | None,
        datetime_start: datetime.datetime | None,
        datetime_complete: datetime.datetime | None,
        params: dict[str, Any],
        distributions: dict[str, BaseDistribution],
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        intermediate_values: dict[int, float],
        trial_id: int,
    ) -> FrozenTrial:
        """Fast constructor for storages: takes ownership of the given dicts (no copies, no
        checks). The caller must not mutate them afterwards."""
        obj = object.__new__(cls)
        set_ = object.__setattr__
        set_(obj, "_number", number)
        set_(obj, "_state", state)
        set_(obj, "_values", values)
        set_(obj, "_datetime_start", datetime_start)
        set_(obj, "_datetime_complete", datetime_complete)
        set_(obj, "_params", params)
        set_(obj, "_distributions", distributions)
        set_(obj, "_user_attrs", user_attrs)
        set_(obj, "_system_attrs", system_attrs)
        set_(obj, "_intermediate_values", intermediate_values)
        set_(obj, "_trial_id", trial_id)
        return obj

    def _replace(self, **changes: Any) -> FrozenTrial:
        """A copy with some fields replaced (used by storages; keys are slot names sans '_')."""
        fields = {s[1:]: getattr(self, s) for s in self.__slots__}
        fields.update(changes)
        values = fields.pop("values")
        return FrozenTrial(**fields, value=None, values=values)

    # ----------------------------------------------------------------- attributes
    @property
    def state(self) -> TrialState:
        return self._state

    @property
    def values(self) -> list[float] | None:
        return None if self._values is None else list(self._values)

    @property
    def value(self) -> float | None:
        """The single objective value; an error for a multi-objective trial."""
        if self._values is None:
            return None
        if len(self._values) != 1:
            raise RuntimeError(
                f"Trial {self._number} has {len(self._values)} objective values; "
                "use `trial.values` instead of `trial.value`."
            )
        return self._values[0]

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._datetime_start

    @property
    def datetime_complete(self) -> datetime.datetime | None:
        return self._datetime_complete

    @property
    def duration(self) -> datetime.timedelta | None:
        if self._datetime_start is None or self._datetime_complete is None:
            return None
        return self._datetime_complete - self._datetime_start

    @property
    def last_step(self) -> int | None:
        return max(self._intermediate_values) if self._intermediate_values else None

    # ----------------------------------------------------------------- comparison
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self._state_tuple() == other._state_tuple()

    def __lt__(self, other: FrozenTrial) -> bool:
        return self._number < other._number

    def __le__(self, other: FrozenTrial) -> bool:
        return self._number <= other._number

    def __hash__(self) -> int:
        return hash((self._trial_id, self._number, self._state))

    def __repr__(self) -> str:
        return (
            f"FrozenTrial(number={self._number}, state={self._state!r}, values={self.values!r}, "
            f"params={self._params!r}, user_attrs={self._user_attrs!r})"
        )

    # ----------------------------------------------------------------- objective stand-in
    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self._params:
            raise FrozenTrialError(
                f"Trial {self._number} has no parameter {name!r}; its parameters are "
                f"{sorted(self._params)}."
            )
        check_distribution_compatibility(self._distributions[name], distribution)
        return self._params[name]

    def report(self, value: float, step: int) -> None:
        """Does nothing: a finished trial's intermediate values are already recorded."""

    def should_prune(self) -> bool:
        """Always False: a finished trial is not pruned again."""
        return False

    def set_user_attr(self, key: str, value: Any) -> NoReturn:
        raise AttributeError(
            "FrozenTrial is immutable; set user attributes on a running Trial, or re-run the "
            "objective with ridgeline.trial.FixedTrial(frozen_trial.params)."
        )

    set_system_attr = set_user_attr

    # ----------------------------------------------------------------- validation
    def _validate(self) -> None:
        """Raise if the record does not describe a trial that could have happened."""
        state = self._state
        if state != TrialState.WAITING and self._datetime_start is None:
            raise FrozenTrialError(
                f"`datetime_start` of a {state.name} trial must be set; got None."
            )
        if state.is_finished() and self._datetime_complete is None:
            raise FrozenTrialError(
                f"`datetime_complete` of a {state.name} trial must be set; got None."
            )
        if state == TrialState.COMPLETE:
            if self._values is None:
                raise FrozenTrialError(
                    "A COMPLETE trial must have `value` or `values`; got None. Give the "
                    "objective value, or use state=TrialState.FAIL."
                )
            if any(math.isnan(v) for v in self._values):
                raise FrozenTrialError(
                    f"The values of a COMPLETE trial must not be NaN; got {list(self._values)}."
                )
        elif state != TrialState.PRUNED and self._values is not None:
            raise FrozenTrialError(
                f"A {state.name} trial must not have values; got {list(self._values)}."
            )
        if set(self._params) != set(self._distributions):
            raise FrozenTrialError(
                "`params` and `distributions` must have the same keys; got "
                f"{sorted(self._params)} and {sorted(self._distributions)}."
            )
        for name, value in self._params.items():
            dist = self._distributions[name]
            if not dist.contains(dist.to_internal_repr(value)):
                raise FrozenTrialError(
                    f"Parameter {name!r}={value!r} lies outside its distribution {dist!r}."
                )


def _rebuild(state: tuple[Any, ...]) -> FrozenTrial:
    obj = FrozenTrial.__new__(FrozenTrial)
    for slot, value in zip(FrozenTrial.__slots__, state, strict=False):
        object.__setattr__(obj, slot, value)
    return obj


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: Mapping[str, Any] | None = None,
    distributions: Mapping[str, BaseDistribution] | None = None,
    user_attrs: Mapping[str, Any] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
    intermediate_values: Mapping[int, float] | None = None,
) -> FrozenTrial:
    """Build a finished (or WAITING) trial record to pass to ``study.add_trial``.

    Args:
        state: The trial's state. COMPLETE needs ``value`` or ``values``.
        value / values: The objective value(s).
        params / distributions: The parameters and the distribution each was drawn from.
        user_attrs / system_attrs / intermediate_values: Optional extras.

    Raises:
        ValueError: If the record is not consistent (see the message).

    Example:
        >>> from ridgeline.distributions import FloatDistribution
        >>> t = create_trial(params={"x": 2.0}, distributions={"x": FloatDistribution(0, 10)},
        ...                  value=4.0)
        >>> t.value, t.params
        (4.0, {'x': 2.0})
    """
    now = datetime.datetime.now()
    state = TrialState(state)
    trial = FrozenTrial(
        number=-1,
        state=state,
        value=value,
        values=values,
        datetime_start=None if state == TrialState.WAITING else now,
        datetime_complete=now if state.is_finished() else None,
        params=params or {},
        distributions=distributions or {},
        user_attrs=user_attrs or {},
        system_attrs=system_attrs or {},
        intermediate_values=intermediate_values or {},
        trial_id=-1,
    )
    trial._validate()
    return trial
