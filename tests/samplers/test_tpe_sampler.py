"""TPESampler end to end: valid values on every space and mode, reproducibility, optimisation,
conditional spaces, pruned and failed trials, parallel proposals, warm starts, constraints,
categorical distances, several objectives, threads, and clear errors on bad arguments.

The estimator and the history have their own files (``test_tpe_parzen.py``,
``test_tpe_history.py``); the contract every sampler meets is ``test_sampler_contract.py``.
"""

from __future__ import annotations

import copy
import logging
import math
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ridgeline
from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.exceptions import RidgelineError
from ridgeline.samplers import QMCSampler, RandomSampler, TPESampler
from ridgeline.samplers._tpe import default_gamma, default_weights, hyperopt_default_gamma
from ridgeline.trial import FrozenTrial, Trial, TrialState, create_trial

CHOICES = [None, True, False, 0, 1, 3.5, "x"]
ALL_KINDS: dict[str, BaseDistribution] = {
    "f": FloatDistribution(-2.0, 3.0),
    "flog": FloatDistribution(1e-4, 1.0, log=True),
    "fstep": FloatDistribution(0.0, 1.0, step=0.1),
    "i": IntDistribution(-3, 7),
    "ilog": IntDistribution(1, 1000, log=True),
    "istep": IntDistribution(0, 20, step=4),
    "c": CategoricalDistribution(CHOICES),
}
X1: dict[str, BaseDistribution] = {"x": FloatDistribution(0.0, 1.0)}

MODES: dict[str, dict[str, Any]] = {
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


def _all_kinds_objective(trial: Trial) -> float:
    p = suggest_all(trial)
    c = CHOICES.index(p["c"]) if p["c"] is not None else 0
    return p["f"] ** 2 + math.log(p["flog"]) ** 2 + p["i"] + p["istep"] + abs(c - 4)


def assert_contained(trial: FrozenTrial) -> None:
    for name, value in trial.params.items():
        dist = trial.distributions[name]
        assert dist._contains(dist.to_internal_repr(value)), (trial.number, name, value)
        if isinstance(dist, IntDistribution):
            assert type(value) is int, (name, value)
        elif isinstance(dist, FloatDistribution):
            assert type(value) is float, (name, value)
        else:
            assert isinstance(dist, CategoricalDistribution)
            # The very choice object: True is not 1, 0 is not False, 3.5 stays a float.
            assert any(value is c or (type(value) is type(c) and value == c) for c in dist.choices)


# ---------------------------------------------------------------------- valid values
@pytest.mark.parametrize("mode", sorted(MODES))
def test_every_distribution_kind_gets_contained_values(mode: str) -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=5, **MODES[mode]))
    study.optimize(_all_kinds_objective, n_trials=30)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 30
    for trial in study.trials:  # 5 random trials, then 25 from the model
        assert set(trial.params) == set(ALL_KINDS)
        assert_contained(trial)
        fstep = trial.params["fstep"]
        assert fstep == round(fstep, 1)  # grid values as written, not 0.30000000000000004
    late = [t.params["c"] for t in study.trials[5:]]
    assert len({repr(c) for c in late}) > 1  # the model does not collapse onto one choice


@pytest.mark.parametrize("mode", sorted(MODES))
def test_single_value_distributions(mode: str) -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=2, **MODES[mode]))

    def objective(trial: Trial) -> float:
        a = trial.suggest_float("a", 1.5, 1.5)
        b = trial.suggest_int("b", 3, 3)
        c = trial.suggest_categorical("c", ["only"])
        d = trial.suggest_float("d", 0.5, 0.5, step=0.1)
        e = trial.suggest_int("e", 4, 4, log=True)
        assert (a, b, c, d, e) == (1.5, 3, "only", 0.5, 4)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=8)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def _float_dist(low: float, n_steps: int, step: float | None, log: bool) -> FloatDistribution:
    if step is not None:
        return FloatDistribution(low, round(low + n_steps * step, 9), step=step)
    if log:
        return FloatDistribution(abs(low) + 1e-3, (abs(low) + 1e-3) * 10.0**n_steps, log=True)
    return FloatDistribution(low, low + 10.0 ** (n_steps - 6))


_distributions = st.one_of(
    st.builds(
        _float_dist,
        st.sampled_from([-3.0, 0.0, 0.1, 7.25]),
        st.integers(1, 12),
        st.sampled_from([None, 0.25, 0.1, 3.0]),
        st.booleans(),
    ),
    st.builds(
        lambda low, n, step: IntDistribution(low, low + n * step, step=step),
        st.integers(-(10**9), 10**9),
        st.integers(1, 10**6),
        st.sampled_from([1, 2, 7]),
    ),
    st.builds(
        lambda low, n: IntDistribution(low, low + n, log=True),
        st.integers(1, 1000),
        st.integers(1, 10**9),
    ),
    st.lists(
        st.sampled_from([None, True, False, 0, 1, -1, 0.5, "", "a", 2.0]),
        min_size=1,
        max_size=6,
        unique_by=repr,
    ).map(CategoricalDistribution),
)


@settings(max_examples=15, deadline=None)
@given(
    space=st.dictionaries(st.sampled_from("abcde"), _distributions, min_size=1, max_size=4),
    mode=st.sampled_from(sorted(MODES)),
    options=st.fixed_dictionaries(
        {
            "consider_prior": st.booleans(),
            "consider_magic_clip": st.booleans(),
            "consider_endpoints": st.booleans(),
            "constant_liar": st.booleans(),
            "n_startup_trials": st.integers(0, 4),
        }
    ),
    seed=st.integers(0, 2**16),
)
def test_random_spaces_get_contained_values(
    space: dict[str, BaseDistribution], mode: str, options: dict[str, Any], seed: int
) -> None:
    sampler = TPESampler(seed=seed, warn_independent_sampling=False, **MODES[mode], **options)
    study = ridgeline.create_study(sampler=sampler)
    rng = np.random.default_rng(seed)

    def objective(trial: Trial) -> float:
        total = 0.0
        for name, dist in space.items():
            if rng.random() < 0.2:
                continue  # a conditional parameter, now and then
            if isinstance(dist, CategoricalDistribution):
                value = trial.suggest_categorical(name, list(dist.choices))
                total += len(repr(value))
            elif isinstance(dist, IntDistribution):
                value = trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
                total += value % 7
            else:
                assert isinstance(dist, FloatDistribution)
                value = trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
                total += math.sin(value)
        return total

    study.optimize(objective, n_trials=12)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    for trial in study.trials:
        assert_contained(trial)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_seeded_runs_repeat_and_seeds_differ(mode: str) -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        sampler = TPESampler(seed=seed, n_startup_trials=5, **MODES[mode])
        study = ridgeline.create_study(sampler=sampler)
        study.optimize(_all_kinds_objective, n_trials=15)
        return [t.params for t in study.trials]

    first = run(3)
    assert run(3) == first
    other = run(4)
    assert other[:5] != first[:5] and other[5:] != first[5:]


def test_reseed_rng_changes_the_sequence() -> None:
    def run(reseed: bool) -> list[float]:
        sampler = TPESampler(seed=1, n_startup_trials=3)
        study = ridgeline.create_study(sampler=sampler)
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        if reseed:
            sampler.reseed_rng()
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        return [t.params["x"] for t in study.trials]

    a, b = run(False), run(True)
    assert a[:3] == b[:3] and a[3:] != b[3:]


# ---------------------------------------------------------------------- optimisation
def _quadratic(trial: Trial) -> float:
    return (trial.suggest_float("x", -10, 10) - 2.5) ** 2 + (
        trial.suggest_float("y", -10, 10) + 3
    ) ** 2


def _mixed(trial: Trial) -> float:
    x = trial.suggest_int("x", -10, 10)
    y = trial.suggest_float("y", -5, 5, step=0.5)
    z = trial.suggest_categorical("z", ["a", "b", "c", "d"])
    return (x - 3) ** 2 + (y + 1.5) ** 2 + (0 if z == "c" else 10)


@pytest.mark.parametrize("objective", [_quadratic, _mixed], ids=["quadratic", "mixed"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_beats_random_search(objective: Callable[[Trial], float], mode: str) -> None:
    tpe, rand = [], []
    for seed in range(5):
        s1 = ridgeline.create_study(sampler=TPESampler(seed=seed, **MODES[mode]))
        s1.optimize(objective, n_trials=60)
        s2 = ridgeline.create_study(sampler=RandomSampler(seed=seed))
        s2.optimize(objective, n_trials=60)
        tpe.append(s1.best_value)
        rand.append(s2.best_value)
    # Over 20 seeds the ratio of means is 0.02-0.5 (random: 1); TPE wins 3-5 seeds of 5.
    assert np.mean(tpe) < 0.75 * np.mean(rand), (tpe, rand)
    assert sum(a < b for a, b in zip(tpe, rand, strict=True)) >= 3, (tpe, rand)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_follows_the_direction(direction: str) -> None:
    sign = 1.0 if direction == "minimize" else -1.0
    late_distances = []
    for seed in range(3):
        study = ridgeline.create_study(direction=direction, sampler=TPESampler(seed=seed))
        study.optimize(lambda t: sign * (t.suggest_float("x", 0, 10) - 7) ** 2, n_trials=40)
        assert abs(study.best_params["x"] - 7) < 0.5
        late = np.array([t.params["x"] for t in study.trials[-15:]])
        late_distances.append(np.median(np.abs(late - 7)))
    assert np.mean(late_distances) < 1.6  # over 10 seeds 0.9-1.4; uniform proposals: 2.5


def test_infinite_objective_values_are_ranked_not_fatal() -> None:
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 10)
        return math.inf if x > 6 else (x - 5) ** 2

    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=5))
    study.optimize(objective, n_trials=30)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert study.best_value < 0.5


# ---------------------------------------------------------------------- conditional spaces
def _conditional(trial: Trial) -> float:
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if kind == "a":
        return 1.0 + (trial.suggest_float("a_x", 0, 1) - 0.3) ** 2
    u = trial.suggest_float("b_u", -1, 1)
    v = trial.suggest_int("b_v", 0, 10)
    return (u - 0.5) ** 2 + (v - 7) ** 2 / 10


def test_group_models_conditional_branches_jointly(monkeypatch: pytest.MonkeyPatch) -> None:
    sampler = TPESampler(seed=1, group=True, n_startup_trials=8)
    independent: list[str] = []
    original = TPESampler.sample_independent

    def spy(self: TPESampler, study: Any, trial: Any, name: str, dist: Any) -> Any:
        if trial.number >= 8:
            independent.append(name)
        return original(self, study, trial, name, dist)

    monkeypatch.setattr(TPESampler, "sample_independent", spy)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(_conditional, n_trials=60)
    assert independent == []  # every branch parameter came from its group's joint model
    kinds = [t.params["kind"] for t in study.trials]
    assert kinds[8:].count("a") >= 2  # both branches explored after the random start
    assert kinds[-20:].count("b") > 12  # over 10 seeds: 17-19; branch "b" is the better one
    assert study.best_value < 0.1
    for t in study.trials:
        assert set(t.params) in ({"kind", "a_x"}, {"kind", "b_u", "b_v"})
        assert_contained(t)


@pytest.mark.parametrize("mode", ["univariate", "multivariate"])
def test_conditional_parameters_without_groups(mode: str) -> None:
    study = ridgeline.create_study(
        sampler=TPESampler(
            seed=2, n_startup_trials=8, warn_independent_sampling=False, **MODES[mode]
        )
    )
    study.optimize(_conditional, n_trials=40)
    assert {t.params["kind"] for t in study.trials} == {"a", "b"}
    for t in study.trials:
        assert_contained(t)
    assert study.best_value < 0.5


def test_independent_sampling_warning_and_how_to_silence_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert logging.getLogger("ridgeline").propagate  # caplog's handler sits on the root logger
    caplog.set_level(logging.WARNING, logger="ridgeline")

    def warnings_of(sampler: TPESampler) -> list[str]:
        caplog.clear()
        ridgeline.create_study(sampler=sampler).optimize(_conditional, n_trials=10)
        return [r.getMessage() for r in caplog.records if "on its own" in r.getMessage()]

    loud = warnings_of(TPESampler(seed=0, n_startup_trials=4, group=False))
    assert loud and all("TPESampler samples '" in m and "group=True" in m for m in loud)
    assert all(r.name.startswith("ridgeline") for r in caplog.records)
    assert warnings_of(TPESampler(seed=0, n_startup_trials=4)) == []  # group=True by default
    quiet = TPESampler(seed=0, n_startup_trials=4, group=False, warn_independent_sampling=False)
    assert warnings_of(quiet) == []
    assert warnings_of(TPESampler(seed=0, n_startup_trials=4, multivariate=False)) == []


# ---------------------------------------------------------------------- changing spaces
@pytest.mark.parametrize("mode", sorted(MODES))
def test_changing_choices_and_bounds(mode: str) -> None:
    study = ridgeline.create_study(
        sampler=TPESampler(
            seed=0, n_startup_trials=3, warn_independent_sampling=False, **MODES[mode]
        )
    )

    def objective(trial: Trial) -> float:
        k = trial.number % 3
        choices = [["a", "b"], ["b", "c", "d"], ["a", "d", None]][k]
        c = trial.suggest_categorical("c", choices)
        x = trial.suggest_float("x", -k - 1, k + 1, log=False)
        n = trial.suggest_int("n", 0, 5 * (k + 1), step=k + 1)
        assert c in choices and -k - 1 <= x <= k + 1 and 0 <= n <= 5 * (k + 1)
        return x**2 + n + (c == "d")

    study.optimize(objective, n_trials=40)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 40
    for t in study.trials:
        assert_contained(t)


def test_running_trials_with_other_bounds_or_choices_are_no_lies() -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=3))
    study.optimize(
        lambda t: t.suggest_float("x", 0, 1) + len(t.suggest_categorical("c", ["a", "bb"])),
        n_trials=10,
    )
    odd = study.ask()
    odd.suggest_float("x", 5, 10)
    odd.suggest_categorical("c", ["q", "r"])
    trial = study.ask()
    x, c = trial.suggest_float("x", 0, 1), trial.suggest_categorical("c", ["a", "bb"])
    assert 0 <= x <= 1 and c in ("a", "bb")
    study.tell(trial, x)
    assert_contained(study.trials[trial.number])


# ---------------------------------------------------------------------- pruned and failed
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
    for x in rng.uniform(0, 10, 10):  # failed trials carry no information, good-looking or not
        study.add_trial(
            create_trial(params={"x": float(x)}, distributions=d, state=TrialState.FAIL)
        )
    xs = []
    for _ in range(20):
        trial = study.ask()
        xs.append(trial.suggest_float("x", 0, 10))
        study.tell(trial, state=TrialState.FAIL)
    assert np.median(np.abs(np.array(xs) - 8)) < 1.5  # uniform proposals: about 2.9


def test_pruning_study_end_to_end() -> None:
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", -5, 5)
        for step in range(5):
            trial.report((x - 1) ** 2 + 5 - step, step)
            if trial.should_prune():
                raise ridgeline.TrialPruned()
        return (x - 1) ** 2

    study = ridgeline.create_study(
        sampler=TPESampler(seed=0, n_startup_trials=5),
        pruner=ridgeline.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1),
    )
    study.optimize(objective, n_trials=40)
    states = {t.state for t in study.trials}
    assert TrialState.PRUNED in states and TrialState.COMPLETE in states
    assert study.best_value < 0.2


# ---------------------------------------------------------------------- constant liar
def test_constant_liar_spreads_parallel_proposals() -> None:
    def spread(liar: bool, seed: int) -> float:
        study = ridgeline.create_study(
            sampler=TPESampler(seed=seed, n_startup_trials=10, constant_liar=liar)
        )
        study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=20)
        xs = [study.ask().suggest_float("x", -5, 5) for _ in range(5)]  # asked, never told
        return float(np.std(xs))

    with_liar = [spread(True, s) for s in range(6)]
    without = [spread(False, s) for s in range(6)]
    # Over 20 seeds, blocks of 5: 1.9-2.4 with the liar, 0.3-1.5 without.
    assert np.mean(with_liar) > 1.5 * np.mean(without), (with_liar, without)
    assert np.median(with_liar) > np.median(without)


# ---------------------------------------------------------------------- warm starts
def test_warm_start_from_added_trials() -> None:
    d = {"x": FloatDistribution(-10, 10)}
    distances = []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        earlier = [
            create_trial(params={"x": float(x)}, distributions=d, value=float((x - 3) ** 2))
            for x in rng.uniform(-10, 10, 30)
        ]
        study = ridgeline.create_study(sampler=TPESampler(seed=seed))
        study.add_trials(earlier)  # more than n_startup_trials: TPE from the first new trial
        study.optimize(lambda t: (t.suggest_float("x", -10, 10) - 3) ** 2, n_trials=10)
        new = np.array([t.params["x"] for t in study.trials[30:]])
        distances.append(np.median(np.abs(new - 3)))
    assert np.mean(distances) < 2.0  # uniform proposals: about 5.5


def test_enqueued_trials_run_first_and_feed_the_model() -> None:
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


def test_partly_enqueued_params_are_completed_by_the_sampler() -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=0, n_startup_trials=3))
    study.optimize(_quadratic, n_trials=12)
    study.enqueue_trial({"x": 2.5})
    study.optimize(_quadratic, n_trials=1)
    last = study.trials[-1]
    assert last.params["x"] == 2.5 and -10 <= last.params["y"] <= 10


# ---------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_startup_trials": -1}, r"`n_startup_trials` of TPESampler must be >= 0; got -1"),
        ({"n_startup_trials": 1.5}, r"`n_startup_trials` of TPESampler must be an int"),
        ({"n_startup_trials": True}, r"`n_startup_trials` of TPESampler must be an int"),
        ({"n_ei_candidates": 0}, r"`n_ei_candidates` of TPESampler must be >= 1; got 0"),
        ({"prior_weight": 0.0}, r"`prior_weight` of TPESampler must be a positive finite"),
        ({"prior_weight": -1}, r"`prior_weight` .* got -1"),
        ({"prior_weight": float("nan")}, r"`prior_weight` .* got nan"),
        ({"prior_weight": float("inf")}, r"`prior_weight` .* got inf"),
        ({"prior_weight": "1"}, r"`prior_weight`"),
        ({"gamma": 3}, r"`gamma` of TPESampler must be a function of n"),
        ({"weights": None}, r"`weights` of TPESampler must be a function of n"),
        ({"multivariate": "yes"}, r"`multivariate` of TPESampler must be True or False"),
        ({"consider_prior": 1}, r"`consider_prior`"),
        ({"constant_liar": None}, r"`constant_liar`"),
        ({"improvement_weights": "yes"}, r"`improvement_weights` of TPESampler must be True"),
        ({"group": True, "multivariate": False}, r"`group=True` of TPESampler needs multivariate"),
        ({"categorical_distance_func": ["x"]}, r"`categorical_distance_func` .* must be a dict"),
        ({"categorical_distance_func": {"c": 1}}, r"`categorical_distance_func\['c'\]`"),
        ({"categorical_distance_func": {1: abs}}, r"keyed by parameter names"),
        ({"constraints_func": "no"}, r"`constraints_func` of TPESampler must be a function"),
        ({"seed": -1}, r"seed"),
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(RidgelineError, match=match) as info:
        TPESampler(**kwargs)
    assert isinstance(info.value, (ValueError, TypeError))


def _snapshot(study: ridgeline.Study) -> list[tuple[Any, ...]]:
    return [(t.number, t.state, t.params, t.values, t.distributions) for t in study.trials]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"gamma": lambda n: -1}, r"`gamma` of TPESampler .* gamma\(3\) returned -1"),
        ({"gamma": lambda n: 0.5}, r"`gamma` .* returned 0\.5"),
        ({"gamma": lambda n: None}, r"`gamma`"),
        ({"weights": lambda n: np.ones(n + 1)}, r"`weights` of TPESampler must return \d+ finite"),
        ({"weights": lambda n: -np.ones(n)}, r"`weights` .* non-negative"),
        ({"weights": lambda n: np.full(n, np.nan)}, r"`weights`"),
        ({"weights": lambda n: None}, r"`weights`"),
        ({"categorical_distance_func": {"x": lambda a, b: 1.0}}, r"'x'.*not categorical"),
        ({"categorical_distance_func": {"c": lambda a, b: -1.0}}, r"`categorical_distance_func"),
        ({"categorical_distance_func": {"c": lambda a, b: math.nan}}, r"finite non-negative"),
    ],
)
@pytest.mark.parametrize("mode", ["univariate", "group"])
def test_bad_callables_fail_the_trial_clearly_and_keep_the_study(
    kwargs: dict[str, Any], match: str, mode: str
) -> None:
    sampler = TPESampler(seed=0, n_startup_trials=3, **MODES[mode], **kwargs)
    study = ridgeline.create_study(sampler=sampler)

    def objective(trial: Trial) -> float:
        return trial.suggest_float("x", 0, 1) + len(trial.suggest_categorical("c", ["a", "bb"]))

    study.optimize(objective, n_trials=3)
    before = _snapshot(study)
    with pytest.raises(RidgelineError, match=match) as info:
        study.optimize(objective, n_trials=1)
    assert isinstance(info.value, (ValueError, TypeError))
    assert _snapshot(study)[:3] == before  # nothing stored earlier is touched
    failed = study.trials[3]
    assert failed.state == TrialState.FAIL
    assert "error" in failed.user_attrs
    # The study is still usable with another sampler, its records whole.
    study.sampler = TPESampler(seed=0, n_startup_trials=3)
    study.optimize(objective, n_trials=2)
    assert [t.state for t in study.trials[4:]] == [TrialState.COMPLETE] * 2


# ---------------------------------------------------------------------- constraints
def _constrained_run(seed: int, with_constraints: bool) -> ridgeline.Study:
    def constraints(trial: FrozenTrial) -> list[float]:
        return [2.0 - trial.params["x"]]  # feasible when x >= 2

    sampler = TPESampler(seed=seed, constraints_func=constraints if with_constraints else None)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2, n_trials=60)
    return study


def test_constraints_are_stored_and_feasible_points_preferred() -> None:
    distance, feasible_share, plain_distance, plain_share = [], [], [], []
    for seed in range(3):
        study = _constrained_run(seed, True)
        for t in study.trials:
            assert t.system_attrs["constraints"] == [pytest.approx(2.0 - t.params["x"])]
        late = np.array([t.params["x"] for t in study.trials[-20:]])
        distance.append(np.median(np.abs(late - 2.0)))
        feasible_share.append(np.mean(late >= 2.0))
        best_feasible = min(t.value for t in study.trials if t.params["x"] >= 2.0)
        assert best_feasible < 2.3**2  # the constrained optimum is x = 2
        plain = _constrained_run(seed, False)
        assert "constraints" not in plain.trials[0].system_attrs
        plain_late = np.array([t.params["x"] for t in plain.trials[-20:]])
        plain_distance.append(np.median(np.abs(plain_late - 2.0)))
        plain_share.append(np.mean(plain_late >= 2.0))
    # The unconstrained optimum is x = 0; the feasible one x = 2, on the boundary, so late
    # proposals gather around 2 from both sides. Over 12 seeds, with the constraint: median
    # |x - 2| 0.6-0.8, feasible share 0.5-0.6 (uniform: 0.3); without: about 2 and 0-0.1.
    assert np.mean(distance) < 1.2, distance
    assert np.mean(feasible_share) > 0.45, feasible_share
    assert np.mean(plain_distance) > 1.5, plain_distance
    assert np.mean(plain_share) < 0.2, plain_share


def test_constraints_of_pruned_trials_are_stored_failed_ones_not_asked() -> None:
    calls: list[int] = []

    def constraints(trial: FrozenTrial) -> list[float]:
        calls.append(trial.number)
        return [trial.params["x"] - 0.5, -1.0]

    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 3 == 1:
            raise ridgeline.TrialPruned()
        if trial.number % 3 == 2:
            raise ValueError("boom")
        return x

    study = ridgeline.create_study(sampler=TPESampler(seed=0, constraints_func=constraints))
    study.optimize(objective, n_trials=9, catch=(ValueError,))
    assert calls == [0, 1, 3, 4, 6, 7]
    for t in study.trials:
        if t.state == TrialState.FAIL:
            assert "constraints" not in t.system_attrs
        else:
            assert t.system_attrs["constraints"] == [pytest.approx(t.params["x"] - 0.5), -1.0]


@pytest.mark.parametrize(
    ("func", "error", "match"),
    [
        (lambda t: [float("nan")], ValueError, r"`constraints_func` of TPESampler returned NaN"),
        (lambda t: 1.0, TypeError, r"`constraints_func` .* sequence of floats; got 1\.0"),
        (lambda t: ["a"], TypeError, r"`constraints_func` .* sequence of floats"),
    ],
)
def test_bad_constraint_values_raise_fail_the_trial_and_keep_the_study(
    func: Callable[[FrozenTrial], Any], error: type[Exception], match: str
) -> None:
    study = ridgeline.create_study(sampler=TPESampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    before = _snapshot(study)
    study.sampler = TPESampler(seed=0, constraints_func=func)
    with pytest.raises(RidgelineError, match=match) as info:
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert isinstance(info.value, error)
    assert _snapshot(study)[:2] == before
    # Without usable constraint values the trial's feasibility is unknown, so it is not
    # COMPLETE (best_trial would take it as feasible): it fails, with the reason.
    last = study.trials[2]
    assert last.state == TrialState.FAIL and "constraints" not in last.system_attrs
    assert "constraints_func" in last.system_attrs["fail_reason"]


# ---------------------------------------------------------------------- categorical distances
def test_categorical_distance_proposes_unseen_choices_next_to_the_best() -> None:
    choices = list(range(16))
    d = {"c": CategoricalDistribution(choices)}

    def share_near_best(distance: bool, seed: int) -> float:
        funcs = {"c": lambda a, b: abs(a - b)} if distance else None
        study = ridgeline.create_study(
            sampler=TPESampler(seed=seed, n_startup_trials=5, categorical_distance_func=funcs)
        )
        for c in [0, 1, 2, 3, 4, 5, 6, 7, 8, 14, 15] * 2:  # 9-13 never tried; 11 is best
            study.add_trial(create_trial(params={"c": c}, distributions=d, value=(c - 11.0) ** 2))
        proposals = []
        for _ in range(10):
            trial = study.ask()
            proposals.append(trial.suggest_categorical("c", choices))
            study.tell(trial, state=TrialState.FAIL)
        return float(np.mean([9 <= c <= 13 for c in proposals]))

    # Over 8 seeds: 1.0 with the distance, 0.0125 without.
    assert np.mean([share_near_best(True, s) for s in range(3)]) > 0.7
    assert np.mean([share_near_best(False, s) for s in range(3)]) < 0.3


def test_categorical_distance_run_finds_the_best_choice() -> None:
    choices = list(range(8))
    study = ridgeline.create_study(
        sampler=TPESampler(seed=0, categorical_distance_func={"c": lambda a, b: abs(a - b)})
    )
    study.optimize(lambda t: (t.suggest_categorical("c", choices) - 5) ** 2, n_trials=30)
    assert study.best_params["c"] == 5


# ---------------------------------------------------------------------- several objectives
@pytest.mark.parametrize("mode", sorted(MODES))
def test_multi_objective_study(mode: str) -> None:
    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        return x, (1 - x) ** 2 + y  # the front: y = 0

    late_y = []
    for seed in range(3):
        sampler = TPESampler(seed=seed, n_startup_trials=10, **MODES[mode])
        study = ridgeline.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(objective, n_trials=40)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)
        for t in study.trials:
            assert_contained(t)
        assert len(study.best_trials) >= 2
        late_y.append(np.median([t.params["y"] for t in study.trials[-15:]]))
    assert np.mean(late_y) < 0.3, late_y  # over 10 seeds 0.08-0.3 each; uniform: 0.5


# ---------------------------------------------------------------------- threads, storages
def test_threads_give_valid_distinct_proposals() -> None:
    sampler = TPESampler(seed=0, n_startup_trials=5)
    study = ridgeline.create_study(sampler=sampler)

    def objective(trial: Trial) -> float:
        return (trial.suggest_float("x", -10, 10) - 2.5) ** 2 + trial.suggest_int("n", 0, 3)

    study.optimize(objective, n_trials=40, n_jobs=2)
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(trials) == 40
    assert len({t.params["x"] for t in trials}) == 40  # no duplicated proposals
    for t in trials:
        assert_contained(t)
    (history,) = sampler._histories.values()
    history.update(study)
    assert history.n == 40
    assert study.best_value < 1.5


def test_one_sampler_serves_several_studies_apart() -> None:
    sampler = TPESampler(seed=0, n_startup_trials=5)
    low = ridgeline.create_study(sampler=sampler)
    high = ridgeline.create_study(sampler=sampler, direction="maximize")
    for _ in range(25):
        low.optimize(lambda t: (t.suggest_float("x", 0, 1) - 0.2) ** 2, n_trials=1)
        high.optimize(lambda t: (t.suggest_float("x", 0, 1) - 0.2) ** 2, n_trials=1)
    assert abs(low.best_params["x"] - 0.2) < 0.05
    assert high.best_params["x"] > 0.9
    assert len(sampler._histories) == 2


def test_sqlite_storage(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'tpe.db'}"
    study = ridgeline.create_study(storage=url, sampler=TPESampler(seed=0, n_startup_trials=5))
    study.optimize(_all_kinds_objective, n_trials=12)
    reloaded = ridgeline.load_study(study_name=study.study_name, storage=url)
    reloaded.sampler = TPESampler(seed=0, n_startup_trials=5)
    reloaded.optimize(_all_kinds_objective, n_trials=3)  # a new sampler picks up the history
    assert len(reloaded.trials) == 15
    for t in reloaded.trials:
        assert t.state == TrialState.COMPLETE
        assert_contained(t)


def test_default_gamma_and_weights() -> None:
    assert [default_gamma(n) for n in (0, 1, 10, 11, 100, 1000)] == [0, 1, 1, 2, 10, 25]
    assert [hyperopt_default_gamma(n) for n in (0, 1, 16, 17, 10**4, 10**5)] == [
        0, 1, 1, 2, 25, 25,
    ]  # fmt: skip
    for n in (0, 1, 24, 25, 26, 100):
        w = default_weights(n)
        assert w.shape == (n,) and np.all(w > 0) and np.all(np.diff(w) >= 0)
        assert np.all(w[-25:] == 1.0)
    assert default_weights(100)[0] == pytest.approx(0.01)


def test_weights_go_to_observations_by_trial_number() -> None:
    """Rows arrive in finishing order; ``weights(n)`` is oldest first, by trial number."""
    sampler = TPESampler(weights=lambda n: np.arange(1.0, n + 1))
    assert list(sampler._observation_weights(np.array([5, 9, 7, 8]))) == [1.0, 4.0, 2.0, 3.0]
    assert list(sampler._observation_weights(np.array([1, 2, 3]))) == [1.0, 2.0, 3.0]


def test_improvement_weights_draw_proposals_to_the_best_observation() -> None:
    """The good group holds one far better observation (x = 0.1) and three barely better
    than the rest: weighted by improvement, a third of the proposals come from near the best
    one; weighted alike, the three others' cluster takes them all."""
    good = [(0.1, 0.0), (0.5, 8.9), (0.6, 8.9), (0.9, 8.9)]
    rest = [(x, 9.0) for x in (0.05, 0.2, 0.3, 0.35, 0.7, 0.75, 0.8, 0.95)]

    def share_near_best(**kwargs: Any) -> float:
        sampler = TPESampler(
            seed=0, n_startup_trials=0, constant_liar=False, gamma=lambda n: 4, **kwargs
        )
        study = ridgeline.create_study(sampler=sampler)
        for x, v in good + rest:
            study.add_trial(create_trial(params={"x": x}, distributions=X1, value=v))
        xs = np.array([study.ask(X1).params["x"] for _ in range(100)])
        return float(np.mean(xs < 0.3))

    assert share_near_best() > 0.2
    assert share_near_best(improvement_weights=False) < 0.05


def test_improvement_weights_default_follows_weights() -> None:
    assert "improvement_weights=True" in repr(TPESampler())
    assert "improvement_weights=False" in repr(TPESampler(weights=lambda n: np.ones(n)))
    assert "improvement_weights=True" in repr(
        TPESampler(weights=lambda n: np.ones(n), improvement_weights=True)
    )
    assert "improvement_weights=False" in repr(TPESampler(**TPESampler.hyperopt_parameters()))


# ---------------------------------------------------------------------- presets
def test_hyperopt_parameters_and_default_sampler() -> None:
    sampler = TPESampler(**TPESampler.hyperopt_parameters())
    assert "n_startup_trials=20" in repr(sampler) and "multivariate=False" in repr(sampler)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", -1, 1) - 0.5) ** 2, n_trials=30)
    assert study.best_value < 0.05
    assert isinstance(ridgeline.create_study().sampler, TPESampler)


@pytest.mark.parametrize("clone", ["pickle", "deepcopy"])
@pytest.mark.parametrize("make", [lambda: TPESampler(seed=0, n_startup_trials=2), QMCSampler])
def test_samplers_pickle_and_copy(clone: str, make: Any) -> None:
    sampler = make()
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    restored = pickle.loads(pickle.dumps(sampler)) if clone == "pickle" else copy.deepcopy(sampler)
    assert type(restored) is type(sampler)
    again = ridgeline.create_study(sampler=restored)
    again.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    assert len(again.trials) == 5
