"""Hypervolume, each point's exclusive contribution, and a default reference point.

All functions here take ``(n, m)`` arrays of objective values to *minimise* (negate maximised
objectives first, or use :func:`~ridgeline.multi_objective.hypervolume_history` for a study).
The algorithms are in ``_hv_exact.py``; this module checks arguments and cleans the points.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ridgeline.multi_objective._checks import (
    MultiObjectiveArgumentError,
    MultiObjectiveTypeError,
    as_points,
    as_vector,
)
from ridgeline.multi_objective._hv_exact import (
    exclusive_volume,
    front_mask_of_unique,
    hv,
    nondominated_unique,
    strictly_better,
)

__all__ = ["hypervolume", "hypervolume_contributions", "reference_point"]

# Dominated rows are matched to their dominators this many rows at a time.
_CHUNK = 1024


def _points_and_reference(points: Any, reference: Any, owner: str) -> tuple[np.ndarray, np.ndarray]:
    r = as_vector(reference, owner, "reference_point", None)
    if isinstance(points, (list, tuple)) and len(points) == 0:
        points = np.empty((0, len(r)))  # `[]`: no points
    p = as_points(points, owner)
    if p.shape[1] != len(r):
        raise MultiObjectiveArgumentError(
            f"`reference_point` of {owner} must have one value per objective ({p.shape[1]}, "
            f"the columns of `points`); got {reference!r}."
        )
    return p, r


def hypervolume(points: Any, reference_point: Any) -> float:
    """The volume of objective space that ``points`` dominate, bounded by ``reference_point``.

    The Lebesgue measure of the union of the boxes ``[p, reference_point]`` over the points
    ``p`` (Zitzler & Thiele 1998). Exact: by sorting in two objectives, by a dimension sweep in
    three (Beume et al. 2009), by WFG in four or more (While et al. 2012).

    Args:
        points: ``(n, m)`` objective values to minimise. A point that is not strictly better
            than the reference point in every objective adds nothing; so do rows with a NaN
            (they dominate nothing) and duplicates.
        reference_point: ``m`` finite values, worse than every point that should count.

    Returns:
        The hypervolume; ``0.0`` when no point counts, ``inf`` when a point that counts has
        ``-inf`` in an objective.

    Raises:
        ValueError: If ``points`` is not 2-D, or ``reference_point`` is not one finite value
            per objective.

    Example:
        >>> from ridgeline.multi_objective import hypervolume
        >>> hypervolume([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]], [4.0, 4.0])
        6.0
    """
    p, r = _points_and_reference(points, reference_point, "hypervolume")
    p = p[strictly_better(p, r)]
    if len(p) == 0:
        return 0.0
    if np.isneginf(p).any():
        return math.inf
    return hv(p, r)


def hypervolume_contributions(points: Any, reference_point: Any) -> np.ndarray:
    """Each point's exclusive contribution: ``hypervolume(all) - hypervolume(all but it)``.

    Only non-dominated points can contribute, and only when no other point is identical to
    them: a point with an exact duplicate gets 0 (removing one copy leaves the other), and so
    does its duplicate. Rows that do not count for :func:`hypervolume` (a NaN, or not strictly
    better than the reference point everywhere) get 0. Dominated points are taken into account
    when they would cover part of a removed point's box, as the definition requires.

    Two objectives: each non-dominated point's rectangle between its neighbours, less what the
    points only it dominates cover there, O(n log n). More: the exclusive volume of each point
    against the others' limit set (While et al. 2012), restricted to the other non-dominated
    points and the dominated points that only this point dominates.

    Args:
        points: ``(n, m)`` objective values to minimise.
        reference_point: ``m`` finite values.

    Returns:
        An array of ``n`` contributions, in the order of ``points``.

    Raises:
        ValueError: If the arguments are malformed as for :func:`hypervolume`, or a point that
            counts has ``-inf`` in an objective (the hypervolume is then infinite and the
            contributions undefined).

    Example:
        >>> from ridgeline.multi_objective import hypervolume_contributions
        >>> hypervolume_contributions([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [3.0, 3.0]], [4.0, 4.0])
        array([1., 1., 1., 0.])
    """
    owner = "hypervolume_contributions"
    p, r = _points_and_reference(points, reference_point, owner)
    out = np.zeros(len(p))
    counted = np.flatnonzero(strictly_better(p, r))
    if len(counted) == 0:
        return out
    q = p[counted]
    if np.isneginf(q).any():
        row = int(counted[np.flatnonzero(np.isneginf(q).any(axis=1))[0]])
        raise MultiObjectiveArgumentError(
            f"`points` of {owner} must not contain -inf in a point that counts (the "
            f"hypervolume is then infinite); got {p[row].tolist()!r} at row {row}. Drop or "
            "clip that point."
        )
    unique, inverse, counts = np.unique(q, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    is_front = front_mask_of_unique(unique)
    front, others = unique[is_front], unique[~is_front]
    if unique.shape[1] == 2:
        contributions = _contributions_2d(front, others, r)
    else:
        contributions = _contributions_general(front, others, r)
    by_unique = np.zeros(len(unique))
    by_unique[is_front] = contributions
    by_unique[counts > 1] = 0.0
    out[counted] = by_unique[inverse]
    return out


def _contributions_2d(front: np.ndarray, others: np.ndarray, r: np.ndarray) -> np.ndarray:
    # The front in lexicographic order: x increasing, y decreasing. Point i's exclusive
    # region is the rectangle [x_i, x_{i+1}) x [y_i, y_{i-1}) (r at the ends), less what the
    # points that only i dominates (those inside that rectangle) cover.
    x, y = front[:, 0], front[:, 1]
    right = np.append(x[1:], r[0])
    above = np.insert(y[:-1], 0, r[1])
    contributions = (right - x) * (above - y)
    if len(others) == 0:
        return contributions
    # The front point with the largest x not above the row's x is the only one that may
    # dominate it alone; it does when the row is below the previous front point.
    owner = np.searchsorted(x, others[:, 0], side="right") - 1
    inside = others[:, 1] < above[owner]
    others, owner = others[inside], owner[inside]
    order = np.argsort(owner, kind="stable")
    others, owner = others[order], owner[order]
    starts = np.flatnonzero(np.diff(owner, prepend=-1))
    ends = np.append(starts[1:], len(owner))
    for s, e in zip(starts.tolist(), ends[: len(starts)].tolist(), strict=True):
        i = owner[s]
        corner = np.array([right[i], above[i]])
        contributions[i] -= hv(others[s:e], corner)
    return np.maximum(contributions, 0.0)


def _contributions_general(front: np.ndarray, others: np.ndarray, r: np.ndarray) -> np.ndarray:
    n_front = len(front)
    # A dominated row matters to point i only when no other front point dominates it too
    # (else that point's box already covers it once i is gone).
    sole_owner = np.full(len(others), -1)
    for start in range(0, len(others), _CHUNK):
        chunk = others[start : start + _CHUNK]
        dominates = np.all(front[None, :, :] <= chunk[:, None, :], axis=2)
        n_owners = dominates.sum(axis=1)
        owner = np.argmax(dominates, axis=1)
        sole_owner[start : start + _CHUNK] = np.where(n_owners == 1, owner, -1)
    contributions = np.empty(n_front)
    for i in range(n_front):
        rest = np.concatenate((front[:i], front[i + 1 :], others[sole_owner == i]))
        contributions[i] = exclusive_volume(front[i], rest, r)
    return contributions


def reference_point(points: Any, margin: float = 0.1) -> np.ndarray:
    """A reference point for :func:`hypervolume`, inferred from the non-dominated points.

    Per objective: the worst value among the non-dominated points (the nadir of the front)
    plus ``margin`` times the front's range in that objective, so that the extreme points of
    the front still add volume. Where the range is 0 (one point, or a front flat in that
    objective) the offset is ``margin * max(|worst|, 1)``. Rows with a non-finite value are
    left out. Dominated points do not move the reference point (they cannot change the
    hypervolume either). Every function that infers a reference point also takes one.

    Args:
        points: ``(n, m)`` objective values to minimise.
        margin: How far beyond the nadir, as a fraction of the range; finite, ``>= 0``. With
            0 the extreme points of the front add no volume.

    Returns:
        ``m`` finite values.

    Raises:
        ValueError: If ``points`` is not 2-D, has no row that is finite everywhere, or
            ``margin`` is negative or not finite.

    Example:
        >>> from ridgeline.multi_objective import reference_point
        >>> reference_point([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [9.0, 9.0]]).tolist()
        [3.2, 3.2]
    """
    owner = "reference_point"
    margin = _check_margin(margin, owner)
    p = as_points(points, owner)
    finite = p[np.all(np.isfinite(p), axis=1)]
    if len(finite) == 0:
        raise MultiObjectiveArgumentError(
            f"`points` of {owner} must contain a point that is finite in every objective; got "
            f"{len(p)} point(s) and none is. Pass an explicit reference point instead."
        )
    return nadir_plus_margin(nondominated_unique(finite), margin)


def nadir_plus_margin(points: np.ndarray, margin: float) -> np.ndarray:
    """The worst value of each column plus ``margin`` times its range (or ``max(|worst|, 1)``
    where the range is 0). ``points``: finite, at least one row."""
    worst = points.max(axis=0)
    span = worst - points.min(axis=0)
    span = np.where(span > 0, span, np.maximum(np.abs(worst), 1.0))
    return worst + margin * span


def _check_margin(margin: Any, owner: str) -> float:
    if isinstance(margin, bool) or not isinstance(margin, (int, float, np.integer, np.floating)):
        raise MultiObjectiveTypeError(
            f"`margin` of {owner} must be a finite number >= 0; got {margin!r}."
        )
    value = float(margin)
    if not math.isfinite(value) or value < 0:
        raise MultiObjectiveArgumentError(
            f"`margin` of {owner} must be a finite number >= 0; got {margin!r}."
        )
    return value
