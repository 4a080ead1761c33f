"""The generational machinery NSGA-II, NSGA-III and the genetic algorithm share.

A subclass says which trials survive into the next parent pool (``_survivors``) and how parents
are drawn from a pool (``_choose_parents``); this class does the rest:

* ``before_trial`` folds newly finished trials into the :class:`GenerationBook`, decides the new
  trial's generation, draws its parents from that generation's pool and stores
  ``{"generation": g, "parents": [numbers]}`` in the trial's system attributes (one write);
* ``infer_relative_search_space`` is the parameters every parent has with the same
  distribution; ``sample_relative`` makes the child from the parents (crossover, mutation);
* parameters outside that space, and every parameter of generation 0, are drawn by a
  :class:`~ridgeline.samplers.RandomSampler`.

The pool of generation ``g + 1`` is ``_survivors(pool(g) + population(g) + stragglers(g))``
with ``pool(0)`` empty (see :mod:`ridgeline.samplers._nsga._book`): a function of the stored
trials only, recomputed by a resumed sampler or another worker, and cached in memory per
generation.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.distributions import BaseDistribution
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._constraints import store_constraints, total_violation
from ridgeline.samplers._nsga._book import GenerationBook, read_record
from ridgeline.samplers._nsga._variation import (
    TransformCache,
    Variation,
    make_child,
    numeric_part,
)
from ridgeline.samplers._random import RandomSampler
from ridgeline.search_space._intersection import _intersect
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["GenerationalSampler", "Pool"]

# Pools of older generations are dropped from memory (recomputed if ever asked for again).
_POOLS_KEPT = 3

EliteStrategy = Callable[["Study", list[FrozenTrial]], list[FrozenTrial]]
ChildStrategy = Callable[["Study", dict[str, BaseDistribution], list[FrozenTrial]], dict[str, Any]]
AfterTrialStrategy = Callable[["Study", FrozenTrial, TrialState, "Sequence[float] | None"], None]


@dataclass
class Pool:
    """The parents a generation draws from, with their objectives (to minimise)."""

    trials: list[FrozenTrial]
    values: np.ndarray
    violations: np.ndarray | None
    cache: dict[str, Any] = field(default_factory=dict)


class GenerationalSampler(BaseSampler):
    """Base of the evolutionary samplers (see the module docstring)."""

    _OWNER = "GenerationalSampler"
    _KEY = "generational:trial"

    def __init__(
        self,
        *,
        population_size: int,
        variation: Variation,
        seed: int | None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None,
        elite_population_selection_strategy: EliteStrategy | None = None,
        child_generation_strategy: ChildStrategy | None = None,
        after_trial_strategy: AfterTrialStrategy | None = None,
    ) -> None:
        self._population_size = population_size
        self._variation = variation
        self._seed = seed
        self._constraints_func = constraints_func
        self._elite_strategy = elite_population_selection_strategy
        self._child_strategy = child_generation_strategy
        self._after_trial_strategy = after_trial_strategy
        self._random_sampler = RandomSampler(seed=seed)
        # Its own stream: the same seed as the random sampler would correlate the two.
        self._rng = np.random.default_rng(None if seed is None else [seed, 0x6E5])
        self._init_runtime()

    # ------------------------------------------------------------------ runtime state
    def _init_runtime(self) -> None:
        """Per-process caches; rebuilt after pickling (they follow one storage)."""
        self._lock = threading.Lock()
        self._book = GenerationBook(self._KEY)
        self._pools: dict[int, Pool] = {}
        self._transforms = TransformCache()
        self._local = threading.local()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in ("_lock", "_book", "_pools", "_transforms", "_local"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    def reseed_rng(self) -> None:
        with self._lock:
            self._rng = np.random.default_rng()
        self._random_sampler.reseed_rng()

    def _sync(self, study: Study) -> None:
        """Fold in newly finished trials (under the lock); a sampler moved to another study
        forgets the pools of the previous one."""
        if self._book.sync(study):
            self._pools = {}

    # ------------------------------------------------------------------ subclass hooks
    def _check_study(self, study: Study) -> bool:
        """Whether this sampler can serve ``study`` (raise a clear error in
        ``infer_relative_search_space`` when not)."""
        return True

    @abc.abstractmethod
    def _survivors(
        self, study: Study, candidates: Pool, n_previous: int, generation: int
    ) -> np.ndarray:
        """Indices of the candidates that make up the pool of ``generation``: the first
        ``n_previous`` candidates are the previous pool, the rest the generation just
        finished."""

    @abc.abstractmethod
    def _choose_parents(
        self, study: Study, pool: Pool, n_parents: int, rng: np.random.Generator
    ) -> list[int]:
        """Indices into ``pool.trials`` of one child's parents (distinct when possible)."""

    # ------------------------------------------------------------------ objectives
    def _pool_of(self, study: Study, trials: list[FrozenTrial]) -> Pool:
        signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in study.directions])
        values = np.array([t._values for t in trials], dtype=float).reshape(len(trials), len(signs))
        values = values * signs
        violations = None
        if self._constraints_func is not None:
            violations = np.array([total_violation(t) for t in trials], dtype=float)
        return Pool(trials, values, violations)

    def _pool(self, study: Study, generation: int) -> Pool:
        """The parent pool of ``generation`` (>= 1), computed from the closest cached one."""
        pool = self._pools.get(generation)
        if pool is not None:
            return pool
        start = max((g for g in self._pools if g < generation), default=0)
        pool = self._pools[start] if start > 0 else self._pool_of(study, [])
        for h in range(start, generation):
            seen = {t._number for t in pool.trials}
            arrivals = self._book.population(h, self._population_size) + self._book.stragglers(
                h, self._population_size
            )
            fresh = [t for t in arrivals if t._number not in seen]
            candidates = self._pool_of(study, pool.trials + fresh)
            if self._elite_strategy is not None:
                survivors = list(self._elite_strategy(study, list(candidates.trials)))
            else:
                index = self._survivors(study, candidates, len(pool.trials), h + 1)
                survivors = [candidates.trials[int(i)] for i in index]
            pool = self._pool_of(study, survivors)
            self._pools[h + 1] = pool
        for old in [g for g in self._pools if g < generation - _POOLS_KEPT]:
            del self._pools[old]
        return pool

    # ------------------------------------------------------------------ sampler protocol
    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        if not self._check_study(study):
            return
        n_parents = self._variation.crossover.n_parents
        with self._lock:
            self._sync(study)
            generation = self._book.generation_for_new_trial(self._population_size)
            parents: list[int] = []
            if generation > 0 and self._child_strategy is None:
                pool = self._pool(study, generation)
                if len(pool.trials) >= max(n_parents, 1):
                    chosen = self._choose_parents(study, pool, n_parents, self._rng)
                    parents = [pool.trials[i]._number for i in chosen]
        study._storage.set_trial_system_attr(
            trial._trial_id, self._KEY, {"generation": generation, "parents": parents}
        )

    def _parents_of(self, trial: FrozenTrial) -> tuple[int, list[FrozenTrial]] | None:
        record = read_record(trial, self._KEY)
        if record is None or record[0] == 0:
            return None
        parents = [self._book.trial(n) for n in record[1]]
        if any(p is None for p in parents):
            return (record[0], [])
        return record[0], [p for p in parents if p is not None]

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if not self._check_study(study):
            return {}
        with self._lock:
            self._sync(study)
            found = self._parents_of(trial)
            if found is None:
                return {}
            generation, parents = found
            if self._child_strategy is not None:
                members = self._pool(study, generation).trials
            else:
                members = parents
        if not members:
            return {}
        space: dict[str, BaseDistribution] | None = None
        for member in members:
            space = _intersect(space, member._distributions)
        assert space is not None
        return {n: d for n, d in sorted(space.items()) if not d.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        with self._lock:
            found = self._parents_of(trial)
            if found is None:
                return {}
            generation, parents = found
            pool = self._pool(study, generation) if self._child_strategy is not None else None
            numeric = numeric_part(search_space)
            transform = self._transforms.get(numeric) if numeric else None
            draw = int(self._rng.integers(2**32))
        if pool is not None:
            assert self._child_strategy is not None
            return dict(self._child_strategy(study, search_space, list(pool.trials)))
        if not parents:
            return {}
        # Seeded by the sampler's stream and the trial number. Reseeding a per-thread
        # RandomState costs 2 us where building one costs 180 us.
        seed = (draw + trial._number * 0x9E3779B1) % 2**32
        rng = getattr(self._local, "rng", None)
        if rng is None:
            rng = self._local.rng = np.random.RandomState()
        rng.seed(seed)
        generator = np.random.default_rng([seed, 1])
        return make_child(parents, search_space, self._variation, transform, rng, generator, study)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        return self._random_sampler.sample_independent(study, trial, param_name, param_distribution)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        if self._after_trial_strategy is not None:
            self._after_trial_strategy(study, trial, state, values)
        else:
            store_constraints(study, trial, state, self._constraints_func, self._OWNER)
