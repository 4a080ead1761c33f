"""The numeric cores: fANOVA on a tree's partition and PED-ANOVA's densities."""

from __future__ import annotations

import numpy as np
import pytest

from ridgeline.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from ridgeline.importance._fanova import leaf_boxes, main_effect_fractions
from ridgeline.importance._ped_anova import Grid, grid_for, parzen, pearson_divergence


def _brute_force_fractions(lo, hi, values, n=400):
    """Main-effect variance fractions of the piecewise-constant function on an n x n grid."""
    g = (np.arange(n) + 0.5) / n
    xs, ys = np.meshgrid(g, g, indexing="ij")
    f = np.zeros_like(xs)
    for a, b, v in zip(lo, hi, values, strict=True):
        f[(xs >= a[0]) & (xs < b[0]) & (ys >= a[1]) & (ys < b[1])] = v
    total = f.var()
    return np.array([f.mean(axis=1).var(), f.mean(axis=0).var()]) / total


def test_fractions_of_a_two_level_tree_match_brute_force() -> None:
    # Root splits x0 at 0.3; its right child splits x1 at 0.6: an interaction.
    left = np.array([1, -1, 3, -1, -1])
    right = np.array([2, -1, 4, -1, -1])
    feature = np.array([0, -2, 1, -2, -2])
    threshold = np.array([0.3, 0, 0.6, 0, 0])
    leaves, lo, hi = leaf_boxes(left, right, feature, threshold, 2)
    assert leaves.tolist() == [1, 3, 4]
    np.testing.assert_allclose(lo, [[0, 0], [0.3, 0], [0.3, 0.6]])
    np.testing.assert_allclose(hi, [[0.3, 1], [1, 0.6], [1, 1]])
    values = np.array([1.0, 5.0, -2.0])
    fractions, total = main_effect_fractions(lo, hi, values)
    np.testing.assert_allclose(fractions, _brute_force_fractions(lo, hi, values), atol=1e-9)
    assert fractions.sum() < 1.0  # the interaction belongs to neither parameter
    assert total > 0


def test_additive_tree_fractions_sum_to_one() -> None:
    # f = 2 [x0 > 0.5] + [x1 > 0.25]: additive, variances 1 and 3/16.
    lo = np.array([[0, 0], [0, 0.25], [0.5, 0], [0.5, 0.25]])
    hi = np.array([[0.5, 0.25], [0.5, 1], [1, 0.25], [1, 1]])
    values = np.array([0.0, 1.0, 2.0, 3.0])
    fractions, total = main_effect_fractions(lo, hi, values)
    assert total == pytest.approx(1 + 3 / 16)
    np.testing.assert_allclose(fractions, [1 / (1 + 3 / 16), (3 / 16) / (1 + 3 / 16)])


def test_constant_tree_has_no_variance() -> None:
    fractions, total = main_effect_fractions(np.zeros((1, 3)), np.ones((1, 3)), np.array([4.0]))
    assert total == 0.0 and fractions.tolist() == [0.0, 0.0, 0.0]


def test_parzen_is_a_distribution_over_the_grid() -> None:
    rng = np.random.default_rng(0)
    grid = grid_for(FloatDistribution(0, 1))
    p = parzen(rng.random(1000) * 0.5, grid)
    assert p.sum() == pytest.approx(1.0)
    assert np.all(p > 0)
    assert p[: grid.points.size // 2].sum() > 0.9  # the mass stays where the sample is


def test_grids_follow_the_parameter_kind() -> None:
    cat = grid_for(CategoricalDistribution(["a", "b", "c", "d"]))
    assert not cat.ordered and cat.points.tolist() == [0.125, 0.375, 0.625, 0.875]
    ints = grid_for(IntDistribution(0, 10, step=2))
    assert ints.ordered and ints.points.size == 6
    assert grid_for(IntDistribution(0, 10_000)).points.size == 256
    logs = grid_for(IntDistribution(1, 100, log=True))
    assert (
        logs.points.size == 100
        and logs.points[1] - logs.points[0] > logs.points[-1] - logs.points[-2]
    )


def test_categorical_density_is_counts_with_a_uniform_prior() -> None:
    grid = Grid(np.array([0.25, 0.75]), ordered=False)
    assert parzen(np.array([0.25, 0.25, 0.25]), grid).tolist() == [0.875, 0.125]


def test_pearson_divergence_grows_with_the_difference() -> None:
    q = np.full(4, 0.25)
    near = pearson_divergence(np.array([0.3, 0.2, 0.25, 0.25]), q)
    far = pearson_divergence(np.array([0.7, 0.1, 0.1, 0.1]), q)
    assert 0 < near < far
    # Sum of q (p/q - 1)^2 by hand.
    assert far == pytest.approx(4 * ((0.45) ** 2 + 3 * 0.15**2))
