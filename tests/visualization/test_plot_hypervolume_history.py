from __future__ import annotations

import pytest

import ridgeline
from ridgeline.multi_objective import hypervolume_history
from ridgeline.visualization import plot_hypervolume_history
from ridgeline.visualization._hypervolume_history import _get_hypervolume_history_info


def test_matches_multi_objective(mo_study: ridgeline.Study) -> None:
    info = _get_hypervolume_history_info(mo_study, [1.0, 0.0])
    expected = hypervolume_history(mo_study, reference_point=[1.0, 0.0])
    assert info.trial_numbers == tuple(expected.trial_numbers.tolist())
    assert info.values == tuple(expected.values.tolist())
    assert list(info.values) == sorted(info.values)
    assert info.reference_point == (1.0, 0.0)
    fig = plot_hypervolume_history(mo_study, [1.0, 0.0])
    assert fig.to_dict()["data"][0]["name"] == "Hypervolume"


def test_errors(mo_study: ridgeline.Study) -> None:
    with pytest.raises(ValueError, match="`reference_point` of plot_hypervolume_history"):
        plot_hypervolume_history(mo_study, [1.0])
    with pytest.raises(ValueError, match="finite"):
        plot_hypervolume_history(mo_study, [1.0, float("nan")])
    with pytest.raises(ValueError, match="several objectives"):
        plot_hypervolume_history(ridgeline.create_study(), [1.0])


def test_empty() -> None:
    s = ridgeline.create_study(directions=["minimize", "minimize"])
    assert _get_hypervolume_history_info(s, [1, 1]).empty_reason == "The study has no trials yet."
