"""NSGA-II as a sampler (Deb, Pratap, Agarwal & Meyarivan 2002)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.samplers._nsga._args import (
    EvolutionaryTypeError,
    check_callable,
    check_int,
    check_probability,
)
from ridgeline.samplers._nsga._crossovers import BaseCrossover, UniformCrossover
from ridgeline.samplers._nsga._generational import (
    AfterTrialStrategy,
    ChildStrategy,
    EliteStrategy,
    GenerationalSampler,
    Pool,
)
from ridgeline.samplers._nsga._mutations import BaseMutation
from ridgeline.samplers._nsga._ranking import nsga2_mating_order, nsga2_select
from ridgeline.samplers._nsga._variation import Variation
from ridgeline.samplers._random import check_seed
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["NSGAIISampler", "build_variation", "check_strategies"]


def check_crossover(crossover: Any, owner: str) -> Any:
    """A crossover object: a :class:`BaseCrossover`, or any object with an int ``n_parents``
    and a ``crossover`` method (such as one written for Optuna)."""
    n_parents = getattr(crossover, "n_parents", None)
    if (
        not callable(getattr(crossover, "crossover", None))
        or isinstance(n_parents, bool)
        or not isinstance(n_parents, (int, np.integer))
        or n_parents < 1
    ):
        raise EvolutionaryTypeError(
            f"`crossover` of {owner} must be a BaseCrossover (from ridgeline.samplers.nsgaii, "
            f"e.g. SBXCrossover()) or None; got {crossover!r}."
        )
    return crossover


def build_variation(
    owner: str,
    *,
    population_size: Any,
    crossover: Any,
    crossover_prob: Any,
    swapping_prob: Any,
    mutation: Any,
    mutation_prob: Any,
    default_crossover: Callable[[float], BaseCrossover] | None = None,
) -> tuple[int, Variation]:
    """Validated ``(population_size, Variation)`` from a sampler's arguments."""
    swapping = check_probability("swapping_prob", swapping_prob, owner)
    if crossover is None:
        crossover = (default_crossover or UniformCrossover)(swapping)
    crossover = check_crossover(crossover, owner)
    n_parents = int(crossover.n_parents)
    size = check_int(
        "population_size",
        population_size,
        owner,
        max(2, n_parents),
        f" It must be at least 2 and at least the {n_parents} parents {crossover} needs.",
    )
    cross_prob = check_probability("crossover_prob", crossover_prob, owner)
    if mutation is not None and not callable(getattr(mutation, "mutation", None)):
        raise EvolutionaryTypeError(
            f"`mutation` of {owner} must be a BaseMutation (e.g. PolynomialMutation()) or None "
            f"(redraw mutated parameters uniformly); got {mutation!r}."
        )
    m_prob = (
        None
        if mutation_prob is None
        else check_probability(
            "mutation_prob",
            mutation_prob,
            owner,
            hint=" Leave it None for 1 / (number of parameters).",
        )
    )
    return size, Variation(owner, crossover, cross_prob, swapping, mutation, m_prob)


def check_strategies(owner: str, elite: Any, child: Any, after: Any, constraints: Any) -> None:
    check_callable("elite_population_selection_strategy", elite, owner, "(study, trials) -> trials")
    check_callable(
        "child_generation_strategy", child, owner, "(study, search_space, parents) -> params"
    )
    check_callable("after_trial_strategy", after, owner, "(study, trial, state, values)")
    check_callable("constraints_func", constraints, owner, "of a trial")


class NSGAIISampler(GenerationalSampler):
    """Multi-objective genetic algorithm NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002, "A fast
    and elitist multiobjective genetic algorithm: NSGA-II", IEEE TEVC 6(2)).

    Trials come in generations of ``population_size``. Generation 0 is drawn at random. The
    parent pool of each later generation is the best ``population_size`` of the previous pool
    and the previous generation together: whole non-dominated fronts in order, then the least
    crowded members of the front that does not fit (crowding distance). Each child's parents
    win binary tournaments under the crowded comparison (lower front, then less crowded); the
    child is their crossover (probability ``crossover_prob``, else a copy of the first parent)
    with each parameter mutated with probability ``mutation_prob`` (redrawn uniformly, or by
    ``mutation``). It works for one objective as well.

    Numeric parameters (float, log, int, step) are crossed on the unit cube of the shared
    search-space transform; categorical ones are swapped between the first two parents.
    Parameters that not every parent has (conditional or changed spaces) are drawn at random.

    With ``constraints_func`` the fronts follow constrained domination (Deb et al. 2002, Sec.
    VI): feasible trials before infeasible ones, infeasible ones by total violation. The
    constraint values are stored on each finished trial (system attribute ``"constraints"``).

    The generation and the parents of each trial are stored in its system attributes
    (``"nsga2:trial"``), and everything else is derived from the stored trials, so several
    workers (threads or processes on one storage) share one evolution and a study resumed with
    ``load_study`` and a new sampler continues at its generation. With parallel workers a
    generation closes when ``population_size`` of its trials are COMPLETE; its trials that
    finish later join the candidates of the next generation to close. Seeded runs are
    reproducible with ``n_jobs=1``.

    Args:
        population_size: Trials per generation, at least 2 and at least
            ``crossover.n_parents``.
        mutation: How a mutated numeric parameter changes (e.g.
            :class:`~ridgeline.samplers.nsgaii.PolynomialMutation`); None redraws it uniformly.
        mutation_prob: Probability of mutating each parameter of a child. Default
            ``1 / n`` for the ``n`` parameters of the generation's space (one mutation per
            child on average, as in Deb et al. 2002).
        crossover: A :class:`~ridgeline.samplers.nsgaii.BaseCrossover` for numeric
            parameters. Default: ``UniformCrossover(swapping_prob)``.
        crossover_prob: Probability that a child is a crossover of its parents.
        swapping_prob: Probability of taking each categorical parameter (and, with the default
            crossover, each parameter) from the second parent.
        seed: Seed for reproducible runs (with ``n_jobs=1``).
        constraints_func: ``constraints_func(trial)`` returns a sequence of floats, feasible
            when all are ``<= 0``; called when a trial finishes.
        elite_population_selection_strategy: ``f(study, trials) -> trials`` replacing the
            survival step (the pool of the next generation from the candidates).
        child_generation_strategy: ``f(study, search_space, parent_pool) -> params`` replacing
            parent selection, crossover and mutation.
        after_trial_strategy: ``f(study, trial, state, values)`` called when a trial finishes,
            instead of storing the constraint values.

    Raises:
        ValueError: On an argument out of range (the message names the argument, the value and
            the fix).
        TypeError: On an argument of the wrong type.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0, 1)
        ...     y = trial.suggest_float("y", 0, 1)
        ...     return x, (1 + y) * (1 - x**0.5)
        >>> sampler = NSGAIISampler(population_size=10, seed=0)
        >>> study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
        >>> study.optimize(objective, n_trials=40)
        >>> study.trials[-1].system_attrs["nsga2:trial"]["generation"]
        3
    """

    _OWNER = "NSGAIISampler"
    _KEY = "nsga2:trial"

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
        elite_population_selection_strategy: EliteStrategy | None = None,
        child_generation_strategy: ChildStrategy | None = None,
        after_trial_strategy: AfterTrialStrategy | None = None,
    ) -> None:
        owner = self._OWNER
        size, variation = build_variation(
            owner,
            population_size=population_size,
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            mutation=mutation,
            mutation_prob=mutation_prob,
        )
        check_strategies(
            owner,
            elite_population_selection_strategy,
            child_generation_strategy,
            after_trial_strategy,
            constraints_func,
        )
        super().__init__(
            population_size=size,
            variation=variation,
            seed=check_seed(seed, owner),
            constraints_func=constraints_func,
            elite_population_selection_strategy=elite_population_selection_strategy,
            child_generation_strategy=child_generation_strategy,
            after_trial_strategy=after_trial_strategy,
        )

    def _survivors(
        self, study: Study, candidates: Pool, n_previous: int, generation: int
    ) -> np.ndarray:
        return nsga2_select(candidates.values, candidates.violations, self._population_size)

    def _choose_parents(
        self, study: Study, pool: Pool, n_parents: int, rng: np.random.Generator
    ) -> list[int]:
        position = pool.cache.get("position")
        if position is None:
            position = pool.cache["position"] = nsga2_mating_order(pool.values, pool.violations)
        return tournament(position, n_parents, 2, rng)

    def __repr__(self) -> str:
        v = self._variation
        return (
            f"{self._OWNER}(population_size={self._population_size}, crossover={v.crossover!r}, "
            f"crossover_prob={v.crossover_prob!r}, mutation_prob={v.mutation_prob!r}, "
            f"seed={self._seed!r})"
        )


def tournament(
    position: np.ndarray, n_parents: int, size: int, rng: np.random.Generator
) -> list[int]:
    """``n_parents`` distinct winners of tournaments of ``size`` members drawn without
    replacement from the ones not chosen yet; the lowest ``position`` wins."""
    left = np.arange(len(position))
    winners: list[int] = []
    for _ in range(n_parents):
        if left.size == 0:
            left = np.arange(len(position))
        entrants = rng.choice(left, size=min(size, left.size), replace=False)
        winner = int(entrants[np.argmin(position[entrants])])
        winners.append(winner)
        left = left[left != winner]
    return winners
