"""Fix some parameters to given values and let another sampler choose the rest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ridgeline._warnings import warn_at_user_line
from ridgeline.distributions import BaseDistribution, CategoricalDistribution
from ridgeline.exceptions import RidgelineError
from ridgeline.samplers._base import BaseSampler
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["PartialFixedSampler"]

_OWNER = "PartialFixedSampler"


class _PartialFixedTypeError(RidgelineError, TypeError):
    pass


class PartialFixedSamplerError(RidgelineError, ValueError):
    """A fixed value that the objective's distribution cannot hold."""


class PartialFixedSampler(BaseSampler):
    """Return fixed values for some parameters; ``base_sampler`` decides all others.

    A fixed value outside the distribution the objective suggests is used anyway, with a
    warning (a categorical value must still be one of the choices). The fixed parameters are
    left out of the base sampler's relative search space.

    Args:
        fixed_params: ``{name: value}`` (external values, as the objective sees them).
        base_sampler: The sampler for the other parameters.

    Raises:
        TypeError: If ``fixed_params`` is not a dict or ``base_sampler`` not a sampler.

    Example:
        >>> import ridgeline
        >>> from ridgeline.samplers import RandomSampler
        >>> sampler = PartialFixedSampler({"y": 0.0}, RandomSampler(seed=0))
        >>> study = ridgeline.create_study(sampler=sampler)
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) + t.suggest_float("y", -1, 1),
        ...                n_trials=3)
        >>> {t.params["y"] for t in study.trials}
        {0.0}
    """

    def __init__(self, fixed_params: Mapping[str, Any], base_sampler: BaseSampler) -> None:
        if not isinstance(fixed_params, Mapping):
            raise _PartialFixedTypeError(
                f"`fixed_params` of {_OWNER} must be a dict of parameter values; got "
                f"{fixed_params!r}."
            )
        if not isinstance(base_sampler, BaseSampler):
            raise _PartialFixedTypeError(
                f"`base_sampler` of {_OWNER} must be a BaseSampler; got {base_sampler!r}. Pass "
                "a sampler instance, e.g. ridgeline.samplers.RandomSampler()."
            )
        self._fixed_params = dict(fixed_params)
        self._base_sampler = base_sampler

    def reseed_rng(self) -> None:
        self._base_sampler.reseed_rng()

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        space = self._base_sampler.infer_relative_search_space(study, trial)
        return {name: d for name, d in space.items() if name not in self._fixed_params}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._base_sampler.sample_relative(study, trial, search_space)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if param_name not in self._fixed_params:
            return self._base_sampler.sample_independent(
                study, trial, param_name, param_distribution
            )
        value = self._fixed_params[param_name]
        if isinstance(param_distribution, CategoricalDistribution):
            if param_distribution.index_of(value) is None:
                raise PartialFixedSamplerError(
                    f"The fixed value of {param_name!r} in {_OWNER} must be one of the choices "
                    f"{list(param_distribution.choices)!r}; got {value!r}."
                )
            return value
        try:
            contained = param_distribution.contains(param_distribution.to_internal_repr(value))
        except (TypeError, ValueError) as e:
            raise PartialFixedSamplerError(
                f"The fixed value of {param_name!r} in {_OWNER} must be a number for "
                f"{param_distribution!r}; got {value!r}."
            ) from e
        if not contained:
            warn_at_user_line(
                f"The fixed value {value!r} of {param_name!r} lies outside "
                f"{param_distribution!r}; {_OWNER} uses it as given."
            )
        return value

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._base_sampler.before_trial(study, trial)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        self._base_sampler.after_trial(study, trial, state, values)

    def __repr__(self) -> str:
        return f"{_OWNER}({self._fixed_params!r}, {self._base_sampler!r})"
