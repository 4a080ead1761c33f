from __future__ import annotations

import pytest

import ridgeline
from ridgeline.trial import TrialState
from ridgeline.visualization import plot_timeline
from ridgeline.visualization._timeline import _get_timeline_info


def test_bars_by_state(failed_study: ridgeline.Study) -> None:
    failed_study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    failed_study.enqueue_trial({"x": 0.5})  # WAITING: not started, not drawn
    info = _get_timeline_info(failed_study)
    assert [b.label for b in info.bars] == ["FAIL", "FAIL", "COMPLETE", "COMPLETE"]
    assert all(b.start <= b.complete for b in info.bars)
    assert info.bars[0].state == TrialState.FAIL
    assert [b.trial_number for b in _get_timeline_info(failed_study, 1).bars] == [3]
    data = plot_timeline(failed_study).to_dict()["data"]
    assert [d["name"] for d in data] == ["COMPLETE", "FAIL"]


def test_infeasible_label(mo_study: ridgeline.Study) -> None:
    labels = {b.label for b in _get_timeline_info(mo_study).bars}
    assert labels == {"COMPLETE", "INFEASIBLE"}


def test_bad_n_recent_trials(mo_study: ridgeline.Study) -> None:
    with pytest.raises(ValueError, match="n_recent_trials"):
        plot_timeline(mo_study, n_recent_trials=0)


def test_running_trial_ends_now() -> None:
    s = ridgeline.create_study()
    s.ask()
    (bar,) = _get_timeline_info(s).bars
    assert bar.state == TrialState.RUNNING and bar.start <= bar.complete
