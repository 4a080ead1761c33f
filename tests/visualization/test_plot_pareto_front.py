from __future__ import annotations

import numpy as np
import pytest

import ridgeline
from ridgeline.multi_objective import nondominated_mask
from ridgeline.visualization import plot_pareto_front
from ridgeline.visualization._pareto_front import _get_pareto_front_info


def test_front_dominated_and_infeasible(mo_study: ridgeline.Study) -> None:
    info = _get_pareto_front_info(mo_study)
    trials = mo_study.trials
    infeasible = [t.number for t in trials if t.params["x"] > 0.8]
    assert info.infeasible.trial_numbers == tuple(infeasible) and infeasible
    feasible = [t for t in trials if t.params["x"] <= 0.8]
    points = np.array([[t.values[0], -t.values[1]] for t in feasible])
    front = [t.number for t, m in zip(feasible, nondominated_mask(points), strict=True) if m]
    assert info.best.trial_numbers == tuple(front)
    assert sorted(info.best.trial_numbers + info.dominated.trial_numbers) == sorted(
        t.number for t in feasible
    )
    assert {t.number for t in mo_study.best_trials} == set(front)
    assert info.target_names == ("Objective 0", "Objective 1")


def test_options(mo_study: ridgeline.Study) -> None:
    info = _get_pareto_front_info(
        mo_study,
        target_names=["cost", "gain"],
        include_dominated_trials=False,
        axis_order=[1, 0],
    )
    assert info.target_names == ("gain", "cost")
    assert info.dominated.trial_numbers == ()
    first = mo_study.trials[info.best.trial_numbers[0]]
    assert info.best.values[0] == (first.values[1], first.values[0])
    # constraints_func given here overrides the stored constraints.
    info = _get_pareto_front_info(mo_study, constraints_func=lambda t: [-1.0])
    assert info.infeasible.trial_numbers == ()


def test_three_objectives_and_targets() -> None:
    s = ridgeline.create_study(
        directions=["minimize"] * 3, sampler=ridgeline.samplers.RandomSampler(seed=0)
    )
    s.optimize(
        lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1), t.params["a"]),
        n_trials=8,
    )
    fig = plot_pareto_front(s)
    assert {d["type"] for d in fig.to_dict()["data"]} == {"scatter3d"}
    fig = plot_pareto_front(s, targets=lambda t: t.values[:2], target_names=["a", "b"])
    data = fig.to_dict()
    assert {d["type"] for d in data["data"]} == {"scatter"}
    assert data["layout"]["xaxis"]["title"]["text"] == "a"


def test_errors(mo_study: ridgeline.Study) -> None:
    with pytest.raises(ValueError, match="axis_order"):
        plot_pareto_front(mo_study, axis_order=[0, 0])
    with pytest.raises(ValueError, match="target_names"):
        plot_pareto_front(mo_study, target_names=["a"])
    with pytest.raises(ValueError, match="targets"):
        plot_pareto_front(mo_study, targets=lambda t: [1.0])
    single = ridgeline.create_study()
    with pytest.raises(ValueError, match="2 or 3 objectives"):
        plot_pareto_front(single)


def test_figure(mo_study: ridgeline.Study) -> None:
    data = plot_pareto_front(mo_study).to_dict()["data"]
    assert [d["name"] for d in data] == ["Infeasible Trial", "Trial", "Best Trial"]
