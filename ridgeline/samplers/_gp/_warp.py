"""The output transform: objective values to the GP's scale and back.

Values are first turned into a minimisation (negated for ``maximize``), standardised, passed
through a Yeo-Johnson power transform (Yeo & Johnson 2000, "A new family of power
transformations to improve normality or symmetry") whose exponent is fitted by maximum
likelihood, and standardised again. Cowen-Rivers et al. 2022 ("HEBO: Pushing the Limits of
Sample-Efficient Hyperparameter Optimisation") found such output warping to matter most among
their changes to GP-based BO: hyperparameter objectives are skewed (a few diverged runs with
huge losses), and a Gaussian model of the raw values spends its flexibility on the outliers.
The transform is monotone, so the best observation stays the best.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["OutputTransform", "yeo_johnson", "yeo_johnson_inverse"]

_LAMBDA_BOUNDS = (-2.0, 3.0)


def yeo_johnson(x: np.ndarray, lam: float) -> np.ndarray:
    """The Yeo-Johnson transform of ``x`` with exponent ``lam``."""
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    xp, xn = x[pos], x[~pos]
    if abs(lam) < 1e-8:
        out[pos] = np.log1p(xp)
    else:
        out[pos] = np.expm1(lam * np.log1p(xp)) / lam
    if abs(lam - 2.0) < 1e-8:
        out[~pos] = -np.log1p(-xn)
    else:
        out[~pos] = -np.expm1((2.0 - lam) * np.log1p(-xn)) / (2.0 - lam)
    return out


def yeo_johnson_inverse(z: np.ndarray, lam: float) -> np.ndarray:
    """The inverse of :func:`yeo_johnson`; values beyond the transform's range (it is bounded
    on one side when ``lam < 0`` or ``lam > 2``) map to the largest finite values."""
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    zp, zn = z[pos], z[~pos]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if abs(lam) < 1e-8:
            out[pos] = np.expm1(zp)
        else:
            base = np.maximum(1.0 + lam * zp, 1e-300)
            out[pos] = np.expm1(np.log(base) / lam)
        if abs(lam - 2.0) < 1e-8:
            out[~pos] = -np.expm1(-zn)
        else:
            base = np.maximum(1.0 - (2.0 - lam) * zn, 1e-300)
            out[~pos] = -np.expm1(np.log(base) / (2.0 - lam))
    return np.nan_to_num(out, nan=0.0, posinf=np.finfo(float).max, neginf=-np.finfo(float).max)


def _neg_log_likelihood(lam: float, x: np.ndarray) -> float:
    """Negative profile log-likelihood of ``lam`` under a normal model of the transformed
    values (Yeo & Johnson 2000, section 3): variance term plus the Jacobian."""
    t = yeo_johnson(x, lam)
    var = float(np.var(t))
    if not math.isfinite(var) or var <= 0:
        return math.inf
    jac = (lam - 1.0) * float(np.sum(np.sign(x) * np.log1p(np.abs(x))))
    return 0.5 * len(x) * math.log(var) - jac


class OutputTransform:
    """Fitted map from objective values (minimisation sense) to the GP's scale.

    Args:
        values: Finite observed values, already negated for ``maximize``.
        power: Fit the Yeo-Johnson exponent (else it is 1: plain standardisation).
    """

    def __init__(self, values: np.ndarray, *, power: bool = True) -> None:
        v = np.asarray(values, dtype=float)
        self.loc1, self.scale1 = _loc_scale(v)
        u = (v - self.loc1) / self.scale1
        self.lam = 1.0
        if power and len(v) >= 4 and np.ptp(u) > 0:
            from scipy.optimize import minimize_scalar

            result = minimize_scalar(
                _neg_log_likelihood, bounds=_LAMBDA_BOUNDS, args=(u,), method="bounded"
            )
            # Keep the identity unless the power transform is clearly more likely.
            if result.fun < _neg_log_likelihood(1.0, u) - 1.0:
                self.lam = float(result.x)
        w = yeo_johnson(u, self.lam)
        self.loc2, self.scale2 = _loc_scale(w)

    def forward(self, values: np.ndarray) -> np.ndarray:
        u = (np.asarray(values, dtype=float) - self.loc1) / self.scale1
        return (yeo_johnson(u, self.lam) - self.loc2) / self.scale2

    def inverse(self, z: np.ndarray) -> np.ndarray:
        w = np.asarray(z, dtype=float) * self.scale2 + self.loc2
        return yeo_johnson_inverse(w, self.lam) * self.scale1 + self.loc1

    def forward_threshold(self, value: float) -> float:
        return float(self.forward(np.array([value]))[0])


def _loc_scale(v: np.ndarray) -> tuple[float, float]:
    if len(v) == 0:
        return 0.0, 1.0
    loc = float(np.mean(v))
    scale = float(np.std(v))
    if not math.isfinite(scale) or scale <= 1e-12 * max(1.0, abs(loc)):
        scale = 1.0
    return loc, scale
