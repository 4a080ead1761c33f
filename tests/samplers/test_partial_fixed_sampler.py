from __future__ import annotations

from typing import Any

import pytest

import ridgeline
from ridgeline.distributions import FloatDistribution, IntDistribution
from ridgeline.samplers import GridSampler, PartialFixedSampler, QMCSampler, RandomSampler
from ridgeline.trial import Trial


def objective(trial: Trial) -> float:
    x = trial.suggest_float("x", -1, 1)
    n = trial.suggest_int("n", 0, 10)
    c = trial.suggest_categorical("c", ["a", "b", None])
    return x + n + (c is None)


def test_fixed_params_are_returned_and_others_delegated() -> None:
    sampler = PartialFixedSampler({"n": 3, "c": None}, RandomSampler(seed=0))
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(objective, n_trials=10)
    assert {t.params["n"] for t in study.trials} == {3}
    assert {t.params["c"] for t in study.trials} == {None}
    assert len({t.params["x"] for t in study.trials}) == 10


def test_fixed_params_leave_the_relative_search_space() -> None:
    base = QMCSampler(seed=0)
    sampler = PartialFixedSampler({"n": 3}, base)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(objective, n_trials=5)
    trial = study.ask()
    space = sampler.infer_relative_search_space(study, trial._frozen())
    assert sorted(space) == ["c", "x"]
    assert sorted(base.infer_relative_search_space(study, trial._frozen())) == ["c", "n", "x"]
    assert {t.params["n"] for t in study.trials[:5]} == {3}


def test_out_of_range_value_is_used_with_a_warning_at_the_objectives_line() -> None:
    study = ridgeline.create_study(sampler=PartialFixedSampler({"n": 42}, RandomSampler()))
    with pytest.warns(
        UserWarning,
        match=r"The fixed value 42 of 'n' lies outside "
        r"IntDistribution\(low=0, high=10.*\); "
        r"PartialFixedSampler uses it as given",
    ) as record:
        study.optimize(objective, n_trials=1)
    assert record[0].filename == __file__
    assert study.trials[0].params["n"] == 42


def test_fixed_value_not_among_the_choices_is_an_error() -> None:
    study = ridgeline.create_study(sampler=PartialFixedSampler({"c": "z"}, RandomSampler()))
    with pytest.raises(
        ValueError,
        match=r"The fixed value of 'c' in PartialFixedSampler must be "
        r"one of the choices \['a', 'b', None\]; got 'z'",
    ):
        study.optimize(objective, n_trials=1)


def test_fixed_value_that_is_not_a_number_is_an_error() -> None:
    study = ridgeline.create_study(sampler=PartialFixedSampler({"x": "big"}, RandomSampler()))
    with pytest.raises(
        ValueError,
        match=r"The fixed value of 'x' in PartialFixedSampler must be "
        r"a number for FloatDistribution.*; got 'big'",
    ):
        study.optimize(objective, n_trials=1)


def test_base_sampler_hooks_are_forwarded() -> None:
    grid = GridSampler({"x": [0.0, 0.5], "n": [1, 2]})
    study = ridgeline.create_study(sampler=PartialFixedSampler({"c": "a"}, grid))
    study.optimize(objective)  # the grid stops the study through after_trial
    assert sorted((t.params["x"], t.params["n"]) for t in study.trials) == [
        (0.0, 1),
        (0.0, 2),
        (0.5, 1),
        (0.5, 2),
    ]


def test_fixed_param_not_suggested_is_ignored() -> None:
    study = ridgeline.create_study(sampler=PartialFixedSampler({"unused": 1}, RandomSampler()))
    study.optimize(objective, n_trials=2)
    assert all("unused" not in t.params for t in study.trials)


def test_reseed_is_forwarded() -> None:
    base = RandomSampler(seed=0)
    sampler = PartialFixedSampler({}, base)
    before = base._rng
    sampler.reseed_rng()
    assert base._rng is not before


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([("x", 1)], RandomSampler()), r"`fixed_params` of PartialFixedSampler must be a dict"),
        (
            ({"x": 1}, RandomSampler),
            r"`base_sampler` of PartialFixedSampler must be a "
            r"BaseSampler; got <class",
        ),
        (
            ({"x": 1}, None),
            r"`base_sampler` of PartialFixedSampler must be a BaseSampler; got "
            r"None",
        ),
    ],
)
def test_invalid_arguments_are_rejected(args: tuple[Any, Any], match: str) -> None:
    with pytest.raises(TypeError, match=match):
        PartialFixedSampler(*args)


def test_distributions_are_recorded_as_suggested() -> None:
    study = ridgeline.create_study(sampler=PartialFixedSampler({"x": 0.25}, RandomSampler()))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].distributions["x"] == FloatDistribution(-1, 1)
    assert study.trials[0].distributions["n"] == IntDistribution(0, 10)
