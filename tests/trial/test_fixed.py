from __future__ import annotations

import pytest

from ridgeline.trial import FixedTrial


def objective(trial: FixedTrial) -> float:
    x = trial.suggest_float("x", -10, 10)
    n = trial.suggest_int("n", 1, 4)
    opt = trial.suggest_categorical("opt", ["adam", "sgd"])
    trial.report(x, 0)
    trial.set_user_attr("k", 1)
    assert trial.should_prune() is False
    return x * n if opt == "adam" else 0.0


def test_fixed_trial_runs_objective() -> None:
    t = FixedTrial({"x": 2.0, "n": 3, "opt": "adam"}, number=7)
    assert objective(t) == 6.0
    assert t.params == {"x": 2.0, "n": 3, "opt": "adam"}
    assert t.user_attrs == {"k": 1}
    assert t.number == 7
    assert t.intermediate_values == {0: 2.0}


def test_fixed_trial_missing_param() -> None:
    with pytest.raises(ValueError, match=r"FixedTrial has no value for parameter 'n'"):
        objective(FixedTrial({"x": 2.0}))


def test_fixed_trial_out_of_range_warns() -> None:
    t = FixedTrial({"x": 20.0})
    with pytest.warns(UserWarning, match="lies outside"):
        assert t.suggest_float("x", -10, 10) == 20.0


def test_fixed_trial_bad_params() -> None:
    with pytest.raises(ValueError, match="`params` of FixedTrial must be a dict; got list"):
        FixedTrial([1, 2])  # type: ignore[arg-type]


def test_fixed_trial_rejects_unknown_choice() -> None:
    with pytest.raises(ValueError, match="not one of the choices"):
        FixedTrial({"opt": "rmsprop"}).suggest_categorical("opt", ["adam", "sgd"])
