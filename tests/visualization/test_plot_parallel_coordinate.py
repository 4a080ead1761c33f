from __future__ import annotations

import math

import ridgeline
from ridgeline.visualization import plot_parallel_coordinate
from ridgeline.visualization._parallel_coordinate import _get_parallel_coordinate_info


def test_dimensions_scaled_by_kind(study: ridgeline.Study) -> None:
    info = _get_parallel_coordinate_info(study, params=["lr", "optimizer", "layers"])
    completed = [t for t in study.trials if t.state.name == "COMPLETE"]
    assert info.trial_numbers == tuple(t.number for t in completed)
    assert info.objective.values == tuple(t.value for t in completed)
    assert info.reverse_scale  # minimised: smaller is better
    lr, optimizer, layers = info.dimensions
    assert lr.is_log and lr.values == tuple(math.log10(t.params["lr"]) for t in completed)
    assert lr.tick_text[0] == "1e-05"
    assert optimizer.is_categorical and optimizer.tick_text == ("adam", "sgd")
    assert optimizer.values == tuple(
        float(["adam", "sgd"].index(t.params["optimizer"])) for t in completed
    )
    assert not layers.is_log and not layers.is_categorical and layers.tick_values == ()


def test_trials_lacking_a_param_are_left_out(study: ridgeline.Study) -> None:
    info = _get_parallel_coordinate_info(study)
    sgd = [t.number for t in study.trials if "momentum" in t.params]
    assert info.trial_numbers == tuple(sgd)
    assert [d.label for d in info.dimensions] == ["layers", "lr", "momentum", "optimizer"]


def test_figure(study: ridgeline.Study) -> None:
    data = plot_parallel_coordinate(study, params=["lr", "layers"]).to_dict()["data"]
    assert [d["type"] for d in data] == ["parcoords"]
    dims = data[0]["dimensions"]
    assert [d["label"] for d in dims] == ["Objective Value", "lr", "layers"]
    assert "ticktext" in dims[1] and "ticktext" not in dims[2]


def test_maximize_does_not_reverse() -> None:
    s = ridgeline.create_study(direction="maximize")
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert not _get_parallel_coordinate_info(s).reverse_scale
