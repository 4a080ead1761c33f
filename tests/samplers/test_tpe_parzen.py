"""TPE's model space and Parzen estimators on their own: codecs map values to [0, 1] and
back, mixtures are normalised (probabilities over a grid sum to 1, densities integrate to
1), their samples follow their densities, and distances shift categorical mass."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.samplers._tpe import _parzen
from ridgeline.samplers._tpe._codec import CATEGORICAL, CONTINUOUS, DISCRETE, Codec
from ridgeline.samplers._tpe._errors import TPEArgumentError
from ridgeline.samplers._tpe._params import ParzenParams
from ridgeline.samplers._tpe._parzen import Mixture

DISCRETE_DISTS = [
    IntDistribution(0, 12),
    IntDistribution(-4, 20, step=3),
    IntDistribution(1, 300, log=True),
    IntDistribution(5, 6),
    IntDistribution(1, 2, log=True),
    FloatDistribution(0.0, 2.0, step=0.25),
    FloatDistribution(-1.0, 1.0, step=0.1),
]
CONTINUOUS_DISTS = [FloatDistribution(-2.0, 3.0), FloatDistribution(1e-4, 10.0, log=True)]
CATEGORICAL_DISTS = [
    CategoricalDistribution([None, True, False, 0, 1, 2.5, "a"]),
    CategoricalDistribution(["only", "two"]),
]


def _params(**kwargs: Any) -> ParzenParams:
    base: dict[str, Any] = {
        "consider_prior": True,
        "prior_weight": 1.0,
        "consider_magic_clip": True,
        "consider_endpoints": False,
        "multivariate": False,
        "distance_funcs": {},
    }
    base.update(kwargs)
    return ParzenParams(**base)


def _grid(codec: Codec) -> np.ndarray:
    """Model-space positions of every grid point of a discrete codec."""
    dist = codec.dist
    assert isinstance(dist, (IntDistribution, FloatDistribution)) and dist.step is not None
    values = [dist.low + k * dist.step for k in range(codec.n_steps + 1)]
    return np.array([codec.encode_one(v)[0] for v in values])


def _observations(codec: Codec, rng: np.random.Generator, n: int, clustered: bool) -> np.ndarray:
    if codec.kind == CATEGORICAL:
        return rng.integers(codec.n_choices, size=n).astype(float)
    u = rng.random(n) ** 3 if clustered else rng.random(n)
    return codec.snap(u)


_estimator_settings = st.fixed_dictionaries(
    {
        "consider_prior": st.booleans(),
        "prior_weight": st.floats(0.1, 5.0),
        "consider_magic_clip": st.booleans(),
        "consider_endpoints": st.booleans(),
    }
)


# ---------------------------------------------------------------------- codecs
@pytest.mark.parametrize("dist", DISCRETE_DISTS, ids=repr)
def test_codec_grid_round_trips_and_cells_tile_the_unit_interval(dist: BaseDistribution) -> None:
    codec = Codec(dist)
    assert codec.kind == DISCRETE
    u = _grid(codec)
    assert np.all(np.diff(u) > 0) and u[0] > 0 and u[-1] < 1
    decoded = codec.decode(u)
    assert decoded == [codec.decode_one(float(v)) for v in u]
    for value in decoded:
        assert dist._contains(dist.to_internal_repr(value))
    assert len(set(decoded)) == len(u)
    assert np.allclose(codec.snap(u), u)
    lo, hi = codec.cells(u)
    assert lo[0] == pytest.approx(0.0, abs=1e-12) and hi[-1] == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(hi[:-1], lo[1:])  # each grid point owns the cell up to the next one
    assert np.all((lo < u) & (u < hi))
    # Any point in [0, 1] snaps to the grid point whose cell holds it.
    probe = np.linspace(0, 1, 1001)
    snapped = codec.snap(probe)
    assert np.all(np.isin(snapped, codec.snap(u)))
    plo, phi = codec.cells(probe)
    assert np.all((plo <= probe + 1e-12) & (probe <= phi + 1e-12))


@pytest.mark.parametrize("dist", CONTINUOUS_DISTS + DISCRETE_DISTS, ids=repr)
def test_codec_rejects_values_outside_the_distribution(dist: BaseDistribution) -> None:
    assert isinstance(dist, (IntDistribution, FloatDistribution))
    codec = Codec(dist)
    low, high = float(dist.low), float(dist.high)
    outside = [low - 1.0, high + 1.0, "text", None]
    u, valid = codec.encode([low, high, *outside])
    assert list(valid) == [True, True, False, False, False, False]
    if codec.kind == CONTINUOUS:
        assert list(u[:2]) == pytest.approx([0.0, 1.0])
    for value in outside:
        assert codec.encode_one(value)[1] is False
    assert codec.encode_one(low)[0] == pytest.approx(u[0])
    assert codec.decode_one(0.0) == pytest.approx(low)
    assert codec.decode_one(1.0) == pytest.approx(high)


@pytest.mark.parametrize("dist", CATEGORICAL_DISTS, ids=repr)
def test_codec_of_categorical_is_the_choice_index(dist: CategoricalDistribution) -> None:
    codec = Codec(dist)
    u, valid = codec.encode([*dist.choices, "missing"])
    assert list(u[:-1]) == list(range(len(dist.choices))) and list(valid) == [True] * len(
        dist.choices
    ) + [False]
    for i, choice in enumerate(dist.choices):
        back = codec.decode_one(float(i))
        assert back is choice or (type(back) is type(choice) and back == choice)


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(-1e3, 1e3, allow_nan=False),
    width=st.floats(1e-3, 1e3),
    u=st.lists(st.floats(-0.5, 1.5), min_size=1, max_size=20),
    log=st.booleans(),
)
def test_continuous_decode_stays_in_bounds(
    low: float, width: float, u: list[float], log: bool
) -> None:
    if log:
        low = abs(low) + 1e-3
    dist = FloatDistribution(low, low + width, log=log)
    codec = Codec(dist)
    for x in codec.decode(np.array(u)):
        assert dist.low <= x <= dist.high
    for v in u:
        assert dist.low <= codec.decode_one(v) <= dist.high


# ---------------------------------------------------------------------- normalisation
@settings(max_examples=50, deadline=None)
@given(
    dist=st.sampled_from(DISCRETE_DISTS),
    n_obs=st.integers(0, 40),
    clustered=st.booleans(),
    settings_=_estimator_settings,
    seed=st.integers(0, 2**16),
)
def test_discrete_probabilities_over_the_grid_sum_to_one(
    dist: BaseDistribution, n_obs: int, clustered: bool, settings_: dict[str, Any], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    codec = Codec(dist)
    obs = _observations(codec, rng, n_obs, clustered)
    mix = Mixture([codec], ["p"], obs[:, None], rng.random(n_obs) + 0.05, _params(**settings_))
    grid = _grid(codec)
    log_p = mix.log_pdf(grid[:, None])
    assert np.all(np.isfinite(log_p))
    assert np.exp(log_p).sum() == pytest.approx(1.0, abs=1e-6)
    samples = mix.sample(rng, 200)
    assert samples.shape == (200, 1)
    assert np.all(np.isin(samples[:, 0], codec.snap(grid)))


@pytest.mark.parametrize("n_obs", [65, 300])  # past the dense path: the gathered tables
@pytest.mark.parametrize("dist", DISCRETE_DISTS[:3], ids=repr)
def test_discrete_probabilities_sum_to_one_with_many_kernels(
    dist: BaseDistribution, n_obs: int
) -> None:
    rng = np.random.default_rng(n_obs)
    codec = Codec(dist)
    obs = _observations(codec, rng, n_obs, clustered=True)
    for prior in (True, False):
        mix = Mixture([codec], ["p"], obs[:, None], np.ones(n_obs), _params(consider_prior=prior))
        log_p = mix.log_pdf(_grid(codec)[:, None])
        assert np.all(np.isfinite(log_p))
        assert np.exp(log_p).sum() == pytest.approx(1.0, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    dist=st.sampled_from(CONTINUOUS_DISTS),
    n_obs=st.integers(0, 40),
    clustered=st.booleans(),
    settings_=_estimator_settings,
    seed=st.integers(0, 2**16),
)
def test_continuous_density_integrates_to_one(
    dist: BaseDistribution, n_obs: int, clustered: bool, settings_: dict[str, Any], seed: int
) -> None:
    # The magic clip keeps widths >= 1 / (n + 2), so the quadrature grid below resolves every
    # kernel; without it widths can shrink to 1e-6 (checked on the sampler's side instead).
    settings_ = {**settings_, "consider_magic_clip": True}
    rng = np.random.default_rng(seed)
    codec = Codec(dist)
    obs = _observations(codec, rng, n_obs, clustered)
    mix = Mixture([codec], ["p"], obs[:, None], rng.random(n_obs) + 0.05, _params(**settings_))
    xs = np.linspace(0.0, 1.0, 20001)
    density = np.exp(mix.log_pdf(xs[:, None]))
    assert np.all(np.isfinite(density)) and np.all(density > 0)
    assert np.trapezoid(density, xs) == pytest.approx(1.0, abs=1e-4)
    samples = mix.sample(rng, 200)
    assert np.all((samples >= 0) & (samples <= 1))


@pytest.mark.parametrize("dist", CATEGORICAL_DISTS, ids=repr)
@pytest.mark.parametrize("n_obs", [0, 1, 7, 100])
@pytest.mark.parametrize("with_distance", [False, True])
def test_categorical_probabilities_sum_to_one(
    dist: CategoricalDistribution, n_obs: int, with_distance: bool
) -> None:
    rng = np.random.default_rng(n_obs)
    codec = Codec(dist)
    funcs = {"c": lambda a, b: float(str(a) != str(b)) * len(str(a) + str(b))}
    params = _params(distance_funcs=funcs if with_distance else {})
    obs = _observations(codec, rng, n_obs, clustered=False)
    mix = Mixture([codec], ["c"], obs[:, None], np.ones(n_obs), params)
    p = np.exp(mix.log_pdf(np.arange(codec.n_choices, dtype=float)[:, None]))
    assert np.all(p > 0)
    assert p.sum() == pytest.approx(1.0, abs=1e-6)
    samples = mix.sample(rng, 300)[:, 0]
    assert set(samples) <= set(range(codec.n_choices))


def test_joint_discrete_and_categorical_probabilities_sum_to_one() -> None:
    rng = np.random.default_rng(3)
    codecs = [Codec(IntDistribution(0, 6, step=2)), Codec(CATEGORICAL_DISTS[0])]
    codecs.append(Codec(IntDistribution(1, 40, log=True)))
    for n_obs in (0, 5, 90):
        obs = np.column_stack([_observations(c, rng, n_obs, clustered=True) for c in codecs])
        mix = Mixture(codecs, ["a", "b", "c"], obs, rng.random(n_obs) + 0.1, _params())
        axes = [_grid(codecs[0]), np.arange(codecs[1].n_choices, dtype=float), _grid(codecs[2])]
        points = np.array(np.meshgrid(*axes, indexing="ij")).reshape(3, -1).T
        log_p = mix.log_pdf(points)
        assert np.all(np.isfinite(log_p))
        assert np.exp(log_p).sum() == pytest.approx(1.0, abs=1e-6)


def test_joint_continuous_and_discrete_density_is_normalised() -> None:
    rng = np.random.default_rng(0)
    disc, cont = Codec(IntDistribution(0, 4)), Codec(FloatDistribution(0, 1))
    for n_obs in (0, 3, 30):
        obs = np.column_stack([disc.snap(rng.random(n_obs)), rng.random(n_obs)])
        mix = Mixture([disc, cont], ["a", "b"], obs, np.ones(n_obs), _params())
        ys = np.linspace(0, 1, 4001)
        total = 0.0
        for g in _grid(disc):
            points = np.column_stack([np.full(len(ys), g), ys])
            total += np.trapezoid(np.exp(mix.log_pdf(points)), ys)
        assert total == pytest.approx(1.0, abs=1e-4)


# ---------------------------------------------------------------------- sampling
def test_samples_follow_the_probabilities() -> None:
    rng = np.random.default_rng(1)
    codec = Codec(IntDistribution(0, 9))
    obs = codec.snap(np.array([0.05, 0.1, 0.12, 0.5, 0.9]))[:, None]
    mix = Mixture([codec], ["p"], obs, np.array([1.0, 1.0, 1.0, 3.0, 0.5]), _params())
    grid = _grid(codec)
    expected = np.exp(mix.log_pdf(grid[:, None]))
    samples = mix.sample(rng, 40000)[:, 0]
    observed = np.array([np.mean(np.isclose(samples, g)) for g in grid])
    assert np.abs(observed - expected).max() < 0.01

    cont = Codec(FloatDistribution(0, 1))
    mix = Mixture([cont], ["p"], np.array([[0.2], [0.25], [0.8]]), np.ones(3), _params())
    samples = mix.sample(rng, 40000)[:, 0]
    edges = np.linspace(0, 1, 11)
    xs = np.linspace(0, 1, 20001)
    density = np.exp(mix.log_pdf(xs[:, None]))
    for a, b in itertools.pairwise(edges):
        inside = (xs >= a) & (xs <= b)
        mass = np.trapezoid(density[inside], xs[inside])
        assert np.mean((samples >= a) & (samples < b)) == pytest.approx(mass, abs=0.01)


def test_samples_of_a_mixed_space_are_valid() -> None:
    rng = np.random.default_rng(0)
    dists = [*CONTINUOUS_DISTS, *DISCRETE_DISTS, *CATEGORICAL_DISTS]
    codecs = [Codec(d) for d in dists]
    names = [f"p{j}" for j in range(len(codecs))]
    for n_obs in (0, 4, 120):
        obs = np.column_stack([_observations(c, rng, n_obs, clustered=True) for c in codecs])
        mix = Mixture(codecs, names, obs, rng.random(n_obs) + 0.1, _params())
        samples = mix.sample(rng, 300)
        assert samples.shape == (300, len(codecs))
        assert np.all(np.isfinite(mix.log_pdf(samples)))
        for j, (codec, dist) in enumerate(zip(codecs, dists, strict=True)):
            column = samples[:, j]
            if codec.kind == CATEGORICAL:
                assert set(column) <= set(range(codec.n_choices))
            else:
                assert np.all((column >= 0) & (column <= 1))
            if codec.kind == DISCRETE:
                assert np.allclose(codec.snap(column), column)
            for value in codec.decode(column):
                assert dist._contains(dist.to_internal_repr(value))


def _reference_log_pdf(mix: Mixture, codecs: list[Codec], points: np.ndarray) -> np.ndarray:
    """The mixture's log density, one kernel and one point at a time."""

    def cdf(z: float) -> float:
        return 0.5 * math.erfc(-z / math.sqrt(2.0))

    out = []
    for p in points:
        total = 0.0
        for k in range(mix.n_kernels):
            log_k = float(mix.log_weights[k])
            for i, j in enumerate(mix._numeric):
                mu, sd = mix._mu[k, i], mix._sigma[k, i]
                z_in = cdf((1.0 - mu) / sd) - cdf(-mu / sd)
                if codecs[j].kind == DISCRETE:
                    lo, hi = codecs[j].cells(np.array([p[j]]))
                    lo, hi = max(float(lo[0]), 0.0), min(float(hi[0]), 1.0)
                    mass = cdf((hi - mu) / sd) - cdf((lo - mu) / sd)
                    log_k += np.log(max(mass, 1e-300)) - np.log(z_in)
                else:
                    z = (p[j] - mu) / sd
                    log_k += -0.5 * z * z - math.log(sd * math.sqrt(2 * math.pi) * z_in)
            for j in mix._categoricals:
                log_k += mix._tables[j][mix._rows[j][k], int(p[j])]
            total += np.exp(log_k)
        out.append(np.log(total))
    return np.array(out)


@pytest.mark.parametrize("n_obs", [12, 80, 300])  # dense; gathered without, with tables
def test_log_pdf_matches_a_kernel_by_kernel_reference(n_obs: int) -> None:
    rng = np.random.default_rng(0)
    dists = [*CONTINUOUS_DISTS, *DISCRETE_DISTS[:3], *CATEGORICAL_DISTS[:2]]
    codecs = [Codec(d) for d in dists]
    obs = np.column_stack([_observations(c, rng, n_obs, clustered=True) for c in codecs])
    mix = Mixture(codecs, [str(j) for j in range(len(codecs))], obs, rng.random(n_obs), _params())
    points = mix.sample(rng, 30)
    expected = _reference_log_pdf(mix, codecs, points)
    assert np.allclose(mix.log_pdf(points), expected, atol=1e-3, rtol=1e-4)


def test_cell_masses_kept_across_estimators_equal_fresh_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Discrete parameters keep their kernels' cell masses in the codec between estimators
    (:class:`_parzen._CellMasses`). Estimators that share codecs, one after another as in a
    study, give the kernel-by-kernel values: while the table fills, after it starts again
    when full, and for a grid too fine to keep one."""
    rng = np.random.default_rng(3)
    dists = [*DISCRETE_DISTS[:3], IntDistribution(1, 5000), CONTINUOUS_DISTS[0]]
    codecs = [Codec(d) for d in dists]
    names = [str(j) for j in range(len(codecs))]
    # Room for 23 kernels of the 13-cell grid and 33 of the 9-cell one: small estimators fill
    # the tables and clear them, larger ones go without; so do the finer grids.
    monkeypatch.setattr(_parzen, "_CELL_TABLE_ENTRIES", 300)
    monkeypatch.setattr(_parzen, "_DENSE_KERNELS", 0)  # small estimators use the tables too
    clears = []
    clear = _parzen._CellMasses._clear

    def counted(self: Any) -> None:
        clears.append(self.n_cells)
        clear(self)

    monkeypatch.setattr(_parzen._CellMasses, "_clear", counted)
    obs = np.column_stack([_observations(c, rng, 150, clustered=True) for c in codecs])
    sizes = [*rng.integers(3, 10, size=12), 150, 6]
    for size in sizes:
        rows = rng.choice(150, size=size, replace=False)
        # Without the magic clip (which moves with n < 98 and keeps tables off meanwhile).
        settings_ = _params(consider_magic_clip=False)
        mix = Mixture(codecs, names, obs[rows], rng.random(size) + 0.1, settings_)
        points = mix.sample(rng, 12)
        expected = _reference_log_pdf(mix, codecs, points)
        assert np.allclose(mix.log_pdf(points), expected, atol=1e-3, rtol=1e-4)
    kept = [c.cache.get("cell_masses") for c in codecs]
    assert kept[2] is None and kept[3] is None and kept[4] is None  # too fine; continuous
    assert clears.count(13) > 1 and clears.count(9) > 1  # made, then cleared when full
    for masses in kept[:2]:
        assert masses is not None and 0 < masses.n_rows * masses.n_cells <= 300
        filled = masses.table[: masses.n_rows]
        assert np.isfinite(filled).any() and np.all(np.isnan(filled) | (filled <= 0))


def test_dense_and_gathered_evaluation_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dense pass (few kernels) and the gathered one (many: a matrix product for the
    continuous parameters, tables of cell masses for the discrete ones) give one density."""
    rng = np.random.default_rng(0)
    dists = [*CONTINUOUS_DISTS, *DISCRETE_DISTS[:3], CATEGORICAL_DISTS[0]]
    codecs = [Codec(d) for d in dists]
    names = [str(j) for j in range(len(codecs))]
    obs = np.column_stack([_observations(c, rng, 300, clustered=True) for c in codecs])
    weights = rng.random(300)
    gathered = Mixture(codecs, names, obs, weights, _params())
    points = gathered.sample(rng, 50)
    monkeypatch.setattr(_parzen, "_DENSE_KERNELS", 1_000)
    dense = Mixture(codecs, names, obs, weights, _params())
    assert np.allclose(dense.log_pdf(points), gathered.log_pdf(points), atol=1e-3)
    assert np.allclose(dense.log_pdf(points), dense.log_pdf(points))  # kept constants


# ---------------------------------------------------------------------- shape of the model
def test_the_prior_keeps_mass_everywhere_and_its_weight_scales_it() -> None:
    codec = Codec(FloatDistribution(0, 1))
    obs = np.full((10, 1), 0.1)
    far = np.array([[0.95]])

    def density_far(**kwargs: Any) -> float:
        mix = Mixture([codec], ["p"], obs, np.ones(10), _params(**kwargs))
        return float(np.exp(mix.log_pdf(far))[0])

    without = density_far(consider_prior=False)
    light, heavy = density_far(prior_weight=0.5), density_far(prior_weight=5.0)
    assert without < 1e-6 < light < heavy


def test_magic_clip_keeps_close_observations_from_collapsing() -> None:
    codec = Codec(FloatDistribution(0, 1))
    obs = np.array([[0.5], [0.5 + 1e-9], [0.5 + 2e-9]])
    clipped = Mixture([codec], ["p"], obs, np.ones(3), _params(consider_prior=False))
    raw = Mixture(
        [codec], ["p"], obs, np.ones(3), _params(consider_prior=False, consider_magic_clip=False)
    )
    near = np.array([[0.55]])
    assert np.exp(clipped.log_pdf(near))[0] > 0.1  # widths >= 1 / (n + 2) = 0.2
    assert np.exp(raw.log_pdf(near))[0] < 1e-12


def test_observation_weights_shift_the_mass() -> None:
    codec = Codec(IntDistribution(0, 1))
    obs = codec.snap(np.array([[0.0], [1.0]]))
    for w, heavier in (([3.0, 1.0], 0), ([1.0, 3.0], 1)):
        mix = Mixture([codec], ["p"], obs, np.array(w), _params(consider_prior=False))
        p = np.exp(mix.log_pdf(_grid(codec)[:, None]))
        assert p[heavier] > p[1 - heavier]


def test_categorical_distance_gives_neighbours_more_mass() -> None:
    codec = Codec(CategoricalDistribution(list(range(8))))
    obs = np.full((5, 1), 3.0)

    def probabilities(funcs: dict[str, Any]) -> np.ndarray:
        mix = Mixture([codec], ["c"], obs, np.ones(5), _params(distance_funcs=funcs))
        return np.exp(mix.log_pdf(np.arange(8, dtype=float)[:, None]))

    plain = probabilities({})
    ordinal = probabilities({"c": lambda a, b: abs(a - b)})
    assert plain.sum() == pytest.approx(1.0) and ordinal.sum() == pytest.approx(1.0)
    assert np.argmax(plain) == np.argmax(ordinal) == 3
    others = np.delete(plain, 3)
    assert np.allclose(others, others[0])  # without a distance all other choices are alike
    assert ordinal[2] == pytest.approx(ordinal[4])
    assert ordinal[2] > ordinal[1] > ordinal[0]
    assert ordinal[4] > ordinal[5] > ordinal[6] > ordinal[7]
    assert ordinal[2] > plain[2] and ordinal[7] < plain[7]


def test_categorical_kernels_sharpen_with_more_observations() -> None:
    codec = Codec(CategoricalDistribution(["a", "b", "c", "d"]))
    shares = []
    for n in (1, 4, 16, 64):
        obs = np.zeros((n, 1))
        mix = Mixture([codec], ["c"], obs, np.ones(n), _params(consider_prior=False))
        shares.append(float(np.exp(mix.log_pdf(np.array([[0.0]])))[0]))
    assert shares == sorted(shares) and shares[0] < 0.7 and shares[-1] > 0.95


@pytest.mark.parametrize(
    ("func", "match"),
    [
        (lambda a, b: -1.0, "non-negative"),
        (lambda a, b: float("nan"), "finite"),
        (lambda a, b: "far", "finite"),
    ],
)
def test_bad_distance_functions_name_the_parameter(func: Any, match: str) -> None:
    codec = Codec(CategoricalDistribution(["x", "y"]))
    with pytest.raises(TPEArgumentError, match=match) as info:
        Mixture(
            [codec], ["opt"], np.zeros((1, 1)), np.ones(1), _params(distance_funcs={"opt": func})
        )
    assert "categorical_distance_func['opt']" in str(info.value)
