"""NSGAIIISampler and NSGA-III's reference-point survival."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.samplers import NSGAIIISampler, RandomSampler
from ridgeline.samplers._nsga._reference import associate, das_dennis, normalize, nsga3_select
from ridgeline.trial import Trial

KEY = "nsga3:trial"


# ---------------------------------------------------------------------- pure parts
@pytest.mark.parametrize(("m", "p"), [(2, 4), (3, 3), (3, 12), (5, 3), (1, 3)])
def test_das_dennis_points(m: int, p: int) -> None:
    points = das_dennis(m, p)
    assert points.shape == (math.comb(m + p - 1, p), m)
    np.testing.assert_allclose(points.sum(axis=1), 1.0)
    assert np.all(points >= 0)
    if m > 1:
        np.testing.assert_allclose(points * p, np.round(points * p), atol=1e-12)
    assert len({tuple(r) for r in points.round(12)}) == len(points)


def test_normalize_by_the_hyperplane_through_the_extreme_points() -> None:
    # Extreme points (2, 0, 0) + ideal offset, (0, 4, 0), (0, 0, 1): intercepts 2, 4, 1.
    values = np.array([[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.25]])
    out = normalize(values + 10.0)
    np.testing.assert_allclose(out, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.25, 0.25]])


def test_normalize_falls_back_to_the_nadir_when_degenerate() -> None:
    # All points on a line: the extreme points coincide, no hyperplane.
    values = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]])
    out = normalize(values)
    np.testing.assert_allclose(out.max(axis=0), [1.0, 1.0, 1.0])
    # A constant objective: divided by 1, not by 0.
    flat = normalize(np.array([[0.0, 1.0], [1.0, 1.0]]))
    assert np.all(np.isfinite(flat))


def test_associate_with_the_nearest_reference_line() -> None:
    refs = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    nearest, dist = associate(np.array([[2.0, 0.1], [1.0, 1.0], [0.0, 3.0]]), refs)
    assert nearest.tolist() == [0, 1, 2]
    np.testing.assert_allclose(dist, [0.1, 0.0, 0.0], atol=1e-12)


def test_nsga3_select_spreads_the_last_front_over_the_references() -> None:
    # One front of 30 points crowded near (1, 0) and a few elsewhere on the line f1 + f2 = 1.
    rng = np.random.default_rng(0)
    crowded = rng.uniform(0.9, 1.0, size=25)
    spread = np.array([0.0, 0.25, 0.5, 0.75, 0.1])
    f1 = np.concatenate([crowded, spread])
    values = np.column_stack([f1, 1.0 - f1])
    refs = das_dennis(2, 4)
    chosen = nsga3_select(values, None, 5, refs, np.random.default_rng(0))
    assert len(chosen) == 5
    nearest, _ = associate(normalize(values), refs)
    assert len(set(nearest[chosen].tolist())) == 5  # one survivor per reference direction


def test_nsga3_select_keeps_whole_fronts_first_and_feasible_first() -> None:
    values = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 3.0], [-1.0, -1.0]])
    violations = np.array([0.0, 0.0, 0.0, 0.0, 1.0])
    chosen = nsga3_select(values, violations, 3, das_dennis(2, 3), np.random.default_rng(0))
    assert chosen.tolist() == [0, 1, 2]


# ---------------------------------------------------------------------- the sampler
def dtlz2(trial: Trial) -> tuple[float, float, float]:
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(12)])
    g = float(np.sum((x[2:] - 0.5) ** 2))
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return (
        (1 + g) * math.cos(a) * math.cos(b),
        (1 + g) * math.cos(a) * math.sin(b),
        (1 + g) * math.sin(a),
    )


def igd(points: np.ndarray, directions: np.ndarray) -> float:
    """Mean distance from the true front's points along ``directions`` (DTLZ2's front is the
    unit sphere's positive octant) to the nearest obtained point: small when the points are
    both near the front and spread over it."""
    targets = directions / np.linalg.norm(directions, axis=1, keepdims=True)
    d = np.linalg.norm(targets[:, None, :] - points[None, :, :], axis=2)
    return float(d.min(axis=1).mean())


def test_dtlz2_spreads_over_the_reference_directions_better_than_random() -> None:
    directions = das_dennis(3, 6)
    scores = {}
    for name, sampler in (
        ("nsga3", NSGAIIISampler(population_size=20, seed=0)),
        ("random", RandomSampler(seed=0)),
    ):
        study = ridgeline.create_study(directions=["minimize"] * 3, sampler=sampler)
        study.optimize(dtlz2, n_trials=400)
        front = np.array([t.values for t in study.best_trials])
        scores[name] = igd(front, directions)
        if name == "nsga3":
            assert isinstance(sampler, NSGAIIISampler)
            pool = sampler._pool(study, 20)
            values = np.array([t.values for t in pool.trials])
            nearest, _ = associate(normalize(values), das_dennis(3, 3))
            assert len(set(nearest.tolist())) >= 8  # of the 10 default reference directions
    assert scores["nsga3"] < 0.6 * scores["random"], scores


def test_generations_are_stored_and_resume_with_a_new_sampler(tmp_path: Any) -> None:
    storage = f"sqlite:///{tmp_path}/nsga3.db"

    def objective(trial: Trial) -> tuple[float, float, float]:
        x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        return x, y, 2 - x - y

    first = NSGAIIISampler(population_size=5, seed=0)
    study = ridgeline.create_study(
        study_name="s", storage=storage, directions=["minimize"] * 3, sampler=first
    )
    study.optimize(objective, n_trials=12)
    second = NSGAIIISampler(population_size=5, seed=1)
    resumed = ridgeline.load_study(study_name="s", storage=storage, sampler=second)
    resumed.optimize(objective, n_trials=8)
    generations = [t.system_attrs[KEY]["generation"] for t in resumed.trials]
    assert generations == [0] * 5 + [1] * 5 + [2] * 5 + [3] * 5
    for g in (1, 2):  # the pools the first sampler could compute before it stopped
        old = [t.number for t in first._pool(study, g).trials]
        assert old == [t.number for t in second._pool(resumed, g).trials]


def test_constraints_and_custom_reference_points() -> None:
    refs = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    sampler = NSGAIIISampler(
        population_size=8,
        reference_points=refs,
        constraints_func=lambda t: [0.5 - t.params["x"]],
        seed=0,
    )
    study = ridgeline.create_study(directions=["minimize"] * 3, sampler=sampler)

    def objective(trial: Trial) -> tuple[float, float, float]:
        x, y = trial.suggest_float("x", 0, 1), trial.suggest_float("y", 0, 1)
        return x, y, 2 - x - y

    study.optimize(objective, n_trials=48)
    feasible = [t.params["x"] >= 0.5 for t in study.trials]
    assert sum(feasible[-8:]) >= 6
    assert all(t.system_attrs["constraints"] for t in study.trials)


def test_reference_points_must_match_the_objectives() -> None:
    sampler = NSGAIIISampler(population_size=4, reference_points=np.eye(2), seed=0)
    study = ridgeline.create_study(directions=["minimize"] * 3, sampler=sampler)

    def objective(trial: Trial) -> tuple[float, float, float]:
        x = trial.suggest_float("x", 0, 1)
        return x, 1 - x, x * x

    study.optimize(objective, n_trials=4)
    with pytest.raises(ValueError, match=r"`reference_points` of NSGAIIISampler must have one "):
        study.optimize(objective, n_trials=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"reference_points": [1.0, 0.0]},
            ValueError,
            r"`reference_points` of NSGAIIISampler must be a 2-d array",
        ),
        (
            {"reference_points": [[1.0, -1.0]]},
            ValueError,
            r"`reference_points` of NSGAIIISampler must hold finite, non-negative",
        ),
        (
            {"reference_points": [[0.0, 0.0]]},
            ValueError,
            r"not all zero",
        ),
        ({"dividing_parameter": 0}, ValueError, r"`dividing_parameter` .* >= 1; got 0"),
        ({"population_size": 1}, ValueError, r"`population_size` of NSGAIIISampler"),
        ({"crossover_prob": 3}, ValueError, r"`crossover_prob` of NSGAIIISampler"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        NSGAIIISampler(**kwargs)
