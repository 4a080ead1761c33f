"""BOHBSampler: values per budget, the budget the model is fitted on, Hyperband's brackets,
reproducibility and bad arguments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.distributions import FloatDistribution
from ridgeline.pruners import HyperbandPruner, NopPruner, SuccessiveHalvingPruner
from ridgeline.samplers import BOHBSampler
from ridgeline.samplers._tpe._bohb import _FINAL, _Budgets
from ridgeline.trial import TrialState, create_trial

DIST = FloatDistribution(0.0, 1.0)


def _objective(n_steps: int) -> Any:
    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        for step in range(n_steps):
            # Early values rank configurations as the final ones do, with an offset.
            trial.report((x - 0.3) ** 2 + y + 1.0 / (step + 1), step)
            if trial.should_prune():
                raise ridgeline.TrialPruned()
        return (x - 0.3) ** 2 + y

    return objective


def test_a_trials_value_at_each_budget() -> None:
    budgets = _Budgets(min_resource=1, eta=3)
    full = create_trial(
        params={"x": 0.5},
        distributions={"x": DIST},
        value=0.0,
        intermediate_values={s: float(s) for s in range(27)},
    )
    assert budgets._values_of(full) == [(_FINAL, 0.0), (0, 1.0), (1, 3.0), (2, 9.0)]
    sparse = create_trial(
        params={"x": 0.5},
        distributions={"x": DIST},
        state=TrialState.PRUNED,
        intermediate_values={0: 0.0, 5: 5.0},
    )
    # Step 5 is the first report in [3, 9): budget 1 only; step 0 is below every rung.
    assert budgets._values_of(sparse) == [(1, 5.0)]


def _study_with(trials: list[ridgeline.trial.FrozenTrial], **kwargs: Any) -> ridgeline.Study:
    study = ridgeline.create_study(pruner=NopPruner(), **kwargs)
    for t in trials:
        study.add_trial(t)
    return study


def test_the_model_is_fitted_at_the_largest_budget_with_enough_trials() -> None:
    # 6 trials reached step 9 (budget 2), 12 reached step 3 (budget 1), none completed.
    trials = []
    for i in range(12):
        last = 9 if i < 6 else 3
        trials.append(
            create_trial(
                params={"x": i / 12},
                distributions={"x": DIST},
                state=TrialState.PRUNED,
                intermediate_values={s: float((i * 7) % 12) for s in range(last + 1)},
            )
        )
    study = _study_with(trials)
    sampler = BOHBSampler(min_resource=1, reduction_factor=3, min_points_in_model=6, seed=0)
    study.sampler = sampler
    probe = study.ask()
    ctx = sampler._context(study, probe._frozen())
    assert not ctx.startup
    # Budget 2, where the first six have a value (0, 7, 2, 9, 4, 11): the good group is the
    # best gamma(12) = 2 of them, trials 0 and 2; the other ten, those stopped at step 3
    # included, are the bad group.
    assert sampler._n_below(12) == 2
    assert np.flatnonzero(ctx.below).tolist() == [0, 2]
    # Each good trial is weighted by its improvement on the best of the others at budget 2
    # (4), not on values of other budgets.
    assert ctx.gains is not None
    assert ctx.gains.tolist() == [4.0, 0.0, 2.0] + [0.0] * 9
    uniform = BOHBSampler(
        min_resource=1, reduction_factor=3, min_points_in_model=6, improvement_weights=False
    )
    study.sampler = uniform
    assert uniform._context(study, study.ask()._frozen()).gains is None

    # A larger gamma takes at most half of the budget's trials: 0, 2 and 4.
    greedy = BOHBSampler(
        min_resource=1, reduction_factor=3, min_points_in_model=6, gamma=lambda n: n
    )
    study.sampler = greedy
    ctx = greedy._context(study, study.ask()._frozen())
    assert np.flatnonzero(ctx.below).tolist() == [0, 2, 4]

    # Needing 7 points, the model falls back to budget 1, where all 12 have a value (the
    # first six's value there is their value at step 3, the same as at step 9 here).
    sampler7 = BOHBSampler(min_resource=1, reduction_factor=3, min_points_in_model=7, seed=0)
    study.sampler = sampler7
    probe = study.ask()
    ctx = sampler7._context(study, probe._frozen())
    ranked = sorted(range(12), key=lambda i: ((i * 7) % 12, i))
    assert sorted(np.flatnonzero(ctx.below).tolist()) == sorted(ranked[:2])
    # Needing 13, nothing qualifies: random.
    sampler13 = BOHBSampler(min_resource=1, reduction_factor=3, min_points_in_model=13)
    study.sampler = sampler13
    assert sampler13._context(study, study.ask()._frozen()).startup


def test_budgets_default_to_the_pruners_rungs() -> None:
    sampler = BOHBSampler()
    hb = ridgeline.create_study(
        sampler=sampler, pruner=HyperbandPruner(min_resource=2, max_resource=50, reduction_factor=4)
    )
    assert sampler._budget_grid(hb) == (2, 4)
    asha = ridgeline.create_study(
        sampler=sampler, pruner=SuccessiveHalvingPruner(min_resource=5, reduction_factor=2)
    )
    assert sampler._budget_grid(asha) == (5, 2)
    plain = ridgeline.create_study(sampler=sampler)
    assert sampler._budget_grid(plain) == (1, 3)
    own = BOHBSampler(min_resource=3, reduction_factor=2)
    assert own._budget_grid(hb) == (3, 2)


def test_with_hyperband_it_learns_from_every_bracket_and_finds_the_optimum() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    study = ridgeline.create_study(sampler=BOHBSampler(seed=3), pruner=pruner)
    study.optimize(_objective(27), n_trials=80)
    assert study.best_value < 0.05
    pruned = [t for t in study.trials if t.state == TrialState.PRUNED]
    assert len(pruned) > 20


def test_seeded_runs_repeat() -> None:
    def run() -> list[dict[str, Any]]:
        study = ridgeline.create_study(
            sampler=BOHBSampler(seed=11),
            pruner=HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3),
        )
        study.optimize(_objective(9), n_trials=30)
        return [t.params for t in study.trials]

    assert run() == run()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_resource": 0}, "`min_resource` of BOHBSampler must be >= 1; got 0"),
        ({"reduction_factor": 1}, "`reduction_factor` of BOHBSampler must be >= 2; got 1"),
        ({"min_points_in_model": 0}, "`min_points_in_model` of BOHBSampler must be >= 1"),
        ({"n_startup_trials": -1}, "`n_startup_trials` of TPESampler must be >= 0"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as info:
        BOHBSampler(**kwargs)
    assert message in str(info.value)


def test_several_objectives_are_refused_with_a_clear_error() -> None:
    study = ridgeline.create_study(directions=["minimize", "minimize"], sampler=BOHBSampler())
    with pytest.raises(ValueError, match="BOHBSampler models one objective; this study has 2"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=1)
