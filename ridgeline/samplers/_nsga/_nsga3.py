"""NSGA-III as a sampler (Deb & Jain 2014)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.samplers._nsga._args import (
    EvolutionaryArgumentError,
    EvolutionaryUsageError,
    check_int,
)
from ridgeline.samplers._nsga._crossovers import BaseCrossover
from ridgeline.samplers._nsga._generational import (
    AfterTrialStrategy,
    ChildStrategy,
    EliteStrategy,
    GenerationalSampler,
    Pool,
)
from ridgeline.samplers._nsga._mutations import BaseMutation
from ridgeline.samplers._nsga._nsga2 import build_variation, check_strategies, tournament
from ridgeline.samplers._nsga._ranking import constrained_ranks
from ridgeline.samplers._nsga._reference import das_dennis, nsga3_select
from ridgeline.samplers._random import check_seed
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["NSGAIIISampler"]

_OWNER = "NSGAIIISampler"


def _check_reference_points(points: Any) -> np.ndarray | None:
    if points is None:
        return None
    try:
        arr = np.array(points, dtype=float)
    except (TypeError, ValueError):
        arr = np.zeros((0,))
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise EvolutionaryArgumentError(
            f"`reference_points` of {_OWNER} must be a 2-d array (points x objectives) with at "
            f"least one point, or None for Das-Dennis points; got {points!r}."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr.sum(axis=1) <= 0):
        raise EvolutionaryArgumentError(
            f"`reference_points` of {_OWNER} must hold finite, non-negative points that are "
            f"not all zero (directions in the normalised objective space); got {points!r}."
        )
    return arr


class NSGAIIISampler(GenerationalSampler):
    """Many-objective genetic algorithm NSGA-III (Deb & Jain 2014, "An evolutionary
    many-objective optimization algorithm using reference-point-based nondominated sorting
    approach, part I", IEEE TEVC 18(4)), for three or more objectives.

    Generations, crossover, mutation, constraints and the stored state are as in
    :class:`~ridgeline.samplers.NSGAIISampler`. Survival differs: after whole non-dominated
    fronts, the members of the front that does not fit are chosen to spread over a set of
    reference directions. The objectives of the candidates are normalised (translated to the
    ideal point, divided by the intercepts of the hyperplane through the extreme points found
    by an achievement scalarizing function, or by the nadir when those do not span a
    hyperplane), each candidate is associated with its nearest reference line, and the
    directions with the fewest survivors are served first (niching). Parents are drawn at
    random from the pool (Deb & Jain 2014, Sec. IV-F); with ``constraints_func``, by binary
    tournaments on feasibility and violation (Jain & Deb 2014, part II).

    Args:
        reference_points: ``(n_points, n_objectives)`` array of directions in the normalised
            objective space. Default: the Das & Dennis (1998) points with
            ``dividing_parameter`` divisions per objective (``C(m + p - 1, p)`` points for
            ``m`` objectives).
        dividing_parameter: Divisions for the default reference points, ``>= 1``.
        population_size, mutation, mutation_prob, crossover, crossover_prob, swapping_prob,
            seed, constraints_func, elite_population_selection_strategy,
            child_generation_strategy, after_trial_strategy: As for
            :class:`~ridgeline.samplers.NSGAIISampler`.

    Raises:
        ValueError: On an argument out of range, or reference points whose dimension is not the
            study's number of objectives.
        TypeError: On an argument of the wrong type.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(3)]
        ...     return x[0], x[1], 2 - x[0] - x[1] + x[2]
        >>> sampler = NSGAIIISampler(population_size=8, seed=0)
        >>> study = ridgeline.create_study(directions=["minimize"] * 3, sampler=sampler)
        >>> study.optimize(objective, n_trials=24)
        >>> len(study.best_trials) > 0
        True
    """

    _OWNER = _OWNER
    _KEY = "nsga3:trial"

    def __init__(
        self,
        *,
        population_size: int = 50,
        mutation: BaseMutation | None = None,
        mutation_prob: float | None = None,
        crossover: BaseCrossover | None = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        reference_points: np.ndarray | None = None,
        dividing_parameter: int = 3,
        elite_population_selection_strategy: EliteStrategy | None = None,
        child_generation_strategy: ChildStrategy | None = None,
        after_trial_strategy: AfterTrialStrategy | None = None,
    ) -> None:
        size, variation = build_variation(
            _OWNER,
            population_size=population_size,
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            mutation=mutation,
            mutation_prob=mutation_prob,
        )
        check_strategies(
            _OWNER,
            elite_population_selection_strategy,
            child_generation_strategy,
            after_trial_strategy,
            constraints_func,
        )
        self._reference_points = _check_reference_points(reference_points)
        self._dividing_parameter = check_int("dividing_parameter", dividing_parameter, _OWNER, 1)
        super().__init__(
            population_size=size,
            variation=variation,
            seed=check_seed(seed, _OWNER),
            constraints_func=constraints_func,
            elite_population_selection_strategy=elite_population_selection_strategy,
            child_generation_strategy=child_generation_strategy,
            after_trial_strategy=after_trial_strategy,
        )

    def _references(self, n_objectives: int) -> np.ndarray:
        if self._reference_points is None:
            return das_dennis(n_objectives, self._dividing_parameter)
        if self._reference_points.shape[1] != n_objectives:
            raise EvolutionaryUsageError(
                f"`reference_points` of {_OWNER} must have one column per objective; got "
                f"{self._reference_points.shape[1]} columns for a study with {n_objectives} "
                "objectives."
            )
        return self._reference_points

    def _survivors(
        self, study: Study, candidates: Pool, n_previous: int, generation: int
    ) -> np.ndarray:
        references = self._references(candidates.values.shape[1])
        # Niching draws are seeded by the generation, so every worker and every resumed run
        # selects the same pool.
        rng = np.random.default_rng([generation, 0x3])
        return nsga3_select(
            candidates.values, candidates.violations, self._population_size, references, rng
        )

    def _choose_parents(
        self, study: Study, pool: Pool, n_parents: int, rng: np.random.Generator
    ) -> list[int]:
        if pool.violations is None:
            n = len(pool.trials)
            return [int(i) for i in rng.choice(n, size=min(n_parents, n), replace=False)]
        position = pool.cache.get("position")
        if position is None:
            # Feasibility first, then violation; feasible ties broken at random per tournament.
            ranks = constrained_ranks(np.zeros((len(pool.trials), 1)), pool.violations)
            position = pool.cache["position"] = ranks
        jitter = position + rng.uniform(0.0, 0.5, size=len(position))
        return tournament(jitter, n_parents, 2, rng)

    def __repr__(self) -> str:
        v = self._variation
        return (
            f"{_OWNER}(population_size={self._population_size}, crossover={v.crossover!r}, "
            f"dividing_parameter={self._dividing_parameter}, seed={self._seed!r})"
        )
