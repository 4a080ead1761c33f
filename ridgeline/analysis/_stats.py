"""Statistics over plain arrays: ranks, correlations, two-sample tests, effect size, intervals.

Pure functions over numpy arrays, no study in sight. The test statistics are computed here;
p-values and quantiles use the t and normal distributions of ``scipy.stats`` (imported on
first use, so that ``import ridgeline`` stays light).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "bootstrap_mean_ci",
    "cohens_d",
    "holm",
    "mann_whitney_u",
    "pearson",
    "rankdata",
    "spearman",
    "t_interval",
    "welch_t_test",
]

# Past this many arrangements the exact null distribution of U is not worth its cost.
_EXACT_U_MAX = 20


def rankdata(x: npt.ArrayLike) -> np.ndarray:
    """Ranks from 1, ties sharing the average of the ranks they span.

    Example:
        >>> rankdata([10.0, 30.0, 20.0, 20.0]).tolist()
        [1.0, 4.0, 2.5, 2.5]
    """
    a = np.asarray(x, dtype=float)
    order = np.argsort(a, kind="mergesort")
    sorted_a = a[order]
    ranks = np.empty(len(a), dtype=float)
    start = 0
    while start < len(a):
        stop = start + 1
        while stop < len(a) and sorted_a[stop] == sorted_a[start]:
            stop += 1
        ranks[order[start:stop]] = (start + stop + 1) / 2.0  # mean of start+1 .. stop
        start = stop
    return ranks


def pearson(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Pearson's correlation; NaN when fewer than 2 points or either side is constant.

    Example:
        >>> round(pearson(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 7.0])), 4)
        0.9934
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < 2:
        return math.nan
    dx = x - x.mean()
    dy = y - y.mean()
    denom = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if denom == 0.0:
        return math.nan
    return float(np.clip((dx @ dy) / denom, -1.0, 1.0))


def spearman(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Spearman's rank correlation: Pearson's correlation of the (average-tie) ranks."""
    return pearson(rankdata(x), rankdata(y))


def welch_t_test(a: npt.ArrayLike, b: npt.ArrayLike) -> tuple[float, float, float]:
    """Welch's unequal-variance t-test of equal means, two-sided.

    Returns:
        ``(t, df, p)`` with ``t = (mean(a) - mean(b)) / sqrt(s_a^2/n_a + s_b^2/n_b)`` and the
        Welch-Satterthwaite degrees of freedom. When both samples are constant, ``t`` is NaN
        (equal means, p NaN) or infinite (different means, p 0).
    """
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    va = float(x.var(ddof=1)) / len(x)
    vb = float(y.var(ddof=1)) / len(y)
    diff = float(x.mean() - y.mean())
    se2 = va + vb
    if se2 == 0.0:
        if diff == 0.0:
            return math.nan, math.nan, math.nan
        return math.copysign(math.inf, diff), math.nan, 0.0
    t = diff / math.sqrt(se2)
    df = se2**2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    from scipy import stats

    p = float(2.0 * stats.t.sf(abs(t), df))
    return t, df, min(p, 1.0)


def mann_whitney_u(a: npt.ArrayLike, b: npt.ArrayLike) -> tuple[float, float]:
    """Mann-Whitney U test (Wilcoxon rank-sum), two-sided.

    ``U`` counts the pairs ``(a_i, b_j)`` with ``a_i > b_j`` (ties count 1/2). Without ties
    and with both samples of at most 20 the p-value is exact (the null distribution by
    counting arrangements); otherwise it is the normal approximation with the tie correction
    of the variance and a continuity correction of 1/2.

    Returns:
        ``(U, p)`` where ``U`` is the statistic of ``a``.
    """
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    n1, n2 = len(x), len(y)
    ranks = rankdata(np.concatenate([x, y]))
    u = float(ranks[:n1].sum() - n1 * (n1 + 1) / 2.0)
    has_ties = len(np.unique(ranks)) < n1 + n2
    if not has_ties and max(n1, n2) <= _EXACT_U_MAX:
        counts = _u_null_counts(n1, n2)
        total = counts.sum()
        k = round(u)
        cdf = counts[: k + 1].sum() / total
        sf = counts[k:].sum() / total
        return u, float(min(1.0, 2.0 * min(cdf, sf)))
    n = n1 + n2
    _, tie_sizes = np.unique(ranks, return_counts=True)
    tie_term = float((tie_sizes**3 - tie_sizes).sum()) / (n * (n - 1))
    var = n1 * n2 / 12.0 * ((n + 1) - tie_term)
    if var <= 0.0:
        return u, 1.0
    mean = n1 * n2 / 2.0
    z = (abs(u - mean) - 0.5) / math.sqrt(var)
    from scipy import stats

    return u, float(min(1.0, 2.0 * stats.norm.sf(max(z, 0.0))))


def _u_null_counts(n1: int, n2: int) -> np.ndarray:
    """How many of the C(n1+n2, n1) arrangements give each U = 0 .. n1*n2 (no ties).

    The recurrence f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u) (Mann & Whitney 1947): the
    largest of the m + n values comes from the first sample (it beats all n of the second)
    or from the second.
    """
    # table[n][u] for the current m, built up from m = 0.
    table = [np.zeros(n1 * n2 + 1) for _ in range(n2 + 1)]
    for n in range(n2 + 1):
        table[n][0] = 1.0  # m = 0: one arrangement, U = 0
    for _m in range(1, n1 + 1):
        new = [np.zeros(n1 * n2 + 1) for _ in range(n2 + 1)]
        new[0][0] = 1.0
        for n in range(1, n2 + 1):
            shifted = np.zeros(n1 * n2 + 1)
            shifted[n:] = table[n][: len(shifted) - n]
            new[n] = shifted + new[n - 1]
        table = new
    return table[n2]


def cohens_d(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Cohen's d: ``(mean(a) - mean(b)) / s_pooled``, ``s_pooled`` from the two unbiased
    (ddof=1) variances weighted by their degrees of freedom.

    0 when both samples are constant with equal means, +-inf with different means.

    Example:
        >>> round(cohens_d([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]), 4)
        -1.0
    """
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    n1, n2 = len(x), len(y)
    pooled = ((n1 - 1) * x.var(ddof=1) + (n2 - 1) * y.var(ddof=1)) / (n1 + n2 - 2)
    diff = float(x.mean() - y.mean())
    if pooled == 0.0:
        return 0.0 if diff == 0.0 else math.copysign(math.inf, diff)
    return diff / math.sqrt(float(pooled))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of p-values (family-wise error), NaN left as NaN.

    The i-th smallest of m valid p-values becomes ``max_{j<=i} min(1, (m - j + 1) p_(j))``.

    Example:
        >>> holm([0.01, 0.04, 0.03])
        [0.03, 0.06, 0.06]
    """
    p = list(p_values)
    valid = [i for i, v in enumerate(p) if not math.isnan(v)]
    m = len(valid)
    out = [math.nan] * len(p)
    running = 0.0
    for j, i in enumerate(sorted(valid, key=lambda i: p[i])):
        running = max(running, min(1.0, (m - j) * p[i]))
        out[i] = round(running, 15)
    return out


def t_interval(x: npt.ArrayLike, level: float = 0.95) -> tuple[float, float]:
    """Two-sided t-based confidence interval of the mean; NaN bounds for fewer than 2 values.

    ``mean +- t_{(1+level)/2, n-1} * s / sqrt(n)`` with ``s`` the ddof=1 standard deviation.
    """
    a = np.asarray(x, dtype=float)
    if len(a) < 2:
        return math.nan, math.nan
    from scipy import stats

    half = float(stats.t.ppf((1.0 + level) / 2.0, len(a) - 1)) * float(a.std(ddof=1))
    half /= math.sqrt(len(a))
    mean = float(a.mean())
    return mean - half, mean + half


def bootstrap_mean_ci(
    x: npt.ArrayLike, n_bootstrap: int, rng: np.random.Generator, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean: the ``(1 -+ level)/2`` quantiles of the
    means of ``n_bootstrap`` resamples drawn with replacement (Efron & Tibshirani 1993, 13.3).
    """
    a = np.asarray(x, dtype=float)
    idx = rng.integers(0, len(a), size=(n_bootstrap, len(a)))
    means = a[idx].mean(axis=1)
    lo, hi = np.quantile(means, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    return float(lo), float(hi)
