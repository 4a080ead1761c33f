from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.distributions import FloatDistribution, IntDistribution
from ridgeline.samplers import RandomSampler
from ridgeline.trial import TrialState


def _study(**kwargs: Any) -> ridgeline.Study:
    return ridgeline.create_study(sampler=RandomSampler(seed=0), **kwargs)


def test_suggest_kinds_and_ranges() -> None:
    study = _study()
    for _ in range(30):
        trial = study.ask()
        x = trial.suggest_float("x", -1.0, 1.0)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        s = trial.suggest_float("s", 0.0, 1.0, step=0.25)
        n = trial.suggest_int("n", 1, 5)
        h = trial.suggest_int("h", 64, 512, step=64)
        ln = trial.suggest_int("ln", 1, 1024, log=True)
        c = trial.suggest_categorical("c", [None, True, 2, 2.5, "s"])
        assert -1.0 <= x <= 1.0 and isinstance(x, float)
        assert 1e-5 <= lr <= 1e-1
        assert s in (0.0, 0.25, 0.5, 0.75, 1.0)
        assert 1 <= n <= 5 and isinstance(n, int)
        assert h % 64 == 0 and 64 <= h <= 512
        assert 1 <= ln <= 1024 and isinstance(ln, int)
        assert c in (None, True, 2, 2.5, "s")
        study.tell(trial, 0.0)
    t = study.trials[0]
    assert set(t.params) == {"x", "lr", "s", "n", "h", "ln", "c"}
    assert t.distributions["h"] == IntDistribution(64, 512, step=64)


def test_same_name_returns_same_value() -> None:
    # Seed 001 suggests "num_layers" twice with the same arguments in one trial.
    study = _study()
    trial = study.ask()
    a = trial.suggest_int("num_layers", 1, 5)
    assert all(trial.suggest_int("num_layers", 1, 5) == a for _ in range(10))
    # a compatible distribution (other bounds) also returns the recorded value
    assert trial.suggest_int("num_layers", 1, 10) == a


def test_incompatible_resuggest_is_an_error() -> None:
    study = _study()
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    with pytest.raises(ValueError, match="as IntDistribution after FloatDistribution"):
        trial.suggest_int("x", 0, 1)
    trial.suggest_categorical("c", ["a", "b"])
    with pytest.raises(ValueError, match=r"Cannot change the choices.*\['a', 'b'\] then"):
        trial.suggest_categorical("c", ["a", "b", "c"])
    # nothing stored changed
    study.tell(trial, 1.0)
    assert set(study.trials[0].params) == {"x", "c"}


def test_invalid_suggest_arguments_store_nothing() -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError, match="`low` of FloatDistribution must be <= `high`"):
        trial.suggest_float("x", 1.0, 0.0)
    with pytest.raises(ValueError, match="must be > 0 when `log=True`"):
        trial.suggest_float("lr", 0.0, 1.0, log=True)
    with pytest.raises(ValueError, match="must be None when `log=True`"):
        trial.suggest_float("lr", 0.1, 1.0, log=True, step=0.1)
    with pytest.raises(ValueError, match="must contain at least one value"):
        trial.suggest_categorical("c", [])
    with pytest.raises(TypeError, match="must hold None, bool, int, float or str"):
        trial.suggest_categorical("c", [object()])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="`name` of a parameter must be a str"):
        trial.suggest_float(3, 0, 1)  # type: ignore[arg-type]
    assert trial.params == {}
    assert study._storage.get_trial(trial._trial_id).params == {}


def test_conditional_and_dynamic_spaces() -> None:
    # Seed 002: hidden_dim choices depend on n_heads; optimizer-specific parameters.
    def objective(trial: ridgeline.Trial) -> float:
        n_heads = trial.suggest_categorical("n_heads", [4, 8, 16])
        hidden = trial.suggest_categorical(
            "hidden_dim", [d for d in [256, 512, 768, 1024] if d % n_heads == 0]
        )
        opt = trial.suggest_categorical("optimizer", ["adam", "sgd"])
        if opt == "sgd":
            trial.suggest_float("momentum", 0.8, 0.99)
        else:
            trial.suggest_float("beta1", 0.85, 0.95)
        return float(hidden) / n_heads

    study = _study()
    study.optimize(objective, n_trials=40)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert any("momentum" in t.params for t in study.trials)
    assert any("beta1" in t.params for t in study.trials)
    for t in study.trials:
        assert t.params["hidden_dim"] % t.params["n_heads"] == 0


def test_single_value_distribution_needs_no_sampler() -> None:
    study = _study()
    trial = study.ask()
    assert trial.suggest_float("x", 2.0, 2.0) == 2.0
    assert trial.suggest_int("n", 7, 7) == 7
    assert trial.suggest_categorical("c", ["only"]) == "only"


def test_report_and_errors() -> None:
    study = _study()
    trial = study.ask()
    trial.report(0.5, 0)
    trial.report(np.float32(0.25), 1)
    with pytest.warns(UserWarning, match="already reported a value at step 1"):
        trial.report(0.1, 1)
    with pytest.raises(TypeError, match=r"`value` of trial.report must be a float; got 'x'"):
        trial.report("x", 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`step` of trial.report must be an int; got 1.5"):
        trial.report(0.1, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"`step` of trial.report must be >= 0; got -1"):
        trial.report(0.1, -1)
    frozen = study.tell(trial, 0.2)
    assert frozen.intermediate_values == {0: 0.5, 1: 0.25}


def test_report_not_allowed_with_several_objectives() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize"])
    trial = study.ask()
    with pytest.raises(ValueError, match="not supported for studies with several objectives"):
        trial.report(1.0, 0)
    with pytest.raises(ValueError, match="should_prune is not supported"):
        trial.should_prune()


def test_user_and_system_attrs() -> None:
    study = _study()
    trial = study.ask()
    trial.set_user_attr("note", {"a": [1, 2]})
    trial.set_system_attr("internal", 3)
    assert trial.user_attrs == {"note": {"a": [1, 2]}}
    frozen = study.tell(trial, 1.0)
    assert frozen.user_attrs == {"note": {"a": [1, 2]}}
    assert frozen.system_attrs["internal"] == 3


def test_number_and_datetime() -> None:
    study = _study()
    t0, t1 = study.ask(), study.ask()
    assert (t0.number, t1.number) == (0, 1)
    assert t0.datetime_start is not None


def test_ask_fixed_distributions() -> None:
    study = _study()
    trial = study.ask({"x": FloatDistribution(0, 1), "n": IntDistribution(1, 3)})
    assert set(trial.params) == {"x", "n"}
    with pytest.raises(ValueError, match="`fixed_distributions` of Study.ask must be a dict"):
        study.ask([1])  # type: ignore[arg-type]


def test_should_prune_uses_pruner() -> None:
    class Always(ridgeline.pruners.BasePruner):
        def prune(self, study: ridgeline.Study, trial: ridgeline.FrozenTrial) -> bool:
            return trial.last_step is not None and trial.last_step >= 2

    study = _study(pruner=Always())

    def objective(trial: ridgeline.Trial) -> float:
        for step in range(5):
            trial.report(float(step), step)
            if trial.should_prune():
                raise ridgeline.TrialPruned()
        return 10.0

    study.optimize(objective, n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.PRUNED] * 2
    assert study.trials[0].value == 2.0  # the last reported value
    assert study.trials[0].intermediate_values == {0: 0.0, 1: 1.0, 2: 2.0}
