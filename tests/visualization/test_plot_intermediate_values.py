from __future__ import annotations

import numpy as np

import ridgeline
from ridgeline.trial import TrialState
from ridgeline.visualization import plot_intermediate_values
from ridgeline.visualization._intermediate_values import _get_intermediate_values_info


def test_curves(study: ridgeline.Study) -> None:
    info = _get_intermediate_values_info(study)
    assert len(info.curves) == 12
    first = info.curves[0]
    trial = study.trials[0]
    assert first.steps == (0, 1, 2)
    assert first.values == tuple(trial.intermediate_values[s] for s in (0, 1, 2))
    assert first.state == TrialState.COMPLETE


def test_pruned_trials_are_drawn() -> None:
    s = ridgeline.create_study()

    def objective(trial: ridgeline.Trial) -> float:
        trial.report(1.0, 0)
        if trial.number == 1:
            raise ridgeline.TrialPruned()
        trial.report(0.5, 1)
        return 0.5

    s.optimize(objective, n_trials=2)
    info = _get_intermediate_values_info(s)
    assert [c.state for c in info.curves] == [TrialState.COMPLETE, TrialState.PRUNED]
    assert info.curves[1].steps == (0,)
    fig = plot_intermediate_values(s)
    assert [d["name"] for d in fig.to_dict()["data"]] == ["Trial0", "Trial1"]


def test_no_reports_gives_an_empty_figure() -> None:
    s = ridgeline.create_study()
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    info = _get_intermediate_values_info(s)
    assert info.empty_reason is not None and "trial.report" in info.empty_reason
    assert len(plot_intermediate_values(s).data) == 0


def test_many_curves_are_drawn_as_one_trace_per_colour() -> None:
    from ridgeline.distributions import FloatDistribution
    from ridgeline.trial import create_trial

    study = ridgeline.create_study()
    dist = {"x": FloatDistribution(0.0, 1.0)}
    for i in range(301):
        x = i / 301
        curve = {step: x + 1.0 / (step + 1) for step in range(5)}
        study.add_trial(
            create_trial(params={"x": x}, distributions=dist, value=x, intermediate_values=curve)
        )
    fig = plot_intermediate_values(study)
    assert len(fig.data) == 1  # all feasible: one trace, curves separated by gaps
    trace = fig.data[0]
    assert len(trace.x) == 301 * 6
    assert np.isnan(trace.y[5]) and trace.y[6] == 1.0 / 301 + 1.0
    assert trace.text[6] == "Trial1"
