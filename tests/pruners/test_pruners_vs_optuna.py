"""Our pruners decide like Optuna's on the same histories (Optuna is used as a reference only)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ridgeline
from ridgeline import pruners as ours
from ridgeline.trial import TrialState

optuna = pytest.importorskip("optuna")

History = dict[int, float]

N_STEPS = 6
values_st = st.one_of(
    # Ties, NaNs and infinities are common; infinities rarer, as they void most percentiles.
    st.sampled_from([0.0, 1.0, 2.0, 3.0, math.nan, 0.0, 1.0, 2.0, 3.0, math.inf, -math.inf]),
    st.floats(-5.0, 5.0, allow_nan=False),
)
contiguous_st = st.integers(1, N_STEPS).flatmap(
    lambda n: st.lists(values_st, min_size=n, max_size=n).map(lambda v: dict(enumerate(v)))
)
sparse_st = st.dictionaries(st.integers(0, N_STEPS - 1), values_st, max_size=N_STEPS)
# Two thirds of the histories report steps 0, 1, ..., n-1; the rest report any steps (or none).
history_st = st.one_of(contiguous_st, contiguous_st, sparse_st)
situation_st = st.tuples(
    st.lists(history_st, min_size=1, max_size=7),  # completed trials
    # The trial under test, often shifted to be worse (or better) than the others.
    st.tuples(history_st, st.sampled_from([0.0, 0.0, 4.0, -4.0])).map(
        lambda h: {step: v + h[1] for step, v in h[0].items()}
    ),
    st.sampled_from(["minimize", "maximize"]),
)
step_args_st = st.fixed_dictionaries(
    {"n_warmup_steps": st.integers(0, 3), "interval_steps": st.integers(1, 3)}
)
percentile_args_st = st.fixed_dictionaries(
    {
        "percentile": st.sampled_from([0.0, 10.0, 25.0, 50.0, 62.5, 100.0]),
        "n_startup_trials": st.integers(0, 3),
        "n_warmup_steps": st.integers(0, 2),
        "interval_steps": st.integers(1, 2),
        "n_min_trials": st.integers(1, 3),
    }
)
bound_st = st.one_of(st.none(), st.sampled_from([-1.0, 0.0, 1.0, 2.5]))

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _studies(completed: list[History], current: History, direction: str) -> Any:
    """The same history in a ridgeline study and an Optuna study, with each running trial."""
    study = ridgeline.create_study(direction=direction)
    theirs = optuna.create_study(direction=direction)
    for values in completed:
        study.add_trial(ridgeline.create_trial(value=0.0, intermediate_values=values))
        theirs.add_trial(optuna.trial.create_trial(value=0.0, intermediate_values=values))
    trial, their_trial = study.ask(), theirs.ask()
    for step, value in current.items():
        trial.report(value, step)
        their_trial.report(value, step)
    ours_record = study.get_trials(states=(TrialState.RUNNING,))[0]
    return study, ours_record, theirs, theirs.trials[-1]


def _compare(
    make: Callable[[Any], list[Any]], situation: tuple[list[History], History, str]
) -> None:
    """``make(module)`` builds a list of pruners from ``ridgeline.pruners`` or Optuna's."""
    study, record, theirs, their_record = _studies(*situation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna's numpy calls warn on all-NaN slices
        expected = [bool(p.prune(theirs, their_record)) for p in make(optuna.pruners)]
    assert [p.prune(study, record) for p in make(ours)] == expected


@pytest.fixture(autouse=True, scope="module")
def _quiet_optuna() -> Any:
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    yield
    optuna.logging.set_verbosity(verbosity)


@SETTINGS
@given(args=st.lists(percentile_args_st, min_size=4, max_size=4), situation=situation_st)
def test_percentile_and_median_pruners(args: list[dict[str, Any]], situation: Any) -> None:
    def make(lib: Any) -> list[Any]:
        made = [lib.PercentilePruner(**a) for a in args]
        for a in args:
            median_args = {k: v for k, v in a.items() if k != "percentile"}
            made.append(lib.MedianPruner(**median_args))
        return made

    _compare(make, situation)


@SETTINGS
@given(
    bounds=st.lists(st.tuples(bound_st, bound_st), min_size=4, max_size=4),
    args=step_args_st,
    situation=situation_st,
)
def test_threshold_pruner(
    bounds: list[tuple[float | None, float | None]], args: dict[str, int], situation: Any
) -> None:
    valid = [
        (lo, up)
        for lo, up in bounds
        if (lo is not None or up is not None) and (lo is None or up is None or lo <= up)
    ]
    _compare(lambda lib: [lib.ThresholdPruner(lo, up, **args) for lo, up in valid], situation)


@SETTINGS
@given(
    configs=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.sampled_from([0.0, 0.5, 1.0]),
            st.sampled_from(["none", "median", "threshold"]),
        ),
        min_size=4,
        max_size=4,
    ),
    situation=situation_st,
)
def test_patient_pruner(configs: list[tuple[int, float, str]], situation: Any) -> None:
    def make(lib: Any) -> list[Any]:
        wrapped = {
            "none": lambda: None,
            "median": lambda: lib.MedianPruner(n_startup_trials=1),
            "threshold": lambda: lib.ThresholdPruner(upper=1.0),
        }
        return [
            lib.PatientPruner(wrapped[w](), patience, min_delta=min_delta)
            for patience, min_delta, w in configs
        ]

    _compare(make, situation)
