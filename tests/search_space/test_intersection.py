from __future__ import annotations

import random

import pytest

import ridgeline
from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.search_space import IntersectionSearchSpace, intersection_search_space
from ridgeline.search_space._intersection import FinishedTrialCursor
from ridgeline.trial import FrozenTrial, TrialState, create_trial

F = FloatDistribution(0, 1)
I = IntDistribution(0, 9)  # noqa: E741
C = CategoricalDistribution(["a", "b"])


def _trial(
    dists: dict[str, BaseDistribution], state: TrialState = TrialState.COMPLETE
) -> FrozenTrial:
    params = {name: d.to_external_repr(0.0) for name, d in dists.items()}
    value = 0.0 if state == TrialState.COMPLETE else None
    return create_trial(state=state, value=value, params=params, distributions=dists)


def test_intersection_keeps_shared_params_sorted_by_name() -> None:
    trials = [_trial({"z": F, "a": I, "c": C}), _trial({"a": I, "z": F})]
    assert list(intersection_search_space(trials).items()) == [("a", I), ("z", F)]


def test_params_with_different_distributions_are_dropped() -> None:
    trials = [_trial({"x": F, "y": I}), _trial({"x": FloatDistribution(0, 2), "y": I})]
    assert intersection_search_space(trials) == {"y": I}


def test_only_complete_trials_count_unless_pruned_are_included() -> None:
    trials = [
        _trial({"x": F, "y": I}),
        _trial({"x": F}, TrialState.PRUNED),
        _trial({}, TrialState.FAIL),
    ]
    assert intersection_search_space(trials) == {"x": F, "y": I}
    assert intersection_search_space(trials, include_pruned=True) == {"x": F}


def test_no_finished_trial_gives_an_empty_space() -> None:
    assert intersection_search_space([]) == {}
    assert intersection_search_space([_trial({"x": F}, TrialState.FAIL)]) == {}


def test_incremental_calculation_matches_the_function_with_out_of_order_finishes() -> None:
    rng = random.Random(0)
    study = ridgeline.create_study()
    calc = IntersectionSearchSpace()
    calc_pruned = IntersectionSearchSpace(include_pruned=True)
    running = []
    for step in range(200):
        if running and rng.random() < 0.5:
            trial = running.pop(rng.randrange(len(running)))
            state = rng.choice([TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL])
            study.tell(trial, 1.0 if state == TrialState.COMPLETE else None, state=state)
        else:
            trial = study.ask()
            trial.suggest_float("x", 0, 1)
            if rng.random() < 0.97:
                trial.suggest_int("k", 0, 5)
            if rng.random() < 0.99:
                trial.suggest_categorical("c", ["a", "b"])
            running.append(trial)
        if step % 7 == 0:
            trials = study.get_trials()
            assert calc.calculate(study) == intersection_search_space(trials)
            assert calc_pruned.calculate(study) == intersection_search_space(trials, True)
    for trial in running:
        study.tell(trial, 0.0)
    trials = study.get_trials()
    assert calc.calculate(study) == intersection_search_space(trials)
    assert calc_pruned.calculate(study) == intersection_search_space(trials, True)


def test_calculator_follows_a_new_study() -> None:
    calc = IntersectionSearchSpace()
    a = ridgeline.create_study()
    a.add_trial(_trial({"x": F}))
    b = ridgeline.create_study()
    b.add_trial(_trial({"y": I}))
    assert calc.calculate(a) == {"x": F}
    assert calc.calculate(b) == {"y": I}


def test_result_is_a_copy() -> None:
    calc = IntersectionSearchSpace()
    study = ridgeline.create_study()
    study.add_trial(_trial({"x": F, "y": I}))
    calc.calculate(study).clear()
    assert calc.calculate(study) == {"x": F, "y": I}


def test_cursor_hands_out_each_finished_trial_once() -> None:
    study = ridgeline.create_study()
    for _ in range(3):
        study.add_trial(_trial({"x": F}))
    waiting = study.ask()  # stays RUNNING while others finish after it
    for _ in range(10_000):
        study.add_trial(_trial({"x": F}))
    cursor = FinishedTrialCursor()
    new, pending = cursor.advance(study)
    assert len(new) == 10_003
    assert [t.number for t in pending] == [3]
    # Only what changed comes back: nothing, then the one trial that finished.
    assert cursor.advance(study)[0] == []
    study.tell(waiting, 1.0)
    new, pending = cursor.advance(study)
    assert [t.number for t in new] == [3] and pending == []
    # Everything is behind the cursor now: a call costs nothing per old trial.
    assert cursor._next == 10_004 and cursor._seen == set()


@pytest.mark.parametrize("include_pruned", [False, True])
def test_pruned_trial_with_fewer_params(include_pruned: bool) -> None:
    study = ridgeline.create_study()
    study.add_trial(_trial({"x": F, "y": I}))
    study.add_trial(_trial({"x": F}, TrialState.PRUNED))
    expected = {"x": F} if include_pruned else {"x": F, "y": I}
    assert IntersectionSearchSpace(include_pruned=include_pruned).calculate(study) == expected
