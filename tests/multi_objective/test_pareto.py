"""Non-dominated sorting against a brute-force definition."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ridgeline.multi_objective import nondominated_mask, nondominated_ranks


def _brute_ranks(points: np.ndarray) -> np.ndarray:
    """Peel fronts by the definition of dominance (NaN is worse than any number)."""
    p = np.where(np.isnan(points), np.inf, points)
    n = len(p)
    ranks = np.full(n, -1)
    rank = 0
    while (ranks < 0).any():
        left = np.flatnonzero(ranks < 0)
        front = [
            i
            for i in left
            if not any(np.all(p[j] <= p[i]) and np.any(p[j] < p[i]) for j in left if j != i)
        ]
        ranks[front] = rank
        rank += 1
    return ranks


# Few distinct values, so that ties and duplicates are common.
_values = st.sampled_from([0.0, 1.0, 2.0, 3.0, -1.5, np.inf, np.nan])


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda m: arrays(float, st.tuples(st.integers(0, 40), st.just(m)), elements=_values)
    )
)
def test_ranks_match_brute_force(points: np.ndarray) -> None:
    expected = _brute_ranks(points)
    assert nondominated_ranks(points).tolist() == expected.tolist()
    assert nondominated_mask(points).tolist() == (expected == 0).tolist()


@pytest.mark.parametrize("m", [2, 3])
def test_mask_is_the_first_front_on_continuous_points(m: int) -> None:
    rng = np.random.default_rng(10 + m)
    points = rng.random((2000, m))
    points[::5] = points[1::5][: len(points[::5])]
    assert nondominated_mask(points).tolist() == (nondominated_ranks(points) == 0).tolist()


@pytest.mark.parametrize("m", [2, 3, 4])
def test_ranks_match_brute_force_on_continuous_points_across_blocks(m: int) -> None:
    rng = np.random.default_rng(m)
    points = rng.random((600, m))  # more than one block of rows in m >= 3
    points[::7] = points[1::7][: len(points[::7])]  # some exact duplicates
    assert nondominated_ranks(points).tolist() == _brute_ranks(points).tolist()


def test_duplicates_share_a_front_and_do_not_dominate_each_other() -> None:
    points = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0], [0.0, 3.0]])
    assert nondominated_ranks(points).tolist() == [0, 0, 1, 0]


def test_a_one_dimensional_or_empty_input_gets_a_clear_error_or_an_empty_answer() -> None:
    with pytest.raises(ValueError, match="2-D array"):
        nondominated_ranks(np.array([1.0, 2.0]))
    assert nondominated_ranks(np.zeros((0, 3))).tolist() == []
