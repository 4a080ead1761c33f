"""The GP's pure cores: kernel, hyperparameter gradient, posterior, output transform,
acquisitions (log-EI against EI, far tails, derivatives), the space's snapping, and the
acquisition optimiser on mixed spaces."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import check_grad
from scipy.special import ndtr

from ridgeline.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from ridgeline.samplers._gp import _acquisition as acq
from ridgeline.samplers._gp import _fit
from ridgeline.samplers._gp._fit import fit_params, lengthscale_centre, neg_log_posterior
from ridgeline.samplers._gp._kernel import matern52, matern52_ds, pairwise_sq_dists, scaled_sq_dist
from ridgeline.samplers._gp._model import GPModel, GPParams
from ridgeline.samplers._gp._optimize import maximize_acquisition
from ridgeline.samplers._gp._space import ModelSpace
from ridgeline.samplers._gp._warp import OutputTransform, yeo_johnson, yeo_johnson_inverse

IS_CAT = np.array([False, False, True])


def _data(n: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.random(n), rng.random(n), rng.integers(0, 3, n)])
    y = np.sin(6 * x[:, 0]) + x[:, 1] ** 2 + 0.5 * x[:, 2]
    return x, (y - y.mean()) / y.std()


# ---------------------------------------------------------------------- kernel
def test_matern_values_and_slope() -> None:
    s = np.array([0.0, 0.3, 2.0])
    u = np.sqrt(5 * s)
    assert np.allclose(matern52(s), (1 + u + u * u / 3) * np.exp(-u))
    h = 1e-6
    fd = (matern52(s[1:] + h) - matern52(s[1:] - h)) / (2 * h)
    assert np.allclose(matern52_ds(s[1:]), fd, rtol=1e-5)
    assert matern52_ds(np.array([0.0]))[0] == pytest.approx(-5 / 6)


def test_scaled_distance_matches_the_definition() -> None:
    x, _ = _data(6)
    w = np.array([2.0, 0.5, 3.0])
    s = scaled_sq_dist(x, x[:4], w, IS_CAT)
    direct = np.zeros((6, 4))
    for i in range(6):
        for j in range(4):
            d = x[i] - x[j]
            direct[i, j] = w[0] * d[0] ** 2 + w[1] * d[1] ** 2 + w[2] * (x[i, 2] != x[j, 2])
    assert np.allclose(s, direct)
    full = scaled_sq_dist(x, x, w, IS_CAT)
    assert np.allclose(np.tensordot(w, pairwise_sq_dists(x, IS_CAT), axes=1), full)


@pytest.mark.parametrize("deterministic", [False, True])
def test_log_posterior_gradient(deterministic: bool) -> None:
    x, y = _data()
    sq = pairwise_sq_dists(x, IS_CAT)
    rng = np.random.default_rng(1)
    for _ in range(3):
        theta = rng.normal(scale=0.7, size=4 if deterministic else 5)
        if not deterministic:
            theta[-1] = -3.0
        err = check_grad(
            lambda t: neg_log_posterior(t, sq, y, deterministic)[0],
            lambda t: neg_log_posterior(t, sq, y, deterministic)[1],
            theta,
            epsilon=1e-6,
        )
        grad = neg_log_posterior(theta, sq, y, deterministic)[1]
        assert err < 1e-4 * max(1.0, float(np.linalg.norm(grad))), (theta, err)


@pytest.mark.parametrize("shape", ["scaled", "gamma", "hvarfner"])
def test_lengthscale_prior_gradients(shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_fit.PRIORS, "lengthscale", shape)
    rng = np.random.default_rng(2)
    for d in (1, 4, 10):
        theta = rng.normal(scale=1.0, size=d + 2)
        err = check_grad(
            lambda t, d=d: _fit._prior_penalty(t, d, False)[0],
            lambda t, d=d: _fit._prior_penalty(t, d, False)[1],
            theta,
            epsilon=1e-7,
        )
        assert err < 1e-4 * max(1.0, float(np.linalg.norm(_fit._prior_penalty(theta, d, False)[1])))


def test_default_lengthscale_prior_is_centred_on_sqrt_d_over_3_sqrt_2() -> None:
    assert _fit.PRIORS["lengthscale"] == "scaled"
    assert lengthscale_centre(2) == pytest.approx(1.0 / 3.0)
    assert lengthscale_centre(10) / lengthscale_centre(2) == pytest.approx(math.sqrt(5.0))

    def penalty(log_ls: np.ndarray) -> tuple[float, np.ndarray]:
        return _fit._prior_penalty(np.concatenate([log_ls, [0.0, -3.0]]), len(log_ls), False)

    for d in (2, 6, 10):
        centre = np.full(d, math.log(lengthscale_centre(d)))
        value, grad = penalty(centre)
        assert np.allclose(grad[:d], 0.0, atol=1e-12)
        for factor in (0.5, 2.0, 3.0):
            assert penalty(centre + math.log(factor))[0] > value
    # the mode is the first fit's first start
    assert _fit.prior_mode(10, True).lengthscales[0] == pytest.approx(lengthscale_centre(10))


def test_fit_finds_the_relevant_dimension() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((40, 3))
    y = np.sin(5 * x[:, 0])  # only column 0 matters
    y = (y - y.mean()) / y.std()
    params = fit_params(
        x, y, np.zeros(3, bool), deterministic=True, start=None, n_restarts=2, rng=rng
    )
    assert params.lengthscales[0] < 0.5 * min(params.lengthscales[1:])


# ---------------------------------------------------------------------- posterior
def test_posterior_interpolates_and_grows_uncertain_away_from_data() -> None:
    x, y = _data()
    gp = GPModel(x, y, GPParams(np.full(3, 0.3), 1.0, 1e-6), IS_CAT)
    mean, var = gp.predict(x)
    assert np.allclose(mean, y, atol=1e-3)
    assert np.all(np.sqrt(var) < 0.01)
    far = np.array([[0.5, 3.0, 0.0]])
    assert gp.predict(far)[1][0] > 0.9


def test_block_update_equals_a_fresh_factor() -> None:
    x, y = _data(15)
    params = GPParams(np.array([0.4, 0.6, 1.0]), 1.3, 1e-4)
    gp = GPModel(x[:10], y[:10], params, IS_CAT).with_data(x[10:], y)
    fresh = GPModel(x, y, params, IS_CAT)
    assert np.allclose(gp.factor, fresh.factor, atol=1e-8)
    q = _data(5, seed=3)[0]
    for a, b in zip(gp.predict(q), fresh.predict(q), strict=True):
        assert np.allclose(a, b, atol=1e-8)


def test_prediction_gradients() -> None:
    x, y = _data()
    gp = GPModel(x, y, GPParams(np.array([0.3, 0.5, 1.0]), 1.0, 1e-3), IS_CAT)
    q = np.array([[0.31, 0.72, 1.0], [0.9, 0.1, 0.0]])
    _, _, dmean, dvar = gp.predict_with_grad(q)
    h = 1e-6
    for j in (0, 1):
        up, down = q.copy(), q.copy()
        up[:, j] += h
        down[:, j] -= h
        (mu_up, var_up), (mu_down, var_down) = gp.predict(up), gp.predict(down)
        assert np.allclose(dmean[:, j], (mu_up - mu_down) / (2 * h), rtol=1e-4, atol=1e-6)
        assert np.allclose(dvar[:, j], (var_up - var_down) / (2 * h), rtol=1e-4, atol=1e-6)
    assert np.all(dmean[:, 2] == 0) and np.all(dvar[:, 2] == 0)


# ---------------------------------------------------------------------- output transform
@given(st.floats(-1.9, 2.9), st.lists(st.floats(-50, 50), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_yeo_johnson_round_trip(lam: float, values: list[float]) -> None:
    x = np.array(values)
    assert np.allclose(yeo_johnson_inverse(yeo_johnson(x, lam), lam), x, rtol=1e-6, atol=1e-6)


def test_power_transform_tames_skew_and_keeps_order() -> None:
    rng = np.random.default_rng(0)
    v = np.exp(rng.normal(size=200) * 1.5)  # log-normal: heavily right-skewed
    t = OutputTransform(v)
    z = t.forward(v)
    assert t.lam < 0.6
    assert abs(float(np.mean(z))) < 1e-9 and abs(float(np.std(z)) - 1) < 1e-9
    skew = float(np.mean(z**3))
    assert abs(skew) < 0.5
    assert np.array_equal(np.argsort(z), np.argsort(v))
    assert np.allclose(t.inverse(z), v, rtol=1e-6)
    assert OutputTransform(np.arange(10.0)).lam == 1.0  # symmetric data: no transform


# ---------------------------------------------------------------------- acquisitions
def test_log_ei_agrees_with_ei_where_ei_is_representable() -> None:
    mean = np.linspace(-3, 8, 200)
    std = np.full(200, 0.7)
    log_value, _, _ = acq.log_ei(mean, std, 0.0)
    value, _, _ = acq.ei(mean, std, 0.0)
    ok = value > 1e-300
    assert np.allclose(log_value[ok], np.log(value[ok]), rtol=1e-9, atol=1e-9)


def test_log_ei_far_in_the_tail_is_finite_and_informative() -> None:
    mean = np.array([5.0, 20.0, 40.0, 1e3, 1e9])
    std = np.ones(5)
    value, d_mean, d_std = acq.log_ei(mean, std, 0.0)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(d_mean))
    assert np.all(np.diff(value) < 0)  # strictly worse further out, where EI is exactly 0
    assert np.all(d_mean < 0) and np.all(d_std > 0)
    assert acq.ei(mean, std, 0.0)[0][2] == 0.0
    # Asymptotics: log h(z) ~ -z^2 / 2 - log(2 pi) / 2 - 2 log|z|
    z = -40.0
    assert acq.log_h(np.array([z]))[0] == pytest.approx(
        -z * z / 2 - 0.5 * math.log(2 * math.pi) - 2 * math.log(-z), rel=1e-3
    )


@pytest.mark.parametrize("name", ["log_ei", "ei", "log_pi", "ucb", "log_pof"])
def test_acquisition_derivatives(name: str) -> None:
    func = {
        "log_ei": acq.log_ei,
        "ei": acq.ei,
        "log_pi": acq.log_pi,
        "ucb": lambda m, s, b: acq.ucb(m, s, 2.0),
        "log_pof": acq.log_pof,
    }[name]
    mean = np.array([-2.0, -0.3, 0.1, 1.5, 6.0, 30.0])
    std = np.array([0.5, 1.0, 0.2, 0.8, 1.3, 0.9])
    _, d_mean, d_std = func(mean, std, 0.2)
    h = 1e-6
    fd_mean = (func(mean + h, std, 0.2)[0] - func(mean - h, std, 0.2)[0]) / (2 * h)
    fd_std = (func(mean, std + h, 0.2)[0] - func(mean, std - h, 0.2)[0]) / (2 * h)
    assert np.allclose(d_mean, fd_mean, rtol=1e-4, atol=1e-7)
    assert np.allclose(d_std, fd_std, rtol=1e-4, atol=1e-7)


def test_probability_of_feasibility() -> None:
    lp, _, _ = acq.log_pof(np.array([-1.0, 0.0, 2.0]), np.ones(3), 0.0)
    assert np.allclose(np.exp(lp), ndtr(np.array([1.0, 0.0, -2.0])))
    assert np.isfinite(acq.log_pof(np.array([1e4]), np.ones(1), 0.0)[0][0])


# ---------------------------------------------------------------------- space
SPACE = {
    "f": FloatDistribution(-2.0, 3.0),
    "flog": FloatDistribution(1e-4, 1.0, log=True),
    "fstep": FloatDistribution(0.0, 1.0, step=0.1),
    "i": IntDistribution(-3, 7),
    "ilog": IntDistribution(1, 1000, log=True),
    "istep": IntDistribution(0, 20, step=4),
    "c": CategoricalDistribution([None, "a", 3]),
}


@given(st.lists(st.floats(-0.2, 1.2), min_size=7, max_size=7))
@settings(max_examples=100, deadline=None)
def test_snap_agrees_with_the_shared_transform(row: list[float]) -> None:
    space = ModelSpace(SPACE)
    x = np.array([row])
    x[:, 6] = np.clip(np.round(x[:, 6] * 3), 0, 2)
    snapped = space.snap(x)
    params = space.decode(snapped)[0]
    for name, value in params.items():
        assert SPACE[name]._contains(SPACE[name].to_internal_repr(value))
    # Snapped points are fixed points: encoding their values gives them back.
    assert np.allclose(space.encode([params]), snapped, atol=1e-12)
    assert space.decode(x)[0] == params


def test_from_unit_covers_every_choice_and_grid_point() -> None:
    space = ModelSpace({"c": SPACE["c"], "istep": SPACE["istep"]})
    rows = space.from_unit(np.random.default_rng(0).random((400, 2)))
    values = space.decode(rows)
    assert {repr(v["c"]) for v in values} == {"None", "'a'", "3"}
    assert {v["istep"] for v in values} == {0, 4, 8, 12, 16, 20}


# ---------------------------------------------------------------------- optimiser
def test_optimiser_finds_the_peak_on_a_mixed_space() -> None:
    space = ModelSpace(SPACE)
    target = space.encode(
        [{"f": 1.23, "flog": 3e-3, "fstep": 0.7, "i": 5, "ilog": 300, "istep": 12, "c": "a"}]
    )[0]
    num = ~space.is_cat

    def score(x: np.ndarray, with_grad: bool) -> tuple[np.ndarray, np.ndarray | None]:
        diff = np.where(num, x - target, 0.0)
        value = -np.sum(diff**2, axis=1) - np.sum(x[:, space.is_cat] != target[space.is_cat], 1)
        return value, (-2 * diff if with_grad else None)

    best, value = maximize_acquisition(
        score, space, rng=np.random.default_rng(0), n_candidates=256, seeds=np.zeros((0, 7))
    )
    params = space.decode(best[None])[0]
    assert params["c"] == "a" and params["i"] == 5 and params["istep"] == 12
    assert params["fstep"] == 0.7 and params["ilog"] == 300
    assert params["f"] == pytest.approx(1.23, abs=1e-4)
    assert value > -1e-8
