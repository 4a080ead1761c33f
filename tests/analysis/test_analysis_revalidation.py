from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import stats

import ridgeline
from ridgeline.analysis import SEED_ATTR, AnalysisError, revalidate
from ridgeline.trial import BaseTrial


def _noisy(trial: BaseTrial) -> float:
    """A quadratic whose noise depends on the seed in the trial's user attrs."""
    x = trial.suggest_float("x", -3.0, 3.0)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    rng = random.Random(trial.user_attrs.get(SEED_ATTR, 12345) * 1000 + trial.number)
    return x**2 + (0.0 if kind == "a" else 0.5) + rng.gauss(0.0, 0.1)


@pytest.fixture(scope="module")
def study() -> ridgeline.Study:
    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
    study.optimize(_noisy, n_trials=30)
    return study


def test_top_k_rerun_with_t_intervals(study: ridgeline.Study) -> None:
    seeds = [0, 1, 2, 3]
    result = revalidate(study, _noisy, k=4, seeds=seeds)
    assert len(result.configs) == 4 and result.seeds == (0, 1, 2, 3)
    best4 = sorted(study.trials, key=lambda t: t.value)[:4]
    assert {c.trial_number for c in result.configs} == {t.number for t in best4}
    assert sorted(c.original_rank for c in result.configs) == [1, 2, 3, 4]
    means = [c.mean for c in result.configs]
    assert means == sorted(means) and [c.rank for c in result.configs] == [1, 2, 3, 4]
    for c in result.configs:
        trial = study.trials[c.trial_number]
        assert c.params == trial.params and c.original_value == trial.value
        expected = []
        for seed in seeds:
            fixed = ridgeline.FixedTrial(trial.params, number=trial.number)
            fixed.set_user_attr(SEED_ATTR, seed)
            expected.append(_noisy(fixed))
        assert c.values == pytest.approx(expected)
        ref = stats.t.interval(0.95, 3, loc=np.mean(expected), scale=stats.sem(expected))
        assert (c.ci_low, c.ci_high) == pytest.approx(ref)
    assert len(set(result.configs[0].values)) == 4  # the seeds made a difference
    text = result.to_markdown()
    print(text)
    assert "95% CI" in text and ("kind='a'" in text or "kind='b'" in text)


def test_seed_param_replaces_the_params_value() -> None:
    def objective(trial: BaseTrial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        seed = trial.suggest_int("seed", 0, 100)
        return x + 0.01 * seed

    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=10)
    result = revalidate(study, objective, k=2, seeds=[3, 7], seed_param="seed")
    for c in result.configs:
        assert "seed" not in c.params
        assert c.values == pytest.approx([c.params["x"] + 0.03, c.params["x"] + 0.07])


def test_duplicate_configurations_are_rerun_once() -> None:
    study = ridgeline.create_study()
    for x in [1.0, 1.0, 2.0]:
        study.enqueue_trial({"x": x})
    study.optimize(lambda t: t.suggest_float("x", 0, 3), n_trials=3)
    result = revalidate(study, lambda t: t.suggest_float("x", 0, 3), k=5, seeds=[0, 1])
    assert [c.params["x"] for c in result.configs] == [1.0, 2.0]


def test_multi_objective_with_target() -> None:
    def objective(trial: BaseTrial) -> dict[str, float]:
        x = trial.suggest_float("x", 0, 1)
        return {"loss": x, "acc": 1 - x}

    study = ridgeline.create_study(
        directions={"loss": "minimize", "acc": "maximize"},
        sampler=ridgeline.samplers.RandomSampler(seed=2),
    )
    study.optimize(objective, n_trials=8)
    with pytest.raises(AnalysisError, match="`target` of .* is needed"):
        revalidate(study, objective, seeds=[0, 1])
    result = revalidate(study, objective, k=2, seeds=[0, 1], target="acc")
    assert result.direction == "maximize"
    assert result.best.mean == max(1 - t.params["x"] for t in study.trials)


def test_bad_input(study: ridgeline.Study) -> None:
    with pytest.raises(AnalysisError, match="is empty"):
        revalidate(ridgeline.create_study(), _noisy)
    with pytest.raises(AnalysisError, match=r"`seeds` of .* two or more ints.*got \[0\]"):
        revalidate(study, _noisy, seeds=[0])
    with pytest.raises(AnalysisError, match="`k` of .* >= 1; got 0"):
        revalidate(study, _noisy, k=0)
    with pytest.raises(TypeError, match="`objective` of .* must be a callable"):
        revalidate(study, "objective")  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match=r"`confidence` of .* \(0, 1\); got 95"):
        revalidate(study, _noisy, confidence=95)
    with pytest.raises(TypeError, match="`target` of .* re-runs return values"):
        revalidate(study, _noisy, target=lambda t: t.value)  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="trial .* with seed 0 is not usable: .*not a number"):
        revalidate(study, lambda t: "bad", seeds=[0, 1])


def test_objective_result_errors() -> None:
    def objective(trial: BaseTrial) -> dict[str, float]:
        x = trial.suggest_float("x", 0, 1)
        return {"loss": x, "acc": 1 - x}

    study = ridgeline.create_study(directions={"loss": "minimize", "acc": "maximize"})
    study.optimize(objective, n_trials=3)
    with pytest.raises(AnalysisError, match=r"a dict must hold the study's metric names"):
        revalidate(study, lambda t: {"loss": 1.0}, seeds=[0, 1], target="loss")
    with pytest.raises(ZeroDivisionError):
        revalidate(study, lambda t: 1 / 0, seeds=[0, 1], target=0)
