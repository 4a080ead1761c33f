"""SuccessiveHalvingPruner (ASHA): rungs, promotion, bootstrap, "auto" resource, errors."""

from __future__ import annotations

import math

import pytest

import ridgeline
from ridgeline.pruners import SuccessiveHalvingPruner
from ridgeline.samplers import RandomSampler
from ridgeline.trial import TrialState


def _run_curve(study: ridgeline.Study, curve: list[float]) -> tuple[TrialState, int]:
    """Ask a trial, report ``curve`` step by step until pruned; tell; (state, last step)."""
    trial = study.ask()
    for step, value in enumerate(curve):
        trial.report(value, step)
        if trial.should_prune():
            study.tell(trial, state=TrialState.PRUNED)
            return TrialState.PRUNED, step
    study.tell(trial, curve[-1])
    return TrialState.COMPLETE, len(curve) - 1


def test_rungs_are_at_min_resource_times_powers_of_eta() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    study = ridgeline.create_study(pruner=pruner)
    state, _ = _run_curve(study, [1.0 / (s + 1) for s in range(12)])
    assert state == TrialState.COMPLETE
    rungs = {k: v for k, v in study.trials[0].system_attrs.items() if k.startswith("asha:")}
    # Rungs at steps 1, 3 and 9, each holding the value reported there.
    assert rungs == {"asha:rung_0": 1 / 2, "asha:rung_1": 1 / 4, "asha:rung_2": 1 / 10}
    skip = ridgeline.create_study(
        pruner=SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=3, min_early_stopping_rate=1
        )
    )
    _run_curve(skip, [1.0] * 12)
    assert sorted(k for k in skip.trials[0].system_attrs if k.startswith("asha:")) == [
        "asha:rung_0",
        "asha:rung_1",
    ]  # at steps 3 and 9


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_a_trial_goes_on_only_among_the_best_fraction_at_each_rung(direction: str) -> None:
    sign = 1.0 if direction == "minimize" else -1.0
    study = ridgeline.create_study(
        direction=direction, pruner=SuccessiveHalvingPruner(min_resource=2, reduction_factor=2)
    )
    # Four trials with flat curves 1, 2, 3, 4: at rung 0 (step 2) each is judged against the
    # ones before it: 1 is best; 2 is 2nd of 2 (keeps 1): pruned; 3 is 2nd of 3: pruned
    # (keeps 1); 4 is 4th of 4 (keeps 2): pruned. A fifth at 1.5 is 2nd of 5 (keeps 2).
    results = [_run_curve(study, [sign * v] * 6) for v in (1.0, 2.0, 3.0, 4.0, 1.5)]
    assert [state for state, _ in results] == [
        TrialState.COMPLETE,
        TrialState.PRUNED,
        TrialState.PRUNED,
        TrialState.PRUNED,
        TrialState.PRUNED,  # at rung 1 (step 4): 2nd of 2 there (keeps 1)
    ]
    assert [step for _, step in results] == [5, 2, 2, 2, 4]


def test_nan_is_pruned_and_never_counts_as_best() -> None:
    study = ridgeline.create_study(pruner=SuccessiveHalvingPruner(min_resource=1))
    assert _run_curve(study, [math.nan] * 4) == (TrialState.PRUNED, 0)
    assert _run_curve(study, [1.0] * 4)[0] == TrialState.COMPLETE


def test_bootstrap_count_prunes_until_enough_trials_reached_a_rung() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, bootstrap_count=3)
    study = ridgeline.create_study(pruner=pruner)
    # Two steps: only rung 0 (step 1) is reached. The first two trials find fewer than 3
    # values there; the third and fourth are the best of 3 and of 4.
    states = [_run_curve(study, [v] * 2)[0] for v in (1.0, 0.5, 0.2, 0.1)]
    assert states == [
        TrialState.PRUNED,
        TrialState.PRUNED,
        TrialState.COMPLETE,
        TrialState.COMPLETE,
    ]
    # Each rung needs its own bootstrap: the first trial to reach rung 1 (step 2) stops there.
    assert _run_curve(study, [0.05] * 3) == (TrialState.PRUNED, 2)


def test_auto_min_resource_waits_for_a_complete_trial_then_uses_a_hundredth_of_it() -> None:
    study = ridgeline.create_study(pruner=SuccessiveHalvingPruner(reduction_factor=2))
    # No COMPLETE trial yet: nothing is pruned, however bad.
    assert _run_curve(study, [5.0] * 300) == (TrialState.COMPLETE, 299)
    # Now min_resource = 300 // 100 = 3: the first rung is at step 3.
    assert _run_curve(study, [9.0] * 10) == (TrialState.PRUNED, 3)


def test_finished_trials_the_pruner_never_saw_count_with_their_reported_values() -> None:
    study = ridgeline.create_study(pruner=SuccessiveHalvingPruner(min_resource=1))
    study.add_trial(
        ridgeline.create_trial(
            params={}, distributions={}, value=0.0, intermediate_values={0: 0.0, 2: 0.0}
        )
    )
    assert _run_curve(study, [1.0] * 3) == (TrialState.PRUNED, 1)  # vs 0.0 at step 2


def test_finds_good_configurations_with_fewer_steps_than_no_pruning() -> None:
    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        loss = 1.0
        for step in range(27):
            loss = x + 1.0 / (step + 1)
            trial.report(loss, step)
            if trial.should_prune():
                raise ridgeline.TrialPruned()
        return loss

    def run(pruner: ridgeline.pruners.BasePruner) -> tuple[int, float]:
        study = ridgeline.create_study(sampler=RandomSampler(seed=0), pruner=pruner)
        study.optimize(objective, n_trials=40)
        steps = sum(len(t.intermediate_values) for t in study.trials)
        return steps, study.best_value

    asha_steps, asha_best = run(SuccessiveHalvingPruner(min_resource=1, reduction_factor=3))
    full_steps, full_best = run(ridgeline.pruners.NopPruner())
    assert asha_steps < full_steps / 3
    assert asha_best == pytest.approx(full_best)  # the best configuration is never pruned


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_resource": "smallest"}, "'auto' or an int >= 1"),
        ({"min_resource": 0}, "`min_resource` of SuccessiveHalvingPruner must be an int >= 1"),
        (
            {"reduction_factor": 1},
            "`reduction_factor` of SuccessiveHalvingPruner must be an int >= 2",
        ),
        ({"reduction_factor": 2.5}, "`reduction_factor`"),
        ({"min_early_stopping_rate": -1}, "`min_early_stopping_rate`"),
        ({"bootstrap_count": -2}, "`bootstrap_count`"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        SuccessiveHalvingPruner(**kwargs)  # type: ignore[arg-type]


def test_decides_like_optuna_in_a_sequential_run() -> None:
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    curves = [[(i * 7919 % 13) / 13 + 1.0 / (s + 1) for s in range(20)] for i in range(30)]

    def decisions(lib: object, pruner: object) -> list[int]:
        study = lib.create_study(pruner=pruner)  # type: ignore[attr-defined]
        out = []
        for curve in curves:
            trial = study.ask()
            last = len(curve) - 1
            for step, v in enumerate(curve):
                trial.report(v, step)
                if trial.should_prune():
                    last = step
                    break
            study.tell(
                trial,
                curve[last] if last == len(curve) - 1 else None,
                state=None if last == len(curve) - 1 else lib.trial.TrialState.PRUNED,
            )  # type: ignore[attr-defined]
            out.append(last)
        return out

    for eta, s in ((2, 0), (3, 0), (3, 1)):
        ours = decisions(ridgeline, SuccessiveHalvingPruner(1, eta, s))
        theirs = decisions(optuna, optuna.pruners.SuccessiveHalvingPruner(1, eta, s))
        assert ours == theirs
