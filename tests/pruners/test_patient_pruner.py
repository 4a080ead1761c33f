from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

import ridgeline
from ridgeline.exceptions import RidgelineError
from ridgeline.pruners import BasePruner, MedianPruner, NopPruner, PatientPruner
from ridgeline.trial import FrozenTrial

Decide = Callable[..., bool]


def _steps(*values: float) -> dict[int, float]:
    return dict(enumerate(values))


class SpyPruner(BasePruner):
    """Says ``answer`` and remembers how often it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.calls = 0

    def prune(self, study: ridgeline.Study, trial: FrozenTrial) -> bool:
        self.calls += 1
        return self.answer


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((1.0,), False),
        ((1.0, 2.0), False),  # patience + 1 reports are not enough
        ((1.0, 2.0, 3.0), True),  # both reports after the best are worse
        ((1.0, 2.0, 0.5), False),  # improved in the window
        ((1.0, 2.0, 1.0), False),  # matching the best counts as keeping up
        ((3.0, 2.0, 1.0, 5.0), False),
        ((3.0, 1.0, 2.0, 4.0), True),
        ((math.nan, 2.0, 3.0), False),  # a history of NaN only: no verdict
        ((1.0, math.nan, math.nan), False),  # a window of NaN only: no verdict
        ((1.0, math.nan, 3.0), True),  # NaNs are skipped
        ((1.0, 0.0, math.nan, math.nan), False),
    ],
)
def test_stalling_minimize(prune_decision: Decide, values: tuple[float], expected: bool) -> None:
    assert prune_decision(PatientPruner(None, patience=1), [], _steps(*values)) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [((1.0, 0.5, 0.0), True), ((1.0, 0.5, 2.0), False), ((1.0, 1.0, 1.0), False)],
)
def test_stalling_maximize(prune_decision: Decide, values: tuple[float], expected: bool) -> None:
    pruner = PatientPruner(None, patience=1)
    assert prune_decision(pruner, [], _steps(*values), direction="maximize") is expected


@pytest.mark.parametrize(
    ("direction", "values", "min_delta", "expected"),
    [
        ("minimize", (1.0, 1.2, 1.3), 0.5, False),  # worse, but within the tolerance
        ("minimize", (1.0, 1.6, 1.7), 0.5, True),
        ("minimize", (1.0, 1.5, 1.5), 0.5, False),  # exactly at the tolerance
        ("maximize", (1.0, 0.8, 0.7), 0.5, False),
        ("maximize", (1.0, 0.4, 0.3), 0.5, True),
        ("minimize", (1.0, 1e300, 1e300), math.inf, False),
    ],
)
def test_min_delta_is_a_tolerance(
    prune_decision: Decide, direction: str, values: tuple[float], min_delta: float, expected: bool
) -> None:
    pruner = PatientPruner(None, patience=1, min_delta=min_delta)
    assert prune_decision(pruner, [], _steps(*values), direction=direction) is expected


def test_patience_zero_compares_the_latest_report(prune_decision: Decide) -> None:
    pruner = PatientPruner(None, patience=0)
    assert prune_decision(pruner, [], _steps(1.0)) is False
    assert prune_decision(pruner, [], _steps(1.0, 1.1)) is True
    assert prune_decision(pruner, [], _steps(1.0, 0.9)) is False


def test_steps_are_ordered_by_step_not_by_report(history_study: Callable[..., Any]) -> None:
    pruner = PatientPruner(None, patience=1)
    study, _ = history_study([], {}, pruner=pruner)
    trial = study.ask()
    for step, value in [(2, 0.5), (0, 3.0), (1, 2.0)]:  # by step: 3.0, 2.0, 0.5 (improving)
        trial.report(value, step)
    assert trial.should_prune() is False


@pytest.mark.parametrize("answer", [True, False])
def test_the_wrapped_pruner_decides_for_stalled_trials(
    prune_decision: Decide, answer: bool
) -> None:
    spy = SpyPruner(answer)
    assert prune_decision(PatientPruner(spy, patience=1), [], _steps(1, 2, 3)) is answer
    assert spy.calls == 1


def test_the_wrapped_pruner_is_not_asked_while_improving(prune_decision: Decide) -> None:
    spy = SpyPruner(True)
    assert prune_decision(PatientPruner(spy, patience=1), [], _steps(3, 2, 1)) is False
    assert prune_decision(PatientPruner(spy, patience=1), [], _steps(3, 2)) is False
    assert spy.calls == 0


def test_wrapping_median(prune_decision: Decide) -> None:
    histories = [_steps(0.0, 0.0, 0.0, 0.0)] * 3
    pruner = PatientPruner(MedianPruner(n_startup_trials=0), patience=1)
    assert prune_decision(pruner, histories, _steps(1.0, 2.0, 3.0)) is True
    assert prune_decision(pruner, histories, _steps(3.0, 2.0, 1.0)) is False  # improving
    pruner = PatientPruner(MedianPruner(n_startup_trials=0), patience=1)
    assert prune_decision(pruner, [_steps(9, 9, 9)] * 3, _steps(1.0, 2.0, 3.0)) is False


def test_repr() -> None:
    assert repr(PatientPruner(NopPruner(), 3, min_delta=0.5)) == (
        "PatientPruner(wrapped_pruner=NopPruner(), patience=3, min_delta=0.5)"
    )


@pytest.mark.parametrize("wrapped", [MedianPruner, "median", 1, lambda s, t: True])
def test_wrapped_pruner_must_be_a_pruner(wrapped: Any) -> None:
    with pytest.raises(
        TypeError, match=r"`wrapped_pruner` of PatientPruner must be a BasePruner or None; got"
    ) as info:
        PatientPruner(wrapped, patience=1)
    assert isinstance(info.value, RidgelineError)


@pytest.mark.parametrize(
    ("value", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError), (None, TypeError)]
)
def test_patience(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"`patience` of PatientPruner must be an int >= 0; got"):
        PatientPruner(None, patience=value)


@pytest.mark.parametrize(
    ("value", "error"),
    [(-0.1, ValueError), (math.nan, ValueError), ("0.1", TypeError), (None, TypeError)],
)
def test_min_delta(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"`min_delta` of PatientPruner must be a number >= 0; got"):
        PatientPruner(None, patience=1, min_delta=value)
