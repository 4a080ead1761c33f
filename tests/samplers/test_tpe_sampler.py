"""TPESampler: valid values on every space, optimisation, warm starts, parallel proposals,
constraints, bad arguments, and the Parzen estimator's own properties."""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.exceptions import RidgelineError
from ridgeline.samplers import RandomSampler, TPESampler
from ridgeline.samplers._tpe import _parzen
from ridgeline.samplers._tpe._codec import Codec
from ridgeline.samplers._tpe._history import History
from ridgeline.samplers._tpe._params import ParzenParams
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial import Trial, TrialState, create_trial

ALL_KINDS: dict[str, BaseDistribution] = {
    "f": FloatDistribution(-2.0, 3.0),
    "flog": FloatDistribution(1e-4, 1.0, log=True),
    "fstep": FloatDistribution(0.0, 1.0, step=0.1),
    "i": IntDistribution(-3, 7),
    "ilog": IntDistribution(1, 1000, log=True),
    "istep": IntDistribution(0, 20, step=4),
    "c": CategoricalDistribution([None, True, 2, 3.5, "x"]),
}

MODES = {
    "univariate": {"multivariate": False},
    "multivariate": {"multivariate": True, "group": False},
    "group": {"multivariate": True, "group": True},
}


def suggest_all(trial: Trial) -> dict[str, Any]:
    out = {}
    for name, dist in ALL_KINDS.items():
        if isinstance(dist, CategoricalDistribution):
            out[name] = trial.suggest_categorical(name, list(dist.choices))
        elif isinstance(dist, IntDistribution):
            out[name] = trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
        else:
            assert isinstance(dist, FloatDistribution)
            out[name] = trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    return out


@pytest.mark.parametrize("mode", sorted(MODES))
def test_every_distribution_kind_gets_contained_values(mode: str) -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=5, **MODES[mode]))

    def objective(trial: Trial) -> float:
        p = suggest_all(trial)
        return p["f"] ** 2 + math.log(p["flog"]) ** 2 + p["i"] + (p["c"] == "x")

    study.optimize(objective, n_trials=30)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 30
    for trial in study.trials:
        for name, value in trial.params.items():
            dist = ALL_KINDS[name]
            assert dist._contains(dist.to_internal_repr(value)), (name, value)
            if isinstance(dist, IntDistribution):
                assert isinstance(value, int) and not isinstance(value, bool)
            elif isinstance(dist, FloatDistribution):
                assert isinstance(value, float)
        fstep = trial.params["fstep"]
        assert fstep == round(fstep, 1)  # grid values as written, not 0.30000000000000004


def test_seeded_runs_repeat_and_seeds_differ() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        study = ridgeline.create_study(sampler=TPESampler(seed=seed, n_startup_trials=5))
        study.optimize(lambda t: sum(hash(str(v)) % 5 for v in suggest_all(t).values()), 20)
        return [t.params for t in study.trials]

    assert run(3) == run(3)
    assert run(3) != run(4)


def _quadratic(trial: Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_int("y", -10, 10)
    z = trial.suggest_categorical("z", ["a", "b", "c", "d"])
    return (x - 2.5) ** 2 + (y + 3) ** 2 + (0 if z == "c" else 20)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_beats_random_search(mode: str) -> None:
    tpe, rand = [], []
    for seed in range(5):
        s1 = ridgeline.create_study(sampler=TPESampler(seed=seed, **MODES[mode]))
        s1.optimize(_quadratic, n_trials=60)
        s2 = ridgeline.create_study(sampler=RandomSampler(seed=seed))
        s2.optimize(_quadratic, n_trials=60)
        tpe.append(s1.best_value)
        rand.append(s2.best_value)
    assert np.mean(tpe) < 0.5 * np.mean(rand), (tpe, rand)


def _conditional(trial: Trial) -> float:
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if kind == "a":
        return 1.0 + (trial.suggest_float("a_x", 0, 1) - 0.3) ** 2
    u = trial.suggest_float("b_u", -1, 1)
    v = trial.suggest_int("b_v", 0, 10)
    return (u - 0.5) ** 2 + (v - 7) ** 2 / 10


def test_group_models_conditional_branches() -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=1, group=True, n_startup_trials=8))
    study.optimize(_conditional, n_trials=60)
    kinds = [t.params["kind"] for t in study.trials]
    assert {"a", "b"} <= set(kinds)
    assert kinds[-20:].count("b") > 12  # branch "b" is the better one
    assert study.best_value < 0.1
    for t in study.trials:
        assert set(t.params) in ({"kind", "a_x"}, {"kind", "b_u", "b_v"})


def test_independent_sampling_warning_can_be_silenced(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("ridgeline")
    logger.propagate = True
    caplog.set_level(logging.WARNING, logger="ridgeline")
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=4, group=False))
    study.optimize(_conditional, n_trials=10)
    assert any("on its own" in r.getMessage() for r in caplog.records)
    caplog.clear()
    grouped = TPESampler(seed=0, n_startup_trials=4)  # group=True by default: no fallback
    ridgeline.create_study(sampler=grouped).optimize(_conditional, n_trials=10)
    assert not any("on its own" in r.getMessage() for r in caplog.records)
    quiet = TPESampler(seed=0, n_startup_trials=4, group=False, warn_independent_sampling=False)
    ridgeline.create_study(sampler=quiet).optimize(_conditional, n_trials=10)
    assert not any("on its own" in r.getMessage() for r in caplog.records)


def test_changing_choices_and_bounds() -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=3))

    def objective(trial: Trial) -> float:
        k = trial.number % 3
        choices = [["a", "b"], ["b", "c", "d"], ["a", "d"]][k]
        c = trial.suggest_categorical("c", choices)
        x = trial.suggest_float("x", -k - 1, k + 1)
        n = trial.suggest_int("n", 0, 5 * (k + 1))
        assert c in choices and -k - 1 <= x <= k + 1 and 0 <= n <= 5 * (k + 1)
        return x**2 + n + (c == "d")

    study.optimize(objective, n_trials=40)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 40


def _history(study: ridgeline.Study) -> History:
    history = History([StudyDirection.MINIMIZE], use_constraints=False)
    history.update(study)
    return history


def test_split_ranks_pruned_by_last_step_then_value_and_ignores_failed() -> None:
    d = {"x": FloatDistribution(0, 1)}
    study = ridgeline.create_study()
    study.add_trial(create_trial(params={"x": 0.1}, distributions=d, value=5.0))  # row 0
    study.add_trial(create_trial(params={"x": 0.2}, distributions=d, value=1.0))  # row 1
    for step_values in ({0: 0.5, 3: 9.0}, {0: 0.0}, {0: 2.0, 3: 4.0}):  # rows 2, 3, 4
        study.add_trial(
            create_trial(
                params={"x": 0.3}, distributions=d, state=TrialState.PRUNED,
                intermediate_values=step_values,
            )
        )  # fmt: skip
    study.add_trial(create_trial(params={"x": 0.4}, distributions=d, state=TrialState.FAIL))
    history = _history(study)
    assert history.n == 5  # the failed trial is not an observation
    # complete by value (1, 0), then pruned at step 3 by value (4: 4.0, 2: 9.0), then step 0.
    expected = [1, 0, 4, 2, 3]
    for k in range(1, 6):
        assert sorted(np.flatnonzero(history.below_mask(k))) == sorted(expected[:k])


def test_pruned_trial_with_good_intermediate_value_attracts_samples() -> None:
    d = {"x": FloatDistribution(0, 10)}
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=5))
    rng = np.random.default_rng(0)
    for x in rng.uniform(0, 10, 30):
        near = abs(x - 8) < 0.7
        study.add_trial(
            create_trial(
                params={"x": float(x)}, distributions=d, state=TrialState.PRUNED,
                intermediate_values={0: 0.0 if near else 10.0},
            )
        )  # fmt: skip
    xs = []
    for _ in range(20):
        trial = study.ask()
        xs.append(trial.suggest_float("x", 0, 10))
        study.tell(trial, state=TrialState.FAIL)
    assert np.median(np.abs(np.array(xs) - 8)) < 1.5


def test_constant_liar_spreads_parallel_proposals() -> None:
    def spread(liar: bool, seed: int) -> float:
        study = ridgeline.create_study(
            sampler=TPESampler(seed=seed, n_startup_trials=10, constant_liar=liar)
        )
        study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=25)
        xs = [study.ask().suggest_float("x", -5, 5) for _ in range(8)]
        return float(np.std(xs))

    with_liar = np.mean([spread(True, s) for s in range(4)])
    without = np.mean([spread(False, s) for s in range(4)])
    assert with_liar > 1.5 * without, (with_liar, without)


def test_warm_start_from_added_and_enqueued_trials() -> None:
    d = {"x": FloatDistribution(-10, 10)}
    distances = []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        earlier = [
            create_trial(params={"x": float(x)}, distributions=d, value=float((x - 3) ** 2))
            for x in rng.uniform(-10, 10, 30)
        ]
        study = ridgeline.create_study(sampler=TPESampler(seed=seed))
        study.add_trials(earlier)  # as many as n_startup_trials: TPE from the first new trial
        study.optimize(lambda t: (t.suggest_float("x", -10, 10) - 3) ** 2, n_trials=10)
        new = np.array([t.params["x"] for t in study.trials[30:]])
        distances.append(np.median(np.abs(new - 3)))
    assert np.mean(distances) < 2.0  # uniform proposals: about 5.5

    enqueued = [-7.0, 5.0, 9.0, -2.0, 8.0, -6.5, 2.0, 6.0]
    distances = []
    for seed in range(4):
        study = ridgeline.create_study(sampler=TPESampler(seed=seed, n_startup_trials=8))
        for x in enqueued:
            study.enqueue_trial({"x": x})
        study.optimize(lambda t: (t.suggest_float("x", -10, 10) + 7) ** 2, n_trials=18)
        assert [t.params["x"] for t in study.trials[:8]] == enqueued
        new = np.array([t.params["x"] for t in study.trials[8:]])
        distances.append(np.median(np.abs(new + 7)))
    assert np.mean(distances) < 3.5  # uniform proposals: about 7 (Optuna: 2.2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_startup_trials": -1}, "n_startup_trials"),
        ({"n_startup_trials": 1.5}, "n_startup_trials"),
        ({"n_ei_candidates": 0}, "n_ei_candidates"),
        ({"prior_weight": 0.0}, "prior_weight"),
        ({"prior_weight": float("nan")}, "prior_weight"),
        ({"gamma": 3}, "gamma"),
        ({"multivariate": "yes"}, "multivariate"),
        ({"group": True, "multivariate": False}, "group"),
        ({"categorical_distance_func": ["x"]}, "categorical_distance_func"),
        ({"categorical_distance_func": {"c": 1}}, "categorical_distance_func"),
        ({"categorical_distance_func": {1: abs}}, "categorical_distance_func"),
        ({"constraints_func": "no"}, "constraints_func"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(RidgelineError, match=match) as info:
        TPESampler(**kwargs)
    assert isinstance(info.value, (ValueError, TypeError))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"gamma": lambda n: -1}, r"gamma\(\d+\) returned -1"),
        ({"gamma": lambda n: 0.5}, "gamma"),
        ({"weights": lambda n: np.ones(n + 1)}, "weights"),
        ({"weights": lambda n: -np.ones(n)}, "weights"),
        ({"categorical_distance_func": {"x": lambda a, b: 1.0}}, "not categorical"),
        ({"categorical_distance_func": {"c": lambda a, b: -1.0}}, "non-negative"),
    ],
)
def test_bad_callables_fail_the_trial_clearly_and_keep_the_study(
    kwargs: dict[str, Any], match: str
) -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=3, **kwargs))

    def objective(trial: Trial) -> float:
        return trial.suggest_float("x", 0, 1) + len(trial.suggest_categorical("c", ["a", "bb"]))

    study.optimize(objective, n_trials=3)
    with pytest.raises(RidgelineError, match=match):
        study.optimize(objective, n_trials=1)
    states = [t.state for t in study.trials]
    assert states[:3] == [TrialState.COMPLETE] * 3  # nothing stored earlier is touched
    assert states[3] == TrialState.FAIL
    assert "error" in study.trials[3].user_attrs


def test_constraints_are_stored_and_feasible_points_preferred() -> None:
    def constraints(trial: Any) -> list[float]:
        return [2.0 - trial.params["x"]]  # feasible when x >= 2

    study = ridgeline.create_study(sampler=TPESampler(seed=0, constraints_func=constraints))
    study.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2, n_trials=60)
    for t in study.trials:
        assert t.system_attrs["constraints"] == [pytest.approx(2.0 - t.params["x"])]
    late = np.array([t.params["x"] for t in study.trials[-20:]])
    # The unconstrained optimum is x = 0; the feasible one x = 2, on the boundary, so
    # proposals gather around 2 from both sides.
    # (Without the constraint: median |x - 2| is about 2 and hardly any x >= 2.)
    assert np.median(np.abs(late - 2.0)) < 1.2
    assert np.mean(late >= 2.0) >= 0.4
    feasible = [t for t in study.trials if t.params["x"] >= 2.0]
    assert min(t.value for t in feasible) < 2.3**2

    bad = TPESampler(seed=0, constraints_func=lambda t: [float("nan")])
    study = ridgeline.create_study(sampler=bad)
    with pytest.raises(RidgelineError, match="NaN"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].state != TrialState.RUNNING


def test_categorical_distance_gives_neighbours_more_mass() -> None:
    choices = tuple(range(8))
    codec = Codec(CategoricalDistribution(list(choices)))
    obs = np.array([[3.0]] * 5)

    def probabilities(funcs: dict[str, Any]) -> np.ndarray:
        params = ParzenParams(
            consider_prior=True, prior_weight=1.0, consider_magic_clip=True,
            consider_endpoints=False, multivariate=False, distance_funcs=funcs,
        )  # fmt: skip
        mix = _parzen.Mixture([codec], ["c"], obs, np.ones(5), params)
        return np.exp(mix.log_pdf(np.arange(8, dtype=float)[:, None]))

    plain = probabilities({})
    ordinal = probabilities({"c": lambda a, b: abs(a - b)})
    assert plain.sum() == pytest.approx(1.0) and ordinal.sum() == pytest.approx(1.0)
    assert plain[2] == pytest.approx(plain[7])  # without a distance all others are alike
    assert ordinal[2] > ordinal[5] > ordinal[7]

    study = ridgeline.create_study(
        sampler=TPESampler(seed=0, categorical_distance_func={"c": lambda a, b: abs(a - b)})
    )
    study.optimize(lambda t: (t.suggest_categorical("c", list(choices)) - 5) ** 2, n_trials=40)
    assert study.best_params["c"] == 5


def _params(**kw: Any) -> ParzenParams:
    base = dict(
        consider_prior=True, prior_weight=1.0, consider_magic_clip=True,
        consider_endpoints=False, multivariate=True, distance_funcs={},
    )  # fmt: skip
    base.update(kw)
    return ParzenParams(**base)


@pytest.mark.parametrize(
    "dist",
    [IntDistribution(0, 12), IntDistribution(1, 300, log=True), IntDistribution(-4, 20, step=3),
     FloatDistribution(0.0, 2.0, step=0.25)],
)  # fmt: skip
@pytest.mark.parametrize("n_obs", [0, 1, 5, 200])
@pytest.mark.parametrize("prior", [True, False])
def test_grid_probabilities_sum_to_one(dist: BaseDistribution, n_obs: int, prior: bool) -> None:
    if n_obs == 0 and not prior:
        return
    rng = np.random.default_rng(n_obs)
    codec = Codec(dist)
    cont = Codec(FloatDistribution(0, 1))
    obs = np.column_stack([codec.snap(rng.random(n_obs)), rng.random(n_obs)])
    mix = _parzen.Mixture([codec, cont], ["a", "b"], obs, rng.random(n_obs) + 0.1, _params(
        consider_prior=prior))  # fmt: skip
    grid = np.unique(codec.snap(np.linspace(0, 1, 5001)))
    # Marginal over the grid at a fixed continuous value, integrated over that value.
    ys = np.linspace(0, 1, 801)
    points = np.array([[g, y] for g in grid for y in ys])
    dens = np.exp(mix.log_pdf(points)).reshape(len(grid), len(ys))
    total = np.trapezoid(dens, ys, axis=1).sum()
    assert total == pytest.approx(1.0, abs=2e-3)


def test_dense_and_gathered_paths_agree() -> None:
    rng = np.random.default_rng(0)
    codecs = [Codec(d) for d in ALL_KINDS.values()]
    obs = np.column_stack(
        [c.snap(rng.random(300)) if c.kind != 2 else rng.integers(c.n_choices, size=300) * 1.0
         for c in codecs]
    )  # fmt: skip
    mix = _parzen.Mixture(codecs, list(ALL_KINDS), obs, rng.random(300) + 0.1, _params())
    points = mix.sample(rng, 50)
    cells = mix.cells(points)
    dense, c1 = mix._dense(points, cells)
    gathered, c2 = mix._gathered(points, cells)
    assert np.allclose(dense + c1, gathered.astype(float) + c2, atol=1e-3)
    samples = mix.sample(rng, 500)
    assert np.all((samples >= 0) & (samples <= 1) | (np.arange(len(codecs)) == 6))
    for j, codec in enumerate(codecs):
        if codec.kind == 1:
            assert np.allclose(codec.snap(samples[:, j]), samples[:, j])


def test_multi_objective_split_prefers_the_pareto_front() -> None:
    d = {"x": FloatDistribution(0, 1)}
    study = ridgeline.create_study(directions=["minimize", "minimize"])
    values = [(1, 5), (2, 2), (5, 1), (3, 3), (4, 4), (6, 6)]
    for v in values:
        study.add_trial(create_trial(params={"x": 0.5}, distributions=d, values=list(v)))
    history = History(study.directions, use_constraints=False)
    history.update(study)
    assert set(np.flatnonzero(history.below_mask(3))) == {0, 1, 2}
    sampled = ridgeline.create_study(
        directions=["minimize", "maximize"], sampler=TPESampler(seed=0, n_startup_trials=5)
    )
    sampled.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), 20)
    assert len(sampled.trials) == 20


def test_threads_and_incremental_history() -> None:
    sampler = TPESampler(seed=0, n_startup_trials=5)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=40, n_jobs=2)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 40
    (history,) = sampler._histories.values()
    history.update(study)
    history.update(study)  # nothing new: nothing added twice
    assert history.n == 40
    column = history.column("x", FloatDistribution(-10, 10))
    values = column.u.view[column.order]
    assert np.all(np.diff(values) >= 0)
