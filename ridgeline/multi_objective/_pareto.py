"""Non-dominated sorting: which points no other point beats, and in which front each lies.

All functions here take ``(n, m)`` arrays of objective values to *minimise* (negate maximised
objectives first). A point dominates another when it is no worse in every objective and
better in at least one (Deb et al. 2002, "A fast and elitist multiobjective genetic
algorithm: NSGA-II"). Identical points never dominate each other: they share a front.
NaN counts as worse than every number.
"""

from __future__ import annotations

import bisect

import numpy as np

from ridgeline.multi_objective._hv_exact import front_mask_of_unique

__all__ = ["nondominated_mask", "nondominated_ranks"]

# Rows of the dominance test done at once in three or more objectives.
_BLOCK = 256


def _prepare(points: np.ndarray) -> np.ndarray:
    a = np.asarray(points, dtype=float)
    if a.ndim != 2:
        raise ValueError(
            f"`points` must be a 2-D array (points x objectives); got shape {a.shape}."
        )
    return np.where(np.isnan(a), np.inf, a)


def nondominated_mask(points: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows of ``points`` (to minimise) that no other row dominates.

    Only the first front is computed (:func:`front_mask_of_unique` on the distinct rows: one
    running minimum in two objectives), not every rank.
    """
    a = _prepare(points)
    if len(a) == 0 or a.shape[1] == 0:
        return nondominated_ranks(a) == 0
    unique, inverse = np.unique(a, axis=0, return_inverse=True)
    return front_mask_of_unique(unique)[inverse.reshape(-1)]


def nondominated_ranks(points: np.ndarray) -> np.ndarray:
    """The front of each row of ``points`` (to minimise): 0 for the non-dominated rows, 1 for
    the rows only rank-0 rows dominate, and so on.

    Duplicates are collapsed first, so each distinct point is ranked once. The distinct
    points, in lexicographic order, can only be dominated by points before them, and every
    earlier point that is no worse in all objectives dominates (it differs somewhere, and
    where it differs it is better). A point's front is then one more than the highest front
    among the points that dominate it (rank = length of the longest dominance chain above
    it):

    * one objective: the rank of the value;
    * two objectives: each front's smallest second objective so far is increasing in the
      front index, so the front of the next point is found by binary search, O(n log n)
      (Jensen 2003, "Reducing the run-time complexity of multiobjective EAs");
    * three objectives: the fronts dominating a point are a prefix of the fronts (whatever
      dominates a front-k point is dominated by front k - 1), so the point's front is found
      by binary search over the fronts, each front keeping the 2-D staircase of its members'
      (second, third) objectives, which answers "does a member dominate this point?" with
      one more binary search: O(n log^2 n) (the ENS-BS scheme of Zhang et al. 2015,
      "An efficient approach to nondominated sorting for evolutionary multiobjective
      optimization", with a staircase per front);
    * more: dominance is tested in blocks of rows against all earlier rows with numpy, then
      resolved inside the block, O(n^2 m) comparisons in C.
    """
    a = _prepare(points)
    n, m = a.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if m == 0:
        return np.zeros(n, dtype=np.int64)
    unique, inverse = np.unique(a, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if m == 1:
        ranks = np.arange(len(unique), dtype=np.int64)
    elif m == 2:
        ranks = _ranks_2d(unique)
    elif m == 3:
        ranks = _ranks_3d(unique)
    else:
        ranks = _ranks_nd(unique)
    return ranks[inverse]


def _ranks_2d(u: np.ndarray) -> np.ndarray:
    """Ranks of distinct points sorted lexicographically, two objectives."""
    ranks = np.empty(len(u), dtype=np.int64)
    lowest: list[float] = []  # per front, the smallest second objective so far
    for i, y in enumerate(u[:, 1].tolist()):
        k = bisect.bisect_right(lowest, y)
        if k == len(lowest):
            lowest.append(y)
        else:
            lowest[k] = y
        ranks[i] = k
    return ranks


def _ranks_3d(u: np.ndarray) -> np.ndarray:
    """Ranks of distinct points sorted lexicographically, three objectives.

    Points arrive in increasing first objective, so an earlier point dominates a later one
    when it is no worse in the second and third. Each front keeps its members' (second,
    third) pairs as a staircase: second increasing, third strictly decreasing (a member
    whose pair another member's pair matches or beats is dropped: it can no longer dominate
    anything the other does not).
    """
    ranks = np.empty(len(u), dtype=np.int64)
    seconds: list[list[float]] = []  # per front, its staircase's second objectives
    thirds: list[list[float]] = []  # ... and third objectives, in the same order
    for i, (y, z) in enumerate(u[:, 1:3].tolist()):
        lo, hi = 0, len(seconds)  # the first front that does not dominate (y, z)
        while lo < hi:
            mid = (lo + hi) // 2
            j = bisect.bisect_right(seconds[mid], y) - 1
            if j >= 0 and thirds[mid][j] <= z:
                lo = mid + 1
            else:
                hi = mid
        ranks[i] = lo
        if lo == len(seconds):
            seconds.append([y])
            thirds.append([z])
            continue
        ys, zs = seconds[lo], thirds[lo]
        # Insert (y, z) and drop the members it matches or beats in both: those at or after
        # it with third >= z (a contiguous run, the thirds decreasing).
        at = bisect.bisect_left(ys, y)
        end = at
        while end < len(ys) and zs[end] >= z:
            end += 1
        ys[at:end] = [y]
        zs[at:end] = [z]
    return ranks


def _ranks_nd(u: np.ndarray) -> np.ndarray:
    """Ranks of distinct points sorted lexicographically, three or more objectives."""
    n = len(u)
    ranks = np.zeros(n, dtype=np.int64)
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        block = u[start:stop]
        if start:
            # (block, earlier): earlier point j is no worse than block point i everywhere.
            dominated_by = np.all(u[None, :start, :] <= block[:, None, :], axis=2)
            base = np.where(dominated_by, ranks[None, :start], -1).max(axis=1) + 1
        else:
            base = np.zeros(stop - start, dtype=np.int64)
        inside = np.all(block[None, :, :] <= block[:, None, :], axis=2)
        block_ranks = base.copy()
        for i in range(1, stop - start):
            above = inside[i, :i]
            if above.any():
                block_ranks[i] = max(block_ranks[i], int(block_ranks[:i][above].max()) + 1)
        ranks[start:stop] = block_ranks
    return ranks
