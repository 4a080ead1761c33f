"""The pruner contract, run against every pruner and a user-written one.

Each pruner drives a real ``study.optimize`` whose objective reports once per step and raises
``TrialPruned`` when told to. Every case uses a warm-up of ``WARMUP`` steps (for PatientPruner
without a wrapped pruner, ``patience + 2`` reports are the warm-up).
"""

from __future__ import annotations

import copy
import math
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import ridgeline
from ridgeline.pruners import (
    BasePruner,
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    PatientPruner,
    PercentilePruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    WilcoxonPruner,
)
from ridgeline.samplers import RandomSampler
from ridgeline.study import StudyDirection
from ridgeline.trial import FrozenTrial, TrialState

WARMUP = 2
N_STEPS = 8


class BestCompletedPruner(BasePruner):
    """A user's pruner: stop a trial whose latest value is worse than every completed trial."""

    def __init__(self, n_warmup_steps: int) -> None:
        self.n_warmup_steps = n_warmup_steps

    def prune(self, study: ridgeline.Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None or step < self.n_warmup_steps:
            return False
        completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if not completed:
            return False
        latest = trial.intermediate_values[step]
        values = [t.value for t in completed if t.value is not None]
        if study.direction == StudyDirection.MAXIMIZE:
            return latest < min(values)
        return latest > max(values)


@dataclass(frozen=True)
class Case:
    make: Callable[[str], BasePruner]  # direction -> a fresh pruner
    prunes: bool  # whether the objective below makes it prune at least one trial
    exact: bool = False  # whether it prunes exactly the bad trials (x > 0.5)


CASES = {
    "nop": Case(lambda d: NopPruner(), prunes=False),
    "median": Case(lambda d: MedianPruner(n_startup_trials=2, n_warmup_steps=WARMUP), True),
    "percentile": Case(
        lambda d: PercentilePruner(25.0, n_startup_trials=2, n_warmup_steps=WARMUP), True
    ),
    "threshold": Case(
        lambda d: (
            ThresholdPruner(upper=2.0, n_warmup_steps=WARMUP)
            if d == "minimize"
            else ThresholdPruner(lower=-2.0, n_warmup_steps=WARMUP)
        ),
        True,
        exact=True,
    ),
    "patient-median": Case(
        lambda d: PatientPruner(MedianPruner(n_startup_trials=2, n_warmup_steps=WARMUP), 1), True
    ),
    "patient-none": Case(lambda d: PatientPruner(None, patience=WARMUP - 1), True, exact=True),
    "user": Case(lambda d: BestCompletedPruner(n_warmup_steps=WARMUP), True),
    "asha": Case(lambda d: SuccessiveHalvingPruner(min_resource=WARMUP, reduction_factor=2), True),
    "hyperband": Case(
        lambda d: HyperbandPruner(min_resource=WARMUP, max_resource=N_STEPS, reduction_factor=2),
        True,
    ),
    # Steps as instances: a bad trial loses to the best trial on each; 4 losses give p = 1/16.
    "wilcoxon": Case(lambda d: WilcoxonPruner(p_threshold=0.1, n_startup_steps=WARMUP), True),
}


def _loss(x: float, step: int) -> float:
    """Good trials (x <= 0.5) improve with every step; bad ones are worse at every step than
    any good one, and get steadily worse."""
    if x > 0.5:
        return x + 1.0 + 0.5 * step
    return x + 1.0 / (1 + step)


@dataclass
class Run:
    study: ridgeline.Study
    pruned_at: list[int]  # steps at which should_prune() said True


def _run(case: Case, direction: str, n_trials: int = 16, n_jobs: int = 1) -> Run:
    sign = 1.0 if direction == "minimize" else -1.0
    pruned_at: list[int] = []
    lock = threading.Lock()

    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        for step in range(N_STEPS):
            trial.report(sign * _loss(x, step), step)
            if trial.should_prune():
                with lock:
                    pruned_at.append(step)
                raise ridgeline.TrialPruned()
        return sign * _loss(x, N_STEPS - 1)

    study = ridgeline.create_study(
        direction=direction, sampler=RandomSampler(seed=1), pruner=case.make(direction)
    )
    study.optimize(objective, n_trials=n_trials, n_jobs=n_jobs)
    return Run(study, pruned_at)


def _check_run(run: Run, case: Case, n_trials: int) -> None:
    trials = run.study.trials
    assert len(trials) == n_trials
    assert {t.state for t in trials} <= {TrialState.COMPLETE, TrialState.PRUNED}
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    assert len(pruned) == len(run.pruned_at)
    assert bool(pruned) == case.prunes
    for t in pruned:
        last = t.last_step
        assert last is not None
        assert t.value == t.intermediate_values[last]
        assert last >= WARMUP
    assert all(step >= WARMUP for step in run.pruned_at)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
@pytest.mark.parametrize("name", list(CASES))
def test_optimize_prunes_after_warmup(name: str, direction: str) -> None:
    case = CASES[name]
    run = _run(case, direction)
    _check_run(run, case, 16)
    if case.exact:
        for t in run.study.trials:
            assert (t.state == TrialState.PRUNED) == (t.params["x"] > 0.5)
            if t.state == TrialState.PRUNED:
                assert t.last_step == WARMUP


@pytest.mark.parametrize("name", list(CASES))
def test_optimize_with_two_threads(name: str) -> None:
    case = CASES[name]
    run = _run(case, "minimize", n_trials=20, n_jobs=2)
    trials = run.study.trials
    assert len(trials) == 20
    assert sorted(t.number for t in trials) == list(range(20))
    assert {t.state for t in trials} <= {TrialState.COMPLETE, TrialState.PRUNED}
    for t in trials:
        if t.state == TrialState.PRUNED:
            assert t.last_step is not None and t.last_step >= WARMUP
            assert t.value == t.intermediate_values[t.last_step]
    assert all(step >= WARMUP for step in run.pruned_at)


@pytest.mark.parametrize("name", list(CASES))
def test_no_report_means_no_pruning(name: str, history_study: Callable[..., object]) -> None:
    pruner = CASES[name].make("minimize")
    study, record = history_study([{0: 1.0, 1: 1.0, 2: 1.0}] * 3, {}, pruner=pruner)
    assert pruner.prune(study, record) is False


@pytest.mark.parametrize("name", list(CASES))
def test_never_prunes_during_warmup(name: str, history_study: Callable[..., object]) -> None:
    """A trial far worse than everything else is still kept before the warm-up ends."""
    pruner = CASES[name].make("minimize")
    histories = [{s: 0.0 for s in range(N_STEPS)}] * 3
    current = {s: 1e6 * (s + 1) for s in range(WARMUP)}
    study, record = history_study(histories, current, pruner=pruner)
    assert pruner.prune(study, record) is False


@pytest.mark.parametrize("name", [n for n in CASES if n != "nop"])
def test_pickle_and_copy_keep_decisions(name: str, history_study: Callable[..., object]) -> None:
    pruner = CASES[name].make("minimize")
    histories = [{s: 0.0 for s in range(N_STEPS)}] * 3
    study, record = history_study(histories, {s: 10.0 * (s + 1) for s in range(5)}, pruner=pruner)
    expected = pruner.prune(study, record)
    assert expected is True
    for clone in (pickle.loads(pickle.dumps(pruner)), copy.deepcopy(pruner), copy.copy(pruner)):
        assert clone.prune(study, record) is expected
        assert repr(clone) == repr(pruner)


@pytest.mark.parametrize("name", list(CASES))
def test_decision_is_a_bool(name: str, history_study: Callable[..., object]) -> None:
    pruner = CASES[name].make("maximize")
    histories = [{s: float(s) for s in range(N_STEPS)}] * 3
    study, record = history_study(
        histories,
        {s: -math.inf if s == 4 else 0.0 for s in range(5)},
        direction="maximize",
        pruner=pruner,
    )
    assert isinstance(pruner.prune(study, record), bool)
