from __future__ import annotations

import math
import pickle
import random
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.pruners import MedianPruner, PercentilePruner
from ridgeline.pruners._percentile import _CompletedStepValues
from ridgeline.trial import FrozenTrial, TrialState

Decide = Callable[..., bool]
Complete = Callable[[ridgeline.Study, list[dict[int, float]]], None]
Start = Callable[[ridgeline.Study, dict[int, float]], FrozenTrial]

# Completed trials: values 1, 2, 3, 4, 5 at steps 0..3 (median 3, 25th percentile 2).
FIVE = [{s: float(v) for s in range(4)} for v in (1, 2, 3, 4, 5)]


# ---------------------------------------------------------------------- decisions
@pytest.mark.parametrize(
    ("value", "expected"), [(2.9, False), (3.0, False), (3.1, True), (math.inf, True)]
)
def test_median_compares_with_the_median_at_the_step(
    prune_decision: Decide, value: float, expected: bool
) -> None:
    pruner = MedianPruner(n_startup_trials=0)
    assert prune_decision(pruner, FIVE, {0: value}) is expected


@pytest.mark.parametrize(
    ("percentile", "value", "expected"),
    [(25.0, 2.0, False), (25.0, 2.5, True), (75.0, 3.9, False), (75.0, 4.1, True)],
)
def test_percentile_threshold(
    prune_decision: Decide, percentile: float, value: float, expected: bool
) -> None:
    pruner = PercentilePruner(percentile, n_startup_trials=0)
    assert prune_decision(pruner, FIVE, {0: value}) is expected


@pytest.mark.parametrize(
    ("percentile", "value", "expected"),
    [(25.0, 4.0, False), (25.0, 3.5, True), (50.0, 3.1, False), (50.0, 2.9, True)],
)
def test_maximize_mirrors_the_percentile(
    prune_decision: Decide, percentile: float, value: float, expected: bool
) -> None:
    pruner = PercentilePruner(percentile, n_startup_trials=0)
    assert prune_decision(pruner, FIVE, {0: value}, direction="maximize") is expected


def test_the_trial_best_value_so_far_is_compared(prune_decision: Decide) -> None:
    pruner = MedianPruner(n_startup_trials=0)
    # Worse than the median at step 1, but its best (step 0) beats it.
    assert prune_decision(pruner, FIVE, {0: 1.0, 1: 10.0}) is False
    assert prune_decision(pruner, FIVE, {0: 10.0, 1: 1.0}, direction="maximize") is False
    assert prune_decision(pruner, FIVE, {0: 5.0, 1: 10.0}) is True


def test_only_values_at_the_same_step_count(prune_decision: Decide) -> None:
    histories = [{0: 0.0, 1: 100.0}, {0: 0.0, 1: 100.0}, {0: 0.0}]
    pruner = MedianPruner(n_startup_trials=0)
    assert prune_decision(pruner, histories, {0: 0.0, 1: 50.0}) is False
    assert prune_decision(pruner, histories, {0: 1.0}) is True


@pytest.mark.parametrize(("n_startup", "expected"), [(5, True), (6, False)])
def test_n_startup_trials(prune_decision: Decide, n_startup: int, expected: bool) -> None:
    pruner = MedianPruner(n_startup_trials=n_startup)
    assert prune_decision(pruner, FIVE, {0: 10.0}) is expected


def test_no_completed_trial_means_no_pruning(prune_decision: Decide) -> None:
    assert prune_decision(MedianPruner(n_startup_trials=0), [], {0: 10.0}) is False
    assert prune_decision(MedianPruner(n_startup_trials=0), [], {0: math.nan}) is False


def test_pruned_and_failed_trials_do_not_count(
    history_study: Callable[..., Any], complete_trials: Complete
) -> None:
    pruner = MedianPruner(n_startup_trials=1)
    study, _ = history_study([], {0: 10.0}, pruner=pruner)
    study.add_trial(
        ridgeline.create_trial(state=TrialState.PRUNED, value=0.0, intermediate_values={0: 0.0})
    )
    study.add_trial(ridgeline.create_trial(state=TrialState.FAIL, intermediate_values={0: 0.0}))
    assert pruner.prune(study, study.get_trials(states=(TrialState.RUNNING,))[0]) is False
    complete_trials(study, [{0: 0.0}])
    assert pruner.prune(study, study.get_trials(states=(TrialState.RUNNING,))[0]) is True


@pytest.mark.parametrize(("last_step", "expected"), [(2, False), (3, True), (4, True)])
def test_n_warmup_steps(prune_decision: Decide, last_step: int, expected: bool) -> None:
    histories = [{s: 0.0 for s in range(6)}] * 3
    pruner = MedianPruner(n_startup_trials=0, n_warmup_steps=3)
    current = {s: 10.0 for s in range(last_step + 1)}
    assert prune_decision(pruner, histories, current) is expected


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([0], False),  # before the warm-up
        ([1], True),  # first check: step == n_warmup_steps
        ([1, 2], False),
        ([1, 2, 3], False),
        ([1, 2, 3, 4], True),  # next check: 1 + 3
        ([1, 2, 5], True),  # step 4 skipped: the next report stands in for it
        ([1, 5, 6], False),
        ([3], True),  # first report inside the first interval
        ([8], True),
    ],
)
def test_interval_steps(prune_decision: Decide, steps: list[int], expected: bool) -> None:
    histories = [{s: 0.0 for s in range(10)}] * 3
    pruner = MedianPruner(n_startup_trials=0, n_warmup_steps=1, interval_steps=3)
    assert prune_decision(pruner, histories, {s: 10.0 for s in steps}) is expected


@pytest.mark.parametrize(("n_min", "expected"), [(2, True), (3, False)])
def test_n_min_trials(prune_decision: Decide, n_min: int, expected: bool) -> None:
    histories = [{0: 0.0, 1: 0.0}, {0: 0.0, 1: 0.0}, {0: 0.0}]
    pruner = MedianPruner(n_startup_trials=0, n_min_trials=n_min)
    assert prune_decision(pruner, histories, {0: 10.0, 1: 10.0}) is expected


def test_n_min_trials_counts_nan_reports(prune_decision: Decide) -> None:
    histories = [{0: math.nan}, {0: 0.0}]
    assert prune_decision(MedianPruner(0, n_min_trials=2), histories, {0: 1.0}) is True


def test_a_trial_that_reported_only_nan_is_pruned(prune_decision: Decide) -> None:
    pruner = MedianPruner(n_startup_trials=0)
    assert prune_decision(pruner, FIVE, {0: math.nan, 1: math.nan}) is True
    # ... even where no completed trial reported the step.
    assert prune_decision(pruner, FIVE, {9: math.nan}) is True
    # A NaN report next to a good one is ignored.
    assert prune_decision(pruner, FIVE, {0: 1.0, 1: math.nan}) is False


def test_nan_in_completed_trials_is_ignored(prune_decision: Decide) -> None:
    histories = [{0: math.nan}, {0: 1.0}, {0: 2.0}]
    pruner = MedianPruner(n_startup_trials=0)
    assert prune_decision(pruner, histories, {0: 1.4}) is False
    assert prune_decision(pruner, histories, {0: 1.6}) is True
    only_nan = [{0: math.nan}] * 3
    assert prune_decision(pruner, only_nan, {0: 1e9}) is False


def test_infinite_values_decide_quietly(prune_decision: Decide) -> None:
    # Interpolating between infinities gives NaN (inf - inf): no verdict, as in Optuna.
    pruner = MedianPruner(n_startup_trials=0)
    assert prune_decision(pruner, [{0: -math.inf}, {0: math.inf}], {0: 1e300}) is False
    assert prune_decision(pruner, [{0: math.inf}] * 3, {0: 1e300}) is False
    assert prune_decision(pruner, [{0: -math.inf}] * 3, {0: 0.0}) is False
    # An infinity away from the interpolated pair is an ordinary value.
    mixed = [{0: 1.0}, {0: 2.0}, {0: 3.0}, {0: 4.0}, {0: math.inf}]
    assert prune_decision(pruner, mixed, {0: 1e300}) is True
    assert prune_decision(pruner, mixed, {0: 2.5}) is False
    assert prune_decision(pruner, mixed, {0: -math.inf, 1: 5.0}) is False


def test_should_prune_uses_the_study_pruner(history_study: Callable[..., Any]) -> None:
    study, _ = history_study(FIVE, {}, pruner=MedianPruner(n_startup_trials=0))
    trial = study.ask()
    trial.report(1.0, 0)
    assert trial.should_prune() is False
    trial.report(10.0, 1)
    assert trial.should_prune() is False  # best so far is still 1.0
    trial2 = study.ask()
    trial2.report(10.0, 0)
    assert trial2.should_prune() is True


# ---------------------------------------------------------------------- the cache
def _fresh_decisions(
    study: ridgeline.Study, pruner: PercentilePruner, records: list[FrozenTrial]
) -> list[bool]:
    clone = pickle.loads(pickle.dumps(pruner))  # same settings, empty cache
    return [clone.prune(study, r) for r in records]


def test_cache_follows_newly_completed_trials(history_study: Callable[..., Any]) -> None:
    rng = random.Random(0)
    pruner = PercentilePruner(40.0, n_startup_trials=2, n_min_trials=2)
    study, _ = history_study([], {}, pruner=pruner)
    running = []
    for _ in range(40):
        if running and rng.random() < 0.4:
            trial = running.pop(rng.randrange(len(running)))  # complete out of order
            study.tell(trial, 0.0)
        else:
            trial = study.ask()
            for step in rng.sample(range(8), rng.randint(1, 5)):
                trial.report(rng.choice([rng.random(), math.nan]), step)
            running.append(trial)
        records = study.get_trials(states=(TrialState.RUNNING,))
        cached = [pruner.prune(study, r) for r in records]
        assert cached == _fresh_decisions(study, pruner, records)


def test_cache_reads_each_completed_trial_once() -> None:
    class Record:
        def __init__(self, number: int, values: dict[int, float]) -> None:
            self.number = number
            self.values = values
            self.reads = 0

        @property
        def _intermediate_values(self) -> dict[int, float]:
            self.reads += 1
            return self.values

    cache = _CompletedStepValues(q=50.0, n_min_trials=1)
    records = [Record(n, {0: float(n), 1: 2.0 * n}) for n in range(100)]
    visible: list[Any] = []
    for order in [*range(50, 100), *range(50)]:  # the first half completes last
        visible = sorted([*visible, records[order]], key=lambda r: r.number)
        cache.update(visible)
        cache.update(visible)
        assert cache.percentile(0) == np.percentile([r.number for r in visible], 50)
    assert all(r.reads == 1 for r in records)


def test_cache_starts_over_when_trials_vanish() -> None:
    cache = _CompletedStepValues(q=50.0, n_min_trials=1)
    trials = [
        ridgeline.create_trial(value=0.0, intermediate_values={0: float(v)}) for v in range(5)
    ]
    study = ridgeline.create_study()
    for t in trials:
        study.add_trial(t)
    completed = study.trials
    cache.update(completed)
    assert cache.percentile(0) == 2.0
    cache.update(completed[3:])
    assert cache.percentile(0) == 3.5


def test_one_pruner_serves_several_studies(history_study: Callable[..., Any]) -> None:
    pruner = MedianPruner(n_startup_trials=0)
    low, low_record = history_study([{0: 0.0}] * 3, {0: 5.0}, pruner=pruner)
    high, high_record = history_study([{0: 10.0}] * 3, {0: 5.0}, pruner=pruner)
    for _ in range(2):
        assert pruner.prune(low, low_record) is True
        assert pruner.prune(high, high_record) is False


def test_concurrent_prune_calls_agree_with_a_fresh_pruner(
    history_study: Callable[..., Any], complete_trials: Complete, start_trial: Start
) -> None:
    pruner = PercentilePruner(30.0, n_startup_trials=1)
    study, _ = history_study([], {}, pruner=pruner)
    records = [start_trial(study, {0: v / 10, 1: v / 20}) for v in range(10)]
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(50):
                for r in records:
                    pruner.prune(study, r)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    def completer() -> None:
        start.wait()
        for i in range(60):
            complete_trials(study, [{0: i / 60, 1: i / 120}])

    threads = [threading.Thread(target=worker) for _ in range(3)]
    threads.append(threading.Thread(target=completer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = _fresh_decisions(study, pruner, records)
    assert [pruner.prune(study, r) for r in records] == expected
    assert True in expected and False in expected


# ---------------------------------------------------------------------- arguments
@pytest.mark.parametrize("percentile", [-0.1, 100.1, math.nan, math.inf])
def test_percentile_out_of_range(percentile: float) -> None:
    with pytest.raises(ValueError, match=r"`percentile` of PercentilePruner must be a number in"):
        PercentilePruner(percentile)


@pytest.mark.parametrize("percentile", ["50", None, True, 1j])
def test_percentile_not_a_number(percentile: Any) -> None:
    with pytest.raises(TypeError, match=r"`percentile` of PercentilePruner .* got"):
        PercentilePruner(percentile)


@pytest.mark.parametrize("cls", [PercentilePruner, MedianPruner])
@pytest.mark.parametrize(
    ("name", "value", "bound"),
    [
        ("n_startup_trials", -1, 0),
        ("n_warmup_steps", -1, 0),
        ("interval_steps", 0, 1),
        ("n_min_trials", 0, 1),
    ],
)
def test_int_arguments_out_of_range(cls: type, name: str, value: int, bound: int) -> None:
    args = (50.0,) if cls is PercentilePruner else ()
    message = rf"`{name}` of {cls.__name__} must be an int >= {bound}; got {value}\."
    with pytest.raises(ridgeline.exceptions.RidgelineError, match=message) as info:
        cls(*args, **{name: value})
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", [1.5, "2", True, None])
@pytest.mark.parametrize("name", ["n_startup_trials", "n_warmup_steps", "interval_steps"])
def test_int_arguments_not_ints(name: str, value: Any) -> None:
    with pytest.raises(TypeError, match=rf"`{name}` of MedianPruner must be an int"):
        MedianPruner(**{name: value})


def test_numpy_numbers_are_accepted() -> None:
    pruner = PercentilePruner(np.float32(25), n_startup_trials=np.int64(3))
    assert repr(pruner) == (
        "PercentilePruner(percentile=25.0, n_startup_trials=3, n_warmup_steps=0, "
        "interval_steps=1, n_min_trials=1)"
    )
    assert repr(MedianPruner(1, 2, 3, n_min_trials=4)) == (
        "MedianPruner(n_startup_trials=1, n_warmup_steps=2, interval_steps=3, n_min_trials=4)"
    )


def test_n_min_trials_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        MedianPruner(5, 0, 1, 2)  # type: ignore[misc]
