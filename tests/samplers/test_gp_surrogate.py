"""The per-space models: the refit schedule with Cholesky updates in between, running trials
(kriging believer), constraints and the feasibility-only phase, and a user's acquisition."""

from __future__ import annotations

import numpy as np
import pytest

from ridgeline.samplers._gp import _surrogate
from ridgeline.samplers._gp._errors import GPArgumentError
from ridgeline.samplers._gp._model import GPModel
from ridgeline.samplers._gp._surrogate import Acquisition, Surrogate

IS_CAT = np.zeros(2, dtype=bool)


def _f(x: np.ndarray) -> np.ndarray:
    return (x[:, 0] - 0.3) ** 2 + 0.5 * (x[:, 1] - 0.6) ** 2


@pytest.mark.slow
def test_refits_every_trial_early_then_when_the_data_grew_by_a_tenth(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fits: list[int] = []
    real = _surrogate.fit_params

    def counting(x: np.ndarray, *args: object, **kwargs: object) -> object:
        fits.append(len(x))
        return real(x, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_surrogate, "fit_params", counting)
    rng = np.random.default_rng(0)
    surrogate = Surrogate(IS_CAT, deterministic=False, n_constraints=0)
    for _ in range(60):
        x = rng.random((1, 2))
        surrogate.add(x, _f(x), np.zeros((1, 0)))
        surrogate.update(rng)
    assert fits == [*range(1, 31), 33, 37, 41, 46, 51, 57]
    gp = surrogate.objective.gp
    assert gp is not None and gp.n == 60
    # Between refits the factor was extended row by row; it equals a fresh factorisation.
    fresh = GPModel(gp.x, gp.y, gp.params, IS_CAT)
    assert np.allclose(gp.factor, fresh.factor, atol=1e-8)
    assert np.allclose(gp.alpha, fresh.alpha, atol=1e-6)


def _fitted(n: int = 15, n_constraints: int = 0) -> Surrogate:
    rng = np.random.default_rng(1)
    surrogate = Surrogate(IS_CAT, deterministic=True, n_constraints=n_constraints)
    x = rng.random((n, 2))
    constraints = (x[:, :1] - 0.5) if n_constraints else np.zeros((n, 0))
    surrogate.add(x, _f(x), constraints)
    surrogate.update(rng)
    return surrogate


def test_running_points_remove_the_acquisition_around_them() -> None:
    surrogate = _fitted()
    score = surrogate.score_fn(Acquisition("logei", 2.0), np.zeros((0, 2)))
    grid = np.random.default_rng(2).random((2000, 2))
    values, _ = score(grid, False)
    peak = grid[np.argmax(values)]
    near = peak + np.array([[0.0, 0.0], [0.01, 0.0], [0.0, -0.01]])
    before, _ = score(near, False)
    believed = surrogate.score_fn(Acquisition("logei", 2.0), peak[None, :])
    after, _ = believed(near, False)
    assert np.all(after < before - 3.0)  # e^-3: the peak is gone around the running point


def test_constraints_weight_the_score_and_lead_until_something_is_feasible() -> None:
    surrogate = _fitted(n_constraints=1)  # feasible where x0 <= 0.5
    acquisition = Acquisition("logei", 2.0)
    score = surrogate.score_fn(acquisition, np.zeros((0, 2)))
    inside, outside = np.array([[0.3, 0.6]]), np.array([[0.9, 0.6]])
    assert score(inside, False)[0][0] > score(outside, False)[0][0] + 3.0
    # Nothing feasible yet: the score is the log probability of feasibility alone.
    surrogate.constraints[:] = 1.0 + surrogate.x[:, :1]
    surrogate.update(np.random.default_rng(0))
    assert surrogate.best() is None
    score = surrogate.score_fn(acquisition, np.zeros((0, 2)))
    values, grad = score(np.array([[0.0, 0.5], [1.0, 0.5]]), True)
    assert np.all(values <= 0) and values[0] > values[1]
    assert grad is not None and grad[0, 0] < 0


def test_user_acquisition_gets_model_scale_arrays_and_bad_results_raise() -> None:
    surrogate = _fitted()
    calls: list[tuple[np.ndarray, np.ndarray, float]] = []

    def lower_confidence(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
        calls.append((mean, std, best))
        return -(mean - std)

    score = surrogate.score_fn(Acquisition(lower_confidence, 2.0), np.zeros((0, 2)))
    x = np.array([[0.3, 0.6], [0.9, 0.1]])
    values, grad = score(x, True)
    assert values.shape == (2,) and grad is not None and grad.shape == (2, 2)
    mean, std, best = calls[0]
    assert best == pytest.approx(float(np.min(surrogate.objective.gp.y)))  # type: ignore[union-attr]
    assert np.allclose(values, -(mean - std))
    # Its slope, by differences, agrees with the built-in UCB's analytic one (beta = 1).
    _, ucb_grad = surrogate.score_fn(Acquisition("ucb", 1.0), np.zeros((0, 2)))(x, True)
    assert np.allclose(grad, ucb_grad, rtol=1e-4, atol=1e-5)

    bad = surrogate.score_fn(Acquisition(lambda m, s, b: np.ones((len(m), 2)), 2.0), x[:0])
    with pytest.raises(GPArgumentError, match=r"<lambda> returned an array of shape \(2, 2\)"):
        bad(x, False)
