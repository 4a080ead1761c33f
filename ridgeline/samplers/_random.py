from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.exceptions import RidgelineError
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._constraints import store_constraints
from ridgeline.search_space._transform import _grid_decimals
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["RandomSampler", "sample_uniform"]


class _SeedError(RidgelineError, TypeError):
    pass


class _ConstraintsFuncError(RidgelineError, TypeError):
    pass


def check_seed(seed: Any, owner: str) -> int | None:
    """Validate a ``seed`` argument (None or a non-negative int)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise _SeedError(f"`seed` of {owner} must be a non-negative int or None; got {seed!r}.")
    return int(seed)


def sample_uniform(rng: np.random.Generator, distribution: BaseDistribution) -> Any:
    """Draw one value uniformly from ``distribution`` (log-uniformly when ``log``).

    Integer and stepped parameters get every grid point with equal probability (log: the
    grid is spread evenly in log space over the cells ``[k - 0.5, k + 0.5]``).
    """
    if isinstance(distribution, CategoricalDistribution):
        return distribution.choices[int(rng.integers(len(distribution.choices)))]
    if isinstance(distribution, FloatDistribution):
        low, high = distribution.low, distribution.high
        if distribution.step is not None:
            n = round((high - low) / distribution.step)
            value = low + int(rng.integers(n + 1)) * distribution.step
            places = _grid_decimals(low, high, distribution.step)
            if places is not None:  # 0.3, not 0.30000000000000004
                value = round(value, places)
            return float(min(max(value, low), high))
        if distribution.log:
            return float(math.exp(rng.uniform(math.log(low), math.log(high))))
        return float(rng.uniform(low, high))
    if isinstance(distribution, IntDistribution):
        low, high, step = distribution.low, distribution.high, distribution.step
        if distribution.log:
            x = math.exp(rng.uniform(math.log(low - 0.5), math.log(high + 0.5)))
            return int(min(max(round(x), low), high))
        return int(low + int(rng.integers((high - low) // step + 1)) * step)
    raise _SeedError(f"RandomSampler cannot sample {distribution!r}.")


class RandomSampler(BaseSampler):
    """Draw every parameter independently and uniformly (log-uniformly for ``log`` ones).

    Args:
        seed: Seed for reproducible runs (with ``n_jobs=1``).
        constraints_func: ``constraints_func(trial)`` returns a sequence of floats, feasible
            when all are ``<= 0``. Random search does not use them, but they are stored on
            each finished trial (system attribute ``"constraints"``), so that
            ``best_trial``/``best_trials`` keep to feasible trials and a later model-based
            sampler on the same study knows which trials were feasible.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=RandomSampler(seed=0))
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    ) -> None:
        self._seed = check_seed(seed, "RandomSampler")
        self._rng = np.random.default_rng(self._seed)
        if constraints_func is not None and not callable(constraints_func):
            raise _ConstraintsFuncError(
                "`constraints_func` of RandomSampler must be a function of a trial or None; "
                f"got {constraints_func!r}."
            )
        self._constraints_func = constraints_func

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        return sample_uniform(self._rng, param_distribution)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        store_constraints(study, trial, state, self._constraints_func, "RandomSampler")

    def __repr__(self) -> str:
        return f"RandomSampler(seed={self._seed!r})"
