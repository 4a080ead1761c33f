"""Benchmark problems: one search-space spec drives ridgeline/Optuna trials and Hyperopt.

A problem is a search space (a list of :class:`Param`, possibly with conditional branches) and
a function of a plain ``{name: value}`` dict. :func:`suggest` asks a ridgeline or Optuna
trial for the values; :func:`hyperopt_space` builds the equivalent Hyperopt space, so every
optimizer sees the same problem.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PROBLEMS", "Param", "Problem", "hyperopt_space", "problems_named", "suggest"]


@dataclass(frozen=True, eq=False)
class Param:
    """One parameter: ``kind`` is "float", "int" or "cat"; ``branches`` (for "cat") maps a
    choice to the parameters that exist only when it is chosen."""

    name: str
    kind: str
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    step: float | None = None
    choices: tuple[Any, ...] = ()
    branches: dict[Any, tuple[Param, ...]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Problem:
    """A benchmark problem: minimise ``function(params)`` over ``space``.

    ``optimum`` is the known minimum (synthetic functions) or None (tuning tasks, whose best
    value is taken from the runs themselves).
    """

    name: str
    group: str
    space: tuple[Param, ...]
    function: Callable[[dict[str, Any]], float]
    optimum: float | None

    def objective(self, trial: Any) -> float:
        return self.function(suggest(trial, self.space))


def suggest(trial: Any, space: Sequence[Param]) -> dict[str, Any]:
    """Ask an Optuna-style trial for every parameter of ``space`` (branches as chosen)."""
    params: dict[str, Any] = {}
    for p in space:
        if p.kind == "float":
            params[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log, step=p.step)
        elif p.kind == "int":
            step = int(p.step or 1)
            params[p.name] = trial.suggest_int(
                p.name, int(p.low), int(p.high), log=p.log, step=step
            )
        else:
            value = trial.suggest_categorical(p.name, list(p.choices))
            params[p.name] = value
            params.update(suggest(trial, p.branches.get(value, ())))
    return params


def hyperopt_space(space: Sequence[Param]) -> dict[str, Any]:
    """The Hyperopt space equivalent to ``space``; decode samples with :func:`from_hyperopt`."""
    from hyperopt import hp
    from hyperopt.pyll import scope

    out: dict[str, Any] = {}
    for p in space:
        if p.kind in ("float", "int"):
            low, high = float(p.low), float(p.high)
            q = p.step if p.step is not None else (1 if p.kind == "int" else None)
            if p.log:
                lo, hi = (
                    math.log(low - (0.5 * q if q else 0)),
                    math.log(high + (0.5 * q if q else 0)),
                )
                expr = hp.qloguniform(p.name, lo, hi, q) if q else hp.loguniform(p.name, lo, hi)
            elif q:
                expr = hp.quniform(p.name, low - 0.5 * q, high + 0.5 * q, q)
            else:
                expr = hp.uniform(p.name, low, high)
            out[p.name] = scope.int(expr) if p.kind == "int" else expr
        elif p.branches:
            out[p.name] = hp.choice(
                p.name,
                [{"__choice__": c, **hyperopt_space(p.branches.get(c, ()))} for c in p.choices],
            )
        else:
            out[p.name] = hp.choice(p.name, [{"__choice__": c} for c in p.choices])
    return out


def from_hyperopt(space: Sequence[Param], sample: dict[str, Any]) -> dict[str, Any]:
    """Decode a Hyperopt sample of :func:`hyperopt_space` into ``{name: value}``, clipped to
    the bounds and grid of the spec (Hyperopt's q-distributions can step one cell outside)."""
    params: dict[str, Any] = {}
    for p in space:
        value = sample[p.name]
        if p.kind == "cat":
            choice = value["__choice__"]
            params[p.name] = choice
            params.update(from_hyperopt(p.branches.get(choice, ()), value))
            continue
        x = min(max(float(value), p.low), p.high)
        if p.step is not None:
            x = p.low + round((x - p.low) / p.step) * p.step
            x = min(max(x, p.low), p.high)
        params[p.name] = round(x) if p.kind == "int" else x
    return params


def random_params(space: Sequence[Param], rng: Any) -> dict[str, Any]:
    """A uniform (log-uniform for log parameters) random configuration of ``space``."""
    params: dict[str, Any] = {}
    for p in space:
        if p.kind == "cat":
            value = p.choices[int(rng.integers(len(p.choices)))]
            params[p.name] = value
            params.update(random_params(p.branches.get(value, ()), rng))
            continue
        if p.log:
            x = math.exp(rng.uniform(math.log(p.low), math.log(p.high)))
        else:
            x = rng.uniform(p.low, p.high)
        if p.step is not None:
            x = p.low + round((x - p.low) / p.step) * p.step
        if p.kind == "int":
            x = round(x)
        params[p.name] = min(max(x, p.low), p.high)
    return params


def _registry() -> dict[str, Problem]:
    from benchmarks.problems.sklearn_tasks import SKLEARN_PROBLEMS
    from benchmarks.problems.synthetic import SYNTHETIC_PROBLEMS

    return {p.name: p for p in (*SYNTHETIC_PROBLEMS, *SKLEARN_PROBLEMS)}


PROBLEMS: dict[str, Problem] = _registry()


def problems_named(names: Sequence[str]) -> list[Problem]:
    """Problems by name, or the groups ``synthetic``, ``sklearn`` and ``all``."""
    out: list[Problem] = []
    for name in names:
        if name == "all":
            out.extend(PROBLEMS.values())
        elif name in ("synthetic", "sklearn"):
            out.extend(p for p in PROBLEMS.values() if p.group == name)
        elif name in PROBLEMS:
            out.append(PROBLEMS[name])
        else:
            raise SystemExit(
                f"unknown problem {name!r}; choose from {sorted(PROBLEMS)} or synthetic, "
                "sklearn, all"
            )
    return list(dict.fromkeys(out))
