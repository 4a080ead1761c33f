from __future__ import annotations

import datetime
import numbers
from typing import TYPE_CHECKING, Any

from ridgeline._warnings import warn_at_user_line
from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
)
from ridgeline.exceptions import RidgelineError
from ridgeline.trial._base import BaseTrial
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState
from ridgeline.trial._time_limit import TimeLimit

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["Trial"]

FIXED_PARAMS_KEY = "fixed_params"


def waiting_trial(
    fixed_params: dict[str, Any],
    user_attrs: dict[str, Any],
    system_attrs: dict[str, Any] | None = None,
    intermediate_values: dict[int, float] | None = None,
) -> FrozenTrial:
    """The template of an enqueued trial: WAITING, with ``fixed_params`` for its suggestions."""
    return FrozenTrial._make(
        -1,
        TrialState.WAITING,
        None,
        None,
        None,
        {},
        {},
        user_attrs,
        {**(system_attrs or {}), FIXED_PARAMS_KEY: fixed_params},
        intermediate_values or {},
        -1,
    )


class TrialUsageError(RidgelineError, ValueError):
    """A Trial method was called with arguments it cannot accept."""


class Trial(BaseTrial):
    """The handle an objective receives to suggest parameters and report progress.

    Created by ``study.ask()`` or by the optimize loop; do not construct it directly. The
    handle keeps a local copy of what it wrote, so repeated ``suggest_*`` calls and attribute
    reads do not go back to the storage.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study()
        >>> trial = study.ask()
        >>> x = trial.suggest_float("x", -1.0, 1.0)
        >>> trial.suggest_float("x", -1.0, 1.0) == x   # same name, same value
        True
    """

    def __init__(self, study: Study, trial_id: int, record: FrozenTrial | None = None) -> None:
        self.study = study
        self._trial_id = trial_id
        if record is None:
            record = study._storage.get_trial(trial_id)
        self._number = record.number
        self._datetime_start = record.datetime_start
        self._params: dict[str, Any] = record.params
        self._distributions: dict[str, BaseDistribution] = record.distributions
        self._user_attrs: dict[str, Any] = record.user_attrs
        self._system_attrs: dict[str, Any] = record.system_attrs
        self._intermediate_values: dict[int, float] = record.intermediate_values
        fixed = self._system_attrs.get(FIXED_PARAMS_KEY) or {}
        self._fixed_params: dict[str, Any] = dict(fixed)
        self._snapshot: FrozenTrial | None = None
        self._relative_search_space: dict[str, BaseDistribution] | None = None
        self._relative_params: dict[str, Any] | None = None
        self._sampler_view: Study | None = None
        self._time_limit: TimeLimit | None = None

    # ------------------------------------------------------------------ snapshot
    def _frozen(self) -> FrozenTrial:
        """An immutable view of this running trial, for samplers and pruners."""
        if self._snapshot is None:
            self._snapshot = FrozenTrial._make(
                self._number,
                TrialState.RUNNING,
                None,
                self._datetime_start,
                None,
                self._params.copy(),
                self._distributions.copy(),
                self._user_attrs.copy(),
                self._system_attrs.copy(),
                self._intermediate_values.copy(),
                self._trial_id,
            )
        return self._snapshot

    def _sampler_study(self) -> Study:
        """The study as the sampler sees it for this trial (see ``BasePruner.sampler_study``)."""
        if self._sampler_view is None:
            from ridgeline.study._view import sampler_view

            self._sampler_view = sampler_view(self.study, self._frozen())
        return self._sampler_view

    def _init_relative(self) -> None:
        sampler = self.study.sampler
        frozen = self._frozen()
        study = self._sampler_study()
        self._relative_search_space = sampler.infer_relative_search_space(study, frozen)
        if self._relative_search_space:
            self._relative_params = sampler.sample_relative(
                study, frozen, self._relative_search_space
            )
        else:
            self._relative_params = {}

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if not isinstance(name, str):
            raise TrialUsageError(
                f"`name` of a parameter must be a str; got {name!r} ({type(name).__name__})."
            )
        if name in self._distributions:
            check_distribution_compatibility(self._distributions[name], distribution)
            return self._params[name]

        if name in self._fixed_params:
            value = self._fixed_params[name]
            internal = distribution.to_internal_repr(value)
            if not distribution.contains(internal):
                warn_at_user_line(
                    f"The fixed value {value!r} of parameter {name!r} lies outside "
                    f"{distribution!r}; it is used as given."
                )
        elif distribution.single():
            internal = _single_internal(distribution)
        else:
            if self._relative_params is None:
                self._init_relative()
            assert self._relative_search_space is not None
            assert self._relative_params is not None
            relative_dist = self._relative_search_space.get(name)
            relative: float | None = None
            # A relative value is used only when the objective asks for exactly the
            # distribution the sampler modelled and the value fits it; spaces may change
            # between trials (other bounds, choices that depend on earlier parameters), and
            # then the parameter is sampled on its own.
            if name in self._relative_params and relative_dist == distribution:
                # The sampler's equal instance is kept, so that later comparisons of this
                # trial's distribution (search spaces, histories) are identity checks.
                distribution = relative_dist
                candidate = distribution.to_internal_repr(self._relative_params[name])
                if distribution.contains(candidate):
                    relative = candidate
            if relative is not None:
                internal = relative
            else:
                value = self.study.sampler.sample_independent(
                    self._sampler_study(), self._frozen(), name, distribution
                )
                internal = distribution.to_internal_repr(value)

        self.study._storage.set_trial_param(self._trial_id, name, internal, distribution)
        external = distribution.to_external_repr(internal)
        self._params[name] = external
        self._distributions[name] = distribution
        self._snapshot = None
        return external

    # ------------------------------------------------------------------ pruning API
    def report(self, value: float, step: int) -> None:
        """Record an intermediate objective value at ``step`` (an epoch, a data fraction).

        Pruners read these values. Reporting the same step twice keeps the first value.

        Raises:
            TypeError: If ``value`` is not a number.
            ValueError: If ``step`` is negative or the study has several objectives.
        """
        if len(self.study.directions) > 1:
            raise TrialUsageError(
                "trial.report is not supported for studies with several objectives; report "
                "a single intermediate value only in single-objective studies."
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            try:
                value = float(value)  # numpy scalars, 0-d tensors
            except (TypeError, ValueError):
                raise _ReportTypeError(
                    f"`value` of trial.report must be a float; got {value!r} "
                    f"({type(value).__name__})."
                ) from None
        if isinstance(step, bool) or not isinstance(step, numbers.Integral):
            raise _ReportTypeError(
                f"`step` of trial.report must be an int; got {step!r} ({type(step).__name__})."
            )
        step = int(step)
        if step < 0:
            raise TrialUsageError(f"`step` of trial.report must be >= 0; got {step!r}.")
        if step in self._intermediate_values:
            warn_at_user_line(
                f"Trial {self._number} already reported a value at step {step}; the new value "
                f"{value!r} is ignored."
            )
            return
        value = float(value)
        self.study._storage.set_trial_intermediate_value(self._trial_id, step, value)
        self._intermediate_values[step] = value
        self._snapshot = None
        if self._time_limit is not None and self._time_limit.mode == "fail":
            self._time_limit.check(self)

    def should_prune(self) -> bool:
        """Ask the study's pruner whether this trial should stop now.

        Raise ``ridgeline.TrialPruned()`` when it returns True. Under a per-trial time limit
        (``Study.optimize(trial_timeout=...)``) it returns True once the limit has passed, or
        with ``on_trial_timeout="fail"`` raises :class:`~ridgeline.exceptions.TrialTimeoutError`.
        """
        if len(self.study.directions) > 1:
            raise TrialUsageError(
                "trial.should_prune is not supported for studies with several objectives."
            )
        if self._time_limit is not None and self._time_limit.check(self):
            return True
        return bool(self.study.pruner.prune(self.study, self._frozen()))

    # ------------------------------------------------------------------ attributes
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the trial (shown in reports and data frames)."""
        self.study._storage.set_trial_user_attr(self._trial_id, key, value)
        self._user_attrs[key] = value
        self._snapshot = None

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a system attribute (for samplers, pruners and integrations)."""
        self.study._storage.set_trial_system_attr(self._trial_id, key, value)
        self._system_attrs[key] = value
        self._snapshot = None

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._datetime_start

    @property
    def relative_params(self) -> dict[str, Any]:
        if self._relative_params is None:
            self._init_relative()
        return dict(self._relative_params or {})

    def __repr__(self) -> str:
        return f"Trial(number={self._number}, params={self._params!r})"


class _ReportTypeError(RidgelineError, TypeError):
    pass


def _single_internal(distribution: BaseDistribution) -> float:
    if isinstance(distribution, CategoricalDistribution):
        return 0.0
    assert isinstance(distribution, (FloatDistribution, IntDistribution))
    return float(distribution.low)
