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

__all__ = ["Variation", "make_child"]


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


class TransformCache:
    """The transform of the latest few numeric spaces (a space changes rarely)."""

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
    transforms: TransformCache,
    rng: np.random.RandomState,
    generator: np.random.Generator,
    study: Study,
) -> dict[str, Any]:
    """Values for every parameter of ``space`` (which every parent has), made from ``parents``.

    ``rng`` feeds the operators (Optuna's protocol hands them a ``RandomState``); ``generator``
    redraws mutated parameters.
    """
    numeric = {n: d for n, d in space.items() if not isinstance(d, CategoricalDistribution)}
    child: dict[str, Any] = {}
    first = parents[0]
    transform = transforms.get(numeric) if numeric else None
    if rng.uniform() < variation.crossover_prob:
        if transform is not None:
            genes = transform.transform_many([p._params for p in parents])
            x = variation.crossover.crossover(genes, rng, study, transform.bounds)
            x = np.clip(_checked_child(x, genes.shape[1], variation), 0.0, 1.0)
            child.update(transform.untransform(x))
            # A gene taken over unchanged keeps the parent's exact value (no round trip).
            for i, name in enumerate(numeric):
                column = int(transform.column_to_encoded_columns[i][0])
                same = np.flatnonzero(genes[:, column] == x[column])
                if same.size:
                    child[name] = parents[int(same[0])]._params[name]
        other = parents[1] if len(parents) > 1 else first
        for name in space:
            if name not in numeric:
                source = other if rng.uniform() < variation.swapping_prob else first
                child[name] = source._params[name]
    else:
        child = {name: first._params[name] for name in space}

    mutation_prob = variation.mutation_prob
    if mutation_prob is None:
        mutation_prob = 1.0 / max(len(space), 1)
    for name, dist in space.items():
        if rng.uniform() >= mutation_prob:
            continue
        if variation.mutation is not None and transform is not None and name in numeric:
            column = int(transform.column_to_encoded_columns[list(numeric).index(name)][0])
            encoded = transform.transform({n: child[n] for n in numeric})
            mutated = variation.mutation.mutation(
                float(encoded[column]), rng, study, transform.bounds[column]
            )
            if not math.isfinite(float(mutated)):
                raise EvolutionaryUsageError(
                    f"The mutation {variation.mutation} of {variation.owner} must return a "
                    f"finite float; got {mutated!r} for {name!r}."
                )
            encoded[column] = min(max(float(mutated), 0.0), 1.0)
            child[name] = transform.untransform(encoded)[name]
        else:
            child[name] = sample_uniform(generator, dist)
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
