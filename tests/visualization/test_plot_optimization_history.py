from __future__ import annotations

import math

import pytest

import ridgeline
from ridgeline.visualization import plot_optimization_history
from ridgeline.visualization._optimization_history import _get_optimization_history_info


def test_values_and_best_so_far(study: ridgeline.Study) -> None:
    info = _get_optimization_history_info(study)
    (series,) = info.series
    completed = [t for t in study.trials if t.state.name == "COMPLETE"]
    assert series.trial_numbers == tuple(t.number for t in completed)
    assert series.values == tuple(t.value for t in completed)
    assert series.best_values is not None
    running = [min(series.values[: i + 1]) for i in range(len(series.values))]
    assert list(series.best_values) == running
    assert series.best_values[-1] == study.best_value
    assert info.empty_reason is None and info.band is None


def test_maximize_best_is_running_max() -> None:
    s = ridgeline.create_study(direction="maximize")
    for v in (1.0, 3.0, 2.0):
        s.add_trial(ridgeline.create_trial(value=v))
    (series,) = _get_optimization_history_info(s).series
    assert series.best_values == (1.0, 3.0, 3.0)


def test_target_has_no_best_line(mo_study: ridgeline.Study) -> None:
    info = _get_optimization_history_info(mo_study, target=lambda t: t.values[1])
    (series,) = info.series
    assert series.best_values is None
    assert len(series.values) == 20


def test_infeasible_trials_do_not_count_as_best() -> None:
    s = ridgeline.create_study()
    s.add_trial(ridgeline.create_trial(value=5.0))
    s.add_trial(ridgeline.create_trial(value=1.0, system_attrs={"constraints": [1.0]}))
    s.add_trial(ridgeline.create_trial(value=3.0))
    (series,) = _get_optimization_history_info(s).series
    assert series.feasible == (True, False, True)
    assert series.best_values == (5.0, 5.0, 3.0)
    fig = plot_optimization_history(s)
    assert [d["name"] for d in fig.to_dict()["data"]] == [
        "Objective Value",
        "Best Value",
        "Infeasible Trial",
    ]


def test_several_studies_with_error_bar() -> None:
    studies = []
    for seed in range(3):
        s = ridgeline.create_study(
            study_name=f"seed{seed}", sampler=ridgeline.samplers.RandomSampler(seed=seed)
        )
        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
        studies.append(s)
    info = _get_optimization_history_info(studies, error_bar=True)
    assert [s.study_name for s in info.series] == ["seed0", "seed1", "seed2"]
    band = info.band
    assert band is not None and band.trial_numbers == (0, 1, 2, 3)
    first = [s.values[0] for s in info.series]
    assert band.value_mean[0] == pytest.approx(sum(first) / 3)
    mean = sum(first) / 3
    assert band.value_std[0] == pytest.approx(math.sqrt(sum((v - mean) ** 2 for v in first) / 3))
    assert band.best_mean is not None
    assert band.best_mean[-1] == pytest.approx(sum(s.best_value for s in studies) / 3)
    fig = plot_optimization_history(studies, error_bar=True)
    names = [d["name"] for d in fig.to_dict()["data"]]
    assert names[:2] == ["Objective Value", "Best Value"]
    # Without the error bar each study has its own traces.
    fig = plot_optimization_history(studies)
    assert len(fig.data) == 6 and fig.data[0].name == "seed0: Objective Value"


def test_figure_traces(study: ridgeline.Study) -> None:
    data = plot_optimization_history(study, target_name="loss").to_dict()
    assert [d["name"] for d in data["data"]] == ["loss", "Best Value"]
    assert data["layout"]["yaxis"]["title"]["text"] == "loss"
    assert list(data["data"][0]["x"]) == list(range(12))
