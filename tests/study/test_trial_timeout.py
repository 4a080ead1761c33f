"""Study.optimize(trial_timeout=...): a trial past its wall-clock budget is pruned or failed,
with the reason recorded, and the study goes on."""

from __future__ import annotations

import time
from typing import Any

import pytest

import ridgeline
from ridgeline.exceptions import TrialTimeoutError
from ridgeline.trial import TrialState

STEP_SECONDS = 0.03
LIMIT = 0.1


def _slow_if_large(trial: ridgeline.Trial) -> float:
    """Trials with x >= 0.5 take 10 steps of STEP_SECONDS (past LIMIT); others finish at once."""
    x = trial.suggest_float("x", 0.0, 1.0)
    n_steps = 10 if x >= 0.5 else 1
    for step in range(n_steps):
        if x >= 0.5:
            time.sleep(STEP_SECONDS)
        trial.report(x + step, step)
        if trial.should_prune():
            raise ridgeline.TrialPruned()
    return x


def _study(tmp_path: Any = None) -> ridgeline.Study:
    storage = None if tmp_path is None else f"sqlite:///{tmp_path / 'limit.db'}"
    return ridgeline.create_study(
        storage=storage,
        sampler=ridgeline.samplers.RandomSampler(seed=0),
        pruner=ridgeline.pruners.NopPruner(),
    )


def test_prune_mode_stops_slow_trials_at_should_prune_with_the_reason(tmp_path: Any) -> None:
    study = _study(tmp_path)
    study.optimize(_slow_if_large, n_trials=8, trial_timeout=LIMIT)
    assert len(study.trials) == 8
    for t in study.trials:
        if t.params["x"] >= 0.5:
            assert t.state == TrialState.PRUNED
            assert "past its time limit of 0.1 s" in t.system_attrs["trial_timeout"]
            assert t.last_step is not None and t.last_step < 9
            assert t.value == t.intermediate_values[t.last_step]
        else:
            assert t.state == TrialState.COMPLETE
            assert "trial_timeout" not in t.system_attrs
    # The reason is stored: a reloaded study sees it.
    loaded = ridgeline.load_study(study_name=study.study_name, storage=study._storage)
    assert sum("trial_timeout" in t.system_attrs for t in loaded.trials) == sum(
        t.params["x"] >= 0.5 for t in study.trials
    )


def test_fail_mode_fails_slow_trials_and_the_study_goes_on() -> None:
    study = _study()
    study.optimize(_slow_if_large, n_trials=8, trial_timeout=LIMIT, on_trial_timeout="fail")
    assert len(study.trials) == 8
    slow = [t for t in study.trials if t.params["x"] >= 0.5]
    assert slow
    for t in slow:
        assert t.state == TrialState.FAIL
        assert t.system_attrs["fail_reason"].startswith("TrialTimeoutError: Trial ")
        assert "past its time limit" in t.system_attrs["trial_timeout"]
    assert all(t.state == TrialState.COMPLETE for t in study.trials if t.params["x"] < 0.5)


@pytest.mark.parametrize("mode", ["prune", "fail"])
def test_an_objective_that_never_reports_is_stopped_when_it_returns(mode: str) -> None:
    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number == 1:
            time.sleep(LIMIT * 1.5)
        return x

    study = _study()
    study.optimize(objective, n_trials=3, trial_timeout=LIMIT, on_trial_timeout=mode)
    states = [t.state for t in study.trials]
    late = TrialState.PRUNED if mode == "prune" else TrialState.FAIL
    assert states == [TrialState.COMPLETE, late, TrialState.COMPLETE]
    assert "trial_timeout" in study.trials[1].system_attrs


def test_a_fail_mode_report_raises_the_timeout_error_to_the_objective() -> None:
    seen: list[BaseException] = []

    def objective(trial: ridgeline.Trial) -> float:
        time.sleep(LIMIT * 1.2)
        try:
            trial.report(1.0, 0)
        except TrialTimeoutError as e:
            seen.append(e)
            raise
        return 1.0

    study = _study()
    study.optimize(objective, n_trials=1, trial_timeout=LIMIT, on_trial_timeout="fail")
    assert len(seen) == 1 and isinstance(seen[0], TimeoutError)
    assert study.trials[0].state == TrialState.FAIL


def test_threads_each_get_their_own_limit() -> None:
    study = _study()
    study.optimize(_slow_if_large, n_trials=10, n_jobs=2, trial_timeout=LIMIT)
    for t in study.trials:
        expected = TrialState.PRUNED if t.params["x"] >= 0.5 else TrialState.COMPLETE
        assert t.state == expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"trial_timeout": 0}, "`trial_timeout` of Study.optimize must be a positive number"),
        ({"trial_timeout": -1.0}, "got -1.0"),
        ({"trial_timeout": float("nan")}, "got nan"),
        ({"trial_timeout": "10"}, "got '10'"),
        ({"trial_timeout": True}, "got True"),
        ({"on_trial_timeout": "kill"}, "`on_trial_timeout` of Study.optimize must be 'prune'"),
    ],
)
def test_bad_arguments_are_refused_before_any_trial(kwargs: dict[str, Any], message: str) -> None:
    study = _study()
    with pytest.raises(ValueError) as info:
        study.optimize(_slow_if_large, n_trials=1, **kwargs)
    assert message in str(info.value)
    assert study.trials == []
