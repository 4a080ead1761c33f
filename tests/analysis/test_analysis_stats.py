"""The statistics core against scipy on known samples."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ridgeline.analysis._stats import (
    bootstrap_mean_ci,
    cohens_d,
    holm,
    mann_whitney_u,
    pearson,
    rankdata,
    spearman,
    t_interval,
    welch_t_test,
)

A = [0.82, 1.13, 0.95, 1.41, 0.77, 1.02, 1.25]
B = [1.35, 1.62, 1.18, 1.90, 1.44]
TIED_A = [1, 2, 2, 3, 5, 5, 8]
TIED_B = [2, 3, 3, 4, 6, 7, 9, 9]


def _samples() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(7)
    out = [(np.array(A), np.array(B))]
    for n1, n2 in [(5, 5), (4, 9), (12, 15), (30, 25)]:
        out.append((rng.normal(0.0, 1.0, n1), rng.normal(0.6, 2.0, n2)))
    return out


@pytest.mark.parametrize("a,b", _samples())
def test_welch_matches_scipy(a: np.ndarray, b: np.ndarray) -> None:
    t, df, p = welch_t_test(a, b)
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert t == pytest.approx(ref.statistic, rel=1e-12)
    assert df == pytest.approx(ref.df, rel=1e-12)
    assert p == pytest.approx(ref.pvalue, rel=1e-10)


@pytest.mark.parametrize("a,b", _samples())
def test_mann_whitney_matches_scipy(a: np.ndarray, b: np.ndarray) -> None:
    u, p = mann_whitney_u(a, b)
    method = "exact" if max(len(a), len(b)) <= 20 else "asymptotic"
    ref = stats.mannwhitneyu(a, b, alternative="two-sided", method=method)
    assert u == ref.statistic
    assert p == pytest.approx(ref.pvalue, rel=1e-10)


def test_mann_whitney_with_ties_matches_scipy_asymptotic() -> None:
    u, p = mann_whitney_u(TIED_A, TIED_B)
    ref = stats.mannwhitneyu(TIED_A, TIED_B, alternative="two-sided", method="asymptotic")
    assert u == ref.statistic
    assert p == pytest.approx(ref.pvalue, rel=1e-10)


def test_mann_whitney_completely_separated_samples() -> None:
    u, p = mann_whitney_u([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
    assert u == 0.0
    assert p == pytest.approx(2 / math.comb(10, 5))


def test_cohens_d_by_hand() -> None:
    a, b = np.array(A), np.array(B)
    pooled = ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    assert cohens_d(a, b) == pytest.approx((a.mean() - b.mean()) / math.sqrt(pooled))
    assert cohens_d([1.0, 1.0], [1.0, 1.0]) == 0.0
    assert cohens_d([2.0, 2.0], [1.0, 1.0]) == math.inf


def test_constant_samples_in_welch() -> None:
    assert all(math.isnan(v) for v in welch_t_test([1.0, 1.0], [1.0, 1.0]))
    t, _, p = welch_t_test([1.0, 1.0], [2.0, 2.0])
    assert t == -math.inf and p == 0.0


def test_correlations_match_scipy() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    y = x**3 + rng.normal(scale=0.5, size=40)
    y[:5] = y[5]  # ties
    assert pearson(x, y) == pytest.approx(stats.pearsonr(x, y).statistic, rel=1e-12)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, rel=1e-12)
    assert math.isnan(pearson(x, np.ones(40)))


def test_rankdata_matches_scipy() -> None:
    x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0]
    np.testing.assert_allclose(rankdata(x), stats.rankdata(x))


def test_holm_matches_hand_computation() -> None:
    # sorted: 0.005*4=0.02, 0.011*3=0.033, 0.02*2=0.04, 0.3*1=0.3
    assert holm([0.02, 0.3, 0.005, 0.011]) == pytest.approx([0.04, 0.3, 0.02, 0.033])
    assert holm([0.5, 0.6]) == [1.0, 1.0]
    out = holm([0.01, math.nan])
    assert out[0] == 0.01 and math.isnan(out[1])


def test_t_interval_matches_scipy() -> None:
    lo, hi = t_interval(A, 0.95)
    ref = stats.t.interval(0.95, len(A) - 1, loc=np.mean(A), scale=stats.sem(A))
    assert (lo, hi) == pytest.approx(ref, rel=1e-12)
    assert all(math.isnan(v) for v in t_interval([1.0]))


def test_bootstrap_interval_covers_mean_and_matches_scipy_roughly() -> None:
    lo, hi = bootstrap_mean_ci(A, 5000, np.random.default_rng(0), 0.95)
    assert lo < np.mean(A) < hi
    ref = stats.bootstrap(
        (np.array(A),), np.mean, n_resamples=5000, method="percentile",
        random_state=np.random.default_rng(1),
    ).confidence_interval  # fmt: skip
    assert lo == pytest.approx(ref.low, abs=0.03)
    assert hi == pytest.approx(ref.high, abs=0.03)
