"""Multi-objective benchmark problems (every objective minimised), for ``mo_efficiency.py``.

Synthetic problems with known Pareto fronts, written from their papers:

* ZDT1, ZDT2, ZDT3 (Zitzler, Deb & Thiele 2000, "Comparison of multiobjective evolutionary
  algorithms: empirical results", Evolutionary Computation 8(2), problems T1-T3): ``x`` in
  [0, 1]^n, ``f1 = x1``, ``g = 1 + 9 sum_{i>=2} x_i / (n - 1)``, ``f2 = g h(f1, g)`` with
  ``h = 1 - sqrt(f1 / g)`` (convex front), ``1 - (f1 / g)^2`` (concave) and
  ``1 - sqrt(f1 / g) - (f1 / g) sin(10 pi f1)`` (five disconnected pieces). The front is
  ``g = 1``: ``x_i = 0`` for ``i >= 2``.
* DTLZ2 (Deb, Thiele, Laumanns & Zitzler 2002, "Scalable multi-objective optimization test
  problems", CEC, problem DTLZ2) with 3 objectives and ``k = 10`` distance variables (12 in
  all, the paper's recommendation): ``g = sum_{i>2} (x_i - 0.5)^2`` and ``f = (1 + g)`` times
  the point of the unit sphere at angles ``x1 pi / 2``, ``x2 pi / 2``. The front is the
  positive eighth of the unit sphere (``x_i = 0.5`` for ``i > 2``).

**Ten variables for ZDT, not the classic 30.** These benchmarks compare samplers at 50-200
trials, where a hyperparameter space has a handful of parameters. With 30 variables no run of
Optuna's NSGA-II, Optuna's TPE or random search (ZDT1, 200 trials, 2 seeds each) had a point
with ``f2`` below 1.6, so the comparison would be about the first steps of convergence only;
with 10 the better samplers reach the neighbourhood of the front and its shape starts to
matter.

**Reference points.** Hypervolume only counts points better than the reference point in
every objective, so the point decides which part of the search a run is scored on. On ZDT
``f1`` lies in [0, 1] and the front's ``f2`` in [0, 1] (ZDT3: [-0.77, 1]), but a random
configuration has ``g`` near 5.5 (standard deviation 0.9 with 10 variables) and ``f2`` up to
``g``: with the usual (1.1, 1.1), random search and Optuna's NSGA-II put no point in the box
in 200 trials (ZDT1, 2 seeds each), so most runs would tie at 0. We use ``(1.1, 4.0)`` for
the three ZDT problems (one scale for the family): ``f2 < 4`` admits configurations with a
``g`` about two standard deviations better than random, or a large ``f1`` (ZDT1's ``f2`` is
``g - sqrt(g f1)``), so the metric is positive from the first trials and rises through the
whole approach to the front; 200 random configurations score 0.46 (ZDT1), 0.14 (ZDT2) and
0.38 (ZDT3) of the optimum. DTLZ2 uses the customary (1.1, 1.1, 1.1): a random configuration
has ``1 + g`` near 1.8, and about 3% of them lie inside that box (200 score 0.09 of the
optimum), so it too is informative from the start.

**Optimal hypervolume** (of the true front, against the reference point; every reference
coordinate is at least 1, so the whole front counts): ZDT1 ``r1 r2 - 1/3`` and ZDT2
``r1 r2 - 2/3`` (the box minus the area under ``f2 = 1 - sqrt(f1)`` or ``1 - f1^2`` on
[0, 1]); DTLZ2 ``r^3 - pi / 6`` (the cube minus the eighth of the unit ball, which no front
point dominates); ZDT3 by a one-dimensional integral of the front's running minimum (see
:func:`zdt3_optimal_hypervolume`). ``tests/test_mo_benchmarks.py`` checks each against
ridgeline's hypervolume of a dense sampling of the true front.

One real two-objective tuning task on a scikit-learn bundled data set, ``forest_size_digits``:
a random forest on digits (the same fixed 600-image subsample and 3 stratified folds as the
single-objective tasks, one thread), minimising the cross-validated error and the model's size
as ``log10`` of the total number of tree nodes (mean over the 3 fold models). Node counts are
deterministic (fixed ``random_state``), unlike prediction time; the logarithm spreads the
front over forests of 3 to ~5,000 nodes instead of crowding the small ones. Its reference point
(0.9, 4.5): error 0.9 is a constant guess among ten balanced classes, and ``10^4.5`` nodes is
more than the largest possible forest (32 trees of at most 799 nodes, a full binary tree on 400
training images), so every configuration lies inside the box. Its optimal hypervolume is
unknown: ``best_known_hypervolume`` is the hypervolume of every front found in the recorded
benchmark runs together, and ``mo_efficiency.py`` normalises by the larger of it and what the
current runs found together.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from benchmarks.problems._space import Param, random_params, suggest
from benchmarks.problems.synthetic import _box, _vec

__all__ = [
    "MO_PROBLEMS",
    "MultiObjectiveProblem",
    "zdt3_optimal_hypervolume",
]

ZDT_VARIABLES = 10
DTLZ2_VARIABLES = 12  # 3 objectives: 2 position variables and k = 10 distance variables
ZDT_REFERENCE = (1.1, 4.0)
DTLZ2_REFERENCE = (1.1, 1.1, 1.1)
FOREST_REFERENCE = (0.9, 4.5)


@dataclass(frozen=True, eq=False)
class MultiObjectiveProblem:
    """A multi-objective benchmark problem: minimise every value of ``evaluate(params)``.

    Args:
        name: Short name used on the command line and in tables.
        group: ``"synthetic"`` or ``"sklearn"``.
        space: The search space (the single-objective problems' :class:`Param` spec).
        function: The objective values of a flat ``{name: value}`` configuration.
        objective_names: One name per objective.
        reference_point: Hypervolume is measured against this point (see the module
            docstring for each choice).
        optimal_hypervolume: The hypervolume of the true Pareto front against
            ``reference_point``; None where the front is unknown.
        best_known_hypervolume: Where the front is unknown, the hypervolume of the best
            front known (recorded benchmark runs together); None when there is none yet.
        pareto_front: ``pareto_front(n)`` is an ``(about n, n_objectives)`` array of points
            of the true front, evenly spread (synthetic problems).
        pareto_params: ``pareto_params(rng, n)`` is ``n`` Pareto-optimal configurations
            (synthetic problems), for tests.
        description: One line for the tables.
    """

    name: str
    group: str
    space: tuple[Param, ...]
    function: Callable[[dict[str, Any]], Sequence[float]]
    objective_names: tuple[str, ...]
    reference_point: tuple[float, ...]
    optimal_hypervolume: float | None
    best_known_hypervolume: float | None = None
    pareto_front: Callable[[int], np.ndarray] | None = None
    pareto_params: Callable[[np.random.Generator, int], list[dict[str, Any]]] | None = None
    description: str = ""

    @property
    def n_objectives(self) -> int:
        return len(self.objective_names)

    def objective(self, trial: Any) -> tuple[float, ...]:
        """An Optuna-style objective: works with ridgeline's and Optuna's trials alike."""
        return self.evaluate(self.suggest(trial))

    def suggest(self, trial: Any) -> dict[str, Any]:
        """The configuration an Optuna-style trial suggests."""
        return suggest(trial, self.space)

    def evaluate(self, params: dict[str, Any]) -> tuple[float, ...]:
        """The objective values of a flat ``{name: value}`` configuration."""
        return tuple(float(v) for v in self.function(params))

    def random_params(self, rng: np.random.Generator) -> dict[str, Any]:
        """A random configuration (uniform, log-uniform where ``log``)."""
        return random_params(self.space, rng)


# --------------------------------------------------------------------------- ZDT


def _zdt_g(x: np.ndarray) -> float:
    return 1.0 + 9.0 * float(np.sum(x[1:])) / (len(x) - 1)


def _zdt1_h(f1: np.ndarray | float, g: float = 1.0) -> Any:
    return 1.0 - np.sqrt(f1 / g)


def _zdt2_h(f1: np.ndarray | float, g: float = 1.0) -> Any:
    return 1.0 - (f1 / g) ** 2


def _zdt3_h(f1: np.ndarray | float, g: float = 1.0) -> Any:
    return 1.0 - np.sqrt(f1 / g) - (f1 / g) * np.sin(10.0 * math.pi * f1)


def _zdt(h: Callable[..., Any]) -> Callable[[dict[str, Any]], tuple[float, float]]:
    def function(p: dict[str, Any]) -> tuple[float, float]:
        x = _vec(p, ZDT_VARIABLES)
        g = _zdt_g(x)
        return float(x[0]), float(g * h(x[0], g))

    return function


def _zdt_curve(h: Callable[..., Any], n: int) -> np.ndarray:
    f1 = np.linspace(0.0, 1.0, n)
    return np.column_stack([f1, h(f1)])


def _zdt_front(h: Callable[..., Any]) -> Callable[[int], np.ndarray]:
    def front(n: int) -> np.ndarray:
        return _zdt_curve(h, n)

    return front


def _zdt3_front(n: int) -> np.ndarray:
    """The non-dominated part of ZDT3's ``g = 1`` curve (five pieces), from ``n`` curve
    points."""
    from ridgeline.multi_objective import nondominated_mask

    curve = _zdt_curve(_zdt3_h, n)
    return curve[nondominated_mask(curve)]


def zdt3_optimal_hypervolume(reference: Sequence[float], n: int = 2_000_001) -> float:
    """The hypervolume of ZDT3's true front against ``reference`` (both coordinates >= 1).

    In two objectives the dominated region above ``f1 = a`` starts at the lowest ``f2`` of the
    front at ``f1 <= a``, which is the running minimum ``m(a)`` of the ``g = 1`` curve
    ``h(f1) = 1 - sqrt(f1) - f1 sin(10 pi f1)`` (its dominated stretches never set a new
    minimum). So the hypervolume is ``int_0^{r1} (r2 - m(min(a, 1))) da``, here by the
    trapezoidal rule on ``n`` points of [0, 1] (error below 1e-9 at the default ``n``).
    """
    r1, r2 = float(reference[0]), float(reference[1])
    a = np.linspace(0.0, 1.0, n)
    m = np.minimum.accumulate(_zdt3_h(a))
    inside = float(np.sum((m[1:] + m[:-1]) / 2) * (a[1] - a[0]))
    return r1 * r2 - inside - (r1 - 1.0) * float(m[-1])


def _zdt_pareto_params(
    intervals: Sequence[tuple[float, float]],
) -> Callable[[np.random.Generator, int], list[dict[str, Any]]]:
    """Configurations with ``g = 1`` and ``x1`` drawn uniformly from ``intervals`` (the parts
    of [0, 1] where the ``g = 1`` curve is non-dominated)."""
    lengths = np.array([hi - lo for lo, hi in intervals])

    def draw(rng: np.random.Generator, n: int) -> list[dict[str, Any]]:
        out = []
        for _ in range(n):
            lo, hi = intervals[rng.choice(len(intervals), p=lengths / lengths.sum())]
            x1 = float(rng.uniform(lo, hi))
            out.append({"x0": x1, **{f"x{i}": 0.0 for i in range(1, ZDT_VARIABLES)}})
        return out

    return draw


# ZDT3's Pareto-optimal ranges of x1 (= f1), rounded inwards, as tabulated with the problem
# (e.g. Deb 2001, "Multi-objective optimization using evolutionary algorithms", sec. 8.3).
_ZDT3_PIECES = (
    (0.0, 0.0830),
    (0.1823, 0.2577),
    (0.4094, 0.4538),
    (0.6184, 0.6525),
    (0.8234, 0.8518),
)


# --------------------------------------------------------------------------- DTLZ2


def _sphere(angles: np.ndarray) -> np.ndarray:
    """Points of the unit sphere's positive eighth at ``(n, 2)`` angles in [0, 1] (times
    pi / 2): DTLZ2's objectives with ``g = 0``."""
    t1, t2 = angles[:, 0] * math.pi / 2, angles[:, 1] * math.pi / 2
    return np.column_stack([np.cos(t1) * np.cos(t2), np.cos(t1) * np.sin(t2), np.sin(t1)])


def dtlz2(p: dict[str, Any]) -> tuple[float, float, float]:
    x = _vec(p, DTLZ2_VARIABLES)
    g = float(np.sum((x[2:] - 0.5) ** 2))
    f = (1.0 + g) * _sphere(x[None, :2])[0]
    return float(f[0]), float(f[1]), float(f[2])


def _dtlz2_front(n: int) -> np.ndarray:
    side = max(2, math.isqrt(n))
    grid = np.linspace(0.0, 1.0, side)
    return _sphere(np.array([(a, b) for a in grid for b in grid]))


def _dtlz2_pareto_params(rng: np.random.Generator, n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        position = {f"x{i}": float(rng.uniform()) for i in range(2)}
        out.append({**position, **{f"x{i}": 0.5 for i in range(2, DTLZ2_VARIABLES)}})
    return out


# --------------------------------------------------------------------------- forest size


@cache
def _forest(
    n_estimators: int, max_depth: int, min_samples_leaf: int, max_features: Any
) -> tuple[float, float]:
    """(1 - mean accuracy, log10 of the mean total node count) over the fixed folds."""
    from sklearn.ensemble import RandomForestClassifier
    from threadpoolctl import threadpool_limits

    from benchmarks.problems.sklearn_tasks import _data

    x, y, folds = _data("digits")
    scores, nodes = [], []
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        for train, valid in folds:
            model = RandomForestClassifier(
                n_estimators=n_estimators,
                max_depth=max_depth,
                min_samples_leaf=min_samples_leaf,
                max_features=max_features,
                random_state=0,
                n_jobs=1,
            ).fit(x[train], y[train])
            scores.append(model.score(x[valid], y[valid]))
            nodes.append(sum(tree.tree_.node_count for tree in model.estimators_))
    return 1.0 - float(np.mean(scores)), math.log10(float(np.mean(nodes)))


def forest_size_digits(p: dict[str, Any]) -> tuple[float, float]:
    """Random forest on digits (600): cross-validated error and log10 of its node count.
    Evaluations are cached per process (integer parameters make repeats common)."""
    features = p["max_features"]
    return _forest(
        int(p["n_estimators"]),
        int(p["max_depth"]),
        int(p["min_samples_leaf"]),
        features.item() if isinstance(features, np.generic) else features,
    )


# --------------------------------------------------------------------------- registry


def _zdt_problem(
    name: str,
    h: Callable[..., Any],
    optimal: float,
    front: Callable[[int], np.ndarray],
    pieces: Sequence[tuple[float, float]],
) -> MultiObjectiveProblem:
    return MultiObjectiveProblem(
        name,
        "synthetic",
        _box(ZDT_VARIABLES, 0.0, 1.0),
        _zdt(h),
        ("f1", "f2"),
        ZDT_REFERENCE,
        optimal,
        pareto_front=front,
        pareto_params=_zdt_pareto_params(pieces),
        description=f"{name.upper()}, {ZDT_VARIABLES} variables",
    )


_R1, _R2 = ZDT_REFERENCE
MO_PROBLEMS: dict[str, MultiObjectiveProblem] = {
    p.name: p
    for p in (
        _zdt_problem("zdt1", _zdt1_h, _R1 * _R2 - 1 / 3, _zdt_front(_zdt1_h), [(0.0, 1.0)]),
        _zdt_problem("zdt2", _zdt2_h, _R1 * _R2 - 2 / 3, _zdt_front(_zdt2_h), [(0.0, 1.0)]),
        _zdt_problem(
            "zdt3", _zdt3_h, zdt3_optimal_hypervolume(ZDT_REFERENCE), _zdt3_front, _ZDT3_PIECES
        ),
        MultiObjectiveProblem(
            "dtlz2",
            "synthetic",
            _box(DTLZ2_VARIABLES, 0.0, 1.0),
            dtlz2,
            ("f1", "f2", "f3"),
            DTLZ2_REFERENCE,
            math.prod(DTLZ2_REFERENCE) - math.pi / 6,
            pareto_front=_dtlz2_front,
            pareto_params=_dtlz2_pareto_params,
            description=f"DTLZ2, 3 objectives, {DTLZ2_VARIABLES} variables",
        ),
        MultiObjectiveProblem(
            "forest_size_digits",
            "sklearn",
            (
                Param("n_estimators", "int", 1, 32, log=True),
                Param("max_depth", "int", 1, 16),
                Param("min_samples_leaf", "int", 1, 32, log=True),
                Param("max_features", "cat", choices=("sqrt", "log2", 0.25)),
            ),
            forest_size_digits,
            ("error", "log10_nodes"),
            FOREST_REFERENCE,
            None,
            # Every point of the two 5-seed mo_efficiency.py runs of 2026-11-30 together
            # (18,000 evaluations; see benchmarks/RESULTS.md).
            best_known_hypervolume=2.6628602458428623,
            description="random forest on digits (600): CV error vs log10 tree nodes",
        ),
    )
}
"""Multi-objective problems by name (see the module docstring)."""
