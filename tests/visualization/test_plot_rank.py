from __future__ import annotations

import math

import ridgeline
from ridgeline.visualization import plot_rank
from ridgeline.visualization._rank import _get_rank_info


def test_ranks_best_is_zero(study: ridgeline.Study) -> None:
    info = _get_rank_info(study, params=["lr", "layers"])
    panel = info.panels[("lr", "layers")]
    best = panel.trial_numbers[panel.ranks.index(0.0)]
    assert best == study.best_trial.number
    assert max(panel.ranks) == 1.0
    assert sorted(panel.ranks) == [i / 11 for i in range(12)]


def test_maximize_and_infeasible() -> None:
    s = ridgeline.create_study(direction="maximize")
    for x, v, c in ((0.1, 1.0, -1.0), (0.2, 3.0, -1.0), (0.3, 2.0, 1.0)):
        s.add_trial(
            ridgeline.create_trial(
                value=v,
                params={"x": x},
                distributions={"x": ridgeline.distributions.FloatDistribution(0, 1)},
                system_attrs={"constraints": [c]},
            )
        )
    info = _get_rank_info(s)
    panel = info.panels[("x", None)]
    assert panel.ranks[:2] == (1.0, 0.0)
    assert math.isnan(panel.ranks[2])
    assert panel.y == (1.0, 3.0, 2.0)


def test_figure(study: ridgeline.Study) -> None:
    data = plot_rank(study, params=["lr", "layers"]).to_dict()
    assert [d["type"] for d in data["data"]] == ["scatter"]
    assert data["layout"]["xaxis"]["type"] == "log"
    fig = plot_rank(study, params=["lr", "layers", "optimizer"])
    assert len(fig.data) == 6
