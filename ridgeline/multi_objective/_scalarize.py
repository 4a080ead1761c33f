"""Scalarizations (several objective values to one number to minimise) and knee points."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.multi_objective._checks import (
    MultiObjectiveArgumentError,
    MultiObjectiveTypeError,
    as_points,
    as_vector,
    direction_signs,
)
from ridgeline.multi_objective._pareto import nondominated_mask
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["chebyshev", "knee_point", "knee_trial", "weighted_sum"]

# Normalised distance beyond the extremes' hyperplane below which a front counts as having
# no knee (a linear front, up to rounding).
_KNEE_TOLERANCE = 1e-9
# Condition number past which the extreme points do not span a hyperplane.
_MAX_CONDITION = 1e10


def _prepare(
    values: Any, weights: Any, directions: Any, normalize: bool, owner: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool, tuple[np.ndarray, np.ndarray] | None]:
    """(values to minimise as (n, m), weights, signs, single, (low, span) if normalised)."""
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise MultiObjectiveTypeError(
            f"`values` of {owner} must be a vector or a 2-D array (points x objectives) of "
            f"numbers; got {values!r}."
        ) from None
    if v.ndim not in (1, 2) or v.shape[-1] == 0:
        raise MultiObjectiveArgumentError(
            f"`values` of {owner} must be a vector of objective values or a 2-D array "
            f"(points x objectives); got an array of shape {v.shape}."
        )
    single = v.ndim == 1
    f = v.reshape(1, -1) if single else v
    m = f.shape[1]
    w = as_vector(weights, owner, "weights", m)
    if np.any(w < 0) or not np.any(w > 0):
        raise MultiObjectiveArgumentError(
            f"`weights` of {owner} must be non-negative and not all zero; got {weights!r}."
        )
    if not isinstance(normalize, bool):
        raise MultiObjectiveTypeError(
            f"`normalize` of {owner} must be True or False; got {normalize!r}."
        )
    signs = direction_signs(directions, m, owner)
    f = f * signs
    scale = None
    if normalize:
        if single:
            raise MultiObjectiveArgumentError(
                f"`normalize=True` of {owner} rescales each objective by its range over the "
                "rows of `values`; got a single vector. Pass all the points as a 2-D array."
            )
        scale = _observed_range(f)
        f = (f - scale[0]) / scale[1]
    return f, w, signs, single, scale


def _observed_range(f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column: the smallest finite value and the finite range (1 where it is 0 or there is
    no finite value)."""
    low = np.zeros(f.shape[1])
    span = np.ones(f.shape[1])
    for j in range(f.shape[1]):
        col = f[:, j][np.isfinite(f[:, j])]
        if len(col):
            low[j] = col.min()
            if col.max() > low[j]:
                span[j] = col.max() - low[j]
    return low, span


def _result(s: np.ndarray, single: bool) -> float | np.ndarray:
    return float(s[0]) if single else s


def weighted_sum(
    values: Any, weights: Any, directions: Any = None, *, normalize: bool = False
) -> float | np.ndarray:
    """The weighted sum of objective values, as one number to minimise.

    ``sum_i w_i f_i`` with each maximised objective negated first (Zadeh 1963). It finds only
    points on the convex hull of a front: use :func:`chebyshev` to reach the others.

    Args:
        values: One vector of ``m`` objective values, or ``(n, m)`` values of ``n`` points.
            NaN and inf propagate to the result.
        weights: ``m`` finite, non-negative weights, not all zero.
        directions: One ``"minimize"``/``"maximize"`` (or ``StudyDirection``) per objective;
            default all minimised.
        normalize: Rescale each objective (after negating maximised ones) to [0, 1] by its
            smallest and largest finite value over the rows of ``values`` before weighting, so
            that weights do not depend on units. Needs a 2-D ``values``; an objective with a
            range of 0 is only shifted.

    Returns:
        A float for a vector, an array of ``n`` for a 2-D ``values``; smaller is better.

    Raises:
        ValueError: If a shape does not match, a weight is negative or not finite, all weights
            are 0, a direction is unknown, or ``normalize`` is asked for a single vector.

    Example:
        >>> from ridgeline.multi_objective import weighted_sum
        >>> weighted_sum([1.0, 4.0], [0.5, 0.5], ["minimize", "maximize"])
        -1.5
    """
    f, w, _, single, _ = _prepare(values, weights, directions, normalize, "weighted_sum")
    return _result(f @ w, single)


def chebyshev(
    values: Any,
    weights: Any,
    directions: Any = None,
    ideal: Any = None,
    *,
    rho: float = 0.0,
    normalize: bool = False,
) -> float | np.ndarray:
    """The weighted Chebyshev (Tchebycheff) distance to an ideal point, to minimise.

    ``max_i w_i |f_i - z_i| + rho * sum_i |f_i - z_i|`` with maximised objectives negated
    first. Every Pareto-optimal point minimises it for some weights, on convex and concave
    fronts alike (Bowman 1976; Miettinen 1999, "Nonlinear multiobjective optimization",
    section 3.4); with ``rho > 0`` it is the augmented form of Steuer & Choo 1983, whose
    minimisers are never weakly dominated.

    Args:
        values: One vector of ``m`` objective values, or ``(n, m)`` values of ``n`` points.
            NaN and inf propagate to the result.
        weights: ``m`` finite, non-negative weights, not all zero.
        directions: One ``"minimize"``/``"maximize"`` (or ``StudyDirection``) per objective;
            default all minimised.
        ideal: ``m`` finite values in the user's units (the directions' sense), the point to
            be near. Default: the best value of each objective over the rows of ``values``;
            required for a single vector.
        rho: Weight of the augmentation term; finite, ``>= 0``. Typical: 1e-4 to 1e-2.
        normalize: Rescale each objective (and ``ideal``) by its observed finite range over
            the rows of ``values``, as in :func:`weighted_sum`; needs a 2-D ``values``.

    Returns:
        A float for a vector, an array of ``n`` for a 2-D ``values``; smaller is better.

    Raises:
        ValueError: As :func:`weighted_sum`, or if ``ideal`` is missing for a single vector or
            malformed, or ``rho`` is negative or not finite.

    Example:
        >>> from ridgeline.multi_objective import chebyshev
        >>> chebyshev([[1.0, 4.0], [3.0, 3.0]], [0.5, 0.5]).tolist()
        [0.5, 1.0]
    """
    owner = "chebyshev"
    f, w, signs, single, scale = _prepare(values, weights, directions, normalize, owner)
    if isinstance(rho, bool) or not isinstance(rho, (int, float, np.integer, np.floating)):
        raise MultiObjectiveTypeError(
            f"`rho` of {owner} must be a finite number >= 0; got {rho!r}."
        )
    if not math.isfinite(rho) or rho < 0:
        raise MultiObjectiveArgumentError(
            f"`rho` of {owner} must be a finite number >= 0; got {rho!r}."
        )
    if ideal is None:
        if single:
            raise MultiObjectiveArgumentError(
                f"`ideal` of {owner} is required for a single vector of values (the default, "
                "the best observed value per objective, needs a 2-D array of points); got None."
            )
        z = np.min(np.where(np.isnan(f), np.inf, f), axis=0)
    else:
        z = as_vector(ideal, owner, "ideal", f.shape[1]) * signs
        if scale is not None:
            z = (z - scale[0]) / scale[1]
    gap = np.abs(f - z)
    s = np.max(gap * w, axis=1)
    if rho:
        s = s + rho * gap.sum(axis=1)
    return _result(s, single)


def knee_point(points: Any) -> int:
    """The index of the knee of the non-dominated rows of ``points`` (to minimise).

    Each objective is rescaled to [0, 1] over the non-dominated rows with finite values. The
    knee is the row farthest beyond the hyperplane through the extreme points (each
    objective's best row), on the side of the ideal point: Das 1999's convex hull of
    individual minima ("On characterizing the 'knee' of the Pareto curve based on
    normal-boundary intersection"), the measure also used by Zhang, Tian & Jin 2015 ("A knee
    point-driven evolutionary algorithm for many-objective optimization"); in two objectives,
    the line between the two ends of the front. Where no row lies beyond it (a linear or
    concave front has no knee, Branke et al. 2004, "Finding knees in multi-objective
    optimization") or the extreme points do not span a hyperplane, the row nearest the ideal
    point in the Chebyshev sense (equal weights, rescaled objectives), the most balanced one.
    Ties go to the lowest index.

    Args:
        points: ``(n, m)`` objective values to minimise; dominated rows and rows with a
            non-finite value are never the knee.

    Returns:
        A row index into ``points``.

    Raises:
        ValueError: If ``points`` is not 2-D or has no row that is finite everywhere.

    Example:
        >>> from ridgeline.multi_objective import knee_point
        >>> knee_point([[0.0, 1.0], [0.1, 0.2], [0.5, 0.1], [1.0, 0.0]])
        1
    """
    owner = "knee_point"
    p = as_points(points, owner)
    candidates = np.flatnonzero(np.all(np.isfinite(p), axis=1))
    if len(candidates) == 0:
        raise MultiObjectiveArgumentError(
            f"`points` of {owner} must contain a point that is finite in every objective; got "
            f"{len(p)} point(s) and none is."
        )
    q = p[candidates]
    front_rows = candidates[nondominated_mask(q)]
    front = p[front_rows]
    m = front.shape[1]
    if len(front_rows) == 1 or m == 1:
        return int(front_rows[0])
    low = front.min(axis=0)
    span = front.max(axis=0) - low
    span[span == 0] = 1.0
    x = (front - low) / span
    # Each objective's extreme: its best row, ties broken by the smallest sum of the rest.
    extremes = np.array([x[np.lexsort((x.sum(axis=1), x[:, j]))[0]] for j in range(m)])
    singular_values = np.linalg.svd(extremes, compute_uv=False)
    if singular_values[-1] * _MAX_CONDITION > singular_values[0]:
        normal = np.linalg.solve(extremes, np.ones(m))  # the hyperplane normal . x = 1
        beyond = (1.0 - x @ normal) / np.linalg.norm(normal)  # > 0 on the ideal's side
        best = int(np.argmax(beyond))
        if beyond[best] > _KNEE_TOLERANCE:
            return int(front_rows[best])
    return int(front_rows[int(np.argmin(x.max(axis=1)))])


def knee_trial(study: Study) -> FrozenTrial:
    """The knee (see :func:`knee_point`) among ``study.best_trials``, the Pareto front of the
    study's feasible COMPLETE trials.

    Directions are respected: maximised objectives are negated before the knee is sought.

    Args:
        study: A study with several objectives.

    Returns:
        The knee trial (the lowest number among trials with identical values).

    Raises:
        ValueError: If the study has no feasible COMPLETE trial with finite values.

    Example:
        >>> import ridgeline
        >>> from ridgeline.multi_objective import knee_trial
        >>> study = ridgeline.create_study(directions=["minimize", "maximize"])
        >>> for v in ([0.0, 0.0], [0.1, 0.8], [0.5, 0.9], [1.0, 1.0]):
        ...     _ = study.add_trial(ridgeline.create_trial(values=v))
        >>> knee_trial(study).number
        1
    """
    owner = "knee_trial"
    directions = getattr(study, "directions", None)
    if directions is None or not hasattr(study, "best_trials"):
        raise MultiObjectiveTypeError(
            f"`study` of {owner} must be a ridgeline Study; got {type(study).__name__}."
        )
    signs = direction_signs(list(directions), len(directions), owner)
    trials = [t for t in study.best_trials if t.values is not None]
    points = np.array([t.values for t in trials], dtype=float).reshape(-1, len(signs)) * signs
    if not np.all(np.isfinite(points), axis=1).any():
        raise MultiObjectiveArgumentError(
            f"`study` of {owner} must have a feasible COMPLETE trial with finite values; "
            f"study {getattr(study, 'study_name', '?')!r} has none. Run some trials first."
        )
    return trials[knee_point(points)]
