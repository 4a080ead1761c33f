"""Studies with known importances, built from random configurations (no optimization)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import ridgeline
from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

UNIT = FloatDistribution(0.0, 1.0)


def study_of(
    space: dict[str, BaseDistribution],
    objective: Callable[[dict[str, Any]], float | tuple[float, ...]],
    n: int,
    seed: int = 0,
    **create: Any,
) -> ridgeline.Study:
    """A study with ``n`` COMPLETE trials drawn uniformly from ``space``."""
    rng = np.random.default_rng(seed)
    trials = []
    for _ in range(n):
        params: dict[str, Any] = {}
        for name, d in space.items():
            if isinstance(d, CategoricalDistribution):
                params[name] = d.choices[int(rng.integers(len(d.choices)))]
            elif isinstance(d, IntDistribution):
                params[name] = int(rng.integers(d.low, d.high + 1))
            elif d.log:  # type: ignore[attr-defined]
                params[name] = float(np.exp(rng.uniform(np.log(d.low), np.log(d.high))))  # type: ignore[attr-defined]
            else:
                params[name] = float(rng.uniform(d.low, d.high))  # type: ignore[attr-defined]
        out = objective(params)
        values = list(out) if isinstance(out, tuple) else [out]
        trials.append(ridgeline.create_trial(params=params, distributions=space, values=values))
    study = ridgeline.create_study(**create)
    study.add_trials(trials)
    return study


def additive(n: int, seed: int = 0) -> ridgeline.Study:
    """``10 x1 + x2 + 0 x3``: importances 100 : 1 : 0."""
    space = {"x1": UNIT, "x2": UNIT, "x3": UNIT}
    return study_of(space, lambda p: 10 * p["x1"] + p["x2"], n, seed)


def interaction(n: int, seed: int = 0) -> ridgeline.Study:
    """Maximize ``10 x1 + 3 x2 + 5 x1 x3 + 0 x4``: x1 first, x4 last.

    Main effects (fANOVA) are 156 : 9 : 6 : 0; among the best trials, where x1 is high, x3
    weighs 5 against x2's 3, so PED-ANOVA ranks x3 before x2.
    """
    space = {"x1": UNIT, "x2": UNIT, "x3": UNIT, "x4": UNIT}
    return study_of(
        space,
        lambda p: 10 * p["x1"] + 3 * p["x2"] + 5 * p["x1"] * p["x3"],
        n,
        seed,
        direction="maximize",
    )


CHOICE_EFFECT = {"a": 0.0, "b": 4.0, "c": 8.0}


def mixed(n: int, seed: int = 0, direction: str = "minimize") -> ridgeline.Study:
    """A categorical (variance 10.7) > a log float (0.75) > an int with no effect."""
    space: dict[str, BaseDistribution] = {
        "kind": CategoricalDistribution(["a", "b", "c"]),
        "lr": FloatDistribution(1e-4, 1e-1, log=True),
        "units": IntDistribution(1, 10),
    }
    sign = 1.0 if direction == "minimize" else -1.0
    return study_of(
        space,
        lambda p: sign * (CHOICE_EFFECT[p["kind"]] + float(np.log10(p["lr"]))),
        n,
        seed,
        direction=direction,
    )
