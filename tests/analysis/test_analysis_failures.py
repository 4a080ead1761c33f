from __future__ import annotations

import pytest

import ridgeline
from ridgeline.analysis import AnalysisError, failures
from ridgeline.trial import Trial, TrialState


def _objective(trial: Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    kind = trial.suggest_categorical("kind", ["ok", "div", "prune"])
    if x > 0.75:
        raise ValueError(f"x={x:.3f} is too large")
    if kind == "div":
        return 1.0 / 0.0
    if kind == "prune":
        raise ridgeline.TrialPruned()
    return x


@pytest.fixture(scope="module")
def study() -> ridgeline.Study:
    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=60, catch=(ValueError, ZeroDivisionError))
    return study


def test_groups_by_error_type(study: ridgeline.Study) -> None:
    report = failures(study, n_examples=3)
    trials = study.trials
    by_state = {s: [t for t in trials if t.state == s] for s in TrialState}
    assert report.n_trials == 60
    assert report.n_fail == len(by_state[TrialState.FAIL]) > 0
    assert report.n_pruned == len(by_state[TrialState.PRUNED]) > 0
    groups = {g.error_type: g for g in report.groups}
    assert set(groups) == {"ValueError", "ZeroDivisionError", "TrialPruned"}
    value_errors = [t for t in trials if t.state == TrialState.FAIL and t.params["x"] > 0.75]
    g = groups["ValueError"]
    assert g.count == len(value_errors) and g.state == "FAIL"
    assert g.trial_numbers == tuple(t.number for t in value_errors[:3])
    assert g.example_message is not None and g.example_message.startswith("ValueError: x=")
    assert g.traceback is not None and 'raise ValueError(f"x=' in g.traceback
    assert "ZeroDivisionError" in (groups["ZeroDivisionError"].traceback or "")
    assert groups["TrialPruned"].state == "PRUNED"
    assert groups["TrialPruned"].example_message is None
    assert [g.count for g in report.groups] == sorted(
        (g.count for g in report.groups), reverse=True
    )


def test_regions(study: ridgeline.Study) -> None:
    report = failures(study, n_bins=4)
    x, kind = report.params
    assert x.param == "x" and x.kind == "numeric" and len(x.bins) == 4
    assert sum(b.n_trials for b in x.bins) == 60
    assert x.worst is x.bins[-1] and x.bins[-1].low is not None
    top = [t for t in study.trials if t.params["x"] >= x.bins[-1].low]  # type: ignore[operator]
    assert x.bins[-1].n_trials == len(top)
    assert x.bins[-1].fail_rate > x.bins[0].fail_rate
    rates = {b.choice: b for b in kind.bins}
    assert set(rates) == {"ok", "div", "prune"}
    assert rates["div"].fail_rate == 1.0 and rates["prune"].pruned_rate > 0.5
    assert rates["ok"].pruned_rate == 0.0
    text = report.to_markdown()
    print(text)
    assert "ValueError" in text and "| kind | 'div' |" in text
    assert report.to_dict()["n_fail"] == report.n_fail


def test_no_failures_and_unknown_reason() -> None:
    study = ridgeline.create_study()
    study.optimize(lambda t: t.suggest_int("n", 1, 3), n_trials=5)
    report = failures(study)
    assert report.groups == () and report.n_complete == 5
    assert report.params[0].worst.fail_rate == 0.0
    study.tell(study.ask(), state=TrialState.FAIL)
    assert failures(study).groups[0].error_type == "Unknown"


def test_bad_input() -> None:
    with pytest.raises(AnalysisError, match="needs finished trials"):
        failures(ridgeline.create_study())
    study = ridgeline.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    with pytest.raises(AnalysisError, match="`n_bins` of .* >= 1; got 0"):
        failures(study, n_bins=0)
    with pytest.raises(TypeError, match="`n_examples` of .* must be an int"):
        failures(study, n_examples="3")  # type: ignore[arg-type]
