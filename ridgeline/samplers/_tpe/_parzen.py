"""Weighted product-kernel Parzen estimators over TPE's model space.

A :class:`Mixture` holds one kernel per observation (plus an optional prior kernel) over one or
more parameters, and a weight per kernel. Each kernel is a product over parameters of

* a normal distribution truncated to ``[0, 1]`` for a continuous parameter;
* the same normal integrated over each grid point's cell for an int or stepped parameter, so
  that a grid point's probability is the kernel mass of its cell (Watanabe 2023, sec. 3.4);
* a categorical distribution for a categorical parameter: the observed choice gets weight 1,
  the others weight ``1 / n_choices`` (an Aitchison-Aitken style smoothing, Watanabe 2023,
  sec. 3.4), or, with a distance function, ``n_choices ** -(d / d_max)``, so that a choice
  near the observed one inherits more of its weight.

With one parameter this is the univariate estimator of Bergstra et al. 2011; with several, the
product kernels of Falkner et al. 2018 (BOHB), which let TPE model interactions.

Bandwidths:

* one parameter (``multivariate=False``): each kernel's width is the larger distance to its
  neighbouring observations (Bergstra et al. 2011), to the bounds as well with
  ``consider_endpoints``;
* several parameters: Scott's rule ``sigma = 0.2 * n ** (-1 / (d + 4))`` on the unit range, one
  width per dimension, shrinking as observations accumulate;
* either way clipped to ``[b_min, 1]``, where the "magic clip" minimum is
  ``1 / min(100, n_kernels)`` (Bergstra et al. 2011; Watanabe 2023, sec. 3.3) so that a few
  close observations cannot collapse the model onto a point; the prior kernel is centred at 0.5
  with width 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from ridgeline.samplers._tpe._codec import CATEGORICAL, CONTINUOUS, Codec
from ridgeline.samplers._tpe._errors import TPEArgumentError
from ridgeline.samplers._tpe._params import ParzenParams

__all__ = ["Mixture"]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_EPS = 1e-12
# The (points, kernels) arrays of log_pdf: single precision halves their memory traffic; the
# log densities stay within ~1e-4 of double precision, far below what separates candidates.
_FLOAT = np.float32


def _log_normal_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Phi(b) - Phi(a))`` for ``a <= b``.

    Intervals right of 0 are reflected to the left, where ``ndtr`` keeps its precision in the
    tail; masses below 1e-300 are floored there (they only ever meet a wider kernel's mass in a
    sum).
    """
    flip = a > 0
    lo = ndtr(np.where(flip, -b, a))
    hi = ndtr(np.where(flip, -a, b))
    return np.log(np.maximum(hi - lo, 1e-300))


def _logsumexp_rows(acc: np.ndarray) -> np.ndarray:
    top = acc.max(axis=1)
    top = np.where(np.isfinite(top), top, 0.0)
    acc -= top[:, None]
    np.exp(acc, out=acc)
    return np.log(acc.sum(axis=1)) + top


class _Dim:
    """One parameter's kernels.

    Numeric: centre ``mu`` and width ``sigma`` per kernel. Kernels that share both (the same
    grid point under a shared width) are evaluated once: ``unique`` maps each kernel to its row
    in ``u_mu``/``u_sigma``/``u_log_norm``. Categorical: each kernel's row index ``row`` into the
    log-probability table ``log_table`` (one row per choice, plus the prior's).
    """

    __slots__ = (
        "codec",
        "inv_sigma",
        "log_table",
        "log_table32",
        "mu",
        "mu_scaled",
        "n_unique_obs",
        "row",
        "sigma",
        "u_log_norm",
        "u_mu",
        "u_sigma",
        "unique",
    )

    def __init__(self, codec: Codec) -> None:
        self.codec = codec
        self.mu = np.empty(0)
        self.sigma = np.empty(0)
        self.inv_sigma = np.empty(0)
        self.mu_scaled = np.empty(0)  # mu / sigma
        self.unique: np.ndarray | None = None
        self.n_unique_obs = 0
        self.u_mu = self.u_sigma = self.u_log_norm = np.empty(0)
        self.row = np.empty(0, dtype=np.int64)
        self.log_table = np.empty((0, 0))
        self.log_table32 = np.empty((0, 0), dtype=_FLOAT)


class Mixture:
    """A weighted mixture of product kernels (see the module docstring).

    Args:
        codecs: One codec per parameter, in column order of ``observations``.
        names: The parameters' names (to find distance functions).
        observations: ``(n, d)`` model-space values of the observations.
        weights: ``(n,)`` non-negative observation weights.
        params: Estimator settings.
    """

    def __init__(
        self,
        codecs: Sequence[Codec],
        names: Sequence[str],
        observations: np.ndarray,
        weights: np.ndarray,
        params: ParzenParams,
    ) -> None:
        n, d = observations.shape
        use_prior = params.consider_prior or n == 0
        w = np.asarray(weights, dtype=float)
        if use_prior:
            w = np.append(w, params.prior_weight if n else 1.0)
        self.n_kernels = len(w)
        self.log_weights = np.log(np.maximum(w / w.sum(), 1e-300))
        self.dims: list[_Dim] = []
        # Per-kernel constants of the log density: log weight minus the continuous kernels'
        # log normalisers.
        self._base = self.log_weights.copy()
        n_k = self.n_kernels
        b_min = 1.0 / min(100.0, float(n_k)) if params.consider_magic_clip else 1e-6
        continuous: list[int] = []
        for j, codec in enumerate(codecs):
            dim = _Dim(codec)
            x = observations[:, j]
            if codec.kind == CATEGORICAL:
                dim.row, dim.log_table = self._categorical(codec, names[j], x, use_prior, params)
                dim.log_table32 = dim.log_table.astype(_FLOAT)
                self.dims.append(dim)
                continue
            shared = d > 1
            if shared:
                sigma = np.full(n, 0.2 * max(n_k, 1) ** (-1.0 / (d + 4)))
            else:
                sigma = _neighbour_widths(x, params.consider_endpoints)
            sigma = np.clip(sigma, b_min, 1.0)
            mu = x
            if use_prior:
                mu = np.append(mu, 0.5)
                sigma = np.append(sigma, 1.0)
            dim.mu, dim.sigma = mu, sigma
            if codec.kind == CONTINUOUS:
                log_norm = _log_normal_mass(-mu / sigma, (1.0 - mu) / sigma)
                self._base -= np.log(sigma) + _LOG_SQRT_2PI + log_norm
                dim.inv_sigma = 1.0 / sigma
                dim.mu_scaled = mu * dim.inv_sigma
                continuous.append(j)
            elif shared and n:
                # One width for all observation kernels: evaluate each grid point once.
                u_obs, inverse = np.unique(x, return_inverse=True)
                dim.n_unique_obs = len(u_obs)
                dim.unique = np.append(inverse, len(u_obs)) if use_prior else inverse
                dim.u_mu = np.append(u_obs, 0.5) if use_prior else u_obs
                dim.u_sigma = np.full(len(dim.u_mu), sigma[0])
                if use_prior:
                    dim.u_sigma[-1] = 1.0
                dim.u_log_norm = _log_normal_mass(
                    -dim.u_mu / dim.u_sigma, (1.0 - dim.u_mu) / dim.u_sigma
                )
            else:
                dim.u_mu, dim.u_sigma = mu, sigma
                dim.u_log_norm = _log_normal_mass(-mu / sigma, (1.0 - mu) / sigma)
            self.dims.append(dim)
        # Several continuous dimensions whose observation kernels share one width each: the
        # squared distances to all kernels come from one matrix product,
        # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b with a = x / sigma and b = mu / sigma.
        self._n_obs = n
        self._continuous = continuous
        self._gemm = d > 1 and n > 0 and len(continuous) > 1
        if self._gemm:
            b = np.column_stack([self.dims[j].mu_scaled[:n] for j in continuous])
            self._b = b.astype(_FLOAT)
            self._b_sq = np.einsum("kd,kd->k", b, b).astype(_FLOAT)

    @staticmethod
    def _categorical(
        codec: Codec, name: str, x: np.ndarray, use_prior: bool, params: ParzenParams
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each kernel's row, and the log-probability table: one row per choice (the kernel
        of an observation of that choice), then the prior's uniform row."""
        k = codec.n_choices
        func = params.distance_funcs.get(name)
        if func is None:
            table = np.full((k, k), 1.0 / k)
            np.fill_diagonal(table, 1.0)
        else:
            table = float(k) ** (-_distance_matrix(codec, name, func))
        table = np.vstack([table, np.full((1, k), 1.0 / k)])
        table /= table.sum(axis=1, keepdims=True)
        row = x.astype(np.int64)
        if use_prior:
            row = np.append(row, k)
        return row, np.log(table)

    # ------------------------------------------------------------------ sampling
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``(size, d)`` model-space points drawn from the mixture."""
        p = np.exp(self.log_weights)
        kernel = rng.choice(self.n_kernels, size=size, p=p / p.sum())
        out = np.empty((size, len(self.dims)))
        for j, dim in enumerate(self.dims):
            if dim.codec.kind == CATEGORICAL:
                probs = np.exp(dim.log_table[dim.row[kernel]])
                cum = np.cumsum(probs, axis=1)
                r = rng.random(size)[:, None] * cum[:, -1:]
                out[:, j] = np.minimum((cum < r).sum(axis=1), dim.codec.n_choices - 1)
                continue
            mu, sigma = dim.mu[kernel], dim.sigma[kernel]
            lo, hi = ndtr(-mu / sigma), ndtr((1.0 - mu) / sigma)
            q = lo + rng.random(size) * (hi - lo)
            z = ndtri(np.clip(q, 1e-16, 1.0 - 1e-16))
            out[:, j] = dim.codec.snap(np.clip(mu + sigma * z, 0.0, 1.0))
        return out

    # ------------------------------------------------------------------ density
    @staticmethod
    def _grid_log_mass(dim: _Dim, x: np.ndarray) -> np.ndarray:
        """Log probability of grid points ``x`` under each kernel: the kernel mass of their
        cells, evaluated once per distinct (grid point, kernel centre and width) pair."""
        cells, inverse = np.unique(x, return_inverse=True)
        a, b = dim.codec.cells(cells)
        u_mu, u_sigma = dim.u_mu, dim.u_sigma
        n_obs = dim.n_unique_obs
        if dim.codec.linear_grid and dim.unique is not None and n_obs > 0:
            # Equal cells and one width: the mass depends only on the offset between the
            # candidate's cell and the kernel's, so Phi is needed at 2 * n_cells + 2 points.
            h = 1.0 / (dim.codec.n_steps + 1) / u_sigma[0]  # cell width in kernel widths
            cand = np.rint(a * (dim.codec.n_steps + 1)).astype(np.int64)
            kern = np.rint(u_mu[:n_obs] * (dim.codec.n_steps + 1) - 0.5).astype(np.int64)
            span = dim.codec.n_steps
            offsets = np.arange(-span, span + 1) * h
            by_offset = _log_normal_mass(offsets - 0.5 * h, offsets + 0.5 * h)
            table = np.empty((len(cells), len(u_mu)))
            table[:, :n_obs] = by_offset[cand[:, None] - kern[None, :] + span]
            if len(u_mu) > n_obs:  # the prior kernel
                za = (a - u_mu[n_obs]) / u_sigma[n_obs]
                zb = (b - u_mu[n_obs]) / u_sigma[n_obs]
                table[:, n_obs] = _log_normal_mass(za, zb)
            table -= dim.u_log_norm
        else:
            za = (np.maximum(a, 0.0)[:, None] - u_mu) / u_sigma
            zb = (np.minimum(b, 1.0)[:, None] - u_mu) / u_sigma
            table = _log_normal_mass(za, zb) - dim.u_log_norm
        table = table[inverse].astype(_FLOAT)
        return table if dim.unique is None else table[:, dim.unique]

    def _squared_distances(self, points: np.ndarray) -> np.ndarray:
        """Sum over continuous dimensions of ``((x - mu) / sigma) ** 2``, ``(points, kernels)``."""
        n = self._n_obs
        a = np.column_stack([points[:, j] * self.dims[j].inv_sigma[0] for j in self._continuous])
        a = a.astype(_FLOAT)
        sq = np.empty((len(points), self.n_kernels), dtype=_FLOAT)
        obs = sq[:, :n]
        np.matmul(a, self._b.T, out=obs)
        obs *= -2.0
        obs += self._b_sq
        obs += np.einsum("cd,cd->c", a, a)[:, None]
        np.maximum(obs, 0.0, out=obs)
        if self.n_kernels > n:  # the prior kernel, with its own width
            z = np.column_stack(
                [
                    points[:, j] * self.dims[j].inv_sigma[n] - self.dims[j].mu_scaled[n]
                    for j in self._continuous
                ]
            )
            sq[:, n] = np.einsum("cd,cd->c", z, z)
        return sq

    def log_pdf(self, points: np.ndarray) -> np.ndarray:
        """Log density (continuous) / log probability (discrete, categorical) of each point.

        Written for few points and many kernels: each dimension adds to one
        ``(points, kernels)`` array in as few passes as it can.
        """
        sq: np.ndarray | None = None  # sum over continuous dimensions of z ** 2
        acc: np.ndarray | None = None  # sum of the other dimensions' log probabilities
        if self._gemm:
            sq = self._squared_distances(points)
        for j, dim in enumerate(self.dims):
            x = points[:, j]
            kind = dim.codec.kind
            if kind == CONTINUOUS:
                if self._gemm:
                    continue
                z = (x[:, None] * dim.inv_sigma).astype(_FLOAT)
                z -= dim.mu_scaled
                z *= z
                if sq is None:
                    sq = z
                else:
                    sq += z
                continue
            if kind == CATEGORICAL:
                term = dim.log_table32[:, x.astype(np.int64)].T[:, dim.row]
            else:
                term = self._grid_log_mass(dim, x)
            if acc is None:
                acc = term
            else:
                acc += term
        if sq is not None:
            sq *= -0.5
            acc = sq if acc is None else acc + sq
        if acc is None:
            acc = np.zeros((len(points), self.n_kernels), dtype=_FLOAT)
        acc += self._base.astype(_FLOAT)
        return _logsumexp_rows(acc).astype(float)


def _neighbour_widths(x: np.ndarray, consider_endpoints: bool) -> np.ndarray:
    """Per-observation width: the larger gap to a neighbouring observation (Bergstra 2011)."""
    n = len(x)
    if n == 0:
        return np.empty(0)
    order = np.argsort(x, kind="stable")
    s = x[order]
    left = np.diff(s, prepend=0.0 if consider_endpoints else np.nan)
    right = np.diff(s, append=1.0 if consider_endpoints else np.nan)
    if n == 1 and not consider_endpoints:
        widths_sorted = np.array([1.0])
    else:
        widths_sorted = np.fmax(left, right)
    widths = np.empty(n)
    widths[order] = widths_sorted
    return np.maximum(widths, _EPS)


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
