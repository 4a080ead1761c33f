"""A single-objective genetic algorithm: tournament selection, crossover, mutation, elitism."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.distributions import BaseDistribution
from ridgeline.samplers._nsga._args import EvolutionaryUsageError, check_int, check_real
from ridgeline.samplers._nsga._crossovers import BaseCrossover, BLXAlphaCrossover
from ridgeline.samplers._nsga._generational import GenerationalSampler, Pool
from ridgeline.samplers._nsga._mutations import GaussianMutation
from ridgeline.samplers._nsga._nsga2 import build_variation, check_strategies, tournament
from ridgeline.samplers._nsga._ranking import constrained_ranks
from ridgeline.samplers._random import check_seed
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["EvolutionarySampler"]

_OWNER = "EvolutionarySampler"


class EvolutionarySampler(GenerationalSampler):
    """A generational genetic algorithm for one objective.

    Generation 0 is ``population_size`` random trials. The parent pool of each later
    generation keeps the ``elite_size`` best trials seen so far (elitism: the best survive
    without being evaluated again) and fills up with the best trials of the generation just
    finished. Each child's parents win tournaments of ``tournament_size`` pool members drawn at
    random (Goldberg & Deb 1991, "A comparative analysis of selection schemes used in genetic
    algorithms"); the child is their crossover (probability ``crossover_prob``, else a copy of
    the first parent), then each numeric parameter is mutated with probability
    ``mutation_prob`` by a Gaussian step of ``mutation_scale`` times its range on the unit cube
    of the shared search-space transform (log scale for ``log`` parameters, reflected at the
    bounds), and each categorical one is redrawn with that probability.

    With ``constraints_func``, feasible trials rank before infeasible ones, and infeasible ones
    by total violation (Deb 2000, "An efficient constraint handling method for genetic
    algorithms"). Generations and parents are stored in the trials' system attributes
    (``"ga:trial"``) as for :class:`~ridgeline.samplers.NSGAIISampler`, so parallel workers
    and resumed studies continue one evolution. Parameters not every parent has are drawn at
    random.

    Args:
        population_size: Trials per generation, at least 2 and at least
            ``crossover.n_parents``.
        tournament_size: Pool members per tournament, ``>= 1`` (1 is random selection; larger
            is greedier).
        elite_size: Best trials carried into every pool, ``0 <= elite_size < population_size``.
            Default: a fifth of the population, at least 1 (on 10-d sphere and Rosenbrock
            problems with 300 trials, a fifth did better than a tenth).
        crossover: A :class:`~ridgeline.samplers.nsgaii.BaseCrossover` for numeric
            parameters. Default: ``BLXAlphaCrossover(alpha=0.5)``.
        crossover_prob: Probability that a child is a crossover of its parents.
        mutation_prob: Probability of mutating each parameter. Default ``1 / n`` for ``n``
            parameters.
        mutation_scale: Standard deviation of the Gaussian mutation as a fraction of the
            parameter's range (on the unit cube), ``> 0``.
        swapping_prob: Probability of taking each categorical parameter from the second parent.
        seed: Seed for reproducible runs (with ``n_jobs=1``).
        constraints_func: ``constraints_func(trial)`` returns a sequence of floats, feasible
            when all are ``<= 0``; called when a trial finishes.

    Raises:
        ValueError: On an argument out of range, or (at the first suggestion) a study with
            several objectives.
        TypeError: On an argument of the wrong type.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     return sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(3))
        >>> study = ridgeline.create_study(sampler=EvolutionarySampler(population_size=10, seed=0))
        >>> study.optimize(objective, n_trials=100)
        >>> study.best_value < 2.0
        True
    """

    _OWNER = _OWNER
    _KEY = "ga:trial"

    def __init__(
        self,
        *,
        population_size: int = 20,
        tournament_size: int = 3,
        elite_size: int | None = None,
        crossover: BaseCrossover | None = None,
        crossover_prob: float = 0.9,
        mutation_prob: float | None = None,
        mutation_scale: float = 0.1,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    ) -> None:
        scale = check_real(
            "mutation_scale",
            mutation_scale,
            _OWNER,
            minimum=0.0,
            strict=True,
            hint=" It is a fraction of each parameter's range, e.g. 0.1.",
        )
        size, variation = build_variation(
            _OWNER,
            population_size=population_size,
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            mutation=GaussianMutation(scale),
            mutation_prob=mutation_prob,
            default_crossover=lambda _: BLXAlphaCrossover(0.5),
        )
        check_strategies(_OWNER, None, None, None, constraints_func)
        self._tournament_size = check_int("tournament_size", tournament_size, _OWNER, 1)
        if elite_size is None:
            self._elite_size = max(1, size // 5)
        else:
            self._elite_size = check_int("elite_size", elite_size, _OWNER, 0)
            if self._elite_size >= size:
                raise EvolutionaryUsageError(
                    f"`elite_size` of {_OWNER} must be smaller than `population_size` "
                    f"({size}); got {elite_size!r}. Keep room for children, e.g. "
                    f"elite_size={max(1, size // 5)}."
                )
        self._mutation_scale = scale
        super().__init__(
            population_size=size,
            variation=variation,
            seed=check_seed(seed, _OWNER),
            constraints_func=constraints_func,
        )

    def _check_study(self, study: Study) -> bool:
        return not study._is_multi_objective()

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if study._is_multi_objective():
            raise EvolutionaryUsageError(
                f"`study` of {_OWNER} must have a single objective; got "
                f"{len(study.directions)} directions. Use NSGAIISampler (or NSGAIIISampler for "
                "three or more objectives) for several objectives."
            )
        return super().infer_relative_search_space(study, trial)

    def _order(self, pool: Pool) -> np.ndarray:
        """Position of each member in the fitness order (0 is best; ties by trial number)."""
        ranks = constrained_ranks(pool.values, pool.violations)
        numbers = np.array([t._number for t in pool.trials], dtype=np.int64)
        order = np.lexsort((numbers, ranks))
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        return position

    def _survivors(
        self, study: Study, candidates: Pool, n_previous: int, generation: int
    ) -> np.ndarray:
        best_first = np.argsort(self._order(candidates))
        elites = [int(i) for i in best_first[: self._elite_size]]
        fresh = [int(i) for i in best_first if i >= n_previous]
        chosen = list(dict.fromkeys(elites + fresh))[: self._population_size]
        return np.sort(np.asarray(chosen, dtype=np.int64))

    def _choose_parents(
        self, study: Study, pool: Pool, n_parents: int, rng: np.random.Generator
    ) -> list[int]:
        position = pool.cache.get("position")
        if position is None:
            position = pool.cache["position"] = self._order(pool)
        return tournament(position, n_parents, self._tournament_size, rng)

    def __repr__(self) -> str:
        v = self._variation
        return (
            f"{_OWNER}(population_size={self._population_size}, tournament_size="
            f"{self._tournament_size}, elite_size={self._elite_size}, crossover={v.crossover!r}, "
            f"mutation_scale={self._mutation_scale!r}, seed={self._seed!r})"
        )
