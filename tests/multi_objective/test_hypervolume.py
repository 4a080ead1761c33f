"""Hypervolume, contributions, reference points and a study's hypervolume history, checked
against definitions computed by brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ridgeline
from ridgeline.multi_objective import (
    hypervolume,
    hypervolume_contributions,
    hypervolume_history,
    nondominated_mask,
    reference_point,
)
from ridgeline.multi_objective._history import IncrementalHypervolume
from ridgeline.multi_objective._hv_exact import _wfg

# ---------------------------------------------------------------------------- brute force


def _grid_count(points: np.ndarray, ref: np.ndarray) -> int:
    """Unit cells of the integer grid [0, ref) that some point dominates (integer points)."""
    cells = np.array(list(itertools.product(*(range(int(r)) for r in ref))), dtype=float)
    if len(points) == 0 or len(cells) == 0:
        return 0
    with np.errstate(invalid="ignore"):
        covered = np.all(points[None, :, :] <= cells[:, None, :], axis=2).any(axis=1)
    return int(covered.sum())


def _inclusion_exclusion(points: np.ndarray, ref: np.ndarray) -> float:
    """The union of the boxes [p, ref] by inclusion-exclusion over every subset."""
    inside = [p for p in points if np.all(p < ref)]
    total = 0.0
    for k in range(1, len(inside) + 1):
        for subset in itertools.combinations(inside, k):
            corner = np.max(subset, axis=0)
            total += (-1) ** (k + 1) * float(np.prod(np.clip(ref - corner, 0, None)))
    return total


# Small integers (many ties and duplicates), plus NaN and inf.
_cell = st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, np.nan, np.inf])


@st.composite
def _integer_case(
    draw: st.DrawFn, max_m: int = 5, max_n: int = 14
) -> tuple[np.ndarray, np.ndarray]:
    m = draw(st.integers(1, max_m))
    n = draw(st.integers(0, max_n))
    points = draw(arrays(float, (n, m), elements=_cell))
    ref = np.array(draw(st.lists(st.integers(1, 4), min_size=m, max_size=m)), dtype=float)
    return points, ref


@settings(max_examples=200, deadline=None)
@given(_integer_case())
def test_hypervolume_counts_grid_cells(case: tuple[np.ndarray, np.ndarray]) -> None:
    points, ref = case
    assert hypervolume(points, ref) == _grid_count(points, ref)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda m: st.tuples(
            arrays(float, st.tuples(st.integers(1, 6), st.just(m)), elements=st.floats(0, 1)),
            st.just(m),
        )
    )
)
def test_hypervolume_matches_inclusion_exclusion(case: tuple[np.ndarray, int]) -> None:
    points, m = case
    ref = np.full(m, 1.0)
    assert hypervolume(points, ref) == pytest.approx(_inclusion_exclusion(points, ref), abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(_integer_case())
def test_contributions_are_leave_one_out_differences(case: tuple[np.ndarray, np.ndarray]) -> None:
    points, ref = case
    total = hypervolume(points, ref)
    expected = [total - hypervolume(np.delete(points, i, axis=0), ref) for i in range(len(points))]
    assert hypervolume_contributions(points, ref).tolist() == expected


@pytest.mark.parametrize("m", [2, 3, 4, 5])
def test_contributions_on_continuous_points_with_dominated_ones(m: int) -> None:
    rng = np.random.default_rng(m)
    points = rng.random((40 if m < 5 else 20, m))
    ref = np.full(m, 1.1)
    total = hypervolume(points, ref)
    expected = [total - hypervolume(np.delete(points, i, axis=0), ref) for i in range(len(points))]
    got = hypervolume_contributions(points, ref)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-13)
    assert np.all(got[~nondominated_mask(points)] == 0)


def test_duplicates_contribute_nothing_and_hide_nothing() -> None:
    points = np.array([[1.0, 3.0], [2.0, 2.0], [2.0, 2.0], [3.0, 1.0], [2.5, 2.5]])
    got = hypervolume_contributions(points, [4.0, 4.0])
    assert got.tolist() == [1.0, 0.0, 0.0, 1.0, 0.0]
    assert hypervolume(points, [4.0, 4.0]) == hypervolume(points[[0, 1, 3]], [4.0, 4.0]) == 6.0


# ---------------------------------------------------------------------------- invariances


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda m: arrays(float, st.tuples(st.integers(1, 20), st.just(m)), elements=st.floats(0, 1))
    ),
)
def test_invariant_to_order_and_to_dominated_points(points: np.ndarray) -> None:
    m = points.shape[1]
    ref = np.full(m, 1.5)
    total = hypervolume(points, ref)
    perm = np.random.default_rng(len(points)).permutation(len(points))
    assert hypervolume(points[perm], ref) == pytest.approx(total, rel=1e-12, abs=1e-15)
    worse = points[0] + np.linspace(0.0, 0.3, m)  # dominated by (or equal to) points[0]
    assert hypervolume(np.vstack([points, worse]), ref) == pytest.approx(total, rel=1e-12)
    np.testing.assert_allclose(
        hypervolume_contributions(points[perm], ref),
        hypervolume_contributions(points, ref)[perm],
        rtol=1e-9,
        atol=1e-14,
    )


@pytest.mark.parametrize("shape", ["cloud", "sphere", "duplicates"])
def test_three_objective_sweep_agrees_with_wfg_on_large_sets(shape: str) -> None:
    # Above 64 points the sweep first drops points that a few good ones dominate.
    rng = np.random.default_rng(7)
    if shape == "cloud":
        points = rng.random((600, 3))
    elif shape == "sphere":
        x = np.abs(rng.normal(size=(600, 3)))
        points = x / np.linalg.norm(x, axis=1, keepdims=True) * (1 + 0.05 * rng.random((600, 1)))
    else:
        points = rng.integers(0, 6, (600, 3)).astype(float)
    ref = np.full(3, 7.0 if shape == "duplicates" else 1.2)
    assert hypervolume(points, ref) == pytest.approx(_wfg(points, ref), rel=1e-12)


@pytest.mark.parametrize("m", [2, 3, 4, 5])
def test_agrees_with_optuna_on_random_fronts(m: int) -> None:
    hv_module = pytest.importorskip("optuna._hypervolume")
    rng = np.random.default_rng(100 + m)
    for n in (1, 5, 50, 200 if m < 5 else 30):
        x = np.abs(rng.normal(size=(n, m)))
        front = x / np.linalg.norm(x, axis=1, keepdims=True)
        cloud = rng.random((n, m))
        for points in (front, cloud, np.vstack([front, cloud])):
            ref = np.full(m, 1.1)
            expected = hv_module.compute_hypervolume(points, ref)
            assert hypervolume(points, ref) == pytest.approx(expected, rel=1e-10)


# ---------------------------------------------------------------------------- edge cases


def test_simple_values_and_edge_cases() -> None:
    assert hypervolume([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]], [4.0, 4.0]) == 6.0
    assert hypervolume([[2.0]], [5.0]) == 3.0
    assert hypervolume([], [1.0, 1.0]) == 0.0
    assert hypervolume(np.empty((0, 3)), [1.0, 1.0, 1.0]) == 0.0
    # Not strictly better than the reference in every objective: nothing.
    assert hypervolume([[1.0, 4.0], [4.0, 1.0]], [4.0, 4.0]) == 0.0
    # NaN rows dominate nothing; inf rows neither.
    assert hypervolume([[np.nan, 0.0], [1.0, 1.0], [np.inf, 0.0]], [2.0, 2.0]) == 1.0
    assert hypervolume([[-np.inf, 1.0]], [2.0, 2.0]) == math.inf
    assert hypervolume([[-np.inf, 3.0]], [2.0, 2.0]) == 0.0


def test_contributions_edge_cases() -> None:
    assert hypervolume_contributions([], [1.0, 1.0]).shape == (0,)
    got = hypervolume_contributions([[np.nan, 0.0], [1.0, 1.0], [3.0, 0.0]], [2.0, 2.0])
    assert got.tolist() == [0.0, 1.0, 0.0]
    # In one objective, removing the best exposes the second best.
    assert hypervolume_contributions([[1.0], [2.0], [0.5]], [3.0]).tolist() == [0.0, 0.0, 0.5]


def test_reference_point_is_nadir_plus_margin_of_the_front() -> None:
    points = [[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [9.0, 9.0], [np.nan, 0.0]]
    np.testing.assert_allclose(reference_point(points), [3.2, 3.2])
    np.testing.assert_allclose(reference_point(points, margin=0.0), [3.0, 3.0])
    np.testing.assert_allclose(reference_point(points, margin=1), [5.0, 5.0])
    # Flat objective or one point: margin times max(|worst|, 1).
    np.testing.assert_allclose(reference_point([[5.0, -0.5]]), [5.5, -0.4])
    ref = reference_point([[1.0, 3.0], [2.0, 2.0]])
    assert hypervolume_contributions([[1.0, 3.0], [2.0, 2.0]], ref).min() > 0


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("points", "ref", "match"),
    [
        ([[1.0, 2.0]], [3.0],
         r"`reference_point` of hypervolume must have one value per objective \(2,"),
        ([[1.0, 2.0]], [3.0, np.inf], r"`reference_point` of hypervolume must be finite"),
        ([[1.0, 2.0]], [3.0, np.nan], r"must be finite in every objective; got \[3.0, nan\]"),
        ([[1.0, 2.0]], [[3.0, 3.0]], r"must be a 1-D sequence"),
        ([1.0, 2.0], [3.0, 3.0],
         r"`points` of hypervolume must be a 2-D array .* shape \(2,\)\. For a single point"),
        ([[[1.0]]], [3.0], r"`points` of hypervolume must be a 2-D array"),
        ([["a", "b"]], [3.0, 3.0], r"`points` of hypervolume must be a 2-D array .* of numbers"),
        ([[1.0, 2.0]], "far", r"`reference_point` of hypervolume must be a sequence"),
    ],
)  # fmt: skip
def test_hypervolume_errors(points: object, ref: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        hypervolume(points, ref)
    with pytest.raises(ValueError, match=match.replace("hypervolume", "hypervolume_contributions")):
        hypervolume_contributions(points, ref)


def test_errors_are_ridgeline_errors_and_type_errors_where_fitting() -> None:
    with pytest.raises(ridgeline.exceptions.RidgelineError):
        hypervolume([[1.0]], [1.0, 2.0])
    with pytest.raises(TypeError, match="of numbers"):
        hypervolume([[object()]], [1.0])


def test_contributions_reject_minus_infinity() -> None:
    with pytest.raises(ValueError, match=r"must not contain -inf .* at row 1"):
        hypervolume_contributions([[1.0, 1.0], [-np.inf, 1.0]], [2.0, 2.0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"margin": -0.1}, r"`margin` of reference_point must be a finite number >= 0; got -0.1"),
        ({"margin": math.nan}, r"`margin` of reference_point must be a finite number >= 0"),
        ({"margin": True}, r"`margin` of reference_point must be a finite number >= 0; got True"),
    ],
)
def test_reference_point_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        reference_point([[1.0, 2.0]], **kwargs)  # type: ignore[arg-type]


def test_reference_point_needs_a_finite_point() -> None:
    with pytest.raises(ValueError, match=r"must contain a point that is finite .* explicit"):
        reference_point([[np.nan, 1.0], [np.inf, 0.0]])


# ---------------------------------------------------------------------------- history


@settings(max_examples=150, deadline=None)
@given(_integer_case(max_m=4, max_n=20))
def test_incremental_hypervolume_matches_prefixes(case: tuple[np.ndarray, np.ndarray]) -> None:
    points, ref = case
    tracker = IncrementalHypervolume(ref)
    for k in range(len(points)):
        assert tracker.add(points[k]) == _grid_count(points[: k + 1], ref)


@pytest.mark.parametrize("m", [3, 4])
def test_incremental_hypervolume_on_continuous_points(m: int) -> None:
    rng = np.random.default_rng(m)
    x = np.abs(rng.normal(size=(300, m)))
    points = x / np.linalg.norm(x, axis=1, keepdims=True) * (1 + 0.1 * rng.random((300, 1)))
    ref = np.full(m, 1.2)
    tracker = IncrementalHypervolume(ref)
    for k, p in enumerate(points):
        value = tracker.add(p)
        if k % 60 == 59:
            assert value == pytest.approx(hypervolume(points[: k + 1], ref), rel=1e-10)


def _objective(trial: ridgeline.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    return x, (1 - x) * (1 + y)


def test_history_of_an_optimized_study() -> None:
    sampler = ridgeline.samplers.RandomSampler(seed=0)
    study = ridgeline.create_study(directions=["minimize", "maximize"], sampler=sampler)
    study.optimize(_objective, n_trials=30)
    history = hypervolume_history(study)
    assert history.trial_numbers.tolist() == list(range(30))
    assert np.all(np.diff(history.values) >= 0) and history.values[0] > 0
    ref = history.reference_point
    assert ref is not None
    values = np.array([t.values for t in study.trials])
    # In the study's units: above every first value, below every second one.
    assert ref[0] > values[:, 0].max() and ref[1] < values[:, 1].min()
    front = np.array([t.values for t in study.best_trials]) * [1.0, -1.0]
    expected = hypervolume(front, ref * [1.0, -1.0])
    assert history.values[-1] == pytest.approx(expected, rel=1e-12)
    given_ref = hypervolume_history(study, reference_point=[1.0, 0.0])
    np.testing.assert_array_equal(given_ref.reference_point, [1.0, 0.0])
    assert given_ref.values[-1] == pytest.approx(hypervolume(front, [1.0, 0.0]), rel=1e-12)


def test_history_skips_infeasible_and_unfinished_trials() -> None:
    study = ridgeline.create_study(directions=["minimize", "minimize"])
    add = study.add_trial
    add(ridgeline.create_trial(values=[1.0, 1.0]))
    add(ridgeline.create_trial(values=[0.0, 0.0], system_attrs={"constraints": [0.5, -1.0]}))
    add(ridgeline.create_trial(state=ridgeline.TrialState.FAIL))
    add(ridgeline.create_trial(values=[0.5, 1.5], system_attrs={"constraints": [0.0]}))
    history = hypervolume_history(study, reference_point=[2.0, 2.0])
    assert history.trial_numbers.tolist() == [0, 1, 3]
    assert history.values.tolist() == [1.0, 1.0, 1.25]
    # The inferred reference point ignores the infeasible trial.
    np.testing.assert_allclose(hypervolume_history(study).reference_point, [1.05, 1.55])


def test_history_of_an_empty_study_and_bad_arguments() -> None:
    study = ridgeline.create_study(directions=["minimize", "maximize", "minimize"])
    history = hypervolume_history(study)
    assert history.values.shape == (0,) and history.reference_point is None
    with pytest.raises(
        ValueError,
        match=r"`reference_point` of hypervolume_history must have one value per objective \(3\)",
    ):
        hypervolume_history(study, reference_point=[1.0, 2.0])
    with pytest.raises(
        TypeError, match=r"`study` of hypervolume_history must be a ridgeline Study; got list"
    ):
        hypervolume_history([], reference_point=[1.0])  # type: ignore[arg-type]
