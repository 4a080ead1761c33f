"""The models of one search space: a GP of the objective and one per constraint, kept up to
date as observations arrive, and the acquisition score built from them.

Refits follow a schedule: hyperparameters are refitted after every new observation while there
are few (``_EVERY_TRIAL_UNTIL``), then when the number of observations has grown by 10 % since
the last fit; in between, new observations extend the cached Cholesky factor
(:meth:`GPModel.with_data`) and only the outputs' transform is refitted. Running trials are
accounted for by the kriging believer of Ginsbourger et al. 2010 ("Kriging Is Well-Suited to
Parallelize Optimization"): the models are conditioned on their posterior mean at the running
points, which leaves the mean unchanged and removes the uncertainty there, so a second worker
is not sent to the same place.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ridgeline.samplers._gp import _acquisition as acq
from ridgeline.samplers._gp._errors import GPArgumentError
from ridgeline.samplers._gp._fit import fit_params
from ridgeline.samplers._gp._model import GPModel, GPParams
from ridgeline.samplers._gp._warp import OutputTransform

__all__ = ["Acquisition", "Surrogate"]

_EVERY_TRIAL_UNTIL = 30
_REFIT_GROWTH = 1.1
_FIRST_FIT_RESTARTS = 4

# (mean, std, best) -> score, on the model's scale (lower mean is better).
UserAcquisition = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


# Probability of improvement counts an improvement only past ``best - _PI_MARGIN`` (on the
# standardised scale): with no margin, PI prefers near-certain, tiny improvements next to the
# incumbent and creeps (Kushner 1964 introduced the margin; Lizotte 2008 studies its size).
# Measured on 8 seeds each: the best value of a 2-d quadratic after 14 trials (5 random) was
# 0.1-5.0 with no margin and 0.002-0.26 with 0.05; branin's regret after 30 trials was up to
# 2.8 with no margin and at most 0.09 with 0.05. A margin of 0.01 still crept on some seeds.
_PI_MARGIN = 0.05


class Acquisition:
    """Which acquisition to use: a name ("logei", "ei", "pi", "ucb") or a user's callable."""

    def __init__(self, kind: str | UserAcquisition, beta: float) -> None:
        self.kind = kind
        self.beta = beta

    def __call__(
        self, mean: np.ndarray, std: np.ndarray, best: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        kind = self.kind
        if kind == "logei":
            return acq.log_ei(mean, std, best)
        if kind == "ei":
            return acq.ei(mean, std, best)
        if kind == "pi":
            return acq.log_pi(mean, std, best - _PI_MARGIN)
        if kind == "ucb":
            return acq.ucb(mean, std, self.beta)
        assert callable(kind)
        return self._user(kind, mean, std, best)

    @staticmethod
    def _user(
        func: UserAcquisition, mean: np.ndarray, std: np.ndarray, best: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        def call(m: np.ndarray, s: np.ndarray) -> np.ndarray:
            raw = func(m.copy(), s.copy(), best)
            try:
                out = np.asarray(raw, dtype=float)
            except (TypeError, ValueError):
                out = None
            if out is None or out.shape != m.shape or np.any(np.isnan(out)):
                shown = raw if out is None else _short(out)
                raise GPArgumentError(
                    f"`acquisition` of GPSampler must return a float array of shape "
                    f"{m.shape} without NaN (one score per candidate, higher is better); "
                    f"{_name(func)} returned {shown}. Check it on arrays of means and stds."
                )
            return out

        score = call(mean, std)
        # Derivatives by central differences: the optimiser only needs the slope.
        hm = 1e-6 * np.maximum(1.0, np.abs(mean))
        hs = 1e-6 * std
        d_mean = (call(mean + hm, std) - call(mean - hm, std)) / (2 * hm)
        d_std = (call(mean, std + hs) - call(mean, std - hs)) / (2 * hs)
        return score, np.nan_to_num(d_mean), np.nan_to_num(d_std)

    @property
    def multiplies_feasibility(self) -> bool:
        """EI is multiplied by the probability of feasibility; log scores add its log."""
        return self.kind == "ei"


def _name(func: Callable[..., object]) -> str:
    return getattr(func, "__qualname__", None) or repr(func)


def _short(a: np.ndarray) -> str:
    text = np.array2string(a, threshold=6, precision=4)
    return f"an array of shape {a.shape}: {text}"


class _Output:
    """One modelled output (objective or constraint): rows it has seen, its fit, its GP."""

    def __init__(self, power: bool) -> None:
        self.power = power
        self.rows = np.zeros(0, dtype=np.int64)
        self.params: GPParams | None = None
        self.fitted_n = 0
        self.gp: GPModel | None = None
        self.transform: OutputTransform | None = None

    def update(
        self,
        x: np.ndarray,
        values: np.ndarray,
        is_cat: np.ndarray,
        deterministic: bool,
        rng: np.random.Generator,
    ) -> None:
        rows = np.flatnonzero(np.isfinite(values))
        if len(rows) == 0:
            self.gp = None
            return
        v = values[rows]
        transform = OutputTransform(v, power=self.power)
        y = transform.forward(v)
        self.transform = transform
        n = len(rows)
        refit = (
            self.params is None
            or n <= _EVERY_TRIAL_UNTIL
            or n >= _REFIT_GROWTH * self.fitted_n
            or self.gp is None
        )
        prefix = len(self.rows) <= n and np.array_equal(rows[: len(self.rows)], self.rows)
        if refit:
            self.params = fit_params(
                x[rows],
                y,
                is_cat,
                deterministic=deterministic,
                start=self.params,
                n_restarts=_FIRST_FIT_RESTARTS if self.params is None else 0,
                rng=rng,
            )
            self.fitted_n = n
            self.gp = GPModel(x[rows], y, self.params, is_cat)
        elif self.gp is not None and prefix:
            new = rows[len(self.rows) :]
            self.gp = self.gp.with_data(x[new], y)
        else:
            assert self.params is not None
            self.gp = GPModel(x[rows], y, self.params, is_cat)
        self.rows = rows


class Surrogate:
    """Observations of one search space and the GPs over them.

    Args:
        is_cat: ``(d,)`` categorical columns of the model rows.
        deterministic: Fix the noise at a tiny value.
        n_constraints: Constraint values per observation (0 without constraints).
    """

    def __init__(self, is_cat: np.ndarray, *, deterministic: bool, n_constraints: int) -> None:
        self.is_cat = is_cat
        self.deterministic = deterministic
        self.n_constraints = n_constraints
        self.x = np.zeros((0, len(is_cat)))
        self.values = np.zeros(0)
        self.constraints = np.zeros((0, n_constraints))
        self.objective = _Output(power=True)
        self.constraint_outputs = [_Output(power=False) for _ in range(n_constraints)]

    @property
    def n(self) -> int:
        return len(self.values)

    def add(self, x: np.ndarray, values: np.ndarray, constraints: np.ndarray) -> None:
        """Append observations: values in the minimisation sense (``inf`` = worst), and
        constraint values (NaN where missing)."""
        self.x = np.vstack([self.x, x])
        self.values = np.concatenate([self.values, values])
        self.constraints = np.vstack([self.constraints, constraints])

    def feasible(self) -> np.ndarray:
        if self.n_constraints == 0:
            return np.ones(self.n, dtype=bool)
        with np.errstate(invalid="ignore"):
            return np.all(self.constraints <= 0.0, axis=1)

    def update(self, rng: np.random.Generator) -> None:
        """Refit (on schedule) or extend every model with the observations added so far."""
        values = self.values.copy()
        finite = np.isfinite(values)
        if np.any(finite) and not np.all(finite):  # infinite values rank as the extremes
            values = np.clip(values, values[finite].min(), values[finite].max())
        self.objective.update(self.x, values, self.is_cat, self.deterministic, rng)
        for j, out in enumerate(self.constraint_outputs):
            out.update(self.x, self.constraints[:, j], self.is_cat, self.deterministic, rng)

    # ------------------------------------------------------------------ scoring
    def best(self) -> float | None:
        """The best feasible value on the model's scale, or None when nothing is feasible."""
        mask = self.feasible()[self.objective.rows]
        if self.objective.gp is None or not np.any(mask):
            return None
        return float(np.min(self.objective.gp.y[mask]))

    def top_rows(self, k: int) -> np.ndarray:
        """The ``k`` best feasible observations (all observations when none is feasible)."""
        if self.objective.gp is None:
            return self.x[:0]
        rows = self.objective.rows
        y = self.objective.gp.y
        feasible = self.feasible()[rows]
        key = np.where(feasible, y, np.inf) if np.any(feasible) else y
        return self.x[rows[np.argsort(key, kind="stable")[:k]]]

    def score_fn(
        self, acquisition: Acquisition, pending: np.ndarray
    ) -> Callable[[np.ndarray, bool], tuple[np.ndarray, np.ndarray | None]]:
        """The acquisition score of model rows, with the models conditioned on ``pending``."""
        gps: list[GPModel | None] = []
        thresholds: list[float] = []
        best = self.best()
        for out in (self.objective, *self.constraint_outputs):
            gp = out.gp
            if gp is not None and len(pending):
                believed, _ = gp.predict(pending)
                gp = gp.with_data(pending, np.concatenate([gp.y, believed]))
                if out is self.objective and best is not None:
                    # The believed values count as observations, so the incumbent moves too
                    # and there is nothing left to gain next to a running trial.
                    best = min(best, float(np.min(believed)))
            gps.append(gp)
            if out is not self.objective:
                thresholds.append(out.transform.forward_threshold(0.0) if out.transform else 0.0)
        objective_gp, constraint_gps = gps[0], gps[1:]

        def score(x: np.ndarray, with_grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
            log_pof = np.zeros(len(x))
            pof_grad = np.zeros(x.shape)
            for gp, threshold in zip(constraint_gps, thresholds, strict=True):
                if gp is not None:
                    lp, lp_grad = _chain(
                        gp, x, with_grad, partial(acq.log_pof, threshold=threshold)
                    )
                    log_pof += lp
                    if lp_grad is not None:
                        pof_grad += lp_grad
            if objective_gp is None or best is None:  # nothing feasible yet: find feasibility
                return log_pof, pof_grad if with_grad else None
            value, value_grad = _chain(
                objective_gp, x, with_grad, lambda m, s: acquisition(m, s, best)
            )
            if acquisition.multiplies_feasibility:
                pof = np.exp(log_pof)
                total = value * pof
                if value_grad is None:
                    return total, None
                return total, pof[:, None] * (value_grad + value[:, None] * pof_grad)
            total = value + log_pof
            return total, None if value_grad is None else value_grad + pof_grad

        return score


def _chain(
    gp: GPModel,
    x: np.ndarray,
    with_grad: bool,
    func: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray | None]:
    """``func(mean, std)`` at ``x`` and (on request) its gradient in ``x`` by the chain rule."""
    if not with_grad:
        mean, var = gp.predict(x)
        value, _, _ = func(mean, np.sqrt(var))
        return value, None
    mean, var, dmean, dvar = gp.predict_with_grad(x)
    std = np.sqrt(var)
    value, d_m, d_s = func(mean, std)
    return value, d_m[:, None] * dmean + (d_s / (2.0 * std))[:, None] * dvar
