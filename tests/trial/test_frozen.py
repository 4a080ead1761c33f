from __future__ import annotations

import copy
import pickle

import pytest

import ridgeline
from ridgeline.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from ridgeline.trial import FrozenTrial, TrialState, create_trial


def _trial() -> FrozenTrial:
    return create_trial(
        params={"x": 1.5, "n": 3, "c": "a"},
        distributions={
            "x": FloatDistribution(0, 2),
            "n": IntDistribution(1, 5),
            "c": CategoricalDistribution(["a", "b"]),
        },
        value=2.0,
        user_attrs={"u": [1, 2]},
        intermediate_values={0: 3.0, 1: 2.5},
    )


def test_create_trial_fields() -> None:
    t = _trial()
    assert t.state == TrialState.COMPLETE
    assert t.value == 2.0 and t.values == [2.0]
    assert t.params == {"x": 1.5, "n": 3, "c": "a"}
    assert t.last_step == 1
    assert t.duration is not None


def test_frozen_trial_is_immutable() -> None:
    t = _trial()
    with pytest.raises(AttributeError, match="FrozenTrial is immutable; cannot set 'value'"):
        t.value = 3.0  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        t.number = 5  # type: ignore[misc]
    t.params["x"] = 99.0
    t.user_attrs["u"].append(3)  # the list is shared, but the dict is a copy
    assert t.params["x"] == 1.5
    with pytest.raises(AttributeError, match="set user attributes on a running Trial"):
        t.set_user_attr("k", 1)


def test_copy_and_pickle() -> None:
    t = _trial()
    assert copy.deepcopy(t) is t
    back = pickle.loads(pickle.dumps(t))
    assert back == t and back.params == t.params


def test_multi_value_trial() -> None:
    t = create_trial(values=[1.0, 2.0])
    assert t.values == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="use `trial.values`"):
        _ = t.value


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, r"A COMPLETE trial must have `value` or `values`; got None"),
        ({"value": 1.0, "values": [1.0]}, r"Give either `value` or `values`"),
        ({"value": float("nan")}, r"must not be NaN"),
        ({"state": TrialState.FAIL, "value": 1.0}, r"A FAIL trial must not have values"),
        (
            {"value": 1.0, "params": {"x": 5.0}, "distributions": {"x": FloatDistribution(0, 1)}},
            r"Parameter 'x'=5.0 lies outside",
        ),
        (
            {"value": 1.0, "params": {"x": 0.5}, "distributions": {}},
            r"`params` and `distributions` must have the same keys",
        ),
    ],
)
def test_create_trial_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        create_trial(**kwargs)


def test_frozen_trial_as_objective_stand_in() -> None:
    t = _trial()

    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", 0, 2)
        n = trial.suggest_int("n", 1, 5)
        trial.report(1.0, 0)
        assert not trial.should_prune()
        return x * n

    assert objective(t) == 4.5  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="has no parameter 'y'"):
        t.suggest_float("y", 0, 1)


def test_ordering() -> None:
    study = ridgeline.create_study()
    study.optimize(lambda tr: tr.suggest_float("x", 0, 1), n_trials=3)
    trials = study.trials
    assert sorted(reversed(trials)) == trials
    assert trials[0] < trials[1]
