from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

import ridgeline
from ridgeline.analysis import AnalysisError, convergence
from ridgeline.trial import TrialState

VALUES = [5.0, 3.0, 4.0, 3.0, 1.0, 2.0, 2.0, 2.0, 2.0]


def _study(values: Sequence[float | None], direction: str = "minimize") -> ridgeline.Study:
    study = ridgeline.create_study(direction=direction)
    for v in values:
        trial = study.ask()
        trial.suggest_float("x", 0, 10)
        if v is None:
            study.tell(trial, state=TrialState.FAIL)
        else:
            study.tell(trial, v)
    return study


def test_known_sequence() -> None:
    result = convergence(_study(VALUES), window=5, patience=4, within=(0.0, 2.0))
    assert result.best_so_far == (5, 3, 3, 3, 1, 1, 1, 1, 1)
    assert result.best_trial_number == 4 and result.best_value == 1.0
    assert result.improvement_trial_numbers == (0, 1, 4)
    assert result.improvement_rate == pytest.approx(3 / 9)
    assert result.recent_relative_improvement == pytest.approx(2 / 3)  # 3 -> 1
    assert result.trials_since_improvement == 4
    assert result.plateau
    assert result.trials_to_within == {0.0: 4, 2.0: 1}
    assert not convergence(_study(VALUES), patience=5).plateau
    assert convergence(_study(VALUES), window=3).recent_relative_improvement == 0.0
    assert convergence(_study(VALUES), window=9).recent_relative_improvement is None


def test_tolerance_counts_only_large_improvements() -> None:
    assert convergence(_study(VALUES), tol=1.5).improvement_trial_numbers == (0, 1, 4)
    result = convergence(_study(VALUES), tol=2.5, patience=8)
    assert result.improvement_trial_numbers == (0,)
    assert result.trials_since_improvement == 8 and result.plateau


def test_maximize_and_failed_trials_skipped() -> None:
    result = convergence(_study([1.0, None, 3.0, 2.0], "maximize"))
    assert result.trial_numbers == (0, 2, 3)
    assert result.best_so_far == (1.0, 3.0, 3.0)
    assert result.best_trial_number == 2 and result.direction == "maximize"


def test_real_study_matches_best_value() -> None:
    study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=3))
    study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=50)
    result = convergence(study)
    assert result.best_value == study.best_value
    assert result.best_trial_number == study.best_trial.number
    assert all(a >= b for a, b in zip(result.best_so_far, result.best_so_far[1:], strict=False))
    text = result.to_markdown()
    print(text)
    assert "found at trial" in text and "plateau" in text
    assert result.to_dict()["best_value"] == study.best_value


def test_multi_objective_target_and_direction() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize"])
    for a, b in [(3.0, 1.0), (2.0, 5.0), (4.0, 2.0)]:
        trial = study.ask()
        study.tell(trial, [a, b])
    with pytest.raises(AnalysisError, match="`target` of .* is needed"):
        convergence(study)
    assert convergence(study, target=1).best_trial_number == 1  # maximize objective 1
    assert convergence(study, target=0).best_value == 2.0
    by_sum = convergence(study, target=lambda t: sum(t.values), direction="maximize")
    assert by_sum.best_value == 7.0


def test_bad_input() -> None:
    with pytest.raises(AnalysisError, match="is empty"):
        convergence(ridgeline.create_study())
    with pytest.raises(AnalysisError, match="none completed"):
        convergence(_study([None]))
    study = _study(VALUES)
    with pytest.raises(AnalysisError, match=r"`window` of .* must be an int >= 1; got 0"):
        convergence(study, window=0)
    with pytest.raises(TypeError, match="`patience` of .* must be an int"):
        convergence(study, patience=2.5)  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="`tol` of .* >= 0; got -1"):
        convergence(study, tol=-1)
    with pytest.raises(AnalysisError, match="`within` of .* fractions"):
        convergence(study, within=0.05)  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="'minimize' or 'maximize'; got 'up'"):
        convergence(study, target=lambda t: t.value, direction="up")


def test_zero_best_uses_value_range() -> None:
    result = convergence(_study([10.0, 0.5, 0.0]), within=(0.1,))
    assert result.trials_to_within == {0.1: 1}  # 0.5 is within 10% of the range 10
    assert math.isfinite(result.improvement_rate)
