"""Weighted-sum and Chebyshev scalarizations, knee points and knee trials."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ridgeline
from ridgeline.multi_objective import (
    chebyshev,
    knee_point,
    knee_trial,
    nondominated_mask,
    weighted_sum,
)
from ridgeline.study import StudyDirection

# ---------------------------------------------------------------------------- weighted sum


def test_weighted_sum_values_and_directions() -> None:
    assert weighted_sum([1.0, 4.0], [0.5, 0.5]) == 2.5
    assert weighted_sum([1.0, 4.0], [0.5, 0.5], ["minimize", "maximize"]) == -1.5
    both = weighted_sum([1.0, 4.0], [0.5, 0.5], [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE])
    assert both == -1.5
    got = weighted_sum([[1.0, 4.0], [2.0, 2.0]], [1.0, 0.0], ("MAXIMIZE", "minimize"))
    assert isinstance(got, np.ndarray) and got.tolist() == [-1.0, -2.0]
    assert math.isnan(weighted_sum([np.nan, 1.0], [1.0, 1.0]))


def test_weighted_sum_normalizes_by_the_observed_range() -> None:
    values = [[0.0, 100.0], [1.0, 0.0], [0.5, 50.0]]
    got = weighted_sum(values, [1.0, 1.0], normalize=True)
    np.testing.assert_allclose(got, [1.0, 1.0, 1.0])
    # Maximised objectives are flipped before rescaling; a flat objective is only shifted.
    got = weighted_sum(
        [[0.0, 3.0], [1.0, 3.0]], [1.0, 1.0], ["maximize", "minimize"], normalize=True
    )
    np.testing.assert_allclose(got, [1.0, 0.0])


# ---------------------------------------------------------------------------- chebyshev


def test_chebyshev_values() -> None:
    values = [[1.0, 4.0], [3.0, 3.0]]
    assert chebyshev(values, [0.5, 0.5]).tolist() == [0.5, 1.0]  # ideal (1, 3)
    assert chebyshev([3.0, 3.0], [1.0, 2.0], ideal=[0.0, 0.0]) == 6.0
    assert chebyshev([3.0, 3.0], [1.0, 2.0], ideal=[0.0, 0.0], rho=0.5) == 9.0
    # The ideal is given in the user's units: for a maximised objective, the largest.
    got = chebyshev([[1.0, 4.0], [3.0, 3.0]], [1.0, 1.0], ["minimize", "maximize"], ideal=[0, 5])
    assert got.tolist() == [1.0, 3.0]
    got = chebyshev([[0.0, 0.0], [2.0, 10.0]], [1.0, 1.0], normalize=True, ideal=[-2.0, -10.0])
    np.testing.assert_allclose(got, [1.0, 2.0])


_points = st.integers(2, 4).flatmap(
    lambda m: arrays(float, st.tuples(st.integers(1, 25), st.just(m)), elements=st.floats(0, 1))
)


@settings(max_examples=200, deadline=None)
@given(_points, st.data())
def test_minimisers_of_scalarizations_are_pareto_optimal(
    points: np.ndarray, data: st.DataObject
) -> None:
    m = points.shape[1]
    weights = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=m, max_size=m)))
    front = nondominated_mask(points)
    # Each scalarization is monotone (a dominating point scores no worse, also in floating
    # point), so its minimisers include a non-dominated point; with positive weights, or with
    # the augmentation (Steuer & Choo 1983), every exact minimiser is one up to rounding ties.
    for s in (weighted_sum(points, weights), chebyshev(points, weights, rho=1e-3)):
        assert isinstance(s, np.ndarray)
        assert front[np.flatnonzero(s == s.min())].any()


_V = [1.0, 2.0]
_W = [1.0, 1.0]
_ERRORS = [
    (
        weighted_sum,
        (_V, [1.0]),
        {},
        r"`weights` of weighted_sum must have one value per objective \(2\); got \[1.0\]",
    ),
    (
        weighted_sum,
        (_V, [1.0, -1.0]),
        {},
        r"`weights` of weighted_sum must be non-negative and not all zero; got \[1.0, -1.0\]",
    ),
    (weighted_sum, (_V, [0.0, 0.0]), {}, r"must be non-negative and not all zero"),
    (weighted_sum, (_V, [np.nan, 1.0]), {}, r"`weights` of weighted_sum must be finite"),
    (
        weighted_sum,
        (_V, _W, ["minimize"]),
        {},
        r"`directions` of weighted_sum must have one entry per objective \(2\)",
    ),
    (
        weighted_sum,
        (_V, _W, ["minimize", "up"]),
        {},
        r"only 'minimize' or 'maximize' .* got 'up' at position 1",
    ),
    (weighted_sum, (_V, _W, "minimize"), {}, r"`directions` of weighted_sum must be a sequence"),
    (
        weighted_sum,
        (_V, _W),
        {"normalize": True},
        r"`normalize=True` of weighted_sum .* single vector",
    ),
    (
        weighted_sum,
        (_V, _W),
        {"normalize": 1},
        r"`normalize` of weighted_sum must be True or False",
    ),
    (
        weighted_sum,
        (np.ones((2, 2, 2)), _W),
        {},
        r"`values` of weighted_sum must be a vector .* shape \(2, 2, 2\)",
    ),
    (weighted_sum, ("ab", [1.0]), {}, r"`values` of weighted_sum must be a vector"),
    (chebyshev, (_V, _W), {}, r"`ideal` of chebyshev is required for a single vector"),
    (
        chebyshev,
        (_V, _W),
        {"ideal": [0.0]},
        r"`ideal` of chebyshev must have one value per objective \(2\)",
    ),
    (
        chebyshev,
        ([_V], _W),
        {"rho": -1.0},
        r"`rho` of chebyshev must be a finite number >= 0; got -1.0",
    ),
    (chebyshev, ([_V], _W), {"rho": "a"}, r"`rho` of chebyshev must be a finite number"),
]


@pytest.mark.parametrize(("func", "args", "kwargs", "match"), _ERRORS)
def test_scalarization_errors(
    func: Callable[..., object], args: tuple[object, ...], kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        func(*args, **kwargs)


# ---------------------------------------------------------------------------- knee point


def test_knee_of_a_convex_front_is_farthest_below_the_line() -> None:
    t = np.linspace(0, 1, 21)
    front = np.column_stack([t, (1 - np.sqrt(t)) ** 2])  # bulges toward the ideal at t=0.25
    assert knee_point(front) == 5
    # Units do not matter: each objective is rescaled over the front.
    assert knee_point(front * [1000.0, 0.001]) == 5


def test_knee_ignores_dominated_and_non_finite_rows() -> None:
    points = [[0.0, 1.0], [0.05, 0.05], [0.3, 0.3], [np.nan, 0.0], [1.0, 0.0], [0.2, 0.1]]
    assert knee_point(points) == 1
    assert knee_point([[0.2, 0.2], [np.inf, 0.0], [0.1, 0.1]]) == 2


def test_knee_falls_back_to_the_most_balanced_point() -> None:
    # A linear and a concave front have no knee: the point nearest the ideal in the
    # Chebyshev sense over rescaled objectives is the most balanced one.
    t = np.linspace(0, 1, 11)
    assert knee_point(np.column_stack([t, 1 - t])) == 5
    angle = np.linspace(0, np.pi / 2, 9)
    assert knee_point(np.column_stack([np.sin(angle), np.cos(angle)])) == 4
    # Three objectives whose extreme points coincide in two objectives: degenerate.
    degenerate = [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.4, 0.4, 0.4]]
    assert knee_point(degenerate) == 2


def test_knee_in_three_objectives_and_trivial_cases() -> None:
    # Individual minima A, B, C span the plane x + y + z = 2 (rescaled units are the same).
    extremes = [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    inner = [[0.5, 0.5, 0.2], [0.3, 0.3, 0.4], [0.4, 0.3, 0.3], [0.6, 0.6, 0.6]]
    assert knee_point(extremes + inner) == 4  # sum 1.0, tied with row 5: the lowest index
    assert knee_point([[3.0, 4.0]]) == 0
    assert knee_point([[3.0], [1.0], [1.0]]) == 1
    assert knee_point([[1.0, 1.0], [1.0, 1.0]]) == 0


def test_knee_point_errors() -> None:
    with pytest.raises(
        ValueError, match=r"`points` of knee_point must contain a point that is finite"
    ):
        knee_point([[np.nan, 1.0]])
    with pytest.raises(ValueError, match=r"`points` of knee_point must be a 2-D array"):
        knee_point([1.0, 2.0])


# ---------------------------------------------------------------------------- knee trial


def test_knee_trial_respects_directions_and_constraints() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize"])
    for v in ([0.0, 0.0], [0.1, 0.8], [0.5, 0.9], [1.0, 1.0], [0.5, 0.5]):
        study.add_trial(ridgeline.create_trial(values=v))
    assert knee_trial(study).number == 1
    # An infeasible trial is never the knee, even when it would be.
    infeasible = ridgeline.create_trial(values=[0.05, 0.95], system_attrs={"constraints": [1.0]})
    study.add_trial(infeasible)
    assert knee_trial(study).number == 1


def test_knee_trial_of_an_empty_study() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize"])
    with pytest.raises(ValueError, match=r"`study` of knee_trial must have a feasible COMPLETE"):
        knee_trial(study)
    with pytest.raises(TypeError, match=r"`study` of knee_trial must be a ridgeline Study"):
        knee_trial(object())  # type: ignore[arg-type]
