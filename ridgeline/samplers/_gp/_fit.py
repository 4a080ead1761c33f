"""Kernel hyperparameters by maximum a posteriori: log marginal likelihood plus log priors.

The parameters are optimised in log space, ``theta = [log l_1..log l_d, log sigma^2,
log noise]`` (the noise is left out with ``deterministic=True``, where it is fixed tiny), by
L-BFGS-B with the analytic gradient of Rasmussen & Williams 2006, eq. 5.9:

    d log p(y | theta) / d theta_j = 1/2 tr((alpha alpha^T - K^-1) dK/d theta_j).

Priors (on the model's scale: unit-cube inputs, standardised outputs):

* lengthscales: a prior centred on ``m(d) = sqrt(d / 2) / 3`` of the cube for ``d``
  parameters (1/3 for 2, 0.58 for 6, 0.75 for 10), with
  ``-log p(l) = 0.1 * ((l / m)^2 + (m / l)^2)``: nearly flat within a factor of about 2 of
  ``m``, steep beyond a factor of 3 (the shape Optuna's GPSampler puts on ``1 / l^2``, there
  centred on 1 for every ``d``). Growing the expected lengthscale like ``sqrt(d)`` follows
  Hvarfner et al. 2024 ("Vanilla Bayesian Optimization Performs Great in High Dimensions"):
  the same number of points covers a 10-d cube far more thinly than a 2-d one, so a model
  that keeps 2-d lengthscales in 10-d reverts to the mean between the points and its
  acquisition explores instead of following the trend. On our benchmark
  (``benchmarks/RESULTS.md``, "A lengthscale prior that grows with the dimension"), after
  100 evaluations levy10's regret fell from 0.077 to 0.042 and from 0.078 to 0.044 on two
  sets of 5 seeds, where the GP had trailed CMA-ES and Optuna's GP; styblinski_tang10 and
  rosenbrock10 lost a little (there the GP stays far ahead of the other samplers); ackley10
  went from 0.61 to 0.29 on one seed set and from 0.42 to 0.50 on the other; the
  scikit-learn tasks were level within the noise. Two alternatives are kept for comparison
  under ``PRIORS["lengthscale"]``:

  - ``"gamma"``: ``Gamma(3, 6)`` on each lengthscale (mode 1/3, mean 1/2 of the cube for
    every ``d``), the common BO default (BoTorch's for years) and ours before;
  - ``"hvarfner"``: Hvarfner's own log-normal, ``log l ~ N(sqrt(2) + log(d) / 2,
    sqrt(3))``, which expects lengthscales of 6-13 cube widths for 2-10 parameters. On our
    benchmark (8 synthetic problems, 50 evaluations, 3 seeds) its nearly linear early models
    sent proposals to the corners: mean normalised regret 0.17 on hartmann6 / rosenbrock10 /
    styblinski_tang10 / mixed against 0.07 with the gamma prior. It is designed for budgets
    of hundreds of evaluations in dozens of dimensions, not the tens of evaluations in a
    handful that HPO usually has;
* signal variance: ``log sigma^2 ~ N(0, 1)``: outputs are standardised, so about 1;
* noise variance: exponential with mean 1/30 of the output variance, floored at 1e-6: it
  penalises large noise but lets a deterministic objective be interpolated (a log-normal
  prior around 0.02, BoTorch's current choice, held the noise away from the floor: mean
  regret 0.24 against 0.17 on the same four problems, both with the log-normal lengthscale
  prior; ``PRIORS["noise"] = "lognormal"``).

The first fit runs from the prior's mode and a few draws from the prior; later fits start from
the previous optimum (the posterior moves little when a few points are added).
"""

from __future__ import annotations

import math

import numpy as np

from ridgeline.samplers._gp._kernel import matern52, matern52_ds, pairwise_sq_dists
from ridgeline.samplers._gp._model import GPParams, cholesky

__all__ = ["NOISE_FLOOR", "fit_params", "neg_log_posterior", "prior_mode"]

NOISE_FLOOR = 1e-6
_LS_BOUNDS = (math.log(5e-3), math.log(1e3))
_SIGNAL_BOUNDS = (math.log(1e-2), math.log(1e2))
_NOISE_BOUNDS = (math.log(NOISE_FLOOR), math.log(2.0))
_SIGNAL_PRIOR = (0.0, 1.0)
_NOISE_PRIOR = (-4.0, 1.0)


def _ls_prior(d: int) -> tuple[float, float]:
    return math.sqrt(2.0) + 0.5 * math.log(max(d, 1)), math.sqrt(3.0)


def lengthscale_centre(d: int) -> float:
    """``m(d)``, the centre of the default lengthscale prior for ``d`` parameters."""
    return math.sqrt(max(d, 1) / 2.0) / 3.0


def prior_mode(d: int, deterministic: bool) -> GPParams:
    """The prior's mode (clipped to the bounds): the first fit's first start."""
    if PRIORS["lengthscale"] == "hvarfner":
        ls = math.exp(min(_ls_prior(d)[0], _LS_BOUNDS[1]))
    elif PRIORS["lengthscale"] == "gamma":
        ls = 1.0 / 3.0
    else:
        ls = lengthscale_centre(d)
    noise = NOISE_FLOOR if deterministic else math.exp(_NOISE_PRIOR[0])
    return GPParams(np.full(d, ls), math.exp(_SIGNAL_PRIOR[0]), noise)


def _pack(params: GPParams, deterministic: bool) -> np.ndarray:
    theta = [*np.log(params.lengthscales), math.log(params.signal)]
    if not deterministic:
        theta.append(math.log(max(params.noise, NOISE_FLOOR)))
    return np.array(theta)


def _unpack(theta: np.ndarray, d: int, deterministic: bool) -> GPParams:
    noise = NOISE_FLOOR if deterministic else float(np.exp(theta[d + 1]))
    return GPParams(np.exp(theta[:d]), float(np.exp(theta[d])), noise)


# Which prior shapes are in force (a module setting, so benchmarks can compare them).
PRIORS = {"lengthscale": "scaled", "noise": "exponential"}
_LS_TIGHTNESS = 0.1


def _prior_penalty(theta: np.ndarray, d: int, deterministic: bool) -> tuple[float, np.ndarray]:
    """``-log p(theta)`` (up to a constant) and its gradient, in log-parameter space."""
    grad = np.zeros_like(theta)
    ls = theta[:d]
    if PRIORS["lengthscale"] == "hvarfner":
        mu, sd = _ls_prior(d)
        z = (ls - mu) / sd
        value = 0.5 * float(z @ z)
        grad[:d] = z / sd
    elif PRIORS["lengthscale"] == "gamma":  # mode 1/3, mean 1/2 of the cube
        value = float(np.sum(6.0 * np.exp(ls) - 2.0 * ls))
        grad[:d] = 6.0 * np.exp(ls) - 2.0
    else:  # 0.1 * ((l / m)^2 + (m / l)^2)
        up = np.exp(2.0 * (ls - math.log(lengthscale_centre(d))))
        down = 1.0 / up
        value = _LS_TIGHTNESS * float(np.sum(up + down))
        grad[:d] = 2.0 * _LS_TIGHTNESS * (up - down)
    z_signal = (theta[d] - _SIGNAL_PRIOR[0]) / _SIGNAL_PRIOR[1]
    value += 0.5 * z_signal * z_signal
    grad[d] = z_signal / _SIGNAL_PRIOR[1]
    if not deterministic:
        t = theta[d + 1]
        if PRIORS["noise"] == "lognormal":
            z = (t - _NOISE_PRIOR[0]) / _NOISE_PRIOR[1]
            value += 0.5 * z * z
            grad[d + 1] = z / _NOISE_PRIOR[1]
        else:  # exponential with mean 1/30 of the output variance: free to go to the floor
            value += 30.0 * math.exp(t)
            grad[d + 1] = 30.0 * math.exp(t)
    return value, grad


def _bounds(d: int, deterministic: bool) -> list[tuple[float, float]]:
    return [_LS_BOUNDS] * d + [_SIGNAL_BOUNDS] + ([] if deterministic else [_NOISE_BOUNDS])


def neg_log_posterior(
    theta: np.ndarray, sq_dists: np.ndarray, y: np.ndarray, deterministic: bool
) -> tuple[float, np.ndarray]:
    """``-(log p(y | theta) + log p(theta))`` (up to a constant) and its gradient.

    Args:
        theta: Log hyperparameters (see the module docstring).
        sq_dists: ``(d, n, n)`` per-column squared differences (:func:`pairwise_sq_dists`).
        y: ``(n,)`` standardised outputs.
        deterministic: Whether the noise is fixed (and absent from ``theta``).
    """
    from scipy.linalg import lapack

    d, n = sq_dists.shape[0], len(y)
    params = _unpack(theta, d, deterministic)
    w = params.inv_sq_ls
    s = np.tensordot(w, sq_dists, axes=1)
    m = matern52(s)
    k = params.signal * m
    k[np.diag_indices(n)] += params.noise
    try:
        factor, _ = cholesky(k)
    except np.linalg.LinAlgError:
        return 1e25, np.zeros_like(theta)
    alpha, _ = lapack.dpotrs(factor, y, lower=1)
    nll = (
        0.5 * float(y @ alpha)
        + float(np.sum(np.log(np.diag(factor))))
        + 0.5 * n * math.log(2 * math.pi)
    )
    kinv, info = lapack.dpotri(factor, lower=1)
    if info != 0:
        return 1e25, np.zeros_like(theta)
    kinv = np.tril(kinv) + np.tril(kinv, -1).T
    big_w = np.outer(alpha, alpha) - kinv  # dL/dK = W / 2
    grad = np.empty_like(theta)
    # dK/d log l_j = sigma^2 k'(s) * sq_dist_j * (-2 w_j)
    weighted = big_w * (params.signal * matern52_ds(s))
    grad[:d] = w * np.tensordot(sq_dists, weighted, axes=([1, 2], [0, 1]))
    grad[d] = -0.5 * params.signal * float(np.sum(big_w * m))
    if not deterministic:
        grad[d + 1] = -0.5 * params.noise * float(np.trace(big_w))
    prior, prior_grad = _prior_penalty(theta, d, deterministic)
    return nll + prior, grad + prior_grad


def fit_params(
    x: np.ndarray,
    y: np.ndarray,
    is_cat: np.ndarray,
    *,
    deterministic: bool,
    start: GPParams | None,
    n_restarts: int,
    rng: np.random.Generator,
    max_points: int = 400,
) -> GPParams:
    """MAP hyperparameters for ``(x, y)``.

    Args:
        x: ``(n, d)`` inputs; y: ``(n,)`` standardised outputs; is_cat: categorical columns.
        deterministic: Fix the noise at the floor instead of learning it.
        start: The previous fit, to warm-start from (tried first).
        n_restarts: Further starts drawn from the prior (the prior's mode is always tried
            when there is no ``start``).
        rng: Random source for the restarts and for subsampling.
        max_points: Fit on a random subset of this many observations when there are more
            (the hyperparameters are settled long before; the posterior uses all of them).
    """
    from scipy.optimize import minimize

    n, d = x.shape
    if n > max_points:
        keep = rng.choice(n, size=max_points, replace=False)
        keep[0] = int(np.argmin(y))  # the incumbent always shapes the fit
        keep = np.unique(keep)
        x, y = x[keep], y[keep]
    sq_dists = pairwise_sq_dists(x, is_cat)
    bounds = _bounds(d, deterministic)
    low = np.array([b[0] for b in bounds])
    high = np.array([b[1] for b in bounds])
    starts = [_pack(start, deterministic)] if start is not None else []
    if start is None:
        starts.append(_pack(prior_mode(d, deterministic), deterministic))
    mode = _pack(prior_mode(d, deterministic), deterministic)
    for _ in range(n_restarts):
        starts.append(mode + rng.normal(size=len(low)))
    best_theta, best_value = None, math.inf
    for theta0 in starts:
        theta0 = np.clip(theta0, low, high)
        result = minimize(
            neg_log_posterior,
            theta0,
            args=(sq_dists, y, deterministic),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 200},
        )
        value = float(result.fun)
        if math.isfinite(value) and value < best_value:
            best_theta, best_value = np.asarray(result.x), value
    if best_theta is None:
        return start or prior_mode(d, deterministic)
    return _unpack(best_theta, d, deterministic)
