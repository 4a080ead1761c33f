"""The Matérn-5/2 ARD kernel over mixed numeric and categorical inputs.

Inputs are rows of the unit cube for numeric parameters (log-scaled ones in log space, see
:class:`~ridgeline.search_space.SearchSpaceTransform`) and integer codes for categorical ones.
The scaled squared distance between two rows is

    s(x, x') = sum_numeric (x_j - x'_j)^2 / l_j^2  +  sum_categorical [c_j != c'_j] / l_j^2,

so a categorical mismatch counts like a numeric difference of one lengthscale ``l_j`` (a
Hamming distance with learned weights per parameter), and the kernel is the Matérn-5/2
function of ``r = sqrt(s)`` (Rasmussen & Williams 2006, "Gaussian Processes for Machine
Learning", eq. 4.17, with automatic relevance determination, section 5.1):

    k(x, x') = sigma^2 (1 + sqrt(5) r + 5/3 r^2) exp(-sqrt(5) r).

Matérn-5/2 rather than the squared exponential follows Snoek et al. 2012 ("Practical Bayesian
Optimization of Machine Learning Algorithms"): twice differentiable, without the squared
exponential's unrealistic smoothness.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "matern52",
    "matern52_ds",
    "pairwise_sq_dists",
    "scaled_sq_dist",
]

_SQRT5 = float(np.sqrt(5.0))


def matern52(s: np.ndarray) -> np.ndarray:
    """The unit-variance Matérn-5/2 kernel as a function of the squared scaled distance."""
    u = np.sqrt(_SQRT5**2 * np.maximum(s, 0.0))
    return (1.0 + u + u * u / 3.0) * np.exp(-u)


def matern52_ds(s: np.ndarray) -> np.ndarray:
    """``d matern52 / d s``: with ``u = sqrt(5 s)``, ``-5/6 (1 + u) exp(-u)`` (finite at 0)."""
    u = np.sqrt(5.0 * np.maximum(s, 0.0))
    return -(5.0 / 6.0) * (1.0 + u) * np.exp(-u)


def scaled_sq_dist(
    x1: np.ndarray, x2: np.ndarray, inv_sq_ls: np.ndarray, is_cat: np.ndarray
) -> np.ndarray:
    """``s(x1_i, x2_j)`` for every pair: an ``(n1, n2)`` array (see the module docstring).

    Numeric columns use ``|a|^2 + |b|^2 - 2 a.b`` on scaled rows (one matrix product instead
    of an ``(n1, n2, d)`` difference array); round-off is clipped at 0.
    """
    num = ~is_cat
    out = np.zeros((x1.shape[0], x2.shape[0]))
    if np.any(num):
        w = np.sqrt(inv_sq_ls[num])
        a = x1[:, num] * w
        b = x2[:, num] * w
        out = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
        np.maximum(out, 0.0, out=out)
    for j in np.flatnonzero(is_cat):
        out += inv_sq_ls[j] * (x1[:, j][:, None] != x2[:, j][None, :])
    return out


def pairwise_sq_dists(x: np.ndarray, is_cat: np.ndarray) -> np.ndarray:
    """Per-column squared differences (mismatch indicators for categorical columns) of every
    pair of rows: a ``(d, n, n)`` array, the building block of the hyperparameter gradient."""
    n, d = x.shape
    out = np.empty((d, n, n))
    for j in range(d):
        col = x[:, j]
        if is_cat[j]:
            out[j] = col[:, None] != col[None, :]
        else:
            diff = col[:, None] - col[None, :]
            np.multiply(diff, diff, out=out[j])
    return out
