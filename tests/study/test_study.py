from __future__ import annotations

import math
import threading
import time
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.distributions import FloatDistribution
from ridgeline.exceptions import DuplicatedStudyError, RidgelineError
from ridgeline.samplers import RandomSampler
from ridgeline.storages import InMemoryStorage
from ridgeline.study import MaxTrialsCallback, StudyDirection
from ridgeline.trial import TrialState, create_trial


def quadratic(trial: ridgeline.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


# --------------------------------------------------------------------------- create / load
def test_create_study_defaults() -> None:
    study = ridgeline.create_study()
    assert study.direction == StudyDirection.MINIMIZE
    assert study.study_name.startswith("no-name-")
    assert isinstance(study.pruner, ridgeline.pruners.MedianPruner)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"direction": "up"},
            r"`direction` of create_study must be 'minimize' or 'maximize'; "
            r"got 'up'",
        ),
        (
            {"directions": ["minimize", "sideways"]},
            r"`directions` of create_study .* got 'sideways'",
        ),
        ({"direction": "minimize", "directions": ["maximize"]}, r"Give either `direction` or"),
        ({"directions": []}, r"must not be empty"),
        ({"directions": "maximize"}, r"must be a list such as"),
        ({"storage": "redis://localhost"}, r"`storage` must be a database URL with a scheme in"),
        ({"storage": "notaurl"}, r"got 'notaurl'"),
        ({"storage": 42}, r"`storage` must be a URL string, a BaseStorage instance or None"),
    ],
)
def test_create_study_errors(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ridgeline.create_study(**kwargs)


def test_storage_url_password_is_masked() -> None:
    with pytest.raises(ValueError) as info:
        ridgeline.create_study(storage="oracle://admin:hunter2@db/x")
    assert "hunter2" not in str(info.value) and "admin:***@db" in str(info.value)


def test_duplicate_and_load_if_exists() -> None:
    storage = InMemoryStorage()
    study = ridgeline.create_study(storage=storage, study_name="s", direction="maximize")
    study.optimize(quadratic, n_trials=3)
    with pytest.raises(
        DuplicatedStudyError,
        match=r"A study named 's' already exists.*"
        r"load_if_exists=True",
    ):
        ridgeline.create_study(storage=storage, study_name="s")
    again = ridgeline.create_study(storage=storage, study_name="s", load_if_exists=True)
    assert len(again.trials) == 3 and again.direction == StudyDirection.MAXIMIZE
    with pytest.raises(ValueError, match=r"exists with directions \['maximize'\].*\['minimize'\]"):
        ridgeline.create_study(
            storage=storage, study_name="s", direction="minimize", load_if_exists=True
        )
    assert len(storage.get_all_trials(study._study_id)) == 3


def test_load_delete_copy_and_list() -> None:
    storage = InMemoryStorage()
    study = ridgeline.create_study(storage=storage, study_name="a")
    study.set_user_attr("dataset", "digits")
    study.optimize(quadratic, n_trials=4)
    loaded = ridgeline.load_study(study_name="a", storage=storage)
    assert [t.number for t in loaded.trials] == [0, 1, 2, 3]
    assert ridgeline.load_study(study_name=None, storage=storage).study_name == "a"

    with pytest.raises(
        KeyError,
        match=r"No study named 'zzz' in this storage; existing studies: "
        r"\['a'\]",
    ):
        ridgeline.load_study(study_name="zzz", storage=storage)

    other = InMemoryStorage()
    ridgeline.copy_study(from_study_name="a", from_storage=storage, to_storage=other)
    copied = ridgeline.load_study(study_name="a", storage=other)
    assert copied.user_attrs == {"dataset": "digits"}
    assert [t.params for t in copied.trials] == [t.params for t in study.trials]
    assert copied.best_value == study.best_value

    ridgeline.create_study(storage=storage, study_name="b")
    assert ridgeline.get_all_study_names(storage) == ["a", "b"]
    with pytest.raises(KeyError, match="holds 2"):
        ridgeline.load_study(study_name=None, storage=storage)
    summaries = ridgeline.get_all_study_summaries(storage)
    assert [s.n_trials for s in summaries] == [4, 0]
    assert summaries[0].best_trial is not None
    assert summaries[0].best_trial.value == study.best_value
    assert summaries[0].datetime_start is not None

    ridgeline.delete_study(study_name="a", storage=storage)
    assert ridgeline.get_all_study_names(storage) == ["b"]
    with pytest.raises(KeyError, match="No study named 'a'"):
        ridgeline.delete_study(study_name="a", storage=storage)


# --------------------------------------------------------------------------- optimize
def test_optimize_finds_minimum_and_best_attributes() -> None:
    study = ridgeline.create_study(sampler=RandomSampler(seed=1))
    study.optimize(quadratic, n_trials=100)
    assert len(study.trials) == 100
    assert study.best_value < 0.1
    assert abs(study.best_params["x"] - 2) < 0.4
    assert study.best_trial.value == study.best_value
    assert study.best_trials == [study.best_trial]


def test_best_errors() -> None:
    study = ridgeline.create_study(study_name="empty")
    with pytest.raises(ValueError, match=r"Study 'empty' has no COMPLETE trial yet"):
        _ = study.best_value
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        _ = study.best_params
    mo = ridgeline.create_study(directions=["minimize", "maximize"])
    with pytest.raises(ValueError, match=r"has 2 objectives, so it has no single best trial"):
        _ = mo.best_trial
    with pytest.raises(ValueError, match="use `study.directions`"):
        _ = mo.direction


def test_objective_outcomes_are_recorded() -> None:
    def objective(trial: ridgeline.Trial) -> Any:
        kind = trial.suggest_categorical("kind", ["ok", "nan", "pruned", "tuple", "str", "np"])
        if kind == "ok":
            return 1.0
        if kind == "nan":
            return float("nan")
        if kind == "pruned":
            trial.report(5.0, 3)
            raise ridgeline.TrialPruned()
        if kind == "tuple":
            return (1.0, 2.0)
        if kind == "str":
            return "high"
        return np.float64(0.5)

    study = ridgeline.create_study()
    for kind in ["ok", "nan", "pruned", "tuple", "str", "np"]:
        study.enqueue_trial({"kind": kind})
    study.optimize(objective, n_trials=6)
    by_kind = {t.params["kind"]: t for t in study.trials}
    assert by_kind["ok"].state == TrialState.COMPLETE and by_kind["ok"].value == 1.0
    assert by_kind["np"].state == TrialState.COMPLETE and by_kind["np"].value == 0.5
    assert by_kind["pruned"].state == TrialState.PRUNED and by_kind["pruned"].value == 5.0
    for kind, reason in [
        ("nan", "The objective returned NaN."),
        ("tuple", "returned 2 value(s)"),
        ("str", "'high' (str), which is not a number"),
    ]:
        t = by_kind[kind]
        assert t.state == TrialState.FAIL and t.values is None
        assert reason in t.system_attrs["fail_reason"]
        assert reason in t.user_attrs["error"]


def test_exception_fails_trial_stores_traceback_and_reraises() -> None:
    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            raise ZeroDivisionError("boom")
        return x

    study = ridgeline.create_study()
    with pytest.raises(ZeroDivisionError, match="boom"):
        study.optimize(objective, n_trials=5)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAIL]
    failed = study.trials[1]
    assert failed.user_attrs["error"] == "ZeroDivisionError: boom"
    assert "Traceback (most recent call last)" in failed.system_attrs["traceback"]
    assert 'raise ZeroDivisionError("boom")' in failed.system_attrs["traceback"]
    assert "x" in failed.params  # parameters of failed trials are kept


def test_catch_continues_and_keeps_user_error_attr() -> None:
    def objective(trial: ridgeline.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            trial.set_user_attr("error", "my own note")
            raise ValueError("odd")
        if trial.number == 2:
            raise KeyError("two")
        return 0.0

    study = ridgeline.create_study()
    study.optimize(objective, n_trials=6, catch=(ValueError, KeyError))
    assert len(study.trials) == 6
    failed = [t for t in study.trials if t.state == TrialState.FAIL]
    assert len(failed) == 4
    assert failed[0].user_attrs["error"] == "my own note"  # never overwritten
    assert failed[0].system_attrs["fail_reason"] == "ValueError: odd"
    study.optimize(objective, n_trials=2, catch=ValueError)


def test_keyboard_interrupt_fails_running_trial() -> None:
    def objective(trial: ridgeline.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        if trial.number == 2:
            raise KeyboardInterrupt
        return 0.0

    study = ridgeline.create_study()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=5)
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.FAIL]
    assert "KeyboardInterrupt" in study.trials[2].system_attrs["fail_reason"]


def test_n_jobs_threads_run_all_trials() -> None:
    seen = set()
    lock = threading.Lock()

    def objective(trial: ridgeline.Trial) -> float:
        with lock:
            seen.add(threading.get_ident())
        return quadratic(trial)

    study = ridgeline.create_study()
    study.optimize(objective, n_trials=40, n_jobs=4)
    assert len(study.trials) == 40
    assert sorted(t.number for t in study.trials) == list(range(40))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    study.optimize(objective, n_trials=4, n_jobs=-1)
    assert len(study.trials) == 44


def test_n_jobs_exception_propagates() -> None:
    def objective(trial: ridgeline.Trial) -> float:
        if trial.number == 3:
            raise RuntimeError("worker failure")
        time.sleep(0.01)
        return 0.0

    study = ridgeline.create_study()
    with pytest.raises(RuntimeError, match="worker failure"):
        study.optimize(objective, n_trials=50, n_jobs=2)
    assert not any(t.state == TrialState.RUNNING for t in study.trials)
    assert len(study.trials) < 50


def test_timeout_and_stop() -> None:
    study = ridgeline.create_study()
    study.optimize(quadratic, timeout=0.3)
    assert len(study.trials) > 0

    def stopper(trial: ridgeline.Trial) -> float:
        if trial.number == 4:
            trial.study.stop()
        return quadratic(trial)

    study2 = ridgeline.create_study()
    study2.optimize(stopper, n_trials=100)
    assert len(study2.trials) == 5
    study2.optimize(quadratic, n_trials=2)  # the stop flag does not stick
    assert len(study2.trials) == 7


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"n_trials": -1},
            r"`n_trials` of Study.optimize must be a non-negative int or None; "
            r"got -1",
        ),
        ({"n_trials": 2.5}, r"got 2.5"),
        ({"timeout": 0}, r"`timeout` of Study.optimize must be a positive number"),
        ({"n_jobs": 0}, r"`n_jobs` of Study.optimize must be a positive int or -1"),
        ({"catch": [42]}, r"`catch` of Study.optimize must hold exception classes; got 42"),
        ({"callbacks": [1]}, r"`callbacks` of Study.optimize must hold callables"),
    ],
)
def test_optimize_argument_errors(kwargs: dict[str, Any], match: str) -> None:
    study = ridgeline.create_study()
    with pytest.raises(ValueError, match=match):
        study.optimize(quadratic, **kwargs)
    assert study.trials == []


def test_optimize_rejects_non_callable_and_nesting() -> None:
    study = ridgeline.create_study()
    with pytest.raises(ValueError, match="`func` of Study.optimize must be callable"):
        study.optimize(3, n_trials=1)  # type: ignore[arg-type]

    def nested(trial: ridgeline.Trial) -> float:
        study.optimize(quadratic, n_trials=1)
        return 0.0

    with pytest.raises(RuntimeError, match="cannot be called from inside the same study"):
        study.optimize(nested, n_trials=1)
    study.optimize(quadratic, n_trials=1)  # the flag is cleared after the error


def test_callbacks_and_max_trials_callback() -> None:
    calls: list[tuple[int, TrialState]] = []

    def record(study: ridgeline.Study, trial: ridgeline.FrozenTrial) -> None:
        calls.append((trial.number, trial.state))

    study = ridgeline.create_study()
    study.optimize(quadratic, n_trials=100, callbacks=[record, MaxTrialsCallback(7)])
    assert len(study.trials) == 7
    assert [c[0] for c in calls] == list(range(7))
    with pytest.raises(ValueError, match="`n_trials` of MaxTrialsCallback"):
        MaxTrialsCallback(-3)


def test_gc_after_trial_and_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    study = ridgeline.create_study(direction="maximize")
    study.optimize(
        lambda t: t.suggest_float("x", 0, 1),
        n_trials=5,
        gc_after_trial=True,
        show_progress_bar=True,
    )
    err = capsys.readouterr().err
    assert "5/5" in err and "Best trial:" in err and "Best value:" in err
    study.optimize(lambda t: t.suggest_float("x", 0, 1), timeout=0.2, show_progress_bar=True)
    assert "Best value" in capsys.readouterr().err


def test_logging_one_line_per_trial(capsys: pytest.CaptureFixture[str]) -> None:
    ridgeline.logging.set_verbosity(ridgeline.logging.INFO)
    try:
        study = ridgeline.create_study()
        study.optimize(quadratic, n_trials=3)
        err = capsys.readouterr().err
        assert err.count("finished with value:") == 3
        assert "Best is trial" in err
        ridgeline.logging.set_verbosity(ridgeline.logging.WARNING)
        study.optimize(quadratic, n_trials=2)
        assert "finished with value" not in capsys.readouterr().err
    finally:
        ridgeline.logging.set_verbosity(ridgeline.logging.WARNING)
        ridgeline.logging.disable_default_handler()
        ridgeline.logging.enable_default_handler()
        ridgeline.logging.disable_default_handler()
    with pytest.raises(ValueError, match="`verbosity` of set_verbosity must be a logging level"):
        ridgeline.logging.set_verbosity("loud")  # type: ignore[arg-type]


def test_default_handler_writes_to_the_current_stderr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    old = io.StringIO()
    monkeypatch.setattr("sys.stderr", old)
    ridgeline.logging.disable_default_handler()
    ridgeline.logging.enable_default_handler()  # the handler is made while stderr is `old`
    ridgeline.logging.set_verbosity(ridgeline.logging.INFO)
    monkeypatch.undo()  # back to capsys's stream, as when a later test replaces stderr
    try:
        ridgeline.create_study().optimize(quadratic, n_trials=1)
        assert "finished with value:" in capsys.readouterr().err
        assert old.getvalue() == ""
    finally:
        ridgeline.logging.set_verbosity(ridgeline.logging.WARNING)
        ridgeline.logging.disable_default_handler()


# --------------------------------------------------------------------------- ask / tell
def test_ask_tell_flow_and_errors() -> None:
    study = ridgeline.create_study()
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    frozen = study.tell(trial, x)
    assert frozen.state == TrialState.COMPLETE and frozen.value == x

    with pytest.raises(ValueError, match=r"Trial 0 is already COMPLETE; a finished trial cannot"):
        study.tell(trial, 0.5)
    assert study.trials[0].value == x  # unchanged
    assert study.tell(trial, 0.5, skip_if_finished=True).value == x

    t1 = study.ask()
    with pytest.raises(ValueError, match=r"needs `values` to complete a trial; got None"):
        study.tell(t1)
    with pytest.raises(ValueError, match=r"`state` of Study.tell must be COMPLETE, PRUNED or FAIL"):
        study.tell(t1, 1.0, state=TrialState.RUNNING)
    with pytest.raises(ValueError, match=r"`values` of Study.tell must be None when state is FAIL"):
        study.tell(t1, 1.0, state=TrialState.FAIL)
    with pytest.raises(
        ValueError,
        match=r"`values` of Study.tell are not valid: The objective "
        r"returned NaN",
    ):
        study.tell(t1, float("nan"), state=TrialState.COMPLETE)
    with pytest.raises(ValueError, match=r"got number 99, but the study has 2 trials"):
        study.tell(99, 1.0)
    with pytest.raises(
        ValueError, match=r"`trial` of Study.tell must be a Trial or a trial number"
    ):
        study.tell("0", 1.0)  # type: ignore[arg-type]
    assert study.trials[1].state == TrialState.RUNNING

    assert study.tell(1, float("nan")).state == TrialState.FAIL  # implicit state: FAIL + reason
    t2 = study.ask()
    t2.report(3.0, 0)
    assert study.tell(t2, state=TrialState.PRUNED).value == 3.0
    t3 = study.ask()
    assert study.tell(t3.number, state=TrialState.FAIL).state == TrialState.FAIL

    other = ridgeline.create_study()
    with pytest.raises(ValueError, match="belongs to another study"):
        other.tell(study.ask(), 1.0)


def test_tell_multi_objective() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize"])
    t = study.ask()
    assert study.tell(t, [1.0, 2.0]).values == [1.0, 2.0]
    t = study.ask()
    assert study.tell(t, (1.0,)).state == TrialState.FAIL
    t = study.ask()
    assert study.tell(t, np.array([0.5, 3.0])).values == [0.5, 3.0]


# --------------------------------------------------------------------------- enqueue / add
def test_enqueue_trial_fixed_and_partial() -> None:
    study = ridgeline.create_study()
    study.enqueue_trial({"x": 1.5})
    study.enqueue_trial({"x": 3.0, "y": 2}, user_attrs={"source": "manual"})
    study.enqueue_trial({"x": 3.0, "y": 2}, skip_if_exists=True)  # skipped: already queued

    def objective(trial: ridgeline.Trial) -> float:
        return trial.suggest_float("x", -10, 10) + trial.suggest_int("y", 0, 5)

    study.optimize(objective, n_trials=3)
    t0, t1, t2 = study.trials
    assert t0.params["x"] == 1.5 and 0 <= t0.params["y"] <= 5
    assert t1.params == {"x": 3.0, "y": 2} and t1.user_attrs == {"source": "manual"}
    assert t2.state == TrialState.COMPLETE
    study.enqueue_trial({"x": 1.5}, skip_if_exists=True)  # finished trial with these params
    assert len(study.trials) == 3
    with pytest.raises(ValueError, match="`params` of Study.enqueue_trial must be a dict"):
        study.enqueue_trial([("x", 1)])  # type: ignore[arg-type]


def test_enqueue_out_of_range_value_warns() -> None:
    study = ridgeline.create_study()
    study.enqueue_trial({"x": 50.0})
    with pytest.warns(UserWarning, match="lies outside"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].params["x"] == 50.0


def test_add_trial_and_add_trials() -> None:
    src = ridgeline.create_study()
    src.optimize(quadratic, n_trials=5)
    dst = ridgeline.create_study()
    # seed 000: transfer knowledge by adding the trials of an earlier study
    for t in src.trials:
        if t.state == ridgeline.trial.TrialState.COMPLETE:
            dst.add_trial(t)
    assert [t.number for t in dst.trials] == list(range(5))
    assert [t.params for t in dst.trials] == [t.params for t in src.trials]
    assert src.trials[0].number == 0  # the source records are untouched
    dst.add_trials(
        [
            create_trial(
                params={"x": 2.0}, distributions={"x": FloatDistribution(-10, 10)}, value=0.0
            )
        ]
    )
    assert dst.best_value == 0.0 and dst.trials[-1].number == 5
    with pytest.raises(ValueError, match="`trial` of Study.add_trial must be a FrozenTrial"):
        dst.add_trial({"x": 1})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="has 2 values but the study has 1 objectives"):
        dst.add_trial(create_trial(values=[1.0, 2.0]))
    assert len(dst.trials) == 6


def test_best_trials_pareto_front() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize"])
    for v in [(1.0, 1.0), (2.0, 3.0), (1.5, 0.5), (3.0, 3.0), (1.0, 1.0)]:
        study.add_trial(create_trial(values=list(v)))
    assert sorted(t.number for t in study.best_trials) == [0, 1, 4]


def test_study_attrs_and_repr() -> None:
    study = ridgeline.create_study(study_name="named")
    study.set_user_attr("k", [1, 2])
    study.set_system_attr("s", {"a": 1})
    assert study.user_attrs == {"k": [1, 2]} and study.system_attrs["s"] == {"a": 1}
    assert "named" in repr(study)


# --------------------------------------------------------------------------- data frame
def test_trials_dataframe() -> None:
    study = ridgeline.create_study(direction="maximize")

    def objective(trial: ridgeline.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        bs = trial.suggest_categorical("batch_size", [16, 32])
        trial.set_user_attr("note", "hi")
        if trial.number == 3:
            raise ridgeline.TrialPruned()
        return lr * bs

    study.optimize(objective, n_trials=6)
    df = study.trials_dataframe()
    assert list(df.columns[:5]) == [
        "number",
        "value",
        "datetime_start",
        "datetime_complete",
        "duration",
    ]
    assert {"params_lr", "params_batch_size", "user_attrs_note", "state"} <= set(df.columns)
    complete = df[df["state"] == "COMPLETE"]
    assert len(complete) == 5
    assert df["params_lr"].dtype == "float64"
    top = df.nlargest(2, "value")[["number", "value", "params_lr", "params_batch_size"]]
    assert len(top) == 2 and top["value"].iloc[0] == study.best_value
    mi = study.trials_dataframe(multi_index=True)
    assert ("params", "lr") in mi.columns
    with pytest.raises(ValueError, match="`attrs` of trials_dataframe must hold names"):
        study.trials_dataframe(attrs=("bogus",))
    assert ridgeline.create_study().trials_dataframe().empty


def test_trials_dataframe_multi_objective() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize"])
    study.add_trial(create_trial(values=[1.0, 2.0]))
    df = study.trials_dataframe()
    assert "values_0" in df.columns and "values_1" in df.columns


def test_errors_derive_from_ridgeline_error() -> None:
    with pytest.raises(RidgelineError):
        ridgeline.create_study(direction="bogus")
    with pytest.raises(RidgelineError):
        ridgeline.load_study(study_name="none", storage=InMemoryStorage())


def test_trials_are_shared_immutable_records() -> None:
    study = ridgeline.create_study()
    study.optimize(quadratic, n_trials=3)
    first = study.trials
    study.optimize(quadratic, n_trials=1)
    assert first[0] is study.trials[0]  # no deep copies of finished trials
    assert math.isfinite(first[0].value or 0.0)


def test_keyboard_interrupt_with_threads_stops_workers() -> None:
    import _thread
    import signal

    # interrupt_main() acts through the SIGINT handler: make sure it is Python's default,
    # whatever a library imported by an earlier test may have installed.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _run_interrupted_threads(_thread)
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_interrupted_threads(_thread: Any) -> None:
    started = threading.Event()

    def objective(trial: ridgeline.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            started.set()
        time.sleep(0.3)
        return 0.0

    def interrupt() -> None:
        started.wait(5)
        time.sleep(0.1)
        _thread.interrupt_main()  # what Ctrl-C does

    study = ridgeline.create_study()
    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=50, n_jobs=2)
    n_after_interrupt = len(study.trials)
    assert all(t.state == TrialState.FAIL for t in study.trials)
    assert all("KeyboardInterrupt" in t.system_attrs["fail_reason"] for t in study.trials)
    time.sleep(0.8)  # the worker threads finish their objectives but start nothing new
    assert len(study.trials) == n_after_interrupt <= 2
    assert all(t.state == TrialState.FAIL for t in study.trials)


def test_trial_finished_elsewhere_meanwhile_is_left_as_is() -> None:
    # E.g. another worker's heartbeat monitor failed this trial during a long pause.
    def objective(trial: ridgeline.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        trial.study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)
        if trial.number == 0:
            raise ValueError("late failure")
        return 1.0

    study = ridgeline.create_study()
    study.optimize(objective, n_trials=2, catch=ValueError)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]
    assert "fail_reason" not in study.trials[0].system_attrs


def test_optimize_from_several_threads_on_one_study() -> None:
    study = ridgeline.create_study()
    threads = [
        threading.Thread(target=study.optimize, args=(quadratic,), kwargs={"n_trials": 20})
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(t.number for t in study.trials) == list(range(60))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
