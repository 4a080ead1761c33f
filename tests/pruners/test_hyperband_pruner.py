"""HyperbandPruner: bracket sizes and assignment, per-bracket ASHA, the samplers' bracket view,
max_resource="auto" and bad arguments."""

from __future__ import annotations

import pickle
from collections import Counter
from typing import Any

import pytest

import ridgeline
from ridgeline.distributions import BaseDistribution
from ridgeline.pruners import HyperbandPruner, SuccessiveHalvingPruner
from ridgeline.pruners._hyperband import bracket_sizes
from ridgeline.samplers import RandomSampler
from ridgeline.trial import FrozenTrial, TrialState


def _curve_objective(n_steps: int) -> Any:
    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        for step in range(n_steps):
            trial.report(x + 1.0 / (step + 1), step)
            if trial.should_prune():
                raise ridgeline.TrialPruned()
        return x

    return objective


def test_bracket_sizes_follow_hyperband() -> None:
    # Li et al. 2018, Table 1 (R = 81, eta = 3): 81, 34, 15, 8, 5 configurations.
    assert bracket_sizes(1, 81, 3) == [81, 34, 15, 8, 5]
    assert bracket_sizes(1, 27, 3) == [27, 12, 6, 4]
    assert bracket_sizes(2, 8, 2) == [4, 3, 3]
    assert bracket_sizes(4, 4, 3) == [1]  # one bracket: nothing is pruned
    assert bracket_sizes(1, 26, 3) == [9, 5, 3]  # floor(log_3 26) = 2


def test_trials_are_spread_over_brackets_in_proportion() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    assert pruner.n_brackets == 4
    counts = Counter(pruner.bracket_of(n) for n in range(49))
    assert [counts[b] for b in range(4)] == [27, 12, 6, 4]
    # Any 10 consecutive trials already reach three brackets.
    for start in range(49):
        assert len({pruner.bracket_of(n) for n in range(start, start + 10)}) >= 3
    assert pruner.rung_steps() == [1, 3, 9]


def test_each_bracket_prunes_as_successive_halving_among_its_own_trials() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    study = ridgeline.create_study(sampler=RandomSampler(seed=0), pruner=pruner)
    study.optimize(_curve_objective(27), n_trials=60)
    by_bracket: dict[int, list[FrozenTrial]] = {}
    for t in study.trials:
        bracket = t.system_attrs["hyperband:bracket"]
        assert bracket == pruner.bracket_of(t.number)
        by_bracket.setdefault(bracket, []).append(t)
        # Rung values are kept per bracket; the rungs of bracket b start at 3**b.
        rungs = [k for k in t.system_attrs if k.startswith("hyperband:b")]
        rungs.remove("hyperband:bracket")
        assert all(k.startswith(f"hyperband:b{bracket}:rung_") for k in rungs)
        if t.state == TrialState.PRUNED:
            assert t.last_step in {1, 3, 9}
            assert t.last_step >= 3**bracket
    # The last bracket never prunes; the most aggressive one prunes the most.
    assert all(t.state == TrialState.COMPLETE for t in by_bracket[3])
    pruned = {b: sum(t.state == TrialState.PRUNED for t in ts) for b, ts in by_bracket.items()}
    assert pruned[0] > 0 and pruned[0] >= pruned[1] >= pruned[2] >= pruned[3] == 0

    # Within bracket 1 the decisions are ASHA's with min_early_stopping_rate=1, replayed on
    # that bracket's trials alone, in the same order.
    replay = ridgeline.create_study(
        pruner=SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=3, min_early_stopping_rate=1
        )
    )
    for t in by_bracket[1]:
        trial = replay.ask({"x": t.distributions["x"]})
        state = TrialState.COMPLETE
        for step in range(27):
            trial.report(t.params["x"] + 1.0 / (step + 1), step)
            if trial.should_prune():
                state = TrialState.PRUNED
                break
        assert state == t.state
        replay.tell(trial, t.params["x"] if state == TrialState.COMPLETE else None, state=state)


class _CountingSampler(RandomSampler):
    """Records which trial numbers the study it is shown holds when asked for a value."""

    budget_aware = False

    def __init__(self) -> None:
        super().__init__(seed=0)
        self.seen: dict[int, list[int]] = {}

    def sample_independent(
        self, study: ridgeline.Study, trial: FrozenTrial, name: str, dist: BaseDistribution
    ) -> Any:
        self.seen[trial.number] = [t.number for t in study.get_trials(deepcopy=False)]
        return super().sample_independent(study, trial, name, dist)


@pytest.mark.parametrize("budget_aware", [False, True])
def test_the_sampler_sees_only_the_trials_of_the_asking_trials_bracket(
    budget_aware: bool,
) -> None:
    sampler = _CountingSampler()
    sampler.budget_aware = budget_aware
    pruner = HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    study = ridgeline.create_study(sampler=sampler, pruner=pruner)
    study.optimize(_curve_objective(9), n_trials=30)
    for number, seen in sampler.seen.items():
        if budget_aware:
            assert seen == list(range(number + 1))
        else:
            bracket = pruner.bracket_of(number)
            assert seen == [n for n in range(number + 1) if pruner.bracket_of(n) == bracket]


def test_tpe_learns_within_brackets() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    sampler = ridgeline.samplers.TPESampler(seed=1, n_startup_trials=3)
    study = ridgeline.create_study(sampler=sampler, pruner=pruner)
    study.optimize(_curve_objective(9), n_trials=40)
    assert len(study.trials) == 40
    # TPE moved towards small x in every bracket (x is the final loss).
    for b in range(pruner.n_brackets or 0):
        xs = [t.params["x"] for t in study.trials if pruner.bracket_of(t.number) == b]
        assert min(xs) < 0.2


def test_max_resource_auto_waits_for_a_completed_trial_and_is_stored(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'hb.db'}"
    pruner = HyperbandPruner(min_resource=1, reduction_factor=3)
    assert pruner.n_brackets is None and pruner.rung_steps() == []
    study = ridgeline.create_study(
        storage=url, study_name="hb", sampler=RandomSampler(seed=0), pruner=pruner
    )
    # A first trial far worse than the next ones is not pruned: nothing is known yet.
    trial = study.ask()
    for step in range(27):
        trial.report(100.0, step)
        assert not trial.should_prune()
    study.tell(trial, 100.0)
    study.optimize(_curve_objective(27), n_trials=20)
    assert pruner.n_brackets == 4
    assert study.system_attrs["hyperband:max_resource"] == 27
    # Another worker (a fresh pruner on the loaded study) uses the stored value.
    other = HyperbandPruner(min_resource=1, reduction_factor=3)
    loaded = ridgeline.load_study(study_name="hb", storage=url, pruner=other)
    loaded.optimize(_curve_objective(27), n_trials=1)
    assert other.n_brackets == 4
    assert repr(other) == (
        "HyperbandPruner(min_resource=1, max_resource='auto', reduction_factor=3, "
        "bootstrap_count=0)"
    )


def test_pickled_pruner_decides_the_same() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    study = ridgeline.create_study(sampler=RandomSampler(seed=0), pruner=pruner)
    study.optimize(_curve_objective(9), n_trials=10)
    clone = pickle.loads(pickle.dumps(pruner))
    assert [clone.bracket_of(n) for n in range(20)] == [pruner.bracket_of(n) for n in range(20)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_resource": 0}, "`min_resource` of HyperbandPruner must be an int >= 1; got 0"),
        ({"reduction_factor": 1}, "`reduction_factor` of HyperbandPruner must be an int >= 2"),
        ({"bootstrap_count": -1}, "`bootstrap_count` of HyperbandPruner must be an int >= 0"),
        ({"max_resource": "max"}, "must be 'auto' or an int >= min_resource (1); got 'max'"),
        (
            {"min_resource": 10, "max_resource": 5},
            "must be >= min_resource; got max_resource=5 < min_resource=10",
        ),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        HyperbandPruner(**kwargs)
    assert message in str(info.value)


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        HyperbandPruner(min_resource=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        HyperbandPruner(max_resource=2.5)  # type: ignore[arg-type]
