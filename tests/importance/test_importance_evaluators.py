"""Each evaluator ranks parameters of functions with known importances correctly."""

from __future__ import annotations

import pytest
from _importance_studies import additive, interaction, mixed

import ridgeline
from ridgeline.importance import (
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)

pytest.importorskip("sklearn")

EVALUATORS = {
    "ped_anova": lambda: PedAnovaImportanceEvaluator(),
    "ped_anova_global": lambda: PedAnovaImportanceEvaluator(evaluate_on_local=False),
    "fanova": lambda: FanovaImportanceEvaluator(n_trees=32, seed=0),
    "mdi": lambda: MeanDecreaseImpurityImportanceEvaluator(n_trees=32, seed=0),
}


@pytest.fixture(params=sorted(EVALUATORS))
def evaluator(request: pytest.FixtureRequest) -> ridgeline.importance.BaseImportanceEvaluator:
    return EVALUATORS[request.param]()


def test_additive_function_is_ranked_by_coefficient(evaluator) -> None:
    importances = get_param_importances(additive(1000), evaluator=evaluator)
    assert list(importances) == ["x1", "x2", "x3"]
    assert importances["x1"] > 0.6
    assert importances["x3"] < 0.05
    assert sum(importances.values()) == pytest.approx(1.0)


def test_interaction_keeps_the_dominant_parameter_first_and_the_idle_one_last(
    evaluator,
) -> None:
    importances = get_param_importances(interaction(1000), evaluator=evaluator)
    assert next(iter(importances)) == "x1"
    assert list(importances)[-1] == "x4"


def test_categorical_log_and_int_parameters(evaluator) -> None:
    importances = get_param_importances(mixed(1000), evaluator=evaluator)
    assert list(importances) == ["kind", "lr", "units"]


def test_maximized_study_is_explained_like_the_minimized_one(evaluator) -> None:
    importances = get_param_importances(mixed(1000, direction="maximize"), evaluator=evaluator)
    assert list(importances) == ["kind", "lr", "units"]


def test_fanova_matches_the_variance_decomposition_of_an_additive_function() -> None:
    # Var(10 x1) : Var(x2) : Var(0 x3) = 100 : 1 : 0 under the uniform measure.
    evaluator = FanovaImportanceEvaluator(n_trees=32, seed=0)
    importances = get_param_importances(additive(2000), evaluator=evaluator)
    assert importances["x1"] == pytest.approx(100 / 101, abs=0.02)
    assert importances["x2"] == pytest.approx(1 / 101, abs=0.01)


@pytest.mark.parametrize(
    "make", [FanovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator]
)
def test_forest_evaluators_are_reproducible_with_a_seed(make) -> None:
    study = interaction(300)
    first = get_param_importances(study, evaluator=make(n_trees=8, seed=3))
    again = get_param_importances(study, evaluator=make(n_trees=8, seed=3))
    other = get_param_importances(study, evaluator=make(n_trees=8, seed=4))
    assert first == again
    assert first != other


def test_ped_anova_is_deterministic() -> None:
    study = interaction(300)
    assert get_param_importances(study) == get_param_importances(study)


def test_ped_anova_region_quantile_looks_inside_the_good_region() -> None:
    # Among the best half, x1 is nearly fixed (high) and x2 decides who is in the top 10%.
    study = additive(2000)
    everywhere = get_param_importances(study)
    region = get_param_importances(
        study, evaluator=PedAnovaImportanceEvaluator(target_quantile=0.05, region_quantile=0.2)
    )
    assert region["x2"] > everywhere["x2"]


def test_unnormalized_importances_are_the_raw_scores(evaluator) -> None:
    study = additive(300)
    raw = get_param_importances(study, evaluator=evaluator, normalize=False)
    assert all(v >= 0 for v in raw.values())
    assert list(raw) == sorted(raw, key=lambda k: -raw[k])


def test_ped_anova_credits_the_interaction_where_the_best_trials_are() -> None:
    # Where x1 is high (the best trials), x3 weighs 5 and x2 weighs 3.
    importances = get_param_importances(interaction(1000))
    assert list(importances) == ["x1", "x3", "x2", "x4"]
    fanova = get_param_importances(
        interaction(1000), evaluator=FanovaImportanceEvaluator(n_trees=32, seed=0)
    )
    assert list(fanova) == ["x1", "x2", "x3", "x4"]
