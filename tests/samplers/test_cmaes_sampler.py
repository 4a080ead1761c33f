"""CmaEsSampler end to end: every numeric kind, optimisation, variants, storage, errors."""

from __future__ import annotations

import copy
import logging
import pickle
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.exceptions import RidgelineError
from ridgeline.samplers import CmaEsSampler, RandomSampler
from ridgeline.samplers._cmaes import _store
from ridgeline.samplers._cmaes.sampler import TRIAL_KEY
from ridgeline.trial import FrozenTrial, Trial, TrialState


def numeric_kinds(trial: Trial) -> float:
    a = trial.suggest_float("float", -2.0, 3.0)
    b = trial.suggest_float("log", 1e-5, 1e-1, log=True)
    c = trial.suggest_float("step", 0.0, 1.0, step=0.25)
    d = trial.suggest_int("int", -3, 7)
    e = trial.suggest_int("log_int", 1, 1024, log=True)
    f = trial.suggest_int("int_step", 2, 20, step=3)
    return a**2 + np.log10(b) ** 2 + c + abs(d) + np.log2(e) + f


def sphere(n: int, center: float = 0.0) -> Callable[[Trial], float]:
    def objective(trial: Trial) -> float:
        return sum((trial.suggest_float(f"x{i}", -5, 5) - center) ** 2 for i in range(n))

    return objective


def rosenbrock(trial: Trial) -> float:
    x = [trial.suggest_float(f"x{i}", -2, 2) for i in range(5)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(4))


def generations(study: ridgeline.Study) -> list[int]:
    return [
        t.system_attrs[TRIAL_KEY]["generation"] for t in study.trials if TRIAL_KEY in t.system_attrs
    ]


def stored_state(study: ridgeline.Study) -> Any:
    attrs = study.system_attrs
    (key,) = [k for k in attrs if k.endswith(":head")]
    prefix = key[: -len(":head")]
    return _store.decode_state(attrs, prefix, _store.valid_head(attrs[key]))  # type: ignore[arg-type]


# ---------------------------------------------------------------------- values and kinds
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"use_separable_cma": True}, {"with_margin": True}, {"restart_strategy": "ipop"}],
    ids=["cma", "sepcma", "margin", "ipop"],
)
def test_every_numeric_kind_gets_contained_values(kwargs: dict[str, Any]) -> None:
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=0, **kwargs))
    study.optimize(numeric_kinds, n_trials=30)
    assert len(generations(study)) == 29  # all but the startup trial come from CMA-ES
    for trial in study.trials:
        assert trial.state == TrialState.COMPLETE
        for name, value in trial.params.items():
            dist = trial.distributions[name]
            assert dist.contains(dist.to_internal_repr(value)), (name, value)
            assert type(value) is (int if name in ("int", "log_int", "int_step") else float)


def test_optimises_sphere_and_rosenbrock_better_than_random() -> None:
    for objective, n_trials in ((sphere(5), 150), (rosenbrock, 200)):
        cma = ridgeline.create_study(sampler=CmaEsSampler(seed=1))
        cma.optimize(objective, n_trials=n_trials)
        rand = ridgeline.create_study(sampler=RandomSampler(seed=1))
        rand.optimize(objective, n_trials=n_trials)
        assert cma.best_value < rand.best_value / 10, (cma.best_value, rand.best_value)
    assert cma.best_value < 6.0  # Rosenbrock 5-D, 200 trials (Optuna: 1.2-4.7 over 8 seeds)


def test_maximize() -> None:
    def objective(trial: Trial) -> float:
        return -sphere(3, center=1.0)(trial)

    study = ridgeline.create_study(direction="maximize", sampler=CmaEsSampler(seed=2))
    study.optimize(objective, n_trials=100)
    assert study.best_value > -0.05
    assert all(abs(v - 1.0) < 0.3 for v in study.best_params.values())


# ---------------------------------------------------------------------- variants
def flat(trial: Trial) -> float:
    trial.suggest_float("x", -1, 1)
    trial.suggest_float("y", -1, 1)
    return 0.0  # every generation ties: the optimizer stops after its tolfun history


@pytest.mark.parametrize("strategy", ["ipop", "bipop"])
def test_restart_strategies_change_popsize_after_a_stop(strategy: str) -> None:
    sampler = CmaEsSampler(seed=3, popsize=4, restart_strategy=strategy, inc_popsize=3)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(flat, n_trials=160)
    sizes = Counter(generations(study))
    state = stored_state(study)
    assert state.n_restarts >= 1
    assert sizes[0] == 4
    if strategy == "ipop":
        assert state.large_popsize == 12
        assert 12 in set(sizes.values())
    else:
        # BIPOP's first restart is a small-population run (the large regime spent more)
        assert state.evals_small > 0
        assert set(sizes.values()) - {4}


def test_without_restarts_the_popsize_stays() -> None:
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=3, popsize=4))
    study.optimize(flat, n_trials=120)
    sizes = Counter(generations(study))
    del sizes[max(sizes)]  # the generation in progress
    assert set(sizes.values()) == {4}


def test_with_margin_finds_integer_optimum() -> None:
    def objective(trial: Trial) -> float:
        return sum((trial.suggest_int(f"k{i}", -10, 10) - 3) ** 2 for i in range(3))

    study = ridgeline.create_study(sampler=CmaEsSampler(seed=4, with_margin=True))
    study.optimize(objective, n_trials=120)
    assert study.best_value == 0
    assert isinstance(stored_state(study).optimizer, __import__("cmaes").CMAwM)


def test_separable_cma_optimises() -> None:
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=5, use_separable_cma=True))
    study.optimize(sphere(5), n_trials=150)
    assert study.best_value < 0.5
    assert type(stored_state(study).optimizer).__name__ == "SepCMA"


def test_lr_adapt_runs() -> None:
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=5, lr_adapt=True))
    study.optimize(sphere(3), n_trials=60)
    assert study.best_value < 1.0


def test_warm_start_moves_the_mean_towards_the_source_optimum() -> None:
    source = ridgeline.create_study(sampler=RandomSampler(seed=6))
    source.optimize(sphere(2, center=3.0), n_trials=60)
    sampler = CmaEsSampler(seed=6, source_trials=source.trials)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(sphere(2, center=3.0), n_trials=9)
    first = [t for t in study.trials if t.system_attrs.get(TRIAL_KEY, {}).get("generation") == 0]
    mean = np.mean([[t.params["x0"], t.params["x1"]] for t in first], axis=0)
    assert np.all(np.abs(mean - 3.0) < 1.5), mean  # a cold start centres on 0
    cold = ridgeline.create_study(sampler=CmaEsSampler(seed=6))
    cold.optimize(sphere(2, center=3.0), n_trials=9)
    cold_mean = np.mean([[t.params["x0"], t.params["x1"]] for t in cold.trials[1:]], axis=0)
    assert np.linalg.norm(mean - 3.0) < np.linalg.norm(cold_mean - 3.0)


def test_x0_and_sigma0_shape_the_first_generation() -> None:
    sampler = CmaEsSampler(seed=7, x0={"x0": 4.0, "x1": -4.0}, sigma0=0.1, popsize=6)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(sphere(2), n_trials=7)
    xs = np.array([[t.params["x0"], t.params["x1"]] for t in study.trials[1:]])
    assert np.all(np.abs(xs - [4.0, -4.0]) < 0.6), xs


def test_pruned_trials_are_told_when_considered() -> None:
    def objective(trial: Trial) -> float:
        value = sphere(2)(trial)
        trial.report(value, step=0)
        raise ridgeline.TrialPruned()

    for consider, advances in ((True, True), (False, False)):
        sampler = CmaEsSampler(
            seed=8,
            popsize=4,
            consider_pruned_trials=consider,
            n_startup_trials=0,
            warn_independent_sampling=False,
        )
        study = ridgeline.create_study(sampler=sampler)
        study.optimize(objective, n_trials=20)
        assert (max(generations(study), default=-1) > 0) is advances


def test_failed_trials_do_not_stall_a_generation() -> None:
    def objective(trial: Trial) -> float:
        if trial.number % 3 == 1:
            raise RuntimeError("diverged")
        return sphere(2)(trial)

    study = ridgeline.create_study(sampler=CmaEsSampler(seed=9, popsize=4))
    study.optimize(objective, n_trials=60, catch=(RuntimeError,))
    gens = generations(study)
    assert max(gens) >= 8  # 40 successes -> about 10 generations of 4
    told = [
        t
        for t in study.get_trials(states=(TrialState.COMPLETE,))
        if t.system_attrs.get(TRIAL_KEY, {}).get("generation") == 0
    ]
    assert len(told) >= 4


# ---------------------------------------------------------------------- storage and workers
def test_resumed_sqlite_study_continues_the_generations(tmp_path: Any) -> None:
    storage = f"sqlite:///{tmp_path}/cma.db"
    study = ridgeline.create_study(
        study_name="s", storage=storage, sampler=CmaEsSampler(seed=10, popsize=4)
    )
    study.optimize(sphere(3), n_trials=21)
    before = generations(study)
    assert max(before) == 4  # 20 CMA trials: generations 0..4, 4 each
    # A new process would do exactly this: a fresh sampler object, state from the file.
    resumed = ridgeline.load_study(
        study_name="s", storage=storage, sampler=CmaEsSampler(seed=11, popsize=4)
    )
    resumed.optimize(sphere(3), n_trials=8)
    after = generations(resumed)[len(before) :]
    assert after == [5] * 4 + [6] * 4
    assert stored_state(resumed).generation == 6


def test_large_states_are_chunked_and_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_store, "CHUNK_CHARS", 200)  # a 6-D state is ~3,000 characters
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=20, popsize=4))
    study.optimize(sphere(6), n_trials=9)
    head = next(v for k, v in study.system_attrs.items() if k.endswith(":head"))
    assert head["n_chunks"] > 5
    study.sampler = CmaEsSampler(seed=21, popsize=4)  # reads the chunks, does not restart
    study.optimize(sphere(6), n_trials=4)
    assert generations(study)[-4:] == [2] * 4
    assert stored_state(study).generation == 2


def test_fresh_sampler_continues_in_memory_too() -> None:
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=12, popsize=4))
    study.optimize(sphere(2), n_trials=9)
    study.sampler = CmaEsSampler(seed=13, popsize=4)
    study.optimize(sphere(2), n_trials=4)
    assert generations(study)[-4:] == [2] * 4


def test_two_threads_share_one_search() -> None:
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=14, popsize=6))
    study.optimize(sphere(3), n_trials=80, n_jobs=2)
    assert len(study.trials) == 80
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    gens = generations(study)
    assert max(gens) >= 9
    assert study.best_value < 1.0


def test_pickle_and_deepcopy_continue_the_study() -> None:
    sampler = CmaEsSampler(seed=15, popsize=4)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(sphere(2), n_trials=9)
    for clone in (pickle.loads(pickle.dumps(sampler)), copy.deepcopy(sampler)):
        study.sampler = clone
        study.optimize(sphere(2), n_trials=4)
    assert generations(study)[-8:] == [2] * 4 + [3] * 4


# ---------------------------------------------------------------------- independent sampling
def test_categorical_parameters_fall_back_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="ridgeline")

    def objective(trial: Trial) -> float:
        c = trial.suggest_categorical("c", ["a", "b"])
        return sphere(2)(trial) + (c == "b")

    study = ridgeline.create_study(sampler=CmaEsSampler(seed=16))
    study.optimize(objective, n_trials=5)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("'c'" in m and "numeric parameters only" in m for m in messages) == 4
    assert len(generations(study)) == 4  # x0, x1 still come from CMA-ES

    caplog.clear()
    quiet = ridgeline.create_study(sampler=CmaEsSampler(seed=16, warn_independent_sampling=False))
    quiet.optimize(objective, n_trials=5)
    assert not caplog.records


def test_one_dimensional_space_goes_to_the_independent_sampler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="ridgeline")
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=17))
    study.optimize(sphere(1), n_trials=4)
    assert generations(study) == []
    assert any("fewer than two numeric" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------------- reproducibility
def test_same_seed_same_trials_other_seed_other_trials() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        study = ridgeline.create_study(sampler=CmaEsSampler(seed=seed, restart_strategy="bipop"))
        study.optimize(numeric_kinds, n_trials=25)
        return [t.params for t in study.trials]

    assert run(18) == run(18)
    assert run(18) != run(19)


# ---------------------------------------------------------------------- errors
BAD_ARGUMENTS = [
    ({"sigma0": 0.0}, ValueError, r"`sigma0` of CmaEsSampler must be a positive finite"),
    ({"sigma0": -1}, ValueError, r"`sigma0` .* got -1\."),
    ({"popsize": 3}, ValueError, r"`popsize` of CmaEsSampler must be an int >= 4; got 3\."),
    ({"popsize": 4.0}, ValueError, r"`popsize` .* got 4\.0\."),
    ({"inc_popsize": 0}, ValueError, r"`inc_popsize` of CmaEsSampler must be an int >= 1"),
    ({"n_startup_trials": -1}, ValueError, r"`n_startup_trials` .* >= 0; got -1\."),
    ({"restart_strategy": "lpop"}, ValueError, r"'ipop' or 'bipop'; got 'lpop'\."),
    ({"x0": [1.0]}, TypeError, r"`x0` of CmaEsSampler must be a dict"),
    ({"x0": {"x": float("nan")}}, ValueError, r"`x0` .* finite numbers; got 'x': nan"),
    ({"x0": {"c": "a"}}, ValueError, r"leave them out of x0"),
    ({"seed": -3}, TypeError, r"`seed` of CmaEsSampler"),
    ({"with_margin": 1}, TypeError, r"`with_margin` of CmaEsSampler must be True or False"),
    ({"independent_sampler": "random"}, TypeError, r"`independent_sampler` .* BaseSampler"),
    (
        {"use_separable_cma": True, "with_margin": True},
        ValueError,
        r"`with_margin` of CmaEsSampler must be False when use_separable_cma=True",
    ),
    ({"lr_adapt": True, "with_margin": True}, ValueError, r"`lr_adapt` .* full CMA-ES only"),
    ({"source_trials": "trials"}, TypeError, r"`source_trials` .* list of FrozenTrial"),
    ({"source_trials": [1, 2]}, TypeError, r"FrozenTrial objects only; got 1\."),
    ({"source_trials": []}, ValueError, r"at least 10 COMPLETE trials; got 0\."),
]


@pytest.mark.parametrize(("kwargs", "kind", "match"), BAD_ARGUMENTS)
def test_bad_arguments_raise_clear_errors(kwargs: dict[str, Any], kind: type, match: str) -> None:
    with pytest.raises(kind, match=match) as info:
        CmaEsSampler(**kwargs)
    assert isinstance(info.value, RidgelineError)


def _source_trials(n: int = 12) -> list[FrozenTrial]:
    source = ridgeline.create_study(sampler=RandomSampler(seed=0))
    source.optimize(sphere(2), n_trials=n)
    return source.trials


def test_bad_combinations_with_source_trials() -> None:
    trials = _source_trials()
    with pytest.raises(ValueError, match=r"must be None when x0 or sigma0 is given"):
        CmaEsSampler(source_trials=trials, sigma0=0.5)
    with pytest.raises(ValueError, match=r"must be None with use_separable_cma=True"):
        CmaEsSampler(source_trials=trials, use_separable_cma=True)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x0": {"x0": 1.0, "z": 2.0}}, r"`x0` of CmaEsSampler .* got unknown \['z'\]"),
        ({"x0": {"x0": 9.0}}, r"`x0` .* got 'x0': 9\.0, outside \[-5\.0, 5\.0\]"),
    ],
)
def test_bad_x0_at_first_use_keeps_the_study_intact(kwargs: dict[str, Any], match: str) -> None:
    study = ridgeline.create_study(sampler=CmaEsSampler(seed=0, **kwargs))
    study.optimize(sphere(2), n_trials=1)
    with pytest.raises(ValueError, match=match) as info:
        study.optimize(sphere(2), n_trials=1)
    assert isinstance(info.value, RidgelineError)
    assert not study.system_attrs  # nothing half-written
    study.sampler = CmaEsSampler(seed=0)
    study.optimize(sphere(2), n_trials=3)
    assert [t.state for t in study.trials][-3:] == [TrialState.COMPLETE] * 3


def test_source_trials_without_the_parameters_fail_at_first_use() -> None:
    def other(trial: Trial) -> float:
        return trial.suggest_float("a", 0, 1) + trial.suggest_float("b", 0, 1)

    study = ridgeline.create_study(sampler=CmaEsSampler(source_trials=_source_trials()))
    study.optimize(other, n_trials=1)
    with pytest.raises(ValueError, match=r"with every parameter of the search space"):
        study.optimize(other, n_trials=1)
    assert not study.system_attrs


def test_multi_objective_study_is_refused() -> None:
    study = ridgeline.create_study(directions=["minimize", "minimize"], sampler=CmaEsSampler())
    with pytest.raises(ValueError, match=r"must have a single objective; got 2 directions"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 0.0), n_trials=1)


def test_importing_ridgeline_does_not_import_cmaes() -> None:
    code = "import sys, ridgeline.samplers; print('cmaes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
