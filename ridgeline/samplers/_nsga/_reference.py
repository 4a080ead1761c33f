"""NSGA-III's reference-point survival over arrays (Deb & Jain 2014, "An evolutionary
many-objective optimization algorithm using reference-point-based nondominated sorting
approach, part I", IEEE TEVC 18(4); constraints as in Jain & Deb 2014, part II).

``values`` are ``(n, m)`` objective values to *minimise*, ``violations`` the total constraint
violation per row or None. No study, trial or storage here.
"""

from __future__ import annotations

import itertools

import numpy as np

from ridgeline.samplers._nsga._ranking import constrained_ranks, finite_values

__all__ = ["associate", "das_dennis", "normalize", "nsga3_select"]

# Weight of the other axes in the achievement scalarizing function that finds extreme points
# (Sec. IV-C: "a small number 10^-6").
_ASF_EPS = 1e-6


def das_dennis(n_objectives: int, n_divisions: int) -> np.ndarray:
    """Das & Dennis (1998) structured points on the unit simplex: every vector of
    ``n_objectives`` non-negative multiples of ``1 / n_divisions`` that sum to 1, in
    lexicographic order; there are ``C(n_objectives + n_divisions - 1, n_divisions)``."""
    if n_objectives == 1:
        return np.ones((1, 1))
    rows = []
    # Stars and bars: choose where the n_objectives - 1 bars go among the slots.
    for bars in itertools.combinations(range(n_divisions + n_objectives - 1), n_objectives - 1):
        edges = (-1, *bars, n_divisions + n_objectives - 1)
        rows.append([edges[i + 1] - edges[i] - 1 for i in range(n_objectives)])
    points = np.array(rows, dtype=float)[::-1] / max(n_divisions, 1)
    return np.ascontiguousarray(points)


def normalize(values: np.ndarray) -> np.ndarray:
    """Values translated to the ideal point and divided by the hyperplane's intercepts (Sec.
    IV-C): the extreme point of each axis minimises the achievement scalarizing function
    ``max_i f_i / w_i`` with ``w`` the axis (``1e-6`` elsewhere); the hyperplane through the
    extreme points cuts each axis at its intercept. When the extreme points do not span a
    hyperplane, or an intercept is not positive, each axis is divided by its largest
    translated value instead (the front's nadir), and by 1 where that is 0 too."""
    f = values - values.min(axis=0)
    m = f.shape[1]
    weights = np.full((m, m), _ASF_EPS) + (1.0 - _ASF_EPS) * np.eye(m)
    # asf[k, j]: achievement of row k along axis j.
    asf = np.max(f[:, None, :] / weights[None, :, :], axis=2)
    extremes = f[np.argmin(asf, axis=0)]
    nadir = f.max(axis=0)
    intercepts = nadir
    try:
        b = np.linalg.solve(extremes, np.ones(m))
        with np.errstate(divide="ignore", invalid="ignore"):
            candidate = 1.0 / b
        if np.all(np.isfinite(candidate)) and np.all(candidate > 1e-10):
            intercepts = candidate
    except np.linalg.LinAlgError:
        pass
    intercepts = np.where(intercepts > 1e-10, intercepts, np.where(nadir > 1e-10, nadir, 1.0))
    return f / intercepts


def associate(
    normalized: np.ndarray, reference_points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the reference line (origin through a reference point) nearest to it and
    the perpendicular distance to that line (Sec. IV-D)."""
    w = reference_points / np.linalg.norm(reference_points, axis=1, keepdims=True)
    along = normalized @ w.T  # (n, r) projection lengths
    # The residual vectors themselves, not |f|^2 - along^2, which cancels badly near a line.
    residual = normalized[:, None, :] - along[:, :, None] * w[None, :, :]
    dist = np.linalg.norm(residual, axis=2)
    nearest = np.argmin(dist, axis=1)
    return nearest, dist[np.arange(len(normalized)), nearest]


def nsga3_select(
    values: np.ndarray,
    violations: np.ndarray | None,
    n_select: int,
    reference_points: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Indices of the ``n_select`` survivors: whole (constrained) fronts in order, then members
    of the front that does not fit chosen by niching (Algorithm 4): repeatedly take the
    reference point with the fewest associated survivors, and add its nearest candidate if it
    has none yet, else a random candidate associated with it."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n <= n_select:
        return np.arange(n)
    ranks = constrained_ranks(values, violations)
    kept: list[int] = []
    last: np.ndarray = np.zeros(0, dtype=np.int64)
    for r in np.unique(ranks):
        front = np.flatnonzero(ranks == r)
        if len(kept) + len(front) <= n_select:
            kept.extend(front.tolist())
            if len(kept) == n_select:
                return np.sort(np.asarray(kept, dtype=np.int64))
        else:
            last = front
            break
    # Normalise over S_t (the kept rows and the last front), then associate.
    s = np.concatenate([np.asarray(kept, dtype=np.int64), last])
    normalized = normalize(finite_values(values[s]))
    nearest, dist = associate(normalized, reference_points)
    n_kept = len(kept)
    niche = np.bincount(nearest[:n_kept], minlength=len(reference_points)).astype(float)
    cand_ref = nearest[n_kept:].copy()
    cand_dist = dist[n_kept:]
    available = np.ones(len(last), dtype=bool)
    active = np.ones(len(reference_points), dtype=bool)
    chosen: list[int] = []
    while len(chosen) < n_select - n_kept:
        counts = np.where(active, niche, np.inf)
        smallest = np.flatnonzero(counts == counts.min())
        j = int(smallest[rng.integers(len(smallest))])
        members = np.flatnonzero(available & (cand_ref == j))
        if members.size == 0:
            active[j] = False
            continue
        if niche[j] == 0:
            pick = int(members[np.argmin(cand_dist[members])])
        else:
            pick = int(members[rng.integers(members.size)])
        chosen.append(pick)
        available[pick] = False
        niche[j] += 1
    return np.sort(np.concatenate([np.asarray(kept, dtype=np.int64), last[chosen]]))
