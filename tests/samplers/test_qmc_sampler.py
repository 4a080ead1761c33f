from __future__ import annotations

import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest
from scipy.stats import qmc

import ridgeline
from ridgeline.distributions import FloatDistribution
from ridgeline.samplers import BaseSampler, QMCSampler, RandomSampler
from ridgeline.trial import Trial, TrialState


def xy(trial: Trial) -> float:
    return trial.suggest_float("x", 0, 1) + trial.suggest_float("y", 0, 1)


def _xy_points(study: ridgeline.Study) -> np.ndarray:
    return np.array([[t.params["x"], t.params["y"]] for t in study.trials])


@pytest.mark.parametrize("qmc_type", ["sobol", "halton"])
def test_trial_n_takes_point_n_of_the_unscrambled_sequence(qmc_type: str) -> None:
    study = ridgeline.create_study(sampler=QMCSampler(qmc_type=qmc_type))
    study.optimize(xy, n_trials=12)  # 12: not a power of two, and no warning about it
    engine = qmc.Sobol(2, scramble=False) if qmc_type == "sobol" else qmc.Halton(2, scramble=False)
    expected = engine.random(16)
    assert np.allclose(_xy_points(study)[1:], expected[1:12])


def test_scrambled_sequence_is_reproducible_with_a_seed() -> None:
    runs = []
    for seed in (3, 3, 4):
        study = ridgeline.create_study(sampler=QMCSampler(scramble=True, seed=seed))
        study.optimize(xy, n_trials=6)
        runs.append(_xy_points(study))
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0][1:], runs[2][1:])
    expected = qmc.Sobol(2, scramble=True, rng=3).random(8)
    assert np.allclose(runs[0][1:], expected[1:6])


def test_unseeded_workers_of_one_study_share_one_sequence() -> None:
    storage = ridgeline.storages.InMemoryStorage()
    first = ridgeline.create_study(
        study_name="q", storage=storage, sampler=QMCSampler(scramble=True)
    )
    first.optimize(xy, n_trials=5)
    second = ridgeline.load_study(
        study_name="q", storage=storage, sampler=QMCSampler(scramble=True)
    )
    second.optimize(xy, n_trials=5)
    seed = first.system_attrs["qmc:sobol:scrambled"]["seed"]
    expected = qmc.Sobol(2, scramble=True, rng=seed).random(16)
    assert np.allclose(_xy_points(second)[1:], expected[1:10])


def test_threads_take_distinct_points() -> None:
    study = ridgeline.create_study(sampler=QMCSampler(seed=0))
    study.optimize(xy, n_trials=20, n_jobs=4)
    points = _xy_points(study)
    assert len({tuple(p) for p in points}) == 20


def test_search_space_of_the_first_finished_trial_is_stored() -> None:
    study = ridgeline.create_study(sampler=QMCSampler())
    study.optimize(
        lambda t: (
            t.suggest_float("x", 0, 1) + t.suggest_int("k", 0, 3) + t.suggest_int("fixed", 2, 2)
        ),
        n_trials=2,
    )
    stored = study.system_attrs["qmc:sobol:plain"]
    assert stored["first_trial"] == 0
    assert sorted(stored["search_space"]) == ["k", "x"]  # single-value params are left out


def test_first_finished_trial_may_come_after_failed_ones() -> None:
    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number < 2:
            raise ValueError("boom")
        return x

    study = ridgeline.create_study(sampler=QMCSampler())
    study.optimize(objective, n_trials=6, catch=(ValueError,))
    assert study.system_attrs["qmc:sobol:plain"]["first_trial"] == 2
    xs = [t.params["x"] for t in study.trials[3:]]
    assert np.allclose(xs, qmc.Sobol(1, scramble=False).random(4)[1:4, 0])


def test_integers_and_categories_get_equal_shares() -> None:
    def objective(trial: Trial) -> float:
        trial.suggest_int("k", 0, 3)
        trial.suggest_categorical("c", ["a", "b"])
        return 0.0

    study = ridgeline.create_study(sampler=QMCSampler())
    study.optimize(objective, n_trials=64)
    # Trials 1..63 take points 1..63; with point 0 (the origin: k=0, c="a") they form a
    # balanced net of 64 points.
    trials = study.trials[1:]
    ks = [t.params["k"] for t in trials] + [0]
    cs = [t.params["c"] for t in trials] + ["a"]
    assert {k: ks.count(k) for k in range(4)} == {0: 16, 1: 16, 2: 16, 3: 16}
    assert cs.count("a") == cs.count("b") == 32


# ---------------------------------------------------------------------- independent sampling
def conditional(trial: Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    if trial.number % 2:
        return x + trial.suggest_float("extra", 0, 1)
    return x


def test_parameter_outside_the_space_warns_at_the_objectives_line() -> None:
    study = ridgeline.create_study(sampler=QMCSampler(seed=0))
    study.optimize(conditional, n_trials=1)  # the first trial: no space yet, no warning
    with pytest.warns(
        UserWarning,
        match=r"Parameter 'extra' of trial 1 is sampled by "
        r"RandomSampler, not by the QMCSampler sequence",
    ) as rec:
        study.optimize(conditional, n_trials=1)
    assert rec[0].filename == __file__


def test_independent_sampling_warning_can_be_turned_off() -> None:
    study = ridgeline.create_study(sampler=QMCSampler(warn_independent_sampling=False))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(conditional, n_trials=6)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_independent_sampler_is_used_and_told_about_trials() -> None:
    calls: list[str] = []

    class Recording(RandomSampler):
        def before_trial(self, study: Any, trial: Any) -> None:
            calls.append("before")

        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            calls.append("after")

        def sample_independent(self, study: Any, trial: Any, name: str, dist: Any) -> Any:
            calls.append(name)
            return dist.low

    sampler = QMCSampler(independent_sampler=Recording(), warn_independent_sampling=False)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(conditional, n_trials=2)
    assert calls == ["before", "x", "after", "before", "extra", "after"]
    assert study.trials[1].params["extra"] == 0.0


def test_log_and_stepped_parameters_stay_inside_their_distributions() -> None:
    def objective(trial: Trial) -> float:
        trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        trial.suggest_float("d", 0.0, 0.5, step=0.1)
        trial.suggest_int("n", 1, 1024, log=True)
        trial.suggest_int("s", 2, 20, step=3)
        return 0.0

    study = ridgeline.create_study(sampler=QMCSampler(qmc_type="halton", scramble=True, seed=1))
    study.optimize(objective, n_trials=30)
    for t in study.trials:
        for name, dist in t.distributions.items():
            assert dist.contains(dist.to_internal_repr(t.params[name]))
    assert {t.params["d"] for t in study.trials} <= {0.0, 0.1, 0.2, 0.3, 0.4, 0.5}


def test_relative_search_space_is_empty_before_any_trial_finishes() -> None:
    sampler = QMCSampler()
    study = ridgeline.create_study(sampler=sampler)
    trial = study.ask()
    assert sampler.infer_relative_search_space(study, trial._frozen()) == {}
    trial.suggest_float("x", 0, 1)
    study.tell(trial, 0.0)
    nxt = study.ask()
    assert sampler.infer_relative_search_space(study, nxt._frozen()) == {
        "x": FloatDistribution(0, 1)
    }


def test_importing_ridgeline_samplers_does_not_import_scipy() -> None:
    code = (
        "import sys; from ridgeline.samplers import QMCSampler; QMCSampler(); "
        "print('scipy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


# ---------------------------------------------------------------------- validation
def test_unknown_qmc_type_is_rejected() -> None:
    with pytest.raises(
        ValueError,
        match=r"`qmc_type` of QMCSampler must be 'sobol' or 'halton'; "
        r"got 'lhs'",
    ):
        QMCSampler(qmc_type="lhs")


def test_non_bool_scramble_is_rejected() -> None:
    with pytest.raises(TypeError, match=r"`scramble` of QMCSampler must be a bool; got 'yes'"):
        QMCSampler(scramble="yes")  # type: ignore[arg-type]


def test_non_sampler_independent_sampler_is_rejected() -> None:
    with pytest.raises(
        TypeError,
        match=r"`independent_sampler` of QMCSampler must be a "
        r"BaseSampler or None; got 'random'",
    ):
        QMCSampler(independent_sampler="random")  # type: ignore[arg-type]


def test_invalid_seed_is_rejected() -> None:
    with pytest.raises(TypeError, match=r"`seed` of QMCSampler must be a non-negative int"):
        QMCSampler(seed=1.5)  # type: ignore[arg-type]


def test_errors_derive_from_ridgeline_error() -> None:
    with pytest.raises(ridgeline.exceptions.RidgelineError):
        QMCSampler(qmc_type="nope")
    assert isinstance(QMCSampler(), BaseSampler)
