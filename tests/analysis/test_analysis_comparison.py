from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import ridgeline
from ridgeline.analysis import AnalysisError, compare_optimizers, run_comparison
from ridgeline.trial import Trial

RESULTS = {
    "tpe": [0.12, 0.10, 0.15, 0.09, 0.11],
    "random": [0.31, 0.22, 0.40, 0.28, 0.35],
    "grid": [0.25, 0.10, 0.33, 0.30, 0.29],
}


def test_pairwise_statistics_match_scipy_and_holm() -> None:
    result = compare_optimizers(RESULTS, seed=0)
    assert [s.name for s in result.summaries] == ["tpe", "grid", "random"]
    assert len(result.pairwise) == 3
    raw = []
    for p in result.pairwise:
        a, b = RESULTS[p.a], RESULTS[p.b]
        welch = stats.ttest_ind(a, b, equal_var=False)
        mwu = stats.mannwhitneyu(a, b, alternative="two-sided")
        assert p.welch_t == pytest.approx(welch.statistic)
        assert p.welch_p == pytest.approx(welch.pvalue)
        assert p.mann_whitney_u == mwu.statistic
        assert p.mann_whitney_p == pytest.approx(mwu.pvalue)
        pooled = math.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2)  # equal n
        assert p.cohens_d == pytest.approx((np.mean(a) - np.mean(b)) / pooled)
        raw.append(p.welch_p)
    order = np.argsort(raw)
    expected = np.maximum.accumulate([min(1, (3 - j) * raw[i]) for j, i in enumerate(order)])
    got = [result.pairwise[i].welch_p_holm for i in order]
    assert got == pytest.approx(list(expected))
    tpe_random = next(p for p in result.pairwise if {p.a, p.b} == {"tpe", "random"})
    assert tpe_random.significant and tpe_random.better == "tpe"


def test_summaries_and_paired_mean_ranks() -> None:
    result = compare_optimizers(RESULTS, seed=0)
    assert result.paired
    # run 1: tpe 0.10 ties grid 0.10 -> 1.5 each
    assert result["tpe"].mean_rank == pytest.approx((1 + 1.5 + 1 + 1 + 1) / 5)
    assert result["grid"].mean_rank == pytest.approx((2 + 1.5 + 2 + 3 + 2) / 5)
    assert result["random"].mean_rank == pytest.approx((3 + 3 + 3 + 2 + 3) / 5)
    s = result["random"]
    assert s.mean == pytest.approx(np.mean(RESULTS["random"]))
    assert s.std == pytest.approx(np.std(RESULTS["random"], ddof=1))
    assert s.median == pytest.approx(0.31)
    assert s.ci_low < s.mean < s.ci_high
    assert compare_optimizers(RESULTS, seed=0) == result  # seeded bootstrap


def test_maximize_and_unpaired() -> None:
    result = compare_optimizers({"a": [1.0, 2.0, 3.0], "b": [5.0, 6.0, 7.0, 8.0]}, "maximize")
    assert not result.paired and result.summaries[0].name == "b"
    assert result.summaries[0].mean_rank is None
    assert result.pairwise[0].a == "b" and result.pairwise[0].mean_difference > 0
    with pytest.raises(AnalysisError, match="`paired=True` of .* same number of runs"):
        compare_optimizers({"a": [1.0, 2.0, 3.0], "b": [5.0, 6.0]}, paired=True)


def test_markdown_table() -> None:
    text = compare_optimizers(RESULTS).to_markdown()
    print(text)
    assert "| 1 | tpe | 5 |" in text
    assert "tpe vs random" in text and "tpe better" in text
    assert "Holm" in text


def _quadratic(trial: Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", -5.0, 5.0)
    return (x - 1.0) ** 2 + (y + 2.0) ** 2


def test_run_comparison_end_to_end() -> None:
    samplers = {
        "random": lambda seed: ridgeline.samplers.RandomSampler(seed=seed),
        "tpe": lambda seed: ridgeline.samplers.TPESampler(seed=seed),
    }
    result = run_comparison(_quadratic, samplers, n_trials=30, seeds=range(5))
    print(result.to_markdown())
    assert {s.name for s in result.summaries} == {"random", "tpe"}
    assert all(s.n_runs == 5 and s.mean_rank is not None for s in result.summaries)
    assert result.paired and len(result.pairwise) == 1
    # Same seeds, same numbers: the runs are reproducible.
    again = run_comparison(_quadratic, samplers, n_trials=30, seeds=range(5))
    assert again.summaries == result.summaries


def test_bad_input() -> None:
    with pytest.raises(AnalysisError, match="at least two optimizers"):
        compare_optimizers({"a": [1.0, 2.0]})
    with pytest.raises(AnalysisError, match=r"`results\['b'\]` of .* two or more finite"):
        compare_optimizers({"a": [1.0, 2.0], "b": [1.0]})
    with pytest.raises(AnalysisError, match=r"`results\['b'\]`"):
        compare_optimizers({"a": [1.0, 2.0], "b": [1.0, math.nan]})
    with pytest.raises(TypeError, match="`results` of .* must be a dict"):
        compare_optimizers([[1.0, 2.0]])  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="`direction` of .* got 'best'"):
        compare_optimizers(RESULTS, direction="best")
    with pytest.raises(AnalysisError, match=r"`alpha` of .* in \(0, 1\); got 5"):
        compare_optimizers(RESULTS, alpha=5)
    with pytest.raises(AnalysisError, match="`n_bootstrap` of .* >= 100; got 10"):
        compare_optimizers(RESULTS, n_bootstrap=10)
    with pytest.raises(AnalysisError, match="`samplers` of .* two or more"):
        run_comparison(_quadratic, {"r": ridgeline.samplers.RandomSampler}, 5, [0, 1])
    with pytest.raises(TypeError, match=r"`samplers\['t'\]` of .* callable seed -> sampler"):
        run_comparison(
            _quadratic,
            {"r": ridgeline.samplers.RandomSampler, "t": ridgeline.samplers.TPESampler()},  # type: ignore[dict-item]
            5,
            [0, 1],
        )
    with pytest.raises(AnalysisError, match="`seeds` of .* two or more ints"):
        run_comparison(_quadratic, {"a": lambda s: None, "b": lambda s: None}, 5, [0])  # type: ignore[arg-type,return-value]


def test_run_without_complete_trial_is_an_error() -> None:
    def failing(trial: Trial) -> float:
        trial.suggest_float("x", 0, 1)
        raise ValueError("broken")

    def catching(seed: int) -> ridgeline.samplers.BaseSampler:
        return ridgeline.samplers.RandomSampler(seed=seed)

    with pytest.raises(ValueError, match="broken"):
        run_comparison(failing, {"a": catching, "b": catching}, n_trials=2, seeds=[0, 1])
    with pytest.raises(AnalysisError, match="the run of 'a' with seed 0 has no COMPLETE trial"):
        run_comparison(lambda t: math.nan, {"a": catching, "b": catching}, 2, [0, 1])
