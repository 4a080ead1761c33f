"""A study's finished trials as arrays that only grow, and the good/bad split over them.

Finished trials never change, so :class:`History` looks at each one once (through a
:class:`~ridgeline.search_space.FinishedTrialCursor`) and appends what TPE needs to growing
arrays: its rank keys, and per parameter and distribution its model-space value. Asking for a
suggestion at trial 10,000 costs the new trials plus vectorised work over the arrays, never a
Python loop over the history.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ridgeline.distributions import BaseDistribution
from ridgeline.samplers._constraints import total_violation
from ridgeline.samplers._tpe._codec import CATEGORICAL, Codec
from ridgeline.search_space._group import SearchSpaceGroup
from ridgeline.search_space._intersection import FinishedTrialCursor, _intersect
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

__all__ = ["History"]


class _Grow:
    """A 1-d (or 2-d, rows growing) numpy array with amortised O(1) appends."""

    __slots__ = ("_data", "n")

    def __init__(self, dtype: Any, width: int | None = None) -> None:
        shape = (16,) if width is None else (16, width)
        self._data = np.empty(shape, dtype=dtype)
        self.n = 0

    def append(self, value: Any) -> None:
        if self.n == len(self._data):
            grown = np.empty((2 * len(self._data), *self._data.shape[1:]), self._data.dtype)
            grown[: self.n] = self._data[: self.n]
            self._data = grown
        self._data[self.n] = value
        self.n += 1

    def extend(self, values: np.ndarray) -> None:
        need = self.n + len(values)
        if need > len(self._data):
            size = max(need, 2 * len(self._data))
            grown = np.empty((size, *self._data.shape[1:]), self._data.dtype)
            grown[: self.n] = self._data[: self.n]
            self._data = grown
        self._data[self.n : need] = values
        self.n = need

    @property
    def view(self) -> np.ndarray:
        return self._data[: self.n]


class Column:
    """One parameter under one distribution: model-space value per history row, and the rows
    sorted by that value (kept sorted as rows arrive, so estimators need not sort)."""

    __slots__ = ("_order", "_sorted", "_sorted_u", "codec", "mask", "u")

    def __init__(self, codec: Codec) -> None:
        self.codec = codec
        self.mask = _Grow(bool)  # the row has the parameter, with a value the codec accepts
        self.u = _Grow(float)
        self._sorted = codec.kind != CATEGORICAL  # estimators sort numeric columns only
        self._order = np.empty(16, dtype=np.int64)
        self._sorted_u = np.empty(16)

    @property
    def order(self) -> np.ndarray:
        """Row indices sorted by value (ties by row), over every row (check ``mask``).

        Numeric columns keep it as rows arrive; categorical ones sort on request."""
        if not self._sorted:
            return np.argsort(self.u.view, kind="stable")
        return self._order[: self.u.n]

    def _insert(self, row: int, value: float) -> None:
        n = row  # rows before this one are in the order already
        if n == len(self._order):
            self._order = np.concatenate([self._order, np.empty(n, dtype=np.int64)])
            self._sorted_u = np.concatenate([self._sorted_u, np.empty(n)])
        at = int(np.searchsorted(self._sorted_u[:n], value, side="right"))
        self._order[at + 1 : n + 1] = self._order[at:n]  # numpy copies overlapping slices safely
        self._sorted_u[at + 1 : n + 1] = self._sorted_u[at:n]
        self._order[at] = row
        self._sorted_u[at] = value

    def _resort(self) -> None:
        u = self.u.view
        order = np.argsort(u, kind="stable")
        size = max(16, 2 * len(u))
        self._order = np.empty(size, dtype=np.int64)
        self._sorted_u = np.empty(size)
        self._order[: len(u)] = order
        self._sorted_u[: len(u)] = u[order]

    def add(self, trials: Sequence[FrozenTrial], name: str) -> None:
        if len(trials) == 1:  # the common case: one trial finished since the last update
            params = trials[0]._params
            if name in params:
                value, ok = self.codec.encode_one(params[name])
                value = value if ok else 0.0
            else:
                value, ok = 0.0, False
            self.mask.append(ok)
            self.u.append(value)
            if self._sorted:
                self._insert(self.u.n - 1, value)
            return
        present = [t._params.get(name, None) for t in trials]
        has = np.array([name in t._params for t in trials], dtype=bool)
        u, valid = self.codec.encode(present)
        self.mask.extend(has & valid)
        self.u.extend(np.where(has & valid, u, 0.0))
        if self._sorted:
            self._resort()


class History:
    """The COMPLETE and PRUNED trials of one study, in arrival order, as arrays.

    Args:
        directions: The study's directions (values are stored minimisation-oriented).
        use_constraints: Whether trials carry constraint values (``constraints_func``).
    """

    def __init__(self, directions: Sequence[StudyDirection], use_constraints: bool) -> None:
        self.cursor = FinishedTrialCursor()
        self.signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
        self.use_constraints = use_constraints
        self.trials: list[FrozenTrial] = []
        self.numbers = _Grow(np.int64)
        self.pruned = _Grow(bool)
        self.neg_step = _Grow(float)  # minus the last reported step of pruned trials
        self.scores = _Grow(float, len(directions))  # minimisation-oriented values
        self.violation = _Grow(float)
        self.columns: dict[tuple[str, BaseDistribution], Column] = {}
        self.intersection: dict[str, BaseDistribution] | None = None
        self.groups = SearchSpaceGroup()
        self._below_cache: tuple[int, int, np.ndarray, tuple[float, ...] | None] | None = None
        self._weights_cache: tuple[int, int, np.ndarray] | None = None
        # The sampler's per-space models kept between trials (see TPESampler._sample).
        self.models: dict[tuple[Column, ...], Any] = {}

    @property
    def n(self) -> int:
        return len(self.trials)

    # ------------------------------------------------------------------ updating
    def update(self, study: Any) -> list[FrozenTrial]:
        """Fold in trials finished since the last call; return the unfinished ones."""
        new, pending = self.cursor.advance(study)
        rows = [t for t in new if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
        if rows:
            for trial in rows:
                self._add_row(trial)
            for (name, _), column in self.columns.items():
                column.add(rows, name)
        return pending

    def _add_row(self, trial: FrozenTrial) -> None:
        self.trials.append(trial)
        self.numbers.append(trial._number)
        m = len(self.signs)
        if trial.state == TrialState.COMPLETE and trial._values is not None:
            self.pruned.append(False)
            self.neg_step.append(0.0)
            self.scores.append(np.asarray(trial._values, dtype=float) * self.signs)
        else:
            self.pruned.append(True)
            score = math.inf
            neg_step = 1.0  # without any report: after every pruned trial that reported
            if trial._intermediate_values and m == 1:
                step = max(trial._intermediate_values)
                value = trial._intermediate_values[step]
                neg_step = -float(step)
                # As a finished trial's value: +-inf rank as such, NaN (no value) as worst.
                score = math.inf if math.isnan(value) else value * self.signs[0]
            self.neg_step.append(neg_step)
            self.scores.append(np.full(m, score))
        self.violation.append(self._violation(trial))
        self.intersection = _intersect(self.intersection, trial._distributions)
        self.groups.add_distributions(trial._distributions)

    def _violation(self, trial: FrozenTrial) -> float:
        return total_violation(trial) if self.use_constraints else 0.0

    def column(self, name: str, dist: BaseDistribution) -> Column:
        """The column of ``name`` under ``dist``, built over the whole history on first use."""
        key = (name, dist)
        column = self.columns.get(key)
        if column is None:
            column = Column(Codec(dist))
            column.add(self.trials, name)
            self.columns[key] = column
        return column

    # ------------------------------------------------------------------ ranking
    def below_mask(self, n_below: int) -> np.ndarray:
        """Boolean mask of the ``n_below`` best rows (cached until the history grows).

        Best first: feasible before infeasible (by total violation), COMPLETE before PRUNED,
        pruned trials by the last step they reached (later first) and then by their value
        there (Optuna's convention); COMPLETE trials by value, or for several objectives by
        non-domination rank (Deb et al. 2002), the last front cut by the sum of per-objective
        ranks within it. Ties go to the older trial.
        """
        cached = self._below_cache
        n = self.n
        if cached is not None and cached[1] == n_below:
            if cached[0] == n:
                return cached[2]
            # One objective: rows that rank after the worst good row leave the group as it
            # is (the common case once the group is full), without sorting every row again.
            cutoff = cached[3]
            if cutoff is not None and all(self._key(i) > cutoff for i in range(cached[0], n)):
                mask = np.zeros(n, dtype=bool)
                mask[: cached[0]] = cached[2]
                self._below_cache = (n, n_below, mask, cutoff)
                return mask
        mask = np.zeros(n, dtype=bool)
        cutoff = None
        if n_below > 0 and n > 0:
            order = self._order(n_below)
            mask[order[:n_below]] = True
            if self.scores.view.shape[1] == 1 and n_below < n:
                cutoff = self._key(int(order[n_below - 1]))
        self._below_cache = (n, n_below, mask, cutoff)
        return mask

    def improvements(self, below: np.ndarray) -> np.ndarray | None:
        """One objective: :func:`gains_over_rest` of the rows' values, complete feasible rows
        being the usable ones."""
        usable = ~self.pruned.view & (self.violation.view <= 0)
        return gains_over_rest(self.scores.view[:, 0], below, usable)

    def _key(self, row: int) -> tuple[float, ...]:
        """Row ``row``'s sort key in :meth:`_order` (one objective), most significant first."""
        violation = float(self.violation.view[row])
        return (
            float(violation > 0),
            violation,
            float(self.pruned.view[row]),
            float(self.neg_step.view[row]),
            float(self.scores.view[row, 0]),
            float(self.numbers.view[row]),
        )

    def below_weights(self, n_below: int) -> np.ndarray:
        """For several objectives: ``(n,)`` weights of the good group's rows by hypervolume
        contribution (see :func:`hypervolume_weights`; pruned and infeasible rows get the
        floor), 0 elsewhere; cached like :meth:`below_mask`."""
        cached = self._weights_cache
        if cached is not None and cached[0] == self.n and cached[1] == n_below:
            return cached[2]
        rows = np.flatnonzero(self.below_mask(n_below))
        points = self.scores.view[rows].copy()
        points[(self.violation.view[rows] > 0) | self.pruned.view[rows]] = np.inf
        weights = np.zeros(self.n)
        weights[rows] = hypervolume_weights(points)
        self._weights_cache = (self.n, n_below, weights)
        return weights

    def _order(self, n_below: int) -> np.ndarray:
        violation = self.violation.view
        infeasible = violation > 0
        pruned = self.pruned.view
        scores = self.scores.view
        numbers = self.numbers.view
        if scores.shape[1] == 1:
            primary = scores[:, 0]
        else:
            primary = np.full(self.n, np.inf)
            candidates = np.flatnonzero(~infeasible & ~pruned)
            primary[candidates] = _front_keys(scores[candidates], n_below)
        return np.lexsort((numbers, primary, self.neg_step.view, pruned, violation, infeasible))


def gains_over_rest(scores: np.ndarray, below: np.ndarray, usable: np.ndarray) -> np.ndarray | None:
    """How far each good row's value (to minimise; ``below`` marks the good rows) is below the
    best value of the other usable rows: ``(len(scores),)``, 0 for a tie and outside the good
    group. None when the good group is empty or holds a row that is not usable, when no other
    row is usable, or when either side's values are not finite."""
    if not below.any() or not usable[below].all():
        return None
    rest = scores[usable & ~below]
    good = scores[below]
    if not len(rest) or not math.isfinite(threshold := float(rest.min())):
        return None
    if not np.isfinite(good).all():
        return None
    gains = np.zeros(len(scores))
    gains[below] = np.maximum(threshold - good, 0.0)
    return gains


def _front_keys(points: np.ndarray, n_needed: int) -> np.ndarray:
    """Sort keys for multi-objective points (to minimise): the non-domination rank (Deb et
    al. 2002), and inside the front that does not fit whole into the ``n_needed`` best, the
    members a greedy hypervolume subset selection keeps first (Ozaki et al. 2022,
    "Multiobjective tree-structured Parzen estimator", JAIR 73, sec. 4.1)."""
    from ridgeline.multi_objective import nondominated_ranks

    ranks = nondominated_ranks(points)
    keys = ranks.astype(float)
    if n_needed <= 0 or not len(points):
        return keys
    counts = np.bincount(ranks)
    before = np.cumsum(counts) - counts  # points in better fronts
    k = int(np.searchsorted(before + counts, n_needed))  # the front that reaches n_needed
    if k >= len(counts) or before[k] + counts[k] == n_needed:
        return keys  # whole fronts fill the good group exactly (or there are too few points)
    members = np.flatnonzero(ranks == k)
    keep = _hypervolume_subset(points[members], n_needed - int(before[k]))
    keys[members] = k + 0.5
    # Kept members in selection order inside [k, k + 0.5); the rest of the front after.
    keys[members[keep]] = k + (np.arange(len(keep)) + 1.0) / (2.0 * (len(keep) + 1.0))
    return keys


def reference_point_of(points: np.ndarray) -> np.ndarray:
    """A reference point every row of ``points`` (finite) strictly dominates: the worst value
    per objective plus a tenth of the range."""
    from ridgeline.multi_objective._hypervolume import nadir_plus_margin

    return nadir_plus_margin(points, 0.1)


# At most this many elimination steps in the subset selection, in two objectives (where a
# contributions call is cheap); bigger fronts, and fronts in three or more objectives, are
# cut by one-shot contributions first.
_MAX_ELIMINATIONS = 16


def _hypervolume_subset(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` rows of ``points`` (one front, to minimise) that keep a large
    hypervolume, best first. Two objectives: the row with the smallest exclusive contribution
    is dropped, one at a time (the greedy scheme of SMS-EMOA, Beume et al. 2007). Three or
    more, where each contributions call costs far more: the ``k`` rows with the largest
    exclusive contributions in the whole front."""
    from ridgeline.multi_objective import hypervolume_contributions

    n = len(points)
    if k >= n:
        return np.arange(n)
    finite = np.isfinite(points).all(axis=1)
    alive = np.flatnonzero(finite)
    if len(alive) <= k:  # infinite values: finite rows first, then in order
        return np.concatenate([alive, np.flatnonzero(~finite)])[:k]
    ref = reference_point_of(points[alive])
    steps = _MAX_ELIMINATIONS if points.shape[1] == 2 else 0
    if len(alive) - k > steps:
        contrib = hypervolume_contributions(points[alive], ref)
        alive = alive[np.argsort(-contrib, kind="stable")[: k + steps]]
    while len(alive) > k:
        contrib = hypervolume_contributions(points[alive], ref)
        alive = np.delete(alive, int(np.argmin(contrib)))
    contrib = hypervolume_contributions(points[alive], ref)
    return alive[np.argsort(-contrib, kind="stable")]


def hypervolume_weights(points: np.ndarray) -> np.ndarray:
    """Weights of the good group's observations in a multi-objective study: proportional to
    each point's exclusive hypervolume contribution within the group (Ozaki et al. 2022,
    sec. 4.2), so the estimator centres on the points that shape the front; scaled to mean 1
    (as the single-objective weights), with a floor of 1e-3 of the largest so that points the
    others dominate are kept, but barely. Rows with non-finite values get the floor."""
    from ridgeline.multi_objective import hypervolume_contributions

    n = len(points)
    weights = np.full(n, 1e-3)
    finite = np.isfinite(points).all(axis=1)
    if finite.sum() >= 1:
        contrib = hypervolume_contributions(points[finite], reference_point_of(points[finite]))
        top = float(contrib.max()) if len(contrib) else 0.0
        if top > 0:
            weights[finite] = np.maximum(contrib / top, 1e-3)
        else:
            weights[finite] = 1.0
    return weights * (n / weights.sum())


def encode_pending(
    column: Column, name: str, trials: Sequence[FrozenTrial]
) -> tuple[np.ndarray, np.ndarray]:
    """Model-space values of ``name`` in running trials that have it (for constant liar)."""
    having = [t._params[name] for t in trials if name in t._params]
    if not having:
        return np.empty(0), np.empty(0, dtype=bool)
    return column.codec.encode(having)


def params_of(trials: Sequence[FrozenTrial]) -> list[Mapping[str, Any]]:
    return [t._params for t in trials]
