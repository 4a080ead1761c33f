"""The benchmark problem: a search space, a function of a configuration, and its scale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.problems._space import Param, from_hyperopt, hyperopt_space, random_params, suggest

__all__ = ["N_REFERENCE", "REFERENCE_SEED", "Problem", "reference_values"]

N_REFERENCE = 1000
"""Random configurations behind each problem's ``reference`` (their median value)."""
REFERENCE_SEED = 0


@dataclass(frozen=True, eq=False)
class Problem:
    """A benchmark problem: minimise ``evaluate(params)`` over ``space``.

    One problem serves every optimizer: ridgeline and Optuna call :meth:`objective` with their
    trials, Hyperopt searches :meth:`hyperopt_space` and scores samples with
    :meth:`evaluate_hyperopt`.

    Args:
        name: Short name used on the command line and in tables.
        group: ``"synthetic"`` or ``"sklearn"``.
        space: The search space.
        function: The value of a flat ``{name: value}`` configuration (lower is better).
        optimum: The known minimum (synthetic functions); None where it is unknown.
        reference: The median value of :data:`N_REFERENCE` random configurations drawn with
            seed :data:`REFERENCE_SEED` (see :func:`reference_values`): "as good as a typical
            random configuration", the 1 of normalised regret. Precomputed because the
            tuning tasks take minutes to compute it; ``efficiency.py --check-references``
            recomputes every one.
        best_known: For problems without a known optimum, the best value seen so far (random
            configurations and earlier benchmark runs); regret is measured from the smaller of
            this and the best value of the current runs.
        minimizer: A configuration where ``optimum`` is reached (checked by
            ``efficiency.py --self-check``).
        description: One line for the tables.
    """

    name: str
    group: str
    space: tuple[Param, ...]
    function: Callable[[dict[str, Any]], float]
    optimum: float | None
    reference: float
    best_known: float | None = None
    minimizer: dict[str, Any] | None = None
    description: str = ""

    def objective(self, trial: Any) -> float:
        """An Optuna-style objective: works with ridgeline's and Optuna's trials alike."""
        return self.evaluate(self.suggest(trial))

    def suggest(self, trial: Any) -> dict[str, Any]:
        """The configuration an Optuna-style trial suggests (the first half of
        :meth:`objective`)."""
        return suggest(trial, self.space)

    def evaluate(self, params: dict[str, Any]) -> float:
        """The value of a flat ``{name: value}`` configuration."""
        return float(self.function(params))

    def hyperopt_space(self) -> dict[str, Any]:
        """The equivalent Hyperopt space; score its samples with :meth:`evaluate_hyperopt`."""
        return hyperopt_space(self.space)

    def evaluate_hyperopt(self, sample: dict[str, Any]) -> float:
        """The value of a sample of :meth:`hyperopt_space`."""
        return self.evaluate(self.from_hyperopt(sample))

    def from_hyperopt(self, sample: dict[str, Any]) -> dict[str, Any]:
        """A sample of :meth:`hyperopt_space` as a flat configuration (choices decoded)."""
        return from_hyperopt(self.space, sample)

    def random_params(self, rng: np.random.Generator) -> dict[str, Any]:
        """A random configuration (uniform, log-uniform where ``log``)."""
        return random_params(self.space, rng)


def reference_values(problem: Problem, n: int = N_REFERENCE) -> np.ndarray:
    """Values of ``n`` random configurations drawn with :data:`REFERENCE_SEED`; their median
    is ``problem.reference``."""
    rng = np.random.default_rng(REFERENCE_SEED)
    return np.array([problem.evaluate(problem.random_params(rng)) for _ in range(n)])
