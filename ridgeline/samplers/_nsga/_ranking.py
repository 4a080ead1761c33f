"""NSGA-II's survival and mating order over arrays (Deb, Pratap, Agarwal & Meyarivan 2002, "A
fast and elitist multiobjective genetic algorithm: NSGA-II", IEEE TEVC 6(2)).

All functions take ``values``, an ``(n, m)`` array of objective values to *minimise*, and
``violations``, the total constraint violation of each row (``sum(max(0, c))``; 0 means
feasible) or None for an unconstrained study. No study, trial or storage here.
"""

from __future__ import annotations

import numpy as np

from ridgeline.multi_objective import nondominated_ranks

__all__ = [
    "constrained_ranks",
    "crowding_distance",
    "finite_values",
    "nsga2_mating_order",
    "nsga2_select",
]


def finite_values(values: np.ndarray) -> np.ndarray:
    """``values`` with infinities replaced by finite stand-ins beyond each column's range.

    Ranks treat ``inf`` correctly, but distances and normalisation need finite numbers; a
    stand-in one range beyond the finite extreme keeps the order and the geometry sane.
    """
    out = np.array(values, dtype=float, copy=True)
    for j in range(out.shape[1]):
        col = out[:, j]
        finite = col[np.isfinite(col)]
        if finite.size == len(col):
            continue
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        pad = (hi - lo) + 1.0
        col[np.isposinf(col) | np.isnan(col)] = hi + pad
        col[np.isneginf(col)] = lo - pad
    return out


def constrained_ranks(values: np.ndarray, violations: np.ndarray | None) -> np.ndarray:
    """Front index of each row under constrained domination (Deb et al. 2002, Sec. VI).

    A feasible row dominates every infeasible one; feasible rows are sorted by Pareto
    dominance; an infeasible row dominates another with a larger total violation, so the
    infeasible rows come after every feasible front, one front per distinct violation.
    """
    values = np.asarray(values, dtype=float)
    if violations is None:
        return nondominated_ranks(values)
    violations = np.asarray(violations, dtype=float)
    ranks = np.empty(len(values), dtype=np.int64)
    feasible = violations <= 0.0
    offset = 0
    if feasible.any():
        ranks[feasible] = nondominated_ranks(values[feasible])
        offset = int(ranks[feasible].max()) + 1
    if (~feasible).any():
        _, dense = np.unique(violations[~feasible], return_inverse=True)
        ranks[~feasible] = offset + dense.reshape(-1)
    return ranks


def crowding_distance(values: np.ndarray) -> np.ndarray:
    """Crowding distance of each row within one front (Deb et al. 2002, Sec. III-B).

    Per objective, the rows are sorted, the two extremes get an infinite distance and every
    other row adds the gap between its neighbours divided by the objective's range.
    """
    values = finite_values(np.asarray(values, dtype=float))
    n, m = values.shape
    distance = np.zeros(n)
    if n <= 2:
        distance[:] = np.inf
        return distance
    for j in range(m):
        order = np.argsort(values[:, j], kind="stable")
        col = values[order, j]
        span = col[-1] - col[0]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0.0:
            distance[order[1:-1]] += (col[2:] - col[:-2]) / span
    return distance


def _front_crowding(values: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    crowding = np.empty(len(values))
    for r in np.unique(ranks):
        members = np.flatnonzero(ranks == r)
        crowding[members] = crowding_distance(values[members])
    return crowding


def nsga2_select(values: np.ndarray, violations: np.ndarray | None, n_select: int) -> np.ndarray:
    """Indices of the ``n_select`` survivors: whole fronts in order, then the least crowded
    rows of the front that does not fit (ties by index, so the choice is deterministic)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n <= n_select:
        return np.arange(n)
    ranks = constrained_ranks(values, violations)
    chosen: list[np.ndarray] = []
    left = n_select
    for r in np.unique(ranks):
        front = np.flatnonzero(ranks == r)
        if len(front) <= left:
            chosen.append(front)
            left -= len(front)
        else:
            crowding = crowding_distance(values[front])
            order = np.lexsort((front, -crowding))
            chosen.append(front[order[:left]])
            left = 0
        if left == 0:
            break
    return np.sort(np.concatenate(chosen))


def nsga2_mating_order(values: np.ndarray, violations: np.ndarray | None) -> np.ndarray:
    """The position of each row in the crowded-comparison order (0 is best).

    Row ``a`` beats row ``b`` in the crowded tournament when its front is lower, or the fronts
    are equal and ``a`` is less crowded (Deb et al. 2002, Sec. III-C); ties go to the lower
    index, so a binary tournament is the minimum of two positions.
    """
    values = np.asarray(values, dtype=float)
    ranks = constrained_ranks(values, violations)
    crowding = _front_crowding(values, ranks)
    order = np.lexsort((np.arange(len(values)), -crowding, ranks))
    position = np.empty(len(values), dtype=np.int64)
    position[order] = np.arange(len(values))
    return position
