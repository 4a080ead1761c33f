"""Several objectives at the study level: named metrics, dict returns, constraints, errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import ridgeline
from ridgeline.constraints import range_constraints
from ridgeline.samplers import RandomSampler, TPESampler
from ridgeline.study._tell import FAIL_REASON_KEY
from ridgeline.trial import TrialState


def _two(trial: ridgeline.Trial) -> dict[str, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    return {"latency": 1.0 - x, "accuracy": x * x}  # not in the directions' order


def test_directions_dict_names_the_objectives_and_a_dict_return_is_put_in_their_order() -> None:
    study = ridgeline.create_study(
        directions={"accuracy": "maximize", "latency": "minimize"}, sampler=RandomSampler(0)
    )
    assert study.metric_names == ["accuracy", "latency"]
    assert [d.name for d in study.directions] == ["MAXIMIZE", "MINIMIZE"]
    study.optimize(_two, n_trials=8)
    for t in study.trials:
        x = t.params["x"]
        assert t.state == TrialState.COMPLETE
        assert t.values == [pytest.approx(x * x), pytest.approx(1.0 - x)]
    df = study.trials_dataframe()
    assert list(df.columns[:3]) == ["number", "values_accuracy", "values_latency"]


def test_a_study_without_names_adopts_the_first_dict_s_keys_in_order() -> None:
    # Seed 001: directions given as a list, the objective returns a dict.
    study = ridgeline.create_study(directions=["maximize", "minimize"], sampler=RandomSampler(1))
    assert study.metric_names is None
    study.optimize(lambda t: {"accuracy": t.suggest_float("x", 0, 1), "latency": 2.0}, n_trials=3)
    assert study.metric_names == ["accuracy", "latency"]
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert all(t.values[1] == 2.0 for t in study.trials)


def test_named_values_are_logged_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    study = ridgeline.create_study(
        directions={"accuracy": "maximize", "latency": "minimize"}, sampler=RandomSampler(0)
    )
    verbosity = ridgeline.logging.get_verbosity()
    ridgeline.logging.set_verbosity(ridgeline.logging.INFO)
    try:
        study.optimize(_two, n_trials=1)
    finally:
        ridgeline.logging.set_verbosity(verbosity)
    err = capsys.readouterr().err
    assert "values: {'accuracy': " in err and "'latency': " in err


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        ({"accuracy": 1.0, "latency": 1.0, "memory": 3.0}, "unknown name(s) ['memory']"),
        ({"accuracy": 1.0}, "no value for ['latency']"),
        ((1.0, 2.0, 3.0), "returned 3 value(s)"),
        ({"accuracy": float("nan"), "latency": 1.0}, "NaN"),
        ({"accuracy": "high", "latency": 1.0}, "not a number"),
    ],
)
def test_bad_returns_fail_the_trial_with_the_reason(returned: object, reason: str) -> None:
    study = ridgeline.create_study(directions={"accuracy": "maximize", "latency": "minimize"})
    study.optimize(lambda t: returned, n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.FAIL
    assert reason in trial.system_attrs[FAIL_REASON_KEY]
    with pytest.raises(ValueError, match="of Study.tell are not valid"):
        study.tell(study.ask(), returned, state=TrialState.COMPLETE)  # type: ignore[arg-type]


def test_a_dict_that_cannot_name_the_objectives_fails_the_trial_and_names_nothing() -> None:
    study = ridgeline.create_study(directions=["maximize", "minimize"])
    study.optimize(lambda t: {"accuracy": 1.0}, n_trials=1)
    assert study.trials[0].state == TrialState.FAIL
    assert "set_metric_names" in study.trials[0].system_attrs[FAIL_REASON_KEY]
    assert study.metric_names is None


def test_tell_accepts_a_dict_of_named_values() -> None:
    study = ridgeline.create_study(directions={"a": "minimize", "b": "maximize"})
    trial = study.ask()
    frozen = study.tell(trial, {"b": 2.0, "a": 1.0})
    assert frozen.values == [1.0, 2.0]


def test_set_metric_names_checks_its_argument() -> None:
    study = ridgeline.create_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match="must name each of the study's 2"):
        study.set_metric_names(["a"])
    with pytest.raises(ValueError, match="distinct"):
        study.set_metric_names(["a", "a"])
    with pytest.raises(ValueError, match="list of names"):
        study.set_metric_names("ab")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty strings"):
        study.set_metric_names(["a", 3])  # type: ignore[list-item]
    study.set_metric_names(["loss", "size"])
    assert study.metric_names == ["loss", "size"]


def test_metric_names_persist_in_sqlite_and_must_match_when_loading(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mo.db'}"
    directions = {"accuracy": "maximize", "latency": "minimize"}
    study = ridgeline.create_study(storage=url, study_name="mo", directions=directions)
    study.optimize(_two, n_trials=2)
    loaded = ridgeline.load_study(study_name="mo", storage=url)
    assert loaded.metric_names == ["accuracy", "latency"]
    assert ridgeline.create_study(
        storage=url, study_name="mo", directions=directions, load_if_exists=True
    ).metric_names == ["accuracy", "latency"]
    with pytest.raises(ValueError, match="metric names"):
        ridgeline.create_study(
            storage=url,
            study_name="mo",
            directions={"acc": "maximize", "lat": "minimize"},
            load_if_exists=True,
        )


def test_inconsistent_directions_get_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not both"):
        ridgeline.create_study(direction="minimize", directions=["minimize"])
    with pytest.raises(ValueError, match="must not be empty"):
        ridgeline.create_study(directions=[])
    with pytest.raises(ValueError, match="sideways"):
        ridgeline.create_study(directions={"a": "sideways"})


# ---------------------------------------------------------------------- constraints
def _constrained(trial: ridgeline.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.set_user_attr("memory_gb", 64 * x)
    return x, 1.0 - x


def test_best_trials_keep_to_feasible_trials() -> None:
    sampler = RandomSampler(0, constraints_func=range_constraints({"memory_gb": (0, 32)}))
    study = ridgeline.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_constrained, n_trials=40)
    infeasible = [t for t in study.trials if t.user_attrs["memory_gb"] > 32]
    assert infeasible, "some trials should break the memory limit"
    assert all(t.system_attrs["constraints"][-1] > 0 for t in infeasible)
    front = study.best_trials
    assert front and all(t.user_attrs["memory_gb"] <= 32 for t in front)
    # Without the constraint, the infeasible x > 0.5 trials would be on the front too.
    unconstrained = ridgeline.create_study(directions=["minimize", "minimize"])
    unconstrained.add_trials(
        ridgeline.create_trial(params=t.params, distributions=t.distributions, values=t.values)
        for t in study.trials
    )
    assert len(unconstrained.best_trials) == len(study.trials)


def test_best_trial_is_the_best_feasible_one_and_says_when_none_is() -> None:
    sampler = TPESampler(seed=0, constraints_func=range_constraints({"memory_gb": (None, 32)}))
    study = ridgeline.create_study(direction="maximize", sampler=sampler)
    study.optimize(lambda t: _constrained(t)[0], n_trials=30)
    assert study.best_trial.user_attrs["memory_gb"] <= 32
    assert study.best_value == max(t.value for t in study.trials if t.user_attrs["memory_gb"] <= 32)

    never = RandomSampler(0, constraints_func=lambda t: [1.0])
    hopeless = ridgeline.create_study(sampler=never)
    hopeless.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    with pytest.raises(ValueError, match="none is feasible"):
        hopeless.best_trial
    assert hopeless.best_trials == []


@pytest.mark.parametrize(
    ("func", "match"),
    [
        (lambda t: [math.nan], "returned NaN"),
        (lambda t: ["x"], "sequence of floats"),
        (lambda t: t.user_attrs["missing"], "raised KeyError"),
        (range_constraints({"memory": (0, 1)}), "no user attribute or parameter 'memory'"),
    ],
)
def test_a_broken_constraints_func_fails_the_trial_with_the_reason(func, match) -> None:  # type: ignore[no-untyped-def]
    study = ridgeline.create_study(sampler=RandomSampler(0, constraints_func=func))
    with pytest.raises(ValueError, match=match):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert len(study.trials) == 1
    trial = study.trials[0]
    assert trial.state == TrialState.FAIL
    assert match.split("'")[0] in trial.system_attrs[FAIL_REASON_KEY]


def test_range_constraints_check_their_ranges() -> None:
    with pytest.raises(ValueError, match="non-empty dict"):
        range_constraints({})
    with pytest.raises(ValueError, match="pair"):
        range_constraints({"m": 3})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="swap them"):
        range_constraints({"m": (5, 1)})
    with pytest.raises(ValueError, match="number or None"):
        range_constraints({"m": ("low", 1)})  # type: ignore[dict-item]


def test_random_sampler_rejects_a_constraints_func_that_is_not_callable() -> None:
    with pytest.raises(TypeError, match="constraints_func"):
        RandomSampler(0, constraints_func=3)  # type: ignore[arg-type]


def test_a_multi_objective_study_gets_tpe_by_default() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize"])
    assert isinstance(study.sampler, TPESampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), 15)
    assert len(study.best_trials) >= 1
