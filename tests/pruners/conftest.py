"""Hand-built studies for the pruner tests.

The helpers are fixtures. ``history_study(histories, current)`` returns a study whose COMPLETE
trials reported the given ``{step: value}`` histories, plus one RUNNING trial (asked, then
reported ``current``), and that trial's record: what ``trial.should_prune()`` would hand to
the pruner.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest

import ridgeline
from ridgeline.pruners import BasePruner
from ridgeline.samplers import RandomSampler
from ridgeline.trial import FrozenTrial, TrialState

History = Mapping[int, float]
HistoryStudy = Callable[..., "tuple[ridgeline.Study, FrozenTrial]"]


def add_completed(study: ridgeline.Study, histories: Sequence[History]) -> None:
    for values in histories:
        study.add_trial(ridgeline.create_trial(value=0.0, intermediate_values=dict(values)))


def running_record(study: ridgeline.Study, current: History) -> FrozenTrial:
    trial = study.ask()
    for step, value in current.items():
        trial.report(value, step)
    return study.get_trials(states=(TrialState.RUNNING,))[-1]


def make_history_study(
    histories: Sequence[History],
    current: History,
    *,
    direction: str = "minimize",
    pruner: BasePruner | None = None,
) -> tuple[ridgeline.Study, FrozenTrial]:
    study = ridgeline.create_study(
        direction=direction,
        sampler=RandomSampler(seed=0),
        pruner=pruner if pruner is not None else ridgeline.pruners.NopPruner(),
    )
    add_completed(study, histories)
    return study, running_record(study, current)


def decide(
    pruner: BasePruner,
    histories: Sequence[History],
    current: History,
    direction: str = "minimize",
) -> bool:
    """What ``pruner`` says about a trial that reported ``current`` in such a study."""
    study, record = make_history_study(histories, current, direction=direction, pruner=pruner)
    return pruner.prune(study, record)


@pytest.fixture
def history_study() -> HistoryStudy:
    return make_history_study


@pytest.fixture
def prune_decision() -> Callable[..., bool]:
    return decide


@pytest.fixture
def complete_trials() -> Callable[[ridgeline.Study, Sequence[History]], None]:
    """``complete_trials(study, histories)`` adds COMPLETE trials that reported ``histories``."""
    return add_completed


@pytest.fixture
def start_trial() -> Callable[[ridgeline.Study, History], FrozenTrial]:
    """``start_trial(study, values)`` asks a trial, reports ``values``, returns its record."""
    return running_record
