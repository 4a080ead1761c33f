"""Weighted product-kernel Parzen estimators over TPE's model space.

A :class:`Mixture` holds one kernel per observation (plus an optional prior kernel) over one or
more parameters, and a weight per kernel. Each kernel is a product over parameters of

* a normal distribution truncated to ``[0, 1]`` for a continuous parameter;
* the same normal integrated over each grid point's cell for an int or stepped parameter, so
  that a grid point's probability is the kernel mass of its cell (Watanabe 2023, sec. 3.4);
* a categorical distribution for a categorical parameter: the observed choice gets weight 1,
  the others ``s = 1 / (n + 1)`` for ``n`` observations (an Aitchison-Aitken style smoothing
  that sharpens as observations accumulate, Watanabe 2023, sec. 3.4), or, with a distance
  function, ``s ** (d / d_max)``, so that a choice near the observed one inherits more of its
  weight.

With one parameter this is the univariate estimator of Bergstra et al. 2011; with several, the
product kernels of Falkner et al. 2018 (BOHB), which let TPE model interactions.

Bandwidths: in each dimension, a kernel's width is the larger distance to its neighbouring
observations in that dimension (Bergstra et al. 2011), to the bounds as well with
``consider_endpoints``, clipped to ``[b_min, 1]``, where the "magic clip" minimum
``1 / min(100, n + 2)`` for ``n`` observations (Bergstra et al. 2011; Watanabe 2023,
sec. 3.3) keeps a few close observations from collapsing the model onto a point. The prior
kernel is centred at 0.5 with width 1. (We also tried one Scott's-rule width per dimension,
``0.2 * n ** (-1 / (d + 4))``, for the multivariate estimator; on our benchmark it explored
too much: Hartmann-6 and Rosenbrock-10 regrets were 1.7x and 5x worse after 100 trials.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from ridgeline.samplers._tpe._codec import CATEGORICAL, CONTINUOUS, Cells, Codec, NumericCodecs
from ridgeline.samplers._tpe._errors import TPEArgumentError
from ridgeline.samplers._tpe._params import ParzenParams

__all__ = ["Mixture"]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_EPS = 1e-12
# Up to this many kernels, log_pdf evaluates all numeric dimensions in one dense pass.
_DENSE_KERNELS = 64
# A discrete parameter's table of cell masses (:class:`_CellMasses`) holds at most this many
# entries (4 MiB in single precision, that of the densities they go into); a grid with more
# cells than that over the current kernels goes without.
_CELL_TABLE_ENTRIES = 1 << 20


def _log_normal_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Phi(b) - Phi(a))`` for ``a <= b``.

    Intervals centred right of 0 are reflected to the left (``[a, b] -> [-b, -a]``, the same
    mass), where ``ndtr`` keeps its precision in the tail; for ``a <= b`` the reflected or
    unchanged ends are ``min(a, -b)`` and ``min(b, -a)``. Masses below 1e-300 are floored
    (they only ever meet a wider kernel's mass in a sum).
    """
    na, nb = -a, -b
    mass = ndtr(np.minimum(b, na, out=na))
    mass -= ndtr(np.minimum(a, nb, out=nb))
    return np.log(np.maximum(mass, 1e-300, out=mass), out=mass)


def _log_truncation(mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """``log`` of each kernel's mass inside [0, 1]; exactly 0 in double precision for kernels
    more than 9 widths from both bounds, which are skipped."""
    out = np.zeros(np.shape(mu))
    near = np.flatnonzero((mu < 9.0 * sigma) | (1.0 - mu < 9.0 * sigma))
    if len(near):  # flat indices: take and put are cheaper than boolean indexing
        m, s = np.take(mu, near), np.take(sigma, near)
        np.put(out, near, _log_normal_mass(-m / s, (1.0 - m) / s))
    return out


def _column_max(acc: np.ndarray, block: int = 32) -> np.ndarray:
    """``acc.max(axis=0)``, faster for tall arrays of short rows: ``block`` rows at a time
    are one long row of a reshaped view, so numpy's reduction runs over long inner loops."""
    k, p = acc.shape
    q = k // block
    if q < 2:
        return acc.max(axis=0)
    top = acc[: q * block].reshape(q, block * p).max(axis=0).reshape(block, p).max(axis=0)
    if q * block < k:
        np.maximum(top, acc[q * block :].max(axis=0), out=top)
    return top


def _logsumexp_columns(acc: np.ndarray) -> np.ndarray:
    """``log(sum(exp(acc), axis=0))``, overwriting ``acc``. For the tall single-precision
    arrays of many kernels the column sums are a product with a vector of ones (one BLAS
    call, faster than a reduction over the outer axis); small double-precision arrays keep
    numpy's order of summation, which near-ties between candidates can depend on."""
    top = _column_max(acc)
    top = np.where(np.isfinite(top), top, 0.0).astype(acc.dtype)
    acc -= top
    np.exp(acc, out=acc)
    if acc.dtype == np.float32:
        return np.log(np.ones(len(acc), dtype=acc.dtype) @ acc) + top
    return np.log(acc.sum(axis=0)) + top


class Mixture:
    """A weighted mixture of product kernels (see the module docstring).

    Kernels are rows: observations first, then the prior kernel (if any). Numeric parameters
    are columns of ``(kernels, numeric parameters)`` arrays of centres and widths; each
    categorical parameter keeps each kernel's row into a small log-probability table.

    Args:
        codecs: One codec per parameter, in column order of ``observations``.
        names: The parameters' names (to find distance functions).
        observations: ``(n, d)`` model-space values of the observations.
        weights: ``(n,)`` non-negative observation weights.
        params: Estimator settings.
        orders: Optionally, ``(n, numeric parameters)`` indices whose column ``i`` sorts the
            observations by numeric parameter ``i`` (stable); computed here when not given.
            Callers that keep observations sorted incrementally pass them to skip the sort.
    """

    def __init__(
        self,
        codecs: Sequence[Codec],
        names: Sequence[str],
        observations: np.ndarray,
        weights: np.ndarray,
        params: ParzenParams,
        orders: np.ndarray | None = None,
    ) -> None:
        n = len(observations)
        self._codecs = codecs
        self._n_obs = n
        self._prior = params.consider_prior or n == 0
        w = np.empty(n + self._prior)
        w[:n] = weights
        if self._prior:
            w[n] = params.prior_weight if n else 1.0
        self.n_kernels = n_k = len(w)
        self.log_weights = np.log(np.maximum(w / w.sum(), 1e-300))
        self._numeric, self._categoricals, self._is_cont, self._group = _layout(codecs)
        # Per-kernel constant of the log density: log weight minus the continuous
        # dimensions' log normalisers.
        self._base = self.log_weights.copy()
        self._dense_base: np.ndarray | None = None  # with the discrete truncation (dense)
        self._sampling: tuple[Any, ...] | None = None  # kept by sample()

        b_min = 1.0 / min(100.0, n + 2.0) if params.consider_magic_clip else 1e-6
        self._fixed_clip = n + 2 >= 100 or not params.consider_magic_clip
        dn = len(self._numeric)
        mu = np.empty((n_k, dn))
        mu[:n] = observations[:, self._numeric]
        sigma = np.empty((n_k, dn))
        # Column i of ``order`` sorts the observations by numeric parameter i; all numeric
        # parameters' widths are set in one pass over the sorted columns.
        if orders is None:
            orders = np.argsort(mu[:n], axis=0, kind="stable")
        self._order = orders.reshape(n, dn)
        # Flat indices of (observation, parameter) in sorted order: take and put on them are
        # several times cheaper than the equivalent 2-d fancy indexing.
        flat = self._order * dn + np.arange(dn)
        self._sorted_mu = mu.take(flat)
        self._sorted_sigma = np.clip(
            _neighbour_widths(self._sorted_mu, params.consider_endpoints), b_min, 1.0
        )
        np.put(sigma, flat, self._sorted_sigma)
        if self._prior:
            mu[n:] = 0.5
            sigma[n:] = 1.0
        self._mu, self._sigma = mu, sigma
        if self._is_cont.any():
            m, sd = mu[:, self._is_cont], sigma[:, self._is_cont]
            self._base -= _row_sums(np.log(sd) + _LOG_SQRT_2PI + _log_truncation(m, sd))
        self._rows: dict[int, np.ndarray] = {}
        self._tables: dict[int, np.ndarray] = {}
        for j in self._categoricals:
            row = np.empty(n_k, dtype=np.int64)
            row[:n] = observations[:, j]
            if self._prior:
                row[n] = codecs[j].n_choices
            self._rows[j] = row
            self._tables[j] = _categorical_table(codecs[j], names[j], params, n)

    # ------------------------------------------------------------------ sampling
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``(size, d)`` model-space points drawn from the mixture."""
        if self._sampling is None:  # made on first use and kept: the good group's estimator
            # lives as long as the good group does, and is sampled from on every trial.
            cum = np.cumsum(np.exp(self.log_weights))
            tables = {j: np.cumsum(np.exp(self._tables[j]), axis=1) for j in self._categoricals}
            mu, sigma = self._mu, self._sigma
            self._sampling = (cum, tables, ndtr(-mu / sigma), ndtr((1.0 - mu) / sigma))
        cum, tables, below, above = self._sampling
        kernel = np.minimum(
            np.searchsorted(cum, rng.random(size) * cum[-1], side="right"), self.n_kernels - 1
        )
        out = np.empty((size, len(self._codecs)))
        for j in self._categoricals:
            cum_p = tables[j][self._rows[j][kernel]]
            r = rng.random(size)[:, None] * cum_p[:, -1:]
            out[:, j] = np.minimum((cum_p < r).sum(axis=1), self._codecs[j].n_choices - 1)
        if self._numeric:
            mu, sigma = self._mu[kernel], self._sigma[kernel]
            lo, hi = below[kernel], above[kernel]
            q = lo + rng.random(mu.shape) * (hi - lo)
            z = ndtri(np.clip(q, 1e-16, 1.0 - 1e-16))
            out[:, self._numeric] = self._group.snap(mu + sigma * z)
        return out

    # ------------------------------------------------------------------ density
    def cells(self, points: np.ndarray) -> Cells:
        """Cell edges and grid indices of the numeric columns of ``points``, to share between
        the estimators that evaluate the same points (see :meth:`log_pdf`)."""
        return self._group.cells(points[:, self._numeric])

    def log_pdf(self, points: np.ndarray, cells: Cells | None = None) -> np.ndarray:
        """Log density (continuous) / log probability (discrete, categorical) of each point.

        The work is a ``(kernels, points)`` array of log kernel values (kernel-major, so that
        every gather copies whole rows), reduced over kernels. Few kernels (the good group's
        estimator): one dense pass over the numeric parameters. Many kernels (the bad
        group's): the continuous parameters reduce to one matrix product, in single
        precision afterwards, and a discrete parameter's values come from a table over its
        distinct (kernel, cell) pairs. Categorical values come from a table over choices.
        """
        if self._numeric and cells is None:
            cells = self.cells(points)
        if self.n_kernels <= _DENSE_KERNELS or self._n_obs == 0:
            acc, const = self._dense(points, cells)
        else:
            acc, const = self._gathered(points), self._base.copy()
            if cells is not None and not self._is_cont.all():
                self._add_grid_log_mass(acc, const, np.flatnonzero(~self._is_cont), cells)
        self._add_categorical(acc, points)
        acc += const.astype(acc.dtype)[:, None]
        return _logsumexp_columns(acc).astype(float)

    def _add_categorical(self, acc: np.ndarray, points: np.ndarray) -> None:
        """Add the categorical parameters' log probabilities: one gather for all of them
        through a joint table over the combinations of choices, when there are few."""
        if not self._categoricals:
            return
        joint = np.zeros((1, len(points)))
        index = np.zeros(self.n_kernels, dtype=np.int64)
        for j in self._categoricals:
            table = self._tables[j][:, points[:, j].astype(np.int64)]  # (rows, points)
            if len(joint) * len(table) > max(64, self.n_kernels // 4):
                acc += table.astype(acc.dtype).take(self._rows[j], axis=0)
                continue
            index = index * len(table) + self._rows[j]
            joint = (joint[:, None, :] + table[None, :, :]).reshape(-1, len(points))
        if len(joint) > 1:
            acc += joint.astype(acc.dtype).take(index, axis=0)

    def _dense(self, points: np.ndarray, cells: Cells | None) -> tuple[np.ndarray, np.ndarray]:
        """``(kernels, points)`` log kernel values over the numeric parameters, and the
        per-kernel constants the caller adds (with the discrete truncation, kept after the
        first call)."""
        acc = np.zeros((self.n_kernels, len(points)))
        cont = self._is_cont
        if self._numeric and cont.any():
            x = points[:, self._numeric][:, cont]
            z = (x[None, :, :] - self._mu[:, None, cont]) / self._sigma[:, None, cont]
            acc -= 0.5 * np.einsum("kpd,kpd->kp", z, z)
        if cells is None or cont.all():
            return acc, self._base
        disc = ~cont
        if self._dense_base is None:
            mu, sd = self._mu[:, disc], self._sigma[:, disc]
            self._dense_base = self._base - _log_truncation(mu, sd).sum(axis=1)
        mu, sd = self._mu[:, None, disc], self._sigma[:, None, disc]
        lo, hi = cells[0][None, :, disc], cells[1][None, :, disc]
        acc += _log_normal_mass((lo - mu) / sd, (hi - mu) / sd).sum(axis=2)
        return acc, self._dense_base

    def _gathered(self, points: np.ndarray) -> np.ndarray:
        """:meth:`_dense` for many kernels, in single precision past the matrix product (log
        densities within ~1e-5 of double precision, far below what separates candidates),
        which halves the memory traffic of the ``(kernels, points)`` arrays."""
        cont = self._is_cont
        if not (self._numeric and cont.any()):
            return np.zeros((self.n_kernels, len(points)), dtype=np.float32)
        # -1/2 sum_d ((x_d - mu_kd) / sigma_kd)^2
        #   = -1/2 sum_d (x_d^2 / sigma_kd^2 - 2 x_d mu_kd / sigma_kd^2 + mu_kd^2 / sigma_kd^2):
        # one matrix product for all kernels and continuous parameters.
        xc = points[:, self._numeric][:, cont]
        sd, mu = self._sigma[:, cont], self._mu[:, cont]
        inv_var = 1.0 / (sd * sd)
        lhs = np.hstack([-0.5 * inv_var, mu * inv_var])
        rhs = np.hstack([xc * xc, xc])
        full = lhs @ rhs.T
        # Added in double precision: the terms are large and cancel near the kernels.
        full -= 0.5 * np.einsum("kd,kd->k", mu * mu, inv_var)[:, None]
        return full.astype(np.float32)

    def _add_grid_log_mass(
        self, acc: np.ndarray, const: np.ndarray, cols: np.ndarray, cells: Cells
    ) -> None:
        """Add the log probability of the points' grid cells in the numeric columns ``cols``
        to ``acc``, and the kernels' log normalisers to ``const``.

        Kernels sit on grid points and their widths are gaps between grid points (or the
        clip), so few (centre, width) pairs are distinct in a column, and the same pairs come
        back trial after trial: each column's codec keeps a table of log cell masses per
        distinct kernel (:class:`_CellMasses`), filled as (kernel, cell) pairs are first met.
        """
        n, n_cols = self._n_obs, len(cols)
        column = np.arange(n_cols)
        # Distinct (centre, width) pairs from the sorted observations: equal centres are
        # adjacent there, and within a run of equal centres only the ends have other widths.
        s_mu = self._sorted_mu[:, cols].T  # (columns, n)
        s_sigma = self._sorted_sigma[:, cols].T
        new = np.empty((n_cols, n + 1), dtype=bool)
        new[:, :1] = True
        new[:, 1:n] = (s_mu[:, 1:] != s_mu[:, :-1]) | (s_sigma[:, 1:] != s_sigma[:, :-1])
        new[:, n] = self._prior  # the prior kernel, last in each column
        centres = np.empty((n_cols, n + 1))
        centres[:, :n], centres[:, n] = s_mu, 0.5
        widths = np.empty((n_cols, n + 1))
        widths[:, :n], widths[:, n] = s_sigma, 1.0
        group = np.cumsum(new).reshape(n_cols, n + 1) - 1  # distinct kernels, numbered across
        kernel_of = np.empty((n_cols, self.n_kernels), dtype=np.int64)
        np.put(kernel_of, self._order[:, cols].T + self.n_kernels * column[:, None], group[:, :n])
        if self._prior:
            kernel_of[:, n] = group[:, n]
        centres, widths = centres[new], widths[new]
        ends = np.cumsum(new.sum(axis=1)).tolist()  # column c's kernels: [ends[c-1], ends[c])
        lo, hi, index = cells
        start = 0
        for c, j in enumerate(cols.tolist()):
            end = ends[c]
            codec = self._codecs[self._numeric[j]]
            # Tables pay once the clip has stopped moving (it changes every clipped kernel's
            # width while n < 98) and for grids that are not too fine.
            masses = _cell_masses(codec, end - start) if self._fixed_clip else None
            mu, sd = centres[start:end], widths[start:end]
            if masses is None:  # every pair afresh
                table = _log_normal_mass(
                    (lo[None, :, j] - mu[:, None]) / sd[:, None],
                    (hi[None, :, j] - mu[:, None]) / sd[:, None],
                )
                truncation = _log_truncation(mu, sd)
            else:
                table, truncation = masses.lookup(mu, sd, index[:, j], lo[:, j], hi[:, j])
            local = kernel_of[c] - start
            acc += table.astype(acc.dtype, copy=False).take(local, axis=0)
            const -= truncation.take(local)
            start = end


class _CellMasses:
    """One discrete parameter's log cell masses per kernel, kept across estimators.

    Row ``r`` is one kernel ``(centre, width)``: its log mass over each grid cell (NaN until
    first needed; single precision) and its log mass inside ``[0, 1]``. An estimator's
    kernels are looked up by their exact ``(centre, width)``, so a value found here is the
    one that would be computed. Kernels recur: a new observation changes its neighbours'
    widths only, and the prior's never changes. When the table is full it starts again empty.
    """

    __slots__ = ("_keys", "_slots", "n_cells", "n_rows", "table", "truncation")

    def __init__(self, n_cells: int) -> None:
        self.n_cells = n_cells
        self._clear()

    def _clear(self) -> None:
        self._keys = np.empty(0, dtype=complex)  # centre + 1j * width, sorted
        self._slots = np.empty(0, dtype=np.int64)  # each key's row
        self.n_rows = 0
        self.table = np.full((16, self.n_cells), np.nan, dtype=np.float32)
        self.truncation = np.empty(16)

    def rows(self, centres: np.ndarray, widths: np.ndarray) -> np.ndarray:
        """The rows of these (distinct) kernels, added if new."""
        keys = centres + 1j * widths
        at = np.searchsorted(self._keys, keys)
        found = at < len(self._keys)
        found[found] = self._keys[at[found]] == keys[found]
        if found.all():
            return self._slots[at]
        fresh = ~found
        if (self.n_rows + int(fresh.sum())) * self.n_cells > _CELL_TABLE_ENTRIES:
            self._clear()  # full: start again
            fresh[:] = True
        first = self.n_rows
        self.n_rows += int(fresh.sum())
        if self.n_rows > len(self.table):
            size = max(self.n_rows, 2 * len(self.table))
            table = np.full((size, self.n_cells), np.nan, dtype=np.float32)
            table[:first] = self.table[:first]
            truncation = np.empty(size)
            truncation[:first] = self.truncation[:first]
            self.table, self.truncation = table, truncation
        rows = np.empty(len(keys), dtype=np.int64)
        rows[fresh] = np.arange(first, self.n_rows)
        rows[~fresh] = self._slots[at[~fresh]]
        self.truncation[first : self.n_rows] = _log_truncation(centres[fresh], widths[fresh])
        order = np.argsort(keys[fresh])
        added, slots = keys[fresh][order], rows[fresh][order]
        at = np.searchsorted(self._keys, added)
        self._keys, self._slots = (
            np.insert(self._keys, at, added),
            np.insert(self._slots, at, slots),
        )
        return rows

    def lookup(
        self,
        centres: np.ndarray,
        widths: np.ndarray,
        index: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(kernels, points)`` log masses of distinct kernels over the points' cells (grid
        indices ``index``, edges ``lo`` and ``hi``), and the kernels' log truncation."""
        rows = self.rows(centres, widths)
        flat = (rows * self.n_cells)[:, None] + index.astype(np.int64)  # into table.ravel()
        table = self.table.take(flat)
        missing = np.isnan(table)
        if missing.any():
            k, p = np.nonzero(missing)
            mu, sd = centres[k], widths[k]
            table[k, p] = values = _log_normal_mass((lo[p] - mu) / sd, (hi[p] - mu) / sd)
            np.put(self.table, flat[k, p], values)
        return table, self.truncation.take(rows)


def _cell_masses(codec: Codec, n_kernels: int) -> _CellMasses | None:
    """The codec's table of cell masses (made on first use), or None for a grid too fine to
    keep one for ``n_kernels`` kernels."""
    n_cells = codec.n_steps + 1
    if 2 * n_kernels * n_cells > _CELL_TABLE_ENTRIES:
        return None
    masses = codec.cache.get("cell_masses")
    if masses is None:
        masses = codec.cache["cell_masses"] = _CellMasses(n_cells)
    return masses


def _row_sums(x: np.ndarray) -> np.ndarray:
    """``x.sum(axis=1)`` for a tall array of few columns, column by column (the same
    additions in the same order, without a reduction's per-row overhead)."""
    out = x[:, 0].copy()
    for i in range(1, x.shape[1]):
        out += x[:, i]
    return out


def _layout(codecs: Sequence[Codec]) -> tuple[list[int], list[int], np.ndarray, NumericCodecs]:
    """The numeric and categorical columns of these codecs, which numeric ones are
    continuous, and their :class:`NumericCodecs`; made once per tuple of codecs and kept in
    the first one's cache (a space's codecs live as long as the sampler's history)."""
    key = ("layout", tuple(codecs))
    layout = codecs[0].cache.get(key) if codecs else None
    if layout is None:
        numeric = [j for j, c in enumerate(codecs) if c.kind != CATEGORICAL]
        categoricals = [j for j, c in enumerate(codecs) if c.kind == CATEGORICAL]
        is_cont = np.array([codecs[j].kind == CONTINUOUS for j in numeric], bool)
        layout = (numeric, categoricals, is_cont, NumericCodecs([codecs[j] for j in numeric]))
        if codecs:
            codecs[0].cache[key] = layout
    return layout


def _categorical_table(codec: Codec, name: str, params: ParzenParams, n_obs: int) -> np.ndarray:
    """Log-probability table of a categorical parameter's kernels: row ``c`` is the kernel of
    an observation of choice ``c``, the last row the prior's (uniform).

    An observation's kernel weighs its own choice 1 and every other ``s = 1 / (n_obs + 1)``
    (Aitchison-Aitken style smoothing that sharpens as observations accumulate; Watanabe
    2023, sec. 3.4), or with a distance function ``s ** (d / d_max)``, so near choices share
    more of the weight.
    """
    k = codec.n_choices
    smoothing = 1.0 / (n_obs + 1)
    func = params.distance_funcs.get(name)
    if func is None:
        # Rows sum to 1 + (k - 1) s; written in closed form, as this runs for every model.
        log_norm = math.log1p((k - 1) * smoothing)
        table = np.full((k + 1, k), math.log(smoothing) - log_norm)
        table[np.arange(k), np.arange(k)] = -log_norm
        table[k] = -math.log(k)
        return table
    distance = codec.cache.get(("distance", func))
    if distance is None:
        distance = codec.cache[("distance", func)] = _distance_matrix(codec, name, func)
    table = smoothing**distance
    table = np.vstack([table, np.full((1, k), 1.0 / k)])
    table /= table.sum(axis=1, keepdims=True)
    return np.log(table)


def _neighbour_widths(s: np.ndarray, consider_endpoints: bool) -> np.ndarray:
    """For values ``s`` sorted along axis 0 (one column per parameter): each one's larger gap
    to a neighbour (Bergstra et al. 2011), the bounds 0 and 1 counting as neighbours with
    ``consider_endpoints``; a lone value without them gets the whole range."""
    n = len(s)
    if n == 0:
        return np.empty_like(s)
    if n == 1:
        return np.maximum(s, 1.0 - s) if consider_endpoints else np.ones_like(s)
    gaps = np.diff(s, axis=0)
    widths = np.empty_like(s)
    np.maximum(gaps[:-1], gaps[1:], out=widths[1:-1])
    widths[0], widths[-1] = gaps[0], gaps[-1]
    if consider_endpoints:
        np.maximum(widths[0], s[0], out=widths[0])
        np.maximum(widths[-1], 1.0 - s[-1], out=widths[-1])
    return np.maximum(widths, _EPS, out=widths)


def _distance_matrix(codec: Codec, name: str, func: Callable[[Any, Any], float]) -> np.ndarray:
    """Pairwise distances between choices, scaled so the largest is 1."""
    k = codec.n_choices
    dist = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            if i != j:
                value = func(codec.choices[i], codec.choices[j])
                try:
                    dist[i, j] = float(value)
                except (TypeError, ValueError):
                    dist[i, j] = np.nan
                if not np.isfinite(dist[i, j]) or dist[i, j] < 0:
                    raise TPEArgumentError(
                        f"`categorical_distance_func[{name!r}]` of TPESampler must return a "
                        f"finite non-negative distance; got {value!r} for "
                        f"({codec.choices[i]!r}, {codec.choices[j]!r})."
                    )
    top = dist.max()
    return dist / top if top > 0 else dist
