"""get_param_importances: trials used, conditional parameters, targets and errors."""

from __future__ import annotations

import math

import pytest
from _importance_studies import UNIT, additive, mixed, study_of

import ridgeline
from ridgeline.distributions import CategoricalDistribution, FloatDistribution
from ridgeline.importance import (
    BaseImportanceEvaluator,
    FanovaImportanceEvaluator,
    ImportanceError,
    ImportanceTypeError,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)
from ridgeline.trial import TrialState


def test_optuna_style_call_orders_most_important_first() -> None:
    import ridgeline as optuna

    importances = optuna.importance.get_param_importances(additive(300))
    pairs = list(importances.items())
    assert [name for name, _ in pairs] == ["x1", "x2", "x3"]
    assert all(isinstance(v, float) for _, v in pairs)
    assert sum(importances.values()) == pytest.approx(1.0)


def test_default_evaluator_is_ped_anova() -> None:
    study = mixed(300)
    assert get_param_importances(study) == get_param_importances(
        study, evaluator=PedAnovaImportanceEvaluator()
    )


def test_only_complete_trials_count() -> None:
    study = additive(200)
    dists = {"x1": UNIT, "x2": UNIT, "x3": UNIT}
    for state in (TrialState.PRUNED, TrialState.FAIL):
        for i in range(50):  # would reverse the ranking if they counted
            params = {"x1": 0.5, "x2": i / 50, "x3": 0.5}
            study.add_trial(
                ridgeline.create_trial(
                    params=params,
                    distributions=dists,
                    state=state,
                    value=-1000.0 * i if state == TrialState.PRUNED else None,
                )
            )
    assert list(get_param_importances(study)) == ["x1", "x2", "x3"]


def _conditional_study() -> ridgeline.Study:
    space = {
        "model": CategoricalDistribution(["linear", "tree"]),
        "x": UNIT,
        "depth": FloatDistribution(1.0, 10.0),
    }

    def objective(p: dict) -> float:
        return 5 * p["x"] + (p.get("depth", 0.0) if p["model"] == "tree" else 0.0)

    study = ridgeline.create_study()
    tree = study_of(space, objective, 400)
    # Trials of the linear model have no "depth".
    linear = study_of({"model": space["model"], "x": UNIT}, objective, 400, seed=1)
    study.add_trials(t for t in tree.trials if t.params["model"] == "tree")
    study.add_trials(t for t in linear.trials if t.params["model"] == "linear")
    return study


def test_conditional_parameter_is_left_out_by_default() -> None:
    importances = get_param_importances(_conditional_study())
    assert set(importances) == {"model", "x"}


def test_conditional_parameter_uses_the_trials_that_have_it() -> None:
    study = _conditional_study()
    for evaluator in (PedAnovaImportanceEvaluator(), FanovaImportanceEvaluator(seed=0)):
        importances = get_param_importances(study, evaluator=evaluator, params=["x", "depth"])
        assert list(importances) == ["depth", "x"]


def test_params_picks_a_subset() -> None:
    importances = get_param_importances(additive(300), params=["x3", "x1"])
    assert list(importances) == ["x1", "x3"]


def test_unknown_param_lists_the_available_ones() -> None:
    with pytest.raises(
        ImportanceError,
        match=r"'lr', which no COMPLETE trial has; available: "
        r"'x1', 'x2', 'x3'",
    ):
        get_param_importances(additive(10), params=["x1", "lr"])


def test_params_must_be_a_list_of_names() -> None:
    with pytest.raises(
        ImportanceTypeError,
        match=r"`params` of get_param_importances must be "
        r"a list of parameter names; got 'x1'",
    ):
        get_param_importances(additive(10), params="x1")  # type: ignore[arg-type]


def _two_objective_study() -> ridgeline.Study:
    return study_of(
        {"x": UNIT, "y": UNIT},
        lambda p: (p["x"], 10 * p["y"] + 0.1 * p["x"]),
        400,
        directions=["minimize", "minimize"],
    )


@pytest.mark.parametrize(
    "make",
    [PedAnovaImportanceEvaluator, lambda: FanovaImportanceEvaluator(n_trees=16, seed=0)],
)
def test_multi_objective_target_picks_the_objective(make) -> None:
    study = _two_objective_study()
    first = get_param_importances(study, evaluator=make(), target=lambda t: t.values[0])
    second = get_param_importances(study, evaluator=make(), target=lambda t: t.values[1])
    assert list(first) == ["x", "y"]
    assert list(second) == ["y", "x"]


def test_multi_objective_without_target_names_target() -> None:
    with pytest.raises(
        ImportanceError,
        match=r"`target` of get_param_importances is required "
        r"for a multi-objective study \(2 objectives\); got None",
    ):
        get_param_importances(_two_objective_study())


def test_target_must_be_callable() -> None:
    with pytest.raises(
        ImportanceTypeError,
        match=r"`target` of get_param_importances must be "
        r"a function",
    ):
        get_param_importances(additive(10), target=1)  # type: ignore[arg-type]


def test_target_that_is_not_finite_skips_the_trial() -> None:
    study = additive(300)
    importances = get_param_importances(
        study, target=lambda t: math.inf if t.params["x3"] > 0.9 else t.value
    )
    assert next(iter(importances)) == "x1"


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_trials_is_an_error(n: int) -> None:
    study = additive(n) if n else ridgeline.create_study()
    with pytest.raises(ImportanceError, match=rf"needs at least 2 COMPLETE trials .*; got {n} "):
        get_param_importances(study)


@pytest.mark.parametrize(
    "make",
    [
        PedAnovaImportanceEvaluator,
        lambda: FanovaImportanceEvaluator(n_trees=8, seed=0),
        lambda: MeanDecreaseImpurityImportanceEvaluator(n_trees=8, seed=0),
    ],
)
def test_constant_parameter_has_importance_zero(make) -> None:
    space = {"x": UNIT, "c": UNIT, "fixed": FloatDistribution(2.0, 2.0)}
    study = study_of(space, lambda p: p["x"], 100)
    study.add_trials(
        ridgeline.create_trial(
            params={"x": 0.1 * i, "c": 0.5, "fixed": 2.0}, distributions=space, value=0.1 * i
        )
        for i in range(10)
    )
    importances = get_param_importances(study, evaluator=make(), params=["x", "fixed"])
    assert importances == {"x": 1.0, "fixed": 0.0}
    only_c = get_param_importances(
        study_of(space, lambda p: p["x"], 20), evaluator=make(), params=["fixed"]
    )
    assert only_c == {"fixed": 0.0}


def test_constant_objective_gives_zeros() -> None:
    study = study_of({"x": UNIT, "y": UNIT}, lambda p: 1.0, 50)
    for evaluator in (PedAnovaImportanceEvaluator(), FanovaImportanceEvaluator(n_trees=4)):
        assert set(get_param_importances(study, evaluator=evaluator).values()) <= {0.0}


def test_a_user_written_evaluator_is_normalized_and_sorted() -> None:
    class Fixed(BaseImportanceEvaluator):
        def evaluate(self, study, params=None, *, target=None):
            return {"a": 1.0, "b": 3.0}

    assert get_param_importances(additive(5), evaluator=Fixed()) == {"b": 0.75, "a": 0.25}
    assert get_param_importances(additive(5), evaluator=Fixed(), normalize=False) == {
        "b": 3.0,
        "a": 1.0,
    }


def test_an_evaluator_returning_negative_scores_is_reported() -> None:
    class Broken(BaseImportanceEvaluator):
        def evaluate(self, study, params=None, *, target=None):
            return {"a": -1.0}

    with pytest.raises(
        ImportanceError,
        match=r"Broken.evaluate must return finite "
        r"non-negative importances; got \{'a': -1.0\}",
    ):
        get_param_importances(additive(5), evaluator=Broken())


def test_evaluator_of_the_wrong_type() -> None:
    with pytest.raises(
        ImportanceTypeError,
        match=r"`evaluator` of get_param_importances must "
        r"be a BaseImportanceEvaluator",
    ):
        get_param_importances(additive(5), evaluator="fanova")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (
            lambda: FanovaImportanceEvaluator(n_trees=0),
            ImportanceError,
            r"`n_trees` of FanovaImportanceEvaluator must be >= 1; got 0",
        ),
        (
            lambda: FanovaImportanceEvaluator(max_depth=2.5),
            ImportanceTypeError,
            r"`max_depth` of FanovaImportanceEvaluator must be an int; got 2.5",
        ),
        (
            lambda: MeanDecreaseImpurityImportanceEvaluator(seed="1"),
            ImportanceTypeError,
            r"`seed` of MeanDecreaseImpurityImportanceEvaluator must be an int or None; got '1'",
        ),
        (
            lambda: PedAnovaImportanceEvaluator(baseline_quantile=0.0),
            ImportanceError,
            r"`baseline_quantile` of PedAnovaImportanceEvaluator must be in \(0, 1\]; got 0.0",
        ),
        (
            lambda: PedAnovaImportanceEvaluator(target_quantile=2),
            ImportanceError,
            r"`target_quantile` of PedAnovaImportanceEvaluator must be in \(0, 1\]; got 2",
        ),
        (
            lambda: PedAnovaImportanceEvaluator(0.3, region_quantile=0.2),
            ImportanceError,
            r"`region_quantile` of PedAnovaImportanceEvaluator must be >= baseline_quantile "
            r"\(0.3\); got 0.2",
        ),
        (
            lambda: PedAnovaImportanceEvaluator(evaluate_on_local=1),
            ImportanceTypeError,
            r"`evaluate_on_local` of PedAnovaImportanceEvaluator must be a bool; got 1",
        ),
    ],
)
def test_evaluator_arguments_are_validated(make, error, match) -> None:
    with pytest.raises(error, match=match):
        make()


def test_errors_are_ridgeline_and_builtin_errors() -> None:
    assert issubclass(ImportanceError, ridgeline.exceptions.RidgelineError)
    assert issubclass(ImportanceError, ValueError)
    assert issubclass(ImportanceTypeError, TypeError)


def test_changed_numeric_bounds_are_merged_and_changed_kinds_are_an_error() -> None:
    study = study_of({"x": FloatDistribution(0, 1), "y": UNIT}, lambda p: p["x"], 50)
    study.add_trials(
        study_of({"x": FloatDistribution(0, 2), "y": UNIT}, lambda p: p["x"], 50, seed=1).trials
    )
    assert list(get_param_importances(study, params=["x", "y"])) == ["x", "y"]
    study.add_trial(
        ridgeline.create_trial(
            params={"x": "a", "y": 0.5},
            distributions={"x": CategoricalDistribution(["a"]), "y": UNIT},
            value=0.0,
        )
    )
    with pytest.raises(
        ImportanceError,
        match=r"Parameter 'x' has incompatible distributions "
        r"across trials",
    ):
        get_param_importances(study, params=["x"])


def test_ped_anova_target_follows_the_direction_of_the_objective_it_returns() -> None:
    # Objective 1 is maximized: its best trials have x > 0.7; its worst differ by y only.
    study = study_of(
        {"x": UNIT, "y": UNIT},
        lambda p: (p["y"], 10 * max(0.0, p["x"] - 0.7) + 0.5 * p["y"]),
        1000,
        directions=["minimize", "maximize"],
    )
    assert next(iter(get_param_importances(study, target=lambda t: t.values[1]))) == "x"
    # Any other target: lower is better.
    assert next(iter(get_param_importances(study, target=lambda t: -t.values[1]))) == "x"
    assert next(iter(get_param_importances(study, target=lambda t: 2 * t.values[1]))) == "y"


def test_forest_evaluator_without_scikit_learn_says_how_to_install_it(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    with pytest.raises(
        ImportError,
        match=r"FanovaImportanceEvaluator needs scikit-learn.*"
        r"pip install scikit-learn.*PedAnovaImportanceEvaluator",
    ):
        get_param_importances(additive(20), evaluator=FanovaImportanceEvaluator())


def test_optimized_study_with_conditional_params_on_sqlite(tmp_path) -> None:
    def objective(trial: ridgeline.Trial) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        x = trial.suggest_float("x", 1e-3, 1.0, log=True)
        if kind == "b":
            return 5 * trial.suggest_int("n", 1, 8) + x
        return x

    study = ridgeline.create_study(
        storage=f"sqlite:///{tmp_path / 'importance.db'}",
        sampler=ridgeline.samplers.TPESampler(seed=0, n_startup_trials=10),
    )
    study.optimize(objective, n_trials=30)
    assert set(get_param_importances(study)) == {"kind", "x"}
    with_n = get_param_importances(study, params=["n", "x"])
    assert next(iter(with_n)) == "n"
