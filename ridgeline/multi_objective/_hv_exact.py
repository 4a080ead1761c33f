"""Exact hypervolume kernels over clean arrays: the maths, with no argument checking.

Every function here takes points to *minimise* that are finite and strictly better than the
reference point ``r`` in every objective (the public functions in ``_hypervolume.py`` filter
and check before calling in). The hypervolume of a set is the Lebesgue measure of the union of
the boxes ``[p, r]`` (Zitzler & Thiele 1998, "Multiobjective optimization using evolutionary
algorithms: a comparative case study").

* two objectives: sort by the first objective; the union is a staircase, O(n log n);
* three objectives: sweep the points in increasing third objective, keeping the 2-D
  non-dominated staircase of the points seen so far in a sorted list, and add its area times
  the distance to the next point (Beume, Fonseca, Lopez-Ibanez, Paquete & Vahrenhold 2009,
  "On the complexity of computing the hypervolume indicator", the dimension-sweep algorithm of
  their section III), O(n log n) comparisons plus list moves that are O(n) memmoves at worst;
* four or more: WFG (While, Bradstreet & Barone 2012, "A fast way of calculating exact
  hypervolumes"): the volume is the sum of each point's volume exclusive of the points before
  it, and that exclusive volume is the point's box minus the hypervolume of its *limit set*
  (the earlier points each clipped to the box, ``max(p, q)``), with the dominated members of
  the limit set dropped. Points are taken in increasing last objective, so the clipped points
  all share the last objective of ``p`` and the limit set's hypervolume is its depth times an
  (m-1)-objective hypervolume: the recursion loses one objective per level.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

__all__ = [
    "Staircase",
    "exclusive_volume",
    "exclusive_volume_of_columns",
    "front_mask_of_unique",
    "hv",
    "nondominated_unique",
    "strictly_better",
]

# Above this many points, a 3-D sweep first drops the points that a few good points dominate,
# with numpy: on a cloud most points go in one vectorised pass instead of one Python step each.
_PREFILTER_MIN = 64
# How many of the points with the smallest normalised sum are used as dominators per pass.
_PREFILTER_PROBES = (8, 48)
# Rows compared at once when dropping dominated points in four or more objectives.
_BLOCK = 128


def hv(points: np.ndarray, r: np.ndarray) -> float:
    """Hypervolume of ``points`` (finite, each strictly better than ``r`` everywhere)."""
    n, m = points.shape
    if n == 0:
        return 0.0
    if n == 1:
        return float(np.prod(r - points[0]))
    if m == 1:
        return float(r[0] - points[:, 0].min())
    if m == 2:
        return _hv2d(points, r)
    if m == 3:
        return _hv3d(points, r)
    return _wfg(points, r)


def strictly_better(points: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Mask of the rows better than ``r`` in every objective (a NaN compares false).

    Column by column: numpy reduces a short row (``all(axis=1)``) slowly."""
    mask = points[:, 0] < r[0]
    for j in range(1, points.shape[1]):
        mask &= points[:, j] < r[j]
    return mask


def _hv2d(points: np.ndarray, r: np.ndarray) -> float:
    # In increasing first objective, the union's height at x is r_y minus the best second
    # objective among the points at or left of x. Ties in x need no care: the widths between
    # tied points are zero and the running minimum after them includes all of them.
    order = np.argsort(points[:, 0])
    x = points[order, 0]
    best_y = np.minimum.accumulate(points[order, 1])
    widths = np.diff(x, append=r[0])
    return float(np.dot(widths, r[1] - best_y))


class Staircase:
    """The non-dominated 2-D points seen so far, and how much area each new one adds.

    Kept as two sorted lists with sentinels, first objective increasing and second strictly
    decreasing: ``(-inf, r_y)`` on the left and ``(r_x, -inf)`` on the right, so that every
    point has neighbours on both sides.
    """

    __slots__ = ("xs", "ys")

    def __init__(self, rx: float, ry: float) -> None:
        self.xs = [-math.inf, rx]
        self.ys = [ry, -math.inf]

    def insert(self, x: float, y: float) -> float:
        """Add ``(x, y)`` (strictly better than the reference) and return the area it adds."""
        xs, ys = self.xs, self.ys
        pos = bisect.bisect_left(xs, x)
        # Weakly dominated: by the point to the left (smaller x), or by one at the same x.
        if ys[pos - 1] <= y or (xs[pos] == x and ys[pos] <= y):
            return 0.0
        # The old staircase's height above the new point's box, from x rightwards, drops at
        # each point the new one dominates (those with y >= new y), then the rest is covered.
        height = ys[pos - 1]
        left = x
        added = 0.0
        j = pos
        while ys[j] >= y:
            added += (xs[j] - left) * (height - y)
            height = ys[j]
            left = xs[j]
            j += 1
        added += (xs[j] - left) * (height - y)
        xs[pos:j] = [x]
        ys[pos:j] = [y]
        return added


def _hv3d(points: np.ndarray, r: np.ndarray) -> float:
    if len(points) > _PREFILTER_MIN:
        points = _drop_easily_dominated(points, r)
    # Increasing third objective (ties by first, then second): a point can only be dominated
    # by points before it, which the staircase skips in O(log n).
    order = np.lexsort((points[:, 1], points[:, 0], points[:, 2]))
    stair = Staircase(float(r[0]), float(r[1]))
    insert = stair.insert
    volume = 0.0
    area = 0.0
    z_prev = 0.0
    for x, y, z in points[order].tolist():
        if area:
            volume += area * (z - z_prev)
        area += insert(x, y)
        z_prev = z
    return volume + area * (float(r[2]) - z_prev)


def _drop_easily_dominated(points: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``points`` less some that are weakly dominated by others, which stay (the volume is
    unchanged). The dominators tried are the points nearest the ideal corner by normalised
    sum, which on a cloud dominate most of it. Column by column: numpy reduces a row of three
    slowly."""
    for probes in _PREFILTER_PROBES:
        n = len(points)
        if n <= max(probes, _PREFILTER_MIN):
            break
        cols = [np.ascontiguousarray(points[:, j]) for j in range(points.shape[1])]
        score = np.zeros(n)
        for c, rj in zip(cols, r.tolist(), strict=True):
            lo = c.min()
            score += (c - lo) / (rj - lo)
        best = np.argpartition(score, probes - 1)[:probes]
        # (probe, point): the probe is no worse than the point in every objective.
        hit = cols[0][None, :] >= cols[0][best][:, None]
        for c in cols[1:]:
            hit &= c[None, :] >= c[best][:, None]
        dominated = np.any(hit, axis=0)
        dominated[best] = False  # each probe dominates itself; it stays and covers its copies
        points = points[~dominated]
        if 2 * len(points) > n:
            break  # near a front few points are dominated: more probes would not pay
    return points


def nondominated_unique(points: np.ndarray) -> np.ndarray:
    """The distinct rows of ``points`` that no other row dominates, in lexicographic order."""
    u = np.unique(points, axis=0)
    return u[front_mask_of_unique(u)]


def front_mask_of_unique(u: np.ndarray) -> np.ndarray:
    """Which rows of ``u`` (distinct rows in lexicographic order, as from ``np.unique``) no
    other row dominates."""
    n, m = u.shape
    if n <= 1 or m == 1:
        return np.arange(n) == 0
    if m == 2:
        # A row is dominated iff an earlier row has a second objective no larger, i.e. iff it
        # does not beat the running minimum of the rows before it.
        y = u[:, 1]
        on_front = np.empty(n, dtype=bool)
        on_front[0] = True  # the lexicographically first row, even one of infinities
        on_front[1:] = y[1:] < np.minimum.accumulate(y[:-1])
        return on_front
    # An earlier row that is no worse anywhere dominates (the rows differ, and where they
    # differ the earlier one is smaller). By transitivity it is enough to test the kept rows
    # and the earlier rows of the same block.
    mask = np.zeros(n, dtype=bool)
    front = u[:0]
    for start in range(0, n, _BLOCK):
        block = u[start : start + _BLOCK]
        dominated = np.tril(np.all(block[None, :, :] <= block[:, None, :], axis=2), -1).any(1)
        if len(front):
            dominated |= np.all(front[None, :, :] <= block[:, None, :], axis=2).any(axis=1)
        mask[start : start + len(block)] = ~dominated
        front = np.concatenate((front, block[~dominated]))
    return mask


def _wfg(points: np.ndarray, r: np.ndarray) -> float:
    points = nondominated_unique(points)
    if len(points) == 1:
        return float(np.prod(r - points[0]))
    points = points[np.argsort(points[:, -1], kind="stable")]
    head, r_head = points[:, :-1], r[:-1]
    depth = r[-1] - points[:, -1]
    total = float(depth[0] * np.prod(r_head - head[0]))
    for k in range(1, len(points)):
        # Every earlier point has a last objective <= this one's: clipped to this box they all
        # start at its last objective, so the exclusive part is a prism of height depth[k].
        total += float(depth[k]) * exclusive_volume(head[k], head[:k], r_head)
    return total


def exclusive_volume(p: np.ndarray, others: np.ndarray, r: np.ndarray) -> float:
    """Volume of the box ``[p, r]`` that no row of ``others`` dominates (finite rows)."""
    cols = [np.ascontiguousarray(others[:, j]) for j in range(others.shape[1])]
    return exclusive_volume_of_columns(p, cols, r)


def exclusive_volume_of_columns(p: np.ndarray, cols: list[np.ndarray], r: np.ndarray) -> float:
    """:func:`exclusive_volume` with the other points given as one array per objective.

    The limit set of WFG, reduced first: a row no worse than ``p`` in all objectives but one
    clips the whole box at its value in that one (it dominates everything of the box beyond
    it), so these rows only lower the box's far corner, and every other clipped row that
    falls outside the lowered box is dropped. In two objectives this leaves nothing (the
    contribution is the rectangle between the neighbours); in more it usually leaves the few
    rows around ``p``. Column by column, since numpy reduces short rows slowly.
    """
    m = len(p)
    if len(cols[0]) == 0:
        return float(np.prod(r - p))
    no_worse = [c <= v for c, v in zip(cols, p.tolist(), strict=True)]
    n_no_worse = no_worse[0].astype(np.int32)
    for nw in no_worse[1:]:
        n_no_worse += nw
    if np.any(n_no_worse == m):
        return 0.0
    corner = r.copy()
    slab = n_no_worse == m - 1
    if slab.any():
        for j in range(m):
            cut = slab & ~no_worse[j]  # slab rows worse than p only in objective j
            if cut.any():
                corner[j] = min(corner[j], float(cols[j][cut].min()))
    # A clipped row max(q, p) is inside the lowered box iff q is (p is).
    inside = ~slab
    for c, v in zip(cols, corner.tolist(), strict=True):
        inside &= c < v
    volume = float(np.prod(corner - p))
    if not inside.any():
        return volume
    rows = np.column_stack(
        [np.maximum(c[inside], v) for c, v in zip(cols, p.tolist(), strict=True)]
    )
    return max(volume - hv(rows, corner), 0.0)
