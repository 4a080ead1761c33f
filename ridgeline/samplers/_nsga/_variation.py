"""Making one child from its parents: crossover, then mutation, over the generation's space.

Numeric parameters go through the shared :class:`~ridgeline.search_space.SearchSpaceTransform`
(log scale, integer and step cells, every column scaled to ``[0, 1]``) so the crossover and
mutation operators see continuous genes and the child decodes to valid values; categorical
parameters are swapped between the first two parents (uniform crossover) and, when mutated,
redrawn uniformly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.distributions import BaseDistribution, CategoricalDistribution
from ridgeline.samplers._nsga._args import EvolutionaryUsageError
from ridgeline.samplers._nsga._crossovers import BaseCrossover
from ridgeline.samplers._nsga._mutations import BaseMutation
from ridgeline.samplers._random import sample_uniform
from ridgeline.search_space._transform import SearchSpaceTransform
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["TransformCache", "Variation", "make_child", "numeric_part"]


@dataclass(frozen=True)
class Variation:
    """How children are made (validated by the sampler that owns it).

    ``mutation_prob=None`` means ``1 / n`` for ``n`` parameters in the generation's space: one
    mutated parameter per child on average (Deb et al. 2002, Sec. VII).
    """

    owner: str
    crossover: BaseCrossover
    crossover_prob: float
    swapping_prob: float
    mutation: BaseMutation | None
    mutation_prob: float | None


def numeric_part(space: dict[str, BaseDistribution]) -> dict[str, BaseDistribution]:
    """The numeric parameters of ``space``, in order."""
    return {n: d for n, d in space.items() if not isinstance(d, CategoricalDistribution)}


class TransformCache:
    """The transform of the latest few numeric spaces (a space changes rarely). Not
    thread-safe: the sampler holds its lock around :meth:`get`."""

    def __init__(self) -> None:
        self._transforms: dict[tuple[tuple[str, BaseDistribution], ...], SearchSpaceTransform] = {}

    def get(self, space: dict[str, BaseDistribution]) -> SearchSpaceTransform:
        key = tuple(space.items())
        transform = self._transforms.get(key)
        if transform is None:
            if len(self._transforms) >= 4:
                self._transforms.pop(next(iter(self._transforms)))
            transform = self._transforms[key] = SearchSpaceTransform(space)
        return transform


def make_child(
    parents: Sequence[FrozenTrial],
    space: dict[str, BaseDistribution],
    variation: Variation,
    transform: SearchSpaceTransform | None,
    rng: np.random.RandomState,
    generator: np.random.Generator,
    study: Study,
) -> dict[str, Any]:
    """Values for every parameter of ``space`` (which every parent has), made from ``parents``.

    ``transform`` encodes the numeric parameters of ``space`` (:func:`numeric_part`), None when
    there are none. ``rng`` feeds the operators (Optuna's protocol hands them a
    ``RandomState``); ``generator`` redraws mutated parameters.
    """
    numeric = numeric_part(space)
    first = parents[0]
    other = parents[1] if len(parents) > 1 else first
    crossed = bool(rng.uniform() < variation.crossover_prob)
    genes = np.zeros((len(parents), 0))
    x = np.zeros(0)
    bounds = np.zeros((0, 2))
    if transform is not None:
        # Numeric-only space: parameter i is encoded column i.
        genes = transform.transform_many([p._params for p in parents])
        bounds = transform.bounds
        if crossed:
            x = variation.crossover.crossover(genes, rng, study, bounds)
            x = np.clip(_checked_child(x, genes.shape[1], variation), 0.0, 1.0)
        else:
            x = genes[0].copy()
    child: dict[str, Any] = {}
    for name in space:
        if name not in numeric:
            swap = crossed and rng.uniform() < variation.swapping_prob
            child[name] = (other if swap else first)._params[name]

    mutation_prob = variation.mutation_prob
    if mutation_prob is None:
        mutation_prob = 1.0 / max(len(space), 1)
    mutated = np.flatnonzero(rng.uniform(size=len(space)) < mutation_prob)
    names = list(space)
    column = {name: i for i, name in enumerate(numeric)}
    redrawn: set[str] = set()
    for k in mutated:
        name = names[int(k)]
        if variation.mutation is not None and name in column:
            c = column[name]
            gene = variation.mutation.mutation(float(x[c]), rng, study, bounds[c])
            if not math.isfinite(float(gene)):
                raise EvolutionaryUsageError(
                    f"The mutation {variation.mutation} of {variation.owner} must return a "
                    f"finite float; got {gene!r} for {name!r}."
                )
            x[c] = min(max(float(gene), 0.0), 1.0)
        else:
            child[name] = sample_uniform(generator, space[name])
            redrawn.add(name)

    if transform is not None:
        decoded = transform.untransform(x)
        # A gene taken over unchanged keeps the parent's exact value (no round trip).
        same = genes == x[None, :]
        source = np.where(same.any(axis=0), np.argmax(same, axis=0), -1)
        for name, c in column.items():
            if name not in redrawn:
                s_ = int(source[c])
                child[name] = parents[s_]._params[name] if s_ >= 0 else decoded[name]
    return {name: child[name] for name in space}


def _checked_child(x: Any, n_genes: int, variation: Variation) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.shape != (n_genes,) or not np.all(np.isfinite(arr)):
        raise EvolutionaryUsageError(
            f"The crossover {variation.crossover} of {variation.owner} must return a 1-d array "
            f"of {n_genes} finite floats (one per numeric parameter); got "
            f"{np.asarray(x)!r}."
        )
    return arr
