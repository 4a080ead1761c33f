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
from scipy.special import log_ndtr, logsumexp, ndtr, ndtri

from ridgeline.samplers._tpe._codec import CATEGORICAL, CONTINUOUS, Codec
from ridgeline.samplers._tpe._errors import TPEArgumentError
from ridgeline.samplers._tpe._params import ParzenParams

__all__ = ["Mixture"]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_EPS = 1e-12


def _log_normal_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Phi(b) - Phi(a))`` for ``a <= b``, accurate in both tails."""
    # Reflect intervals lying right of 0 to the left, where log_ndtr keeps precision.
    flip = a > 0
    a2 = np.where(flip, -b, a)
    b2 = np.where(flip, -a, b)
    log_b = log_ndtr(b2)
    log_a = log_ndtr(a2)
    with np.errstate(divide="ignore"):
        return log_b + np.log1p(-np.exp(np.minimum(log_a - log_b, -1e-300)))


class _Dim:
    """One parameter's kernels: centres and widths (numeric) or probability table (categorical)."""

    __slots__ = ("codec", "log_norm", "log_table", "mu", "sigma")

    def __init__(self, codec: Codec) -> None:
        self.codec = codec
        self.mu = np.empty(0)
        self.sigma = np.empty(0)
        self.log_norm = np.empty(0)  # log of the kernel mass inside [0, 1]
        self.log_table = np.empty((0, 0))


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
        n_k = self.n_kernels
        b_min = 1.0 / min(100.0, float(n_k)) if params.consider_magic_clip else 1e-6
        for j, codec in enumerate(codecs):
            dim = _Dim(codec)
            x = observations[:, j]
            if codec.kind == CATEGORICAL:
                dim.log_table = self._categorical_table(codec, names[j], x, use_prior, params)
            else:
                if d > 1:
                    sigma = np.full(n, 0.2 * max(n_k, 1) ** (-1.0 / (d + 4)))
                else:
                    sigma = _neighbour_widths(x, params.consider_endpoints)
                sigma = np.clip(sigma, b_min, 1.0)
                mu = x
                if use_prior:
                    mu = np.append(mu, 0.5)
                    sigma = np.append(sigma, 1.0)
                dim.mu, dim.sigma = mu, sigma
                dim.log_norm = _log_normal_mass(-mu / sigma, (1.0 - mu) / sigma)
            self.dims.append(dim)

    @staticmethod
    def _categorical_table(
        codec: Codec, name: str, x: np.ndarray, use_prior: bool, params: ParzenParams
    ) -> np.ndarray:
        k = codec.n_choices
        index = x.astype(np.int64)
        func = params.distance_funcs.get(name)
        if func is None:
            table = np.full((len(index), k), 1.0 / k)
            table[np.arange(len(index)), index] = 1.0
        else:
            dist = _distance_matrix(codec, name, func)
            table = float(k) ** (-dist[index])
        if use_prior:
            table = np.vstack([table, np.full((1, k), 1.0 / k)])
        table /= table.sum(axis=1, keepdims=True)
        return np.log(np.maximum(table, 1e-300))

    # ------------------------------------------------------------------ sampling
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``(size, d)`` model-space points drawn from the mixture."""
        p = np.exp(self.log_weights)
        kernel = rng.choice(self.n_kernels, size=size, p=p / p.sum())
        out = np.empty((size, len(self.dims)))
        for j, dim in enumerate(self.dims):
            if dim.codec.kind == CATEGORICAL:
                probs = np.exp(dim.log_table[kernel])
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
    def log_pdf(self, points: np.ndarray) -> np.ndarray:
        """Log density (continuous) / log probability (discrete, categorical) of each point."""
        acc = np.broadcast_to(self.log_weights, (len(points), self.n_kernels)).copy()
        for j, dim in enumerate(self.dims):
            x = points[:, j]
            if dim.codec.kind == CATEGORICAL:
                acc += dim.log_table[:, x.astype(np.int64)].T
            elif dim.codec.kind == CONTINUOUS:
                z = (x[:, None] - dim.mu) / dim.sigma
                acc += -0.5 * z * z - np.log(dim.sigma) - _LOG_SQRT_2PI - dim.log_norm
            else:
                a, b = dim.codec.cells(x)
                za = (np.maximum(a, 0.0)[:, None] - dim.mu) / dim.sigma
                zb = (np.minimum(b, 1.0)[:, None] - dim.mu) / dim.sigma
                acc += _log_normal_mass(za, zb) - dim.log_norm
        return np.asarray(logsumexp(acc, axis=1))


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
