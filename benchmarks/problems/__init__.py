"""Benchmark problems for sample efficiency: synthetic functions with known optima and
scikit-learn tuning tasks, each usable by ridgeline, Optuna and Hyperopt; and multi-objective
problems (``MO_PROBLEMS``, see ``multi_objective.py``).

    >>> from benchmarks.problems import PROBLEMS
    >>> problem = PROBLEMS["branin"]
    >>> round(problem.evaluate(problem.minimizer) - problem.optimum, 6)
    0.0
"""

from benchmarks.problems._check import check_problem, recompute_reference
from benchmarks.problems._problem import N_REFERENCE, REFERENCE_SEED, Problem, reference_values
from benchmarks.problems._registry import (
    GROUPS,
    MO_PROBLEMS,
    PROBLEMS,
    mo_problems_named,
    problems_named,
)
from benchmarks.problems._space import (
    Param,
    configspace,
    contains,
    from_configspace,
    from_hyperopt,
    hyperopt_space,
    random_params,
    suggest,
)
from benchmarks.problems.multi_objective import MultiObjectiveProblem

__all__ = [
    "GROUPS",
    "MO_PROBLEMS",
    "MultiObjectiveProblem",
    "N_REFERENCE",
    "PROBLEMS",
    "Param",
    "Problem",
    "REFERENCE_SEED",
    "check_problem",
    "configspace",
    "contains",
    "from_configspace",
    "from_hyperopt",
    "hyperopt_space",
    "mo_problems_named",
    "problems_named",
    "random_params",
    "recompute_reference",
    "reference_values",
    "suggest",
]
