"""GPSampler end to end: valid values on every kind of parameter, optimisation against random
search, directions, constraints, running trials, custom acquisitions, predictions, seeds,
conditional spaces, several objectives, copies, and clear errors that keep the study whole.

The pure cores (kernel, fit, posterior, acquisitions, optimiser) are in ``test_gp_core.py``;
the contract every sampler meets is ``test_sampler_contract.py``.
"""

from __future__ import annotations

import copy
import itertools
import logging
import math
import pickle
from collections.abc import Callable
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
from ridgeline.samplers import GPSampler, RandomSampler
from ridgeline.trial import FrozenTrial, Trial, TrialState

CHOICES = [None, True, 0, 3.5, "x"]
ALL_KINDS: dict[str, BaseDistribution] = {
    "f": FloatDistribution(-2.0, 3.0),
    "flog": FloatDistribution(1e-4, 1.0, log=True),
    "fstep": FloatDistribution(0.0, 1.0, step=0.1),
    "i": IntDistribution(-3, 7),
    "ilog": IntDistribution(1, 1000, log=True),
    "istep": IntDistribution(0, 20, step=4),
    "c": CategoricalDistribution(CHOICES),
}


def suggest(trial: Trial, name: str, dist: BaseDistribution) -> Any:
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, list(dist.choices))
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
    assert isinstance(dist, FloatDistribution)
    return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)


def all_kinds_objective(trial: Trial) -> float:
    p = {name: suggest(trial, name, d) for name, d in ALL_KINDS.items()}
    return (
        (p["f"] - 1) ** 2
        + (math.log10(p["flog"]) + 2) ** 2
        + abs(p["fstep"] - 0.3)
        + abs(p["i"] - 2)
        + abs(math.log(p["ilog"]) - 3)
        + p["istep"] / 4
        + (0 if p["c"] == 3.5 else 2)
    )


def quadratic(trial: Trial) -> float:
    return (trial.suggest_float("x", -5, 5) - 1.5) ** 2 + (trial.suggest_float("y", -5, 5)) ** 2


def branin(trial: Trial) -> float:
    x0, x1 = trial.suggest_float("x0", -5, 10), trial.suggest_float("x1", 0, 15)
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x1 - b * x0**2 + c * x0 - 6) ** 2 + 10 * (1 - t) * math.cos(x0) + 10


def _snapshot(study: ridgeline.Study) -> list[tuple[Any, ...]]:
    return [(t.number, t.state, t.params, t.values) for t in study.trials]


# ---------------------------------------------------------------------- values and search
def test_every_distribution_kind_gets_contained_values() -> None:
    study = ridgeline.create_study(sampler=GPSampler(seed=0, n_startup_trials=5))
    study.optimize(all_kinds_objective, n_trials=18)
    for trial in study.trials:
        assert trial.state == TrialState.COMPLETE
        for name, value in trial.params.items():
            dist = trial.distributions[name]
            assert dist._contains(dist.to_internal_repr(value)), (name, value)
            if isinstance(dist, IntDistribution):
                assert type(value) is int
            elif isinstance(dist, FloatDistribution):
                assert type(value) is float
            else:
                assert any(value is c or (type(value) is type(c) and value == c) for c in CHOICES)


@pytest.mark.slow
def test_beats_random_search_on_branin_and_a_quadratic() -> None:
    for objective, threshold in ((branin, 0.45), (quadratic, 0.05)):
        gp, rand = [], []
        for seed in range(2):
            study = ridgeline.create_study(sampler=GPSampler(seed=seed))
            study.optimize(objective, n_trials=30)
            gp.append(study.best_value)
            study = ridgeline.create_study(sampler=RandomSampler(seed=seed))
            study.optimize(objective, n_trials=30)
            rand.append(study.best_value)
        assert max(gp) < threshold, gp
        assert max(gp) < min(rand), (gp, rand)


def test_maximize_follows_the_direction() -> None:
    study = ridgeline.create_study(
        direction="maximize", sampler=GPSampler(seed=1, n_startup_trials=5)
    )
    study.optimize(lambda t: -((t.suggest_float("x", -5, 5) - 2) ** 2), n_trials=15)
    assert study.best_value > -0.01
    assert abs(study.best_params["x"] - 2) < 0.1


def test_infinite_values_do_not_break_the_model() -> None:
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", -5, 5)
        return math.inf if x > 3 else (x - 1) ** 2

    study = ridgeline.create_study(sampler=GPSampler(seed=0, n_startup_trials=5))
    study.optimize(objective, n_trials=14)
    assert study.best_value < 0.05


def test_seeded_runs_repeat_and_seeds_differ() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        study = ridgeline.create_study(sampler=GPSampler(seed=seed, n_startup_trials=4))
        study.optimize(all_kinds_objective, n_trials=8)
        return [t.params for t in study.trials]

    assert run(3) == run(3)
    assert run(3)[5:] != run(4)[5:]


# ---------------------------------------------------------------------- parallel proposals
def test_running_trials_push_proposals_apart() -> None:
    def first_two(pending_aware: bool) -> float:
        study = ridgeline.create_study(sampler=GPSampler(seed=0, n_startup_trials=6))
        study.optimize(quadratic, n_trials=10)
        a = study.ask()
        xa = (a.suggest_float("x", -5, 5), a.suggest_float("y", -5, 5))
        if not pending_aware:
            study.tell(a, state=TrialState.FAIL)  # no longer running
        b = study.ask()
        xb = (b.suggest_float("x", -5, 5), b.suggest_float("y", -5, 5))
        return math.dist(xa, xb)

    # With trial a still running, b is sent elsewhere; without it, b lands where a did.
    assert first_two(pending_aware=True) > 0.05
    assert first_two(pending_aware=False) < 0.05


def test_parallel_threads_give_distinct_valid_proposals() -> None:
    study = ridgeline.create_study(sampler=GPSampler(seed=0, n_startup_trials=4))
    study.optimize(quadratic, n_trials=12, n_jobs=2)
    points = {(t.params["x"], t.params["y"]) for t in study.trials}
    assert len(points) == 12
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


# ---------------------------------------------------------------------- constraints
def test_constraints_are_stored_and_steer_to_the_feasible_region() -> None:
    def constraints(trial: FrozenTrial) -> list[float]:
        return [2.0 - trial.params["x"]]  # feasible when x >= 2

    def run(with_constraints: bool) -> ridgeline.Study:
        sampler = GPSampler(
            seed=0, n_startup_trials=5, constraints_func=constraints if with_constraints else None
        )
        study = ridgeline.create_study(sampler=sampler)
        study.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2, n_trials=16)
        return study

    study = run(True)
    for t in study.trials:
        assert t.system_attrs["constraints"] == [pytest.approx(2.0 - t.params["x"])]
    late = np.array([t.params["x"] for t in study.trials[5:]])
    assert np.mean(late >= 1.95) > 0.7, late  # the feasible optimum is x = 2, on the boundary
    best = min(t.value for t in study.trials if t.params["x"] >= 2.0)
    assert best < 2.05**2
    plain = np.array([t.params["x"] for t in run(False).trials[5:]])
    assert np.mean(np.abs(plain) < 0.5) > 0.7, plain


def test_without_feasible_trials_it_seeks_feasibility() -> None:
    def constraints(trial: FrozenTrial) -> list[float]:
        return [abs(trial.params["x"] - 4.0) - 0.3]  # a narrow feasible band

    sampler = GPSampler(seed=0, n_startup_trials=4, constraints_func=constraints)
    study = ridgeline.create_study(sampler=sampler)
    study.enqueue_trial({"x": -4.0})
    for x in (-2.0, 0.0, 2.0):
        study.enqueue_trial({"x": x})
    study.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2, n_trials=10)
    assert any(abs(t.params["x"] - 4.0) <= 0.3 for t in study.trials[4:])


@pytest.mark.parametrize(
    ("func", "error", "match"),
    [
        (lambda t: [float("nan")], ValueError, r"`constraints_func` of GPSampler returned NaN"),
        (lambda t: 1.0, TypeError, r"`constraints_func` .* sequence of floats; got 1\.0"),
    ],
)
def test_bad_constraint_values_raise_and_keep_the_study(
    func: Callable[[FrozenTrial], Any], error: type[Exception], match: str
) -> None:
    study = ridgeline.create_study(sampler=GPSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    before = _snapshot(study)
    study.sampler = GPSampler(seed=0, constraints_func=func)
    with pytest.raises(RidgelineError, match=match) as info:
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert isinstance(info.value, error)
    assert _snapshot(study)[:2] == before


# ---------------------------------------------------------------------- acquisitions
@pytest.mark.parametrize("acquisition", ["logei", "ei", "pi", "ucb"])
def test_every_acquisition_optimises(acquisition: str) -> None:
    sampler = GPSampler(seed=0, n_startup_trials=5, acquisition=acquisition)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(quadratic, n_trials=14)
    startup_best = min(t.value for t in study.trials[:5])  # type: ignore[type-var]
    assert study.best_value < min(2.0, startup_best), acquisition


def test_custom_acquisition_changes_the_proposals() -> None:
    seen: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []

    def pure_exploration(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
        seen.append((mean.shape, std.shape, best))
        return std  # go where the model knows least

    def run(acquisition: Any) -> list[float]:
        sampler = GPSampler(seed=0, n_startup_trials=5, acquisition=acquisition)
        study = ridgeline.create_study(sampler=sampler)
        study.optimize(quadratic, n_trials=10)
        return [t.value for t in study.trials[5:]]  # type: ignore[misc]

    exploit, explore = run("logei"), run(pure_exploration)
    assert seen and all(m == s and len(m) == 1 for m, s, _ in seen)
    assert all(isinstance(best, float) for _, _, best in seen)
    assert np.median(explore) > 4 * np.median(exploit)  # exploration goes to the far corners


@pytest.mark.parametrize(
    ("acquisition", "match"),
    [
        (lambda m, s, b: np.full_like(m, np.nan), r"returned an array of shape .* nan"),
        (lambda m, s, b: m[:1], r"must return a float array of shape \(\d+,\)"),
        (lambda m, s, b: "high", r"returned high"),
    ],
)
def test_bad_acquisition_results_raise_and_keep_the_study(acquisition: Any, match: str) -> None:
    study = ridgeline.create_study(
        sampler=GPSampler(seed=0, n_startup_trials=3, acquisition=acquisition)
    )
    study.optimize(quadratic, n_trials=3)
    before = _snapshot(study)
    with pytest.raises(RidgelineError, match=match) as info:
        study.optimize(quadratic, n_trials=1)
    assert isinstance(info.value, ValueError)
    assert "<lambda>" in str(info.value)
    assert _snapshot(study)[:3] == before
    assert study.trials[3].state == TrialState.FAIL
    study.sampler = GPSampler(seed=0, n_startup_trials=3)
    study.optimize(quadratic, n_trials=2)
    assert [t.state for t in study.trials[4:]] == [TrialState.COMPLETE] * 2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"beta": -1.0}, r"`beta` of GPSampler must be a finite number >= 0; got -1\.0\."),
        ({"beta": math.nan}, r"`beta` .* got nan"),
        ({"acquisition": "qei"}, r"`acquisition` of GPSampler must be one of .*; got 'qei'"),
        ({"acquisition": 3}, r"`acquisition` of GPSampler must be one of"),
        ({"n_startup_trials": -1}, r"`n_startup_trials` of GPSampler must be >= 0; got -1\."),
        ({"n_startup_trials": 2.5}, r"`n_startup_trials` of GPSampler must be an int"),
        ({"n_candidates": 0}, r"`n_candidates` of GPSampler must be >= 1"),
        ({"deterministic_objective": "yes"}, r"`deterministic_objective` .* True or False"),
        ({"warn_independent_sampling": None}, r"`warn_independent_sampling`"),
        ({"independent_sampler": "random"}, r"`independent_sampler` of GPSampler must be"),
        ({"constraints_func": 1}, r"`constraints_func` of GPSampler must be a function"),
        ({"seed": -1}, r"seed"),
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(RidgelineError, match=match) as info:
        GPSampler(**kwargs)
    assert isinstance(info.value, (ValueError, TypeError))


# ---------------------------------------------------------------------- predictions
def test_predict_on_training_points_and_far_from_data() -> None:
    sampler = GPSampler(seed=0, n_startup_trials=8, deterministic_objective=True)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(lambda t: math.sin(3 * t.suggest_float("x", 0, 10)) + 5, n_trials=12)
    params = [t.params for t in study.trials]
    mean, std = sampler.predict(study, params)
    values = np.array([t.value for t in study.trials])
    assert mean.shape == std.shape == (12,)
    assert np.allclose(mean, values, atol=1e-2)
    assert np.all(std < 0.05)
    xs = sorted(p["x"] for p in params)
    gap = max(itertools.pairwise(xs), key=lambda ab: ab[1] - ab[0])
    _, std_gap = sampler.predict(study, [{"x": (gap[0] + gap[1]) / 2}])
    assert std_gap[0] > 10 * np.max(std)


def test_predict_in_maximize_units_and_errors() -> None:
    sampler = GPSampler(seed=0, n_startup_trials=4)
    study = ridgeline.create_study(direction="maximize", sampler=sampler)
    with pytest.raises(RidgelineError, match=r"must have a COMPLETE trial"):
        sampler.predict(study, [{"x": 0.5}])
    study.optimize(lambda t: 100 + t.suggest_float("x", 0, 1), n_trials=6)
    mean, _ = sampler.predict(study, [{"x": 0.0}, {"x": 1.0}])
    assert 99 < mean[0] < mean[1] < 101.5
    with pytest.raises(RidgelineError, match=r"`params_list` of GPSampler.predict"):
        sampler.predict(study, [{"y": 0.5}])
    multi = ridgeline.create_study(directions=["minimize", "minimize"])
    with pytest.raises(RidgelineError, match=r"must have one objective"):
        sampler.predict(multi, [{"x": 0.5}])


# ---------------------------------------------------------------------- spaces and studies
def test_conditional_parameters_warn_and_can_be_silenced(caplog: pytest.LogCaptureFixture) -> None:
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.suggest_categorical("branch", ["a", "b"]) == "a":
            return x + trial.suggest_float("a", 0, 1)
        return x

    for warn in (True, False):
        caplog.clear()
        sampler = GPSampler(seed=0, n_startup_trials=4, warn_independent_sampling=warn)
        study = ridgeline.create_study(sampler=sampler)
        with caplog.at_level(logging.WARNING, logger="ridgeline"):
            study.optimize(objective, n_trials=10)
        warned = any("not in the joint search space" in r.getMessage() for r in caplog.records)
        assert warned == (warn and any("a" in t.params for t in study.trials[4:]))
        assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_a_trial_finishing_between_space_and_proposal_narrows_the_space() -> None:
    # With several workers, a trial without a modelled parameter can finish after
    # `infer_relative_search_space` and before `sample_relative` (a CI run hit this).
    kind = CategoricalDistribution(["a", "b"])
    a_x = FloatDistribution(0.0, 1.0)
    sampler = GPSampler(seed=0, n_startup_trials=2)
    study = ridgeline.create_study(sampler=sampler)
    for i, x in enumerate([0.2, 0.7, 0.4]):
        study.add_trial(
            ridgeline.trial.create_trial(
                params={"kind": "a", "a_x": x},
                distributions={"kind": kind, "a_x": a_x},
                value=float(i),
            )
        )
    running = study.ask()
    frozen = study._storage.get_trial(running._trial_id)
    space = sampler.infer_relative_search_space(study, frozen)
    assert set(space) == {"a_x", "kind"}
    study.add_trial(
        ridgeline.trial.create_trial(params={"kind": "b"}, distributions={"kind": kind}, value=0.5)
    )
    proposal = sampler.sample_relative(study, frozen, space)
    assert set(proposal) == {"kind"} and proposal["kind"] in ("a", "b")
    study.tell(running, 1.0)
    assert len(study.trials) == 5


def _zdt1(trial: ridgeline.Trial) -> tuple[float, float]:
    x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(4)]
    g = 1 + 9 * sum(x[1:]) / 3
    return x[0], g * (1 - math.sqrt(x[0] / g))


def _dominated_area(values: list[list[float]], ref: tuple[float, float]) -> float:
    """The hypervolume of 2-D points to minimise (a staircase sum; the test's own check)."""
    front = sorted(v for v in values if v[0] < ref[0] and v[1] < ref[1])
    area, best_y = 0.0, ref[1]
    for x, y in front:
        if y < best_y:
            area += (ref[0] - x) * (best_y - y)
            best_y = y
    return area


def test_several_objectives_use_parego_and_beat_random_search() -> None:
    def area(sampler: ridgeline.samplers.BaseSampler) -> float:
        study = ridgeline.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(_zdt1, n_trials=40)
        return _dominated_area([t.values for t in study.trials], (1.1, 11.0))

    gp = [area(GPSampler(seed=s, n_startup_trials=10)) for s in range(2)]
    rnd = [area(RandomSampler(seed=s)) for s in range(2)]
    assert min(gp) > max(rnd)


def test_parego_directions_constraints_and_running_trials() -> None:
    # Maximised objectives are negated; with constraints the proposals become feasible.
    sampler = GPSampler(
        seed=0, n_startup_trials=6, constraints_func=lambda t: [t.params["x0"] - 0.5]
    )
    study = ridgeline.create_study(directions=["maximize", "minimize"], sampler=sampler)

    def objective(trial: ridgeline.Trial) -> tuple[float, float]:
        f1, f2 = _zdt1(trial)
        return -f1, f2

    study.optimize(objective, n_trials=20)
    late = study.trials[6:]
    assert sum(t.params["x0"] <= 0.5 for t in late) >= 0.7 * len(late)
    assert all(t.params["x0"] <= 0.5 for t in study.best_trials)
    # A running trial's point is not proposed again (kriging believer).
    first, second = study.ask(), study.ask()
    for trial in (first, second):
        for i in range(4):
            trial.suggest_float(f"x{i}", 0, 1)
    assert first.params != second.params


@pytest.mark.parametrize("clone", ["pickle", "deepcopy"])
def test_sampler_pickles_and_copies(clone: str) -> None:
    sampler = GPSampler(seed=0, n_startup_trials=3)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(quadratic, n_trials=5)
    restored = pickle.loads(pickle.dumps(sampler)) if clone == "pickle" else copy.deepcopy(sampler)
    again = ridgeline.create_study(sampler=restored)
    again.optimize(quadratic, n_trials=5)
    assert len(again.trials) == 5 and "GPSampler(" in repr(restored)
