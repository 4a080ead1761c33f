"""One search-space spec, read by ridgeline/Optuna trials, Hyperopt and a random sampler.

A space is a tuple of :class:`Param`. A categorical parameter may have ``branches``: the
parameters that exist only when a given choice is taken (a conditional space). The same spec
drives :func:`suggest` (an Optuna-style trial), :func:`hyperopt_space` /
:func:`from_hyperopt` (Hyperopt), :func:`configspace` / :func:`from_configspace` (SMAC's
ConfigSpace) and :func:`random_params`, so every optimizer searches the same distributions:

=================================  ===========================  ============================
spec                               trial                        Hyperopt
=================================  ===========================  ============================
float in [a, b]                    ``suggest_float(a, b)``      ``hp.uniform``
float in [a, b], ``log``           ``suggest_float(log=True)``  ``hp.loguniform``
float in [a, b], ``step`` q        ``suggest_float(step=q)``    ``hp.quniform`` (snapped)
int in [a, b] (``step`` q)         ``suggest_int(step=q)``      ``hp.quniform`` over
                                                                [a - q/2, b + q/2] (snapped)
int in [a, b], ``log``             ``suggest_int(log=True)``    ``hp.qloguniform`` over
                                                                [a - 1/2, b + 1/2]
categorical                        ``suggest_categorical``      ``hp.choice``
categorical with branches          the branch's params after    nested ``hp.choice`` of dicts
                                   the choice
=================================  ===========================  ============================

Hyperopt's q-distributions round to multiples of q from 0 and can land half a cell outside
the range, so :func:`from_hyperopt` snaps values onto the spec's grid (from ``low``) and
clips them to the bounds; widening the range by half a cell gives the end points the same
mass as the inner grid points.

=================================  =========================================================
spec                               ConfigSpace
=================================  =========================================================
float in [a, b] (``log``)          ``Float((a, b), log=log)``
float in [a, b], ``step`` q        ``Integer`` index k in [0, floor((b - a) / q)], decoded
                                   as ``a + k q`` (ConfigSpace floats have no step)
int in [a, b] (``log``)            ``Integer((a, b), log=log)``
int in [a, b], ``step`` q          ``Integer`` index k as for a float with a step
categorical                        ``Categorical``; decoded to the spec's own choice objects
categorical with branches          each branch parameter gets an ``EqualsCondition`` on the
                                   choice that opens it (names are unique, so one choice)
=================================  =========================================================

The index keeps the grid's points equally likely, as ``suggest_float(step=q)`` does, and
tells SMAC's models that the parameter is discrete.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Param",
    "configspace",
    "contains",
    "from_configspace",
    "from_hyperopt",
    "hyperopt_space",
    "random_params",
    "suggest",
]

_CHOICE = "__choice__"  # key of the chosen value inside a Hyperopt hp.choice option dict


@dataclass(frozen=True, eq=False)
class Param:
    """One parameter of a search space.

    Args:
        name: The parameter name (unique in the whole space, branches included).
        kind: ``"float"``, ``"int"`` or ``"cat"``.
        low: Lower bound (float and int).
        high: Upper bound, inclusive (float and int).
        log: Sample on a log scale (float and int).
        step: Grid spacing from ``low`` (float and int; ints default to 1).
        choices: The values of a categorical parameter.
        branches: For a categorical, the parameters that exist only when a choice is taken.
    """

    name: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    step: float | None = None
    choices: tuple[Any, ...] = ()
    branches: dict[Any, tuple[Param, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ("float", "int", "cat"):
            raise ValueError(f"`kind` of Param must be float, int or cat; got {self.kind!r}.")
        if self.kind == "cat" and not self.choices:
            raise ValueError(f"`choices` of Param {self.name!r} must not be empty.")
        if self.kind != "cat" and not self.low < self.high:
            raise ValueError(f"`low` of Param {self.name!r} must be < high; got {self.low!r}.")
        if self.log and (self.low <= 0 or self.step is not None):
            raise ValueError(f"a log Param ({self.name!r}) needs low > 0 and no step.")

    def snap(self, x: float) -> float | int:
        """``x`` moved onto this numeric parameter's grid and into its bounds."""
        x = min(max(float(x), self.low), self.high)
        step = self.step if self.step is not None else (1 if self.kind == "int" else None)
        if step is not None:
            x = self.low + round((x - self.low) / step) * step
            x = min(max(x, self.low), self.high)
        return round(x) if self.kind == "int" else x


def suggest(trial: Any, space: Sequence[Param]) -> dict[str, Any]:
    """Ask an Optuna-style trial (ridgeline's or Optuna's) for every parameter of ``space``;
    a categorical's branch is asked for after the choice."""
    params: dict[str, Any] = {}
    for p in space:
        if p.kind == "float":
            params[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log, step=p.step)
        elif p.kind == "int":
            params[p.name] = trial.suggest_int(
                p.name, int(p.low), int(p.high), log=p.log, step=int(p.step or 1)
            )
        else:
            value = trial.suggest_categorical(p.name, list(p.choices))
            params[p.name] = value
            params.update(suggest(trial, p.branches.get(value, ())))
    return params


def hyperopt_space(space: Sequence[Param]) -> dict[str, Any]:
    """The Hyperopt space equivalent to ``space`` (see the module docstring for the mapping);
    decode its samples with :func:`from_hyperopt`."""
    from hyperopt import hp

    out: dict[str, Any] = {}
    for p in space:
        if p.kind == "cat":
            # Every option is a dict holding the choice, so that a branch's parameters can
            # sit next to it; a plain categorical is the special case with no branch.
            options = [{_CHOICE: c, **hyperopt_space(p.branches.get(c, ()))} for c in p.choices]
            out[p.name] = hp.choice(p.name, options)
            continue
        q = p.step if p.step is not None else (1 if p.kind == "int" else None)
        if p.log and q:
            lo, hi = math.log(p.low - q / 2), math.log(p.high + q / 2)
            out[p.name] = hp.qloguniform(p.name, lo, hi, q)
        elif p.log:
            out[p.name] = hp.loguniform(p.name, math.log(p.low), math.log(p.high))
        elif q:
            out[p.name] = hp.quniform(p.name, p.low - q / 2, p.high + q / 2, q)
        else:
            out[p.name] = hp.uniform(p.name, p.low, p.high)
    return out


def from_hyperopt(space: Sequence[Param], sample: dict[str, Any]) -> dict[str, Any]:
    """Decode a sample of :func:`hyperopt_space` into a flat ``{name: value}`` dict, with
    numeric values snapped onto the spec's grid and bounds."""
    params: dict[str, Any] = {}
    for p in space:
        value = sample[p.name]
        if p.kind == "cat":
            choice = value[_CHOICE]
            params[p.name] = choice
            params.update(from_hyperopt(p.branches.get(choice, ()), value))
        else:
            params[p.name] = p.snap(value)
    return params


def _grid_size(p: Param) -> int | None:
    """The largest grid index of a numeric ``p`` with an explicit step (None without one)."""
    if p.step is None:
        return None
    return math.floor((p.high - p.low) / p.step + 1e-9)


def configspace(space: Sequence[Param], seed: int | None = None) -> Any:
    """The ``ConfigSpace.ConfigurationSpace`` equivalent to ``space`` (see the module
    docstring for the mapping); decode its configurations with :func:`from_configspace`."""
    from ConfigSpace import Categorical, ConfigurationSpace, EqualsCondition, Float, Integer

    cs = ConfigurationSpace(seed=seed)

    def add(ps: Sequence[Param], parent: Any = None, choice: Any = None) -> None:
        for p in ps:
            n = _grid_size(p)
            hp: Any
            if p.kind == "cat":
                hp = Categorical(p.name, p.choices)
            elif n is not None:
                hp = Integer(p.name, (0, n))
            elif p.kind == "int":
                hp = Integer(p.name, (int(p.low), int(p.high)), log=p.log)
            else:
                hp = Float(p.name, (p.low, p.high), log=p.log)
            cs.add(hp)
            if parent is not None:
                cs.add(EqualsCondition(hp, parent, choice))
            for c, branch in p.branches.items():
                add(branch, hp, c)

    add(space)
    return cs


def from_configspace(space: Sequence[Param], config: Any) -> dict[str, Any]:
    """Decode a configuration of :func:`configspace` (a ``Configuration`` or a dict of its
    active values) into a flat ``{name: value}`` dict: the spec's choice objects, grid indices
    turned into values, numeric values snapped onto the spec's grid and bounds."""
    values = dict(config)
    params: dict[str, Any] = {}
    for p in space:
        value = values[p.name]
        if p.kind == "cat":
            choice = p.choices[p.choices.index(value)]  # the spec's object, not a numpy scalar
            params[p.name] = choice
            params.update(from_configspace(p.branches.get(choice, ()), values))
        elif p.step is not None:
            params[p.name] = p.snap(p.low + int(value) * p.step)
        else:
            params[p.name] = p.snap(value)
    return params


def random_params(space: Sequence[Param], rng: np.random.Generator) -> dict[str, Any]:
    """A random configuration of ``space``: uniform (log-uniform for ``log`` parameters)
    on each numeric range, then snapped to its grid; uniform over a categorical's choices."""
    params: dict[str, Any] = {}
    for p in space:
        if p.kind == "cat":
            value = p.choices[int(rng.integers(len(p.choices)))]
            params[p.name] = value
            params.update(random_params(p.branches.get(value, ()), rng))
            continue
        if p.log:
            # Half a cell beyond each end for ints, as in the Hyperopt mapping.
            pad = 0.5 if p.kind == "int" else 0.0
            x = math.exp(rng.uniform(math.log(p.low - pad), math.log(p.high + pad)))
        elif p.kind == "int" or p.step is not None:
            q = p.step or 1
            x = rng.uniform(p.low - q / 2, p.high + q / 2)
        else:
            x = rng.uniform(p.low, p.high)
        params[p.name] = p.snap(x)
    return params


def contains(space: Sequence[Param], params: dict[str, Any]) -> list[str]:
    """Why ``params`` is not a configuration of ``space`` (an empty list when it is): a
    missing or extra name, a value off the bounds, the grid or the choices."""
    problems: list[str] = []
    expected: set[str] = set()

    def walk(ps: Sequence[Param]) -> None:
        for p in ps:
            expected.add(p.name)
            if p.name not in params:
                problems.append(f"{p.name} missing")
                continue
            v = params[p.name]
            if p.kind == "cat":
                if v not in p.choices:
                    problems.append(f"{p.name}={v!r} not in {p.choices}")
                else:
                    walk(p.branches.get(v, ()))
            elif not p.low <= v <= p.high:
                problems.append(f"{p.name}={v!r} outside [{p.low}, {p.high}]")
            elif p.kind == "int" and v != int(v):
                problems.append(f"{p.name}={v!r} not an integer")
            elif p.step is not None and not math.isclose(
                (v - p.low) / p.step, round((v - p.low) / p.step), abs_tol=1e-9
            ):
                problems.append(f"{p.name}={v!r} off the grid {p.low} + k * {p.step}")

    walk(space)
    problems.extend(f"{name} is not in the space" for name in sorted(set(params) - expected))
    return problems
