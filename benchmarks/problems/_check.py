"""Checks that a problem means the same thing to every optimizer, and that its constants hold."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from benchmarks.problems._problem import Problem, reference_values
from benchmarks.problems._space import configspace, contains, from_configspace, from_hyperopt

__all__ = ["check_problem", "recompute_reference"]


def check_problem(problem: Problem, n: int = 200) -> list[str]:
    """What is wrong with ``problem`` and its adapters (an empty list when nothing is).

    * The known minimiser lies in the space and reaches ``optimum`` through ridgeline's and
      Optuna's ``FixedTrial`` (so ``objective`` asks for the right names and types).
    * Configurations drawn by Hyperopt from :meth:`Problem.hyperopt_space`, by ConfigSpace from
      ``configspace(problem.space)`` (when ConfigSpace is installed), by ridgeline's and
      Optuna's random samplers through :meth:`Problem.objective`, and by ``random_params`` all
      lie in the space: in bounds, on the grid, among the choices, and with exactly the
      parameters of the branches taken.
    * For synthetic problems (cheap): no random configuration beats the optimum, and
      ``reference`` matches a recomputation.
    """
    import hyperopt.pyll.stochastic
    import optuna

    import ridgeline

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    failures: list[str] = []
    libraries: tuple[Any, ...] = (ridgeline, optuna)
    if problem.minimizer is not None and problem.optimum is not None:
        failures += [f"minimizer: {m}" for m in contains(problem.space, problem.minimizer)]
        tolerance = 1e-4 * max(1.0, abs(problem.optimum))
        for lib in libraries:
            value = problem.objective(lib.trial.FixedTrial(problem.minimizer))
            if abs(value - problem.optimum) > tolerance:
                failures.append(f"f(minimizer) = {value!r} via {lib.__name__}, not the optimum")

    rng = np.random.default_rng(1)
    space = problem.hyperopt_space()
    drawn = {
        "hyperopt": [
            from_hyperopt(problem.space, hyperopt.pyll.stochastic.sample(space, rng))
            for _ in range(n)
        ],
        "random_params": [problem.random_params(rng) for _ in range(n)],
    }
    try:
        cs = configspace(problem.space, seed=1)
    except ImportError:
        pass  # SMAC is optional
    else:
        configs = [dict(c) for c in cs.sample_configuration(n)]
        drawn["configspace"] = [from_configspace(problem.space, c) for c in configs]
        if any(set(c) != set(d) for c, d in zip(configs, drawn["configspace"], strict=True)):
            failures.append("configspace: active parameters differ from the branches taken")
    n_trials = n // 4 if problem.group == "sklearn" else n
    for lib in libraries:
        study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=1))
        study.optimize(problem.objective, n_trials=n_trials)
        drawn[lib.__name__] = [t.params for t in study.trials]
    for source, configs in drawn.items():
        bad = sorted({m for c in configs for m in contains(problem.space, c)})
        failures += [f"{source} drew {m}" for m in bad[:5]]

    if problem.group == "synthetic":
        values = reference_values(problem)
        if problem.optimum is not None and values.min() < problem.optimum - 1e-9:
            failures.append(f"a random configuration reached {float(values.min())!r} < the optimum")
        if not math.isclose(float(np.median(values)), problem.reference, rel_tol=1e-9):
            failures.append(
                f"reference {problem.reference!r} is stale: recomputed {float(np.median(values))!r}"
            )
    return [f"{problem.name}: {f}" for f in failures]


def recompute_reference(problem: Problem) -> dict[str, float]:
    """The median and minimum of the reference sample, and the seconds per evaluation."""
    start = time.perf_counter()
    values = reference_values(problem)
    return {
        "median": float(np.median(values)),
        "min": float(values.min()),
        "seconds_per_eval": (time.perf_counter() - start) / len(values),
    }
