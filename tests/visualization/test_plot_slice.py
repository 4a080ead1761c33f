from __future__ import annotations

import ridgeline
from ridgeline.visualization import plot_slice
from ridgeline.visualization._slice import _get_slice_info


def test_one_panel_per_param(study: ridgeline.Study) -> None:
    info = _get_slice_info(study)
    panels = {p.axis.name: p for p in info.panels}
    assert list(panels) == ["layers", "lr", "momentum", "optimizer"]
    assert panels["lr"].axis.is_log
    assert panels["optimizer"].axis.is_categorical
    assert panels["optimizer"].axis.categories == ("adam", "sgd")
    completed = [t for t in study.trials if t.state.name == "COMPLETE"]
    assert panels["lr"].x == tuple(t.params["lr"] for t in completed)
    assert panels["lr"].y == tuple(t.value for t in completed)
    # Conditional: only the trials that sampled momentum.
    sgd = [t for t in completed if "momentum" in t.params]
    assert panels["momentum"].trial_numbers == tuple(t.number for t in sgd)
    assert 0 < len(sgd) < len(completed)


def test_params_and_target(mo_study: ridgeline.Study) -> None:
    info = _get_slice_info(mo_study, params=["y"], target=lambda t: t.values[1], target_name="g")
    (panel,) = info.panels
    assert panel.x == panel.y  # the second objective is y itself
    assert info.target_name == "g"
    assert False in panel.feasible


def test_figure_axes(study: ridgeline.Study) -> None:
    fig = plot_slice(study, params=["lr", "optimizer", "layers"])
    layout = fig.to_dict()["layout"]
    assert layout["xaxis"]["type"] == "log"
    assert layout["xaxis2"]["type"] == "category"
    assert layout["xaxis2"]["categoryarray"] == ["adam", "sgd"]
    assert layout["xaxis3"]["type"] == "linear"
    assert [d["type"] for d in fig.to_dict()["data"]] == ["scatter"] * 3
