from __future__ import annotations

import pytest

import ridgeline
from ridgeline.importance import get_param_importances
from ridgeline.visualization import plot_param_importances
from ridgeline.visualization._param_importances import _get_param_importances_info


def test_importances_match_get_param_importances(study: ridgeline.Study) -> None:
    info = _get_param_importances_info(study)
    expected = get_param_importances(study)
    (series,) = info.series
    assert dict(zip(info.params, series.importances, strict=True)) == pytest.approx(expected)
    # Horizontal bars: least important at the bottom (first), most important on top.
    assert list(series.importances) == sorted(series.importances)


def test_params_subset_and_conditional(study: ridgeline.Study) -> None:
    info = _get_param_importances_info(study, params=["lr", "momentum"])
    assert sorted(info.params) == ["lr", "momentum"]


def test_multi_objective_gets_one_series_per_objective(mo_study: ridgeline.Study) -> None:
    mo_study.set_metric_names(["cost", "gain"])
    info = _get_param_importances_info(mo_study)
    assert [s.name for s in info.series] == ["cost", "gain"]
    by_name = {s.name: dict(zip(info.params, s.importances, strict=True)) for s in info.series}
    # cost is x, gain is y: each objective is explained by its own parameter.
    assert by_name["cost"]["x"] > by_name["cost"]["y"]
    assert by_name["gain"]["y"] > by_name["gain"]["x"]
    info = _get_param_importances_info(mo_study, target=lambda t: t.values[0])
    assert [s.name for s in info.series] == ["Objective Value"]


def test_figure_traces(study: ridgeline.Study) -> None:
    data = plot_param_importances(study).to_dict()["data"]
    assert [d["type"] for d in data] == ["bar"]
    assert data[0]["orientation"] == "h"
    assert set(data[0]["y"]) == {"lr", "optimizer", "layers"}


def test_one_trial_gives_an_empty_figure() -> None:
    s = ridgeline.create_study()
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    info = _get_param_importances_info(s)
    assert info.empty_reason is not None and "at least 2" in info.empty_reason
    assert "at least 2" in plot_param_importances(s).layout.title.text
