from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import ridgeline
from ridgeline.analysis import AnalysisError, sensitivity
from ridgeline.trial import TrialState


def test_numeric_params_match_scipy_correlations(mixed_study: ridgeline.Study) -> None:
    result = sensitivity(mixed_study, params=["x", "lr"])
    trials = mixed_study.get_trials(states=(TrialState.COMPLETE,))
    y = np.array([t.value for t in trials])
    x = np.array([t.params["x"] for t in trials])
    lr = np.log10([t.params["lr"] for t in trials])
    assert result["x"].spearman == pytest.approx(stats.spearmanr(x, y).statistic)
    assert result["x"].pearson == pytest.approx(stats.pearsonr(x, y).statistic)
    assert result["lr"].log_scale and not result["x"].log_scale
    assert result["lr"].spearman == pytest.approx(stats.spearmanr(lr, y).statistic)
    assert result["lr"].pearson == pytest.approx(stats.pearsonr(lr, y).statistic)
    assert result["x"].score == pytest.approx(abs(result["x"].spearman))
    assert result["x"].n_trials == len(trials) == result.n_trials


def test_categorical_spread_and_eta_squared(mixed_study: ridgeline.Study) -> None:
    result = sensitivity(mixed_study)
    kind = result["kind"]
    trials = mixed_study.get_trials(states=(TrialState.COMPLETE,))
    y = np.array([t.value for t in trials])
    groups = {c: y[[t.params["kind"] == c for t in trials]] for c in "abc"}
    means = {c: g.mean() for c, g in groups.items()}
    assert kind.kind == "categorical"
    assert {g.choice: g.mean for g in kind.groups} == pytest.approx(means)
    assert kind.spread == pytest.approx(max(means.values()) - min(means.values()))
    between = sum(len(g) * (g.mean() - y.mean()) ** 2 for g in groups.values())
    assert kind.eta_squared == pytest.approx(between / ((y - y.mean()) ** 2).sum())
    assert kind.std_of_means == pytest.approx(np.std(list(means.values()), ddof=1))
    assert kind.score == pytest.approx(math.sqrt(kind.eta_squared))
    # x^2 over [-5, 5] and the categorical offsets dominate; lr barely matters.
    assert result.params[-1].param in ("lr", "depth")
    assert list(result.scores()) == [p.param for p in result.params]


def test_conditional_param_uses_only_trials_that_have_it(mixed_study: ridgeline.Study) -> None:
    result = sensitivity(mixed_study, params=["depth"])
    n_with = sum("depth" in t.params for t in mixed_study.trials)
    assert result["depth"].n_trials == n_with < result.n_trials


def test_markdown_and_dict(mixed_study: ridgeline.Study) -> None:
    result = sensitivity(mixed_study)
    text = result.to_markdown()
    print(text)
    for name in ("x", "lr", "kind", "depth"):
        assert f"| {name} |" in text
    data = result.to_dict()
    assert data["n_trials"] == 60 and len(data["params"]) == 4


def _two_objectives(trial: ridgeline.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0, 1)
    y = trial.suggest_float("y", 0, 1)
    return x, y


def test_multi_objective_needs_target() -> None:
    study = ridgeline.create_study(
        directions=["minimize", "maximize"], sampler=ridgeline.samplers.RandomSampler(seed=1)
    )
    study.optimize(_two_objectives, n_trials=20)
    with pytest.raises(AnalysisError, match="`target` of .* is needed: .* 2 objectives"):
        sensitivity(study)
    assert sensitivity(study, target=0).params[0].param == "x"
    assert sensitivity(study, target=1).params[0].param == "y"
    assert sensitivity(study, target=lambda t: t.values[1]).params[0].param == "y"
    study.set_metric_names(["cost", "gain"])
    result = sensitivity(study, target="gain")
    assert result.target_name == "gain" and result.params[0].param == "y"
    with pytest.raises(AnalysisError, match="names no objective: got 'loss'"):
        sensitivity(study, target="loss")
    with pytest.raises(AnalysisError, match=r"index in \[0, 2\); got 5"):
        sensitivity(study, target=5)


def test_bad_input() -> None:
    study = ridgeline.create_study()
    with pytest.raises(AnalysisError, match="is empty"):
        sensitivity(study)
    study.tell(study.ask(), state=TrialState.FAIL)
    with pytest.raises(AnalysisError, match="none completed"):
        sensitivity(study)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    with pytest.raises(AnalysisError, match=r"unknown parameter\(s\) \['nope'\].*\['x'\]"):
        sensitivity(study, params=["nope"])
    with pytest.raises(TypeError, match="`params` of .* must be a list"):
        sensitivity(study, params="x")
    with pytest.raises(TypeError, match="`study` of .* must be a Study"):
        sensitivity("study")  # type: ignore[arg-type]


def test_too_few_trials_give_nan_score() -> None:
    study = ridgeline.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert math.isnan(sensitivity(study)["x"].score)
