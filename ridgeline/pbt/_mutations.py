"""Hyperparameter mutations: parse the declarative spec, sample from it, perturb a value.

Population-based training (Jaderberg et al. 2017, "Population Based Training of Neural
Networks", arXiv 1711.09846, section 3.1) explores a copied configuration in one of two ways:
*resample* a hyperparameter from its prior, or *perturb* it by a random factor. This module
holds both moves as pure functions over a distribution, a value and a numpy ``Generator``;
nothing here knows about studies or storage.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.pbt._checks import PBTError, PBTTypeError

__all__ = [
    "Space",
    "check_start_value",
    "choose_factor",
    "contains",
    "parse_mutations",
    "perturb",
    "sample",
]

Space = FloatDistribution | IntDistribution | CategoricalDistribution
_CHOICE_TYPES = (type(None), bool, int, float, str)
_OWNER = "PopulationBasedTraining"


def parse_mutations(hyperparam_mutations: Any) -> dict[str, Space]:
    """Turn ``{name: distribution or list of choices}`` into ``{name: distribution}``.

    A list (or tuple) of choices becomes a :class:`CategoricalDistribution`; its order is the
    order in which perturbation moves to a neighbouring choice.

    Raises:
        PBTError: On an empty mapping, an empty or duplicated list of choices.
        PBTTypeError: On a non-mapping, a non-string name, or a spec that is neither a
            ridgeline distribution nor a list of None/bool/int/float/str choices.

    Example:
        >>> spec = parse_mutations({"lr": FloatDistribution(1e-4, 1e-1, log=True),
        ...                         "opt": ["sgd", "adam"]})
        >>> spec["opt"]
        CategoricalDistribution(choices=('sgd', 'adam'))
    """
    if not isinstance(hyperparam_mutations, Mapping):
        raise PBTTypeError(
            f"`hyperparam_mutations` of {_OWNER} must be a dict {{name: distribution or list "
            f"of choices}}; got {hyperparam_mutations!r}."
        )
    if len(hyperparam_mutations) == 0:
        raise PBTError(
            f"`hyperparam_mutations` of {_OWNER} must name at least one hyperparameter; got {{}}."
        )
    parsed: dict[str, Space] = {}
    for name, spec in hyperparam_mutations.items():
        if not isinstance(name, str):
            raise PBTTypeError(
                f"The names in `hyperparam_mutations` of {_OWNER} must be strings; got {name!r}."
            )
        parsed[name] = _parse_one(name, spec)
    return parsed


def _parse_one(name: str, spec: Any) -> Space:
    where = f"`hyperparam_mutations[{name!r}]` of {_OWNER}"
    if isinstance(spec, (FloatDistribution, IntDistribution, CategoricalDistribution)):
        if isinstance(spec, CategoricalDistribution):
            _check_choices(where, list(spec.choices))
        return spec
    if isinstance(spec, (list, tuple)):
        choices = list(spec)
        _check_choices(where, choices)
        return CategoricalDistribution(choices)
    hint = ""
    if callable(spec):
        hint = (
            " Functions are not accepted (the space must be known to resample and to record "
            "each segment); use e.g. FloatDistribution(1e-4, 1e-1, log=True)."
        )
    raise PBTTypeError(
        f"{where} must be a FloatDistribution, IntDistribution, CategoricalDistribution or a "
        f"list of choices; got {spec!r}.{hint}"
    )


def _check_choices(where: str, choices: list[Any]) -> None:
    if len(choices) == 0:
        raise PBTError(f"{where} must hold at least one choice; got [].")
    for choice in choices:
        if not isinstance(choice, _CHOICE_TYPES):
            raise PBTTypeError(
                f"{where} must hold None, bool, int, float or str choices (they are stored in "
                f"the study); got {choice!r} ({type(choice).__name__}). Keep complex objects "
                "in a dict keyed by a string and mutate the key."
            )
    dist = CategoricalDistribution(choices)
    if len({dist.index_of(c) for c in choices}) != len(choices):
        raise PBTError(f"{where} must hold distinct choices; got {choices!r}.")


def check_start_value(name: str, start: Any, space: Space) -> None:
    """Raise unless ``start`` (a value or a distribution of starting values) lies in ``space``.

    ``start`` is what ``config[name]`` gives for a mutated hyperparameter.

    Example:
        >>> check_start_value("lr", 0.01, FloatDistribution(1e-4, 1e-1, log=True))
    """
    where = f"`config[{name!r}]` of {_OWNER}"
    target = f"`hyperparam_mutations[{name!r}]`={space!r}"
    if isinstance(start, BaseDistribution):
        if type(start) is not type(space):
            raise PBTTypeError(
                f"{where} must be a starting value or a distribution of the same kind as "
                f"{target}; got {start!r}."
            )
        if isinstance(start, CategoricalDistribution):
            assert isinstance(space, CategoricalDistribution)
            inside = all(space.index_of(c) is not None for c in start.choices)
        else:
            inside = space.low <= start.low and start.high <= space.high  # type: ignore[union-attr]
        if not inside:
            raise PBTError(
                f"{where} must draw starting values inside {target}; got {start!r}. Narrow "
                "the starting distribution or widen the mutation."
            )
        return
    if not contains(space, start):
        raise PBTError(
            f"{where} must be a starting value inside {target}; got {start!r}. Give a value in "
            "the space, a distribution of starting values, or leave it out of `config`."
        )


def contains(space: Space, value: Any) -> bool:
    """Whether the external ``value`` lies in ``space``."""
    if isinstance(space, CategoricalDistribution):
        return space.index_of(value) is not None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return False
    if isinstance(space, IntDistribution) and not float(value).is_integer():
        return False
    return math.isfinite(float(value)) and space.contains(float(value))


def sample(space: BaseDistribution, rng: np.random.Generator) -> Any:
    """Draw a value from ``space``: uniform, log-uniform, on its grid, or a uniform choice.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> 1 <= sample(IntDistribution(1, 9, step=2), rng) <= 9
        True
    """
    if isinstance(space, CategoricalDistribution):
        return space.choices[int(rng.integers(len(space.choices)))]
    if isinstance(space, IntDistribution):
        if space.log:
            x = math.exp(rng.uniform(math.log(space.low - 0.5), math.log(space.high + 0.5)))
            return int(min(max(round(x), space.low), space.high))
        n = (space.high - space.low) // space.step
        return int(space.low + space.step * int(rng.integers(n + 1)))
    assert isinstance(space, FloatDistribution)
    if space.step is not None:
        n = round((space.high - space.low) / space.step)
        return _on_grid(space, int(rng.integers(n + 1)))
    if space.log:
        x = math.exp(rng.uniform(math.log(space.low), math.log(space.high)))
    else:
        x = rng.uniform(space.low, space.high)
    return float(min(max(x, space.low), space.high))


def perturb(space: BaseDistribution, value: Any, factor: float, rng: np.random.Generator) -> Any:
    """Move ``value`` by ``factor`` (numbers) or to a neighbouring choice (choices).

    Numbers are multiplied by ``factor``, put on the distribution's grid (integers are rounded;
    an integer that rounding would leave in place moves one step in the factor's direction)
    and clipped to its bounds. A float at 0 stays at 0 (only resampling moves it). A choice
    moves to the previous or the next one in the list, at random; at either end, to the only
    neighbour.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> perturb(FloatDistribution(0.0, 1.0), 0.9, 1.2, rng)
        1.0
        >>> perturb(IntDistribution(1, 10), 2, 1.2, rng)
        3
        >>> perturb(CategoricalDistribution(["a", "b", "c"]), "a", 1.2, rng)
        'b'
    """
    if isinstance(space, CategoricalDistribution):
        index = space.index_of(value)
        assert index is not None
        neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(space.choices)]
        if not neighbours:
            return value
        return space.choices[neighbours[int(rng.integers(len(neighbours)))]]
    if isinstance(space, IntDistribution):
        target = value * factor
        k = round((target - space.low) / space.step)
        moved = space.low + space.step * k
        if moved == value and factor != 1.0:
            up = (factor > 1.0) == (value >= 0)
            moved = value + (space.step if up else -space.step)
        return int(min(max(moved, space.low), space.high))
    assert isinstance(space, FloatDistribution)
    moved_f = float(value) * factor
    if space.step is not None:
        return _on_grid(space, round((moved_f - space.low) / space.step))
    return float(min(max(moved_f, space.low), space.high))


def _on_grid(space: FloatDistribution, k: int) -> float:
    """``low + k * step``, clipped to the bounds, computed in decimal as the distribution
    computes its grid (so that 0 + 3 * 0.1 is stored as 0.3, not 0.30000000000000004)."""
    assert space.step is not None
    x = float(decimal.Decimal(str(space.low)) + k * decimal.Decimal(str(space.step)))
    return float(min(max(x, space.low), space.high))


def choose_factor(factors: Sequence[float], rng: np.random.Generator) -> float:
    """One of ``factors``, uniformly at random."""
    return float(factors[int(rng.integers(len(factors)))])
