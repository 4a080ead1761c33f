from __future__ import annotations

import ridgeline
from ridgeline.visualization import plot_edf
from ridgeline.visualization._edf import _get_edf_info


def _study(name: str, values: list[float]) -> ridgeline.Study:
    s = ridgeline.create_study(study_name=name)
    for v in values:
        s.add_trial(ridgeline.create_trial(value=v))
    return s


def test_fraction_at_or_below() -> None:
    a, b = _study("a", [0.0, 1.0, 2.0, 3.0]), _study("b", [3.0, 3.0])
    info = _get_edf_info([a, b])
    assert info.x[0] == 0.0 and info.x[-1] == 3.0 and len(info.x) == 100
    line_a, line_b = info.lines
    assert line_a.study_name == "a"
    assert line_a.y[0] == 0.25 and line_a.y[-1] == 1.0
    assert line_b.y[0] == 0.0 and line_b.y[-1] == 1.0
    assert list(line_a.y) == sorted(line_a.y)


def test_figure_and_target(mo_study: ridgeline.Study) -> None:
    fig = plot_edf(mo_study, target=lambda t: t.values[0], target_name="x")
    data = fig.to_dict()
    assert [d["type"] for d in data["data"]] == ["scatter"]
    assert data["layout"]["xaxis"]["title"]["text"] == "x"
