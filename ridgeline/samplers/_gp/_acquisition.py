"""Acquisition functions over a GP posterior, with derivatives in the mean and the std.

Every function takes the posterior ``mean`` and ``std`` of candidates on the model's scale,
where *lower is better* (the objective as a minimisation, standardised), and the ``best``
(lowest) observed value on that scale. It returns ``(score, d score / d mean, d score / d
std)``; higher scores are better. The optimiser chains the derivatives with those of the
posterior to move candidates (:mod:`._optimize`).

* ``log_ei``: the logarithm of expected improvement, computed without the underflow that
  makes EI flat (zero gradient) away from the incumbent: Ament et al. 2023 ("Unexpected
  Improvements to Expected Improvement for Bayesian Optimization"), eq. 9.
* ``ei``: expected improvement (Jones et al. 1998), ``std * h(z)`` with
  ``h(z) = z Phi(z) + phi(z)`` and ``z = (best - mean) / std``.
* ``log_pi``: the logarithm of the probability of improvement ``Phi(z)`` (same maximiser as
  PI, better conditioned).
* ``ucb``: the confidence bound ``-(mean - sqrt(beta) std)`` (Srinivas et al. 2010), i.e.
  the upper bound for a maximisation, in the lower-is-better sense here.
* ``log_pof``: log probability that a constraint modelled by a GP is satisfied (value at most
  ``threshold``), the feasibility weight of Gardner et al. 2014 ("Bayesian Optimization with
  Inequality Constraints").
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["ei", "log_ei", "log_h", "log_pi", "log_pof", "ucb"]

_C1 = 0.5 * math.log(2.0 * math.pi)
_C2 = 0.5 * math.log(0.5 * math.pi)
_EPS = float(np.finfo(float).eps)

Triple = tuple[np.ndarray, np.ndarray, np.ndarray]


def _log1mexp(x: np.ndarray) -> np.ndarray:
    """``log(1 - exp(x))`` for ``x < 0``, accurate at both ends (Mächler 2012)."""
    return np.where(x > -math.log(2.0), np.log(-np.expm1(x)), np.log1p(-np.exp(x)))


def log_h(z: np.ndarray) -> np.ndarray:
    """``log(z Phi(z) + phi(z))``, stable for every ``z`` (Ament et al. 2023, eq. 9)."""
    from scipy.special import erfcx, log_ndtr

    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    out[upper] = np.log(zu * np.exp(log_ndtr(zu)) + np.exp(-0.5 * zu * zu - _C1))
    mid = ~upper & (z > -1.0 / math.sqrt(_EPS))
    zm = z[mid]
    out[mid] = -0.5 * zm * zm - _C1 + _log1mexp(np.log(erfcx(-zm / math.sqrt(2.0)) * -zm) + _C2)
    far = ~upper & ~mid
    zf = z[far]
    out[far] = -0.5 * zf * zf - _C1 - 2.0 * np.log(-zf)
    return out


def log_ei(mean: np.ndarray, std: np.ndarray, best: float) -> Triple:
    """``log EI = log std + log h(z)``; ``d log h / dz = Phi(z) / h(z)`` since ``h' = Phi``."""
    from scipy.special import log_ndtr

    z = (best - mean) / std
    lh = log_h(z)
    g = np.exp(log_ndtr(z) - lh)
    return np.log(std) + lh, -g / std, (1.0 - g * z) / std


def ei(mean: np.ndarray, std: np.ndarray, best: float) -> Triple:
    """Expected improvement; ``dEI/dmean = -Phi(z)``, ``dEI/dstd = phi(z)``."""
    from scipy.special import ndtr

    z = (best - mean) / std
    phi = np.exp(-0.5 * z * z - _C1)
    cdf = ndtr(z)
    return std * (z * cdf + phi), -cdf, phi


def log_pi(mean: np.ndarray, std: np.ndarray, best: float) -> Triple:
    """Log probability of improvement, with the inverse Mills ratio as its slope."""
    return log_pof(mean, std, best)


def ucb(mean: np.ndarray, std: np.ndarray, beta: float) -> Triple:
    """``sqrt(beta) std - mean``: optimism in the face of uncertainty."""
    root = math.sqrt(beta)
    return root * std - mean, -np.ones_like(mean), np.full_like(std, root)


def log_pof(mean: np.ndarray, std: np.ndarray, threshold: float) -> Triple:
    """``log P(f <= threshold)`` under ``N(mean, std^2)``, with its derivatives."""
    from scipy.special import log_ndtr

    z = (threshold - mean) / std
    lp = log_ndtr(z)
    mills = np.exp(-0.5 * z * z - _C1 - lp)  # phi(z) / Phi(z), finite for every z
    return lp, -mills / std, -mills * z / std
