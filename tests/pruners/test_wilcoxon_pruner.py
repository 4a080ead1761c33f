"""WilcoxonPruner: paired, per-instance comparison with the best trial.

The pruner contract suite (``test_pruner_contract.py``) runs it too: its per-step curves are
instances whose values a bad trial loses on, one by one.
"""

from __future__ import annotations

import copy
import itertools
import math
import pickle
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ridgeline
from ridgeline.pruners import WilcoxonPruner
from ridgeline.pruners._wilcoxon import _BestTrialCache, signed_rank_p_value
from ridgeline.samplers._constraints import CONSTRAINTS_KEY
from ridgeline.trial import TrialState

Decide = Callable[..., bool]
SETTINGS = settings(max_examples=60, deadline=None)


# ---------------------------------------------------------------------------- the test itself
def _brute_force_p(d: list[float]) -> float:
    """The share of all sign flips whose zero-split signed-rank sum is >= the observed one."""
    a = np.abs(np.asarray(d, dtype=float))
    ranks = np.array([(a < x).sum() + ((a == x).sum() + 1) / 2 for x in a])

    def w_plus(signs: tuple[float, ...]) -> float:
        s = np.array(signs) * np.sign(d)
        return float(ranks[s > 0].sum() + ranks[s == 0].sum() / 2)

    observed = w_plus((1.0,) * len(d))
    flips = list(itertools.product((1.0, -1.0), repeat=len(d)))
    return sum(w_plus(f) >= observed - 1e-9 for f in flips) / len(flips)


small_st = st.lists(st.sampled_from([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0]), max_size=9)


@SETTINGS
@given(d=small_st)
def test_p_value_is_exact_with_ties_and_zeros(d: list[float]) -> None:
    expected = _brute_force_p(d) if d else 1.0
    assert signed_rank_p_value(np.array(d)) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    d=st.one_of(
        st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=50, unique=True),
        st.lists(st.floats(-100, 100, allow_nan=False), min_size=51, max_size=150),
        st.lists(st.sampled_from([-2.0, -1.0, 0.0, 1.0, 3.0]), min_size=51, max_size=150),
    )
)
def test_p_value_matches_scipy(d: list[float]) -> None:
    """Where scipy's choice of method is ours: exact for up to 50 distinct |d| without zeros,
    the normal approximation beyond 50. (For tied samples up to 13 scipy counts all sign flips,
    as the brute force above does.)"""
    stats = pytest.importorskip("scipy.stats")
    x = np.array(d)
    tied = len(np.unique(np.abs(x))) < len(x) or not x.all()
    if tied and 13 < len(x) <= 50:
        return  # scipy: normal approximation; we stay exact
    if not x.any():
        return  # scipy warns on an all-zero sample; we answer 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = stats.wilcoxon(x, alternative="greater", zero_method="zsplit").pvalue
    assert signed_rank_p_value(x) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_p_value_known_values() -> None:
    assert signed_rank_p_value(np.array([])) == 1.0
    assert signed_rank_p_value(np.zeros(5)) == 1.0
    assert signed_rank_p_value(np.zeros(80)) == 1.0
    assert signed_rank_p_value(np.array([1.0])) == 0.5
    assert signed_rank_p_value(np.array([-1.0])) == 1.0
    assert signed_rank_p_value(np.ones(4)) == 1 / 16
    assert signed_rank_p_value(np.array([math.inf, 1.0, 2.0])) == 0.125
    assert signed_rank_p_value(np.array([-math.inf, 1.0, 2.0])) == 5 / 8
    assert signed_rank_p_value(np.ones(60)) < 1e-10


# ---------------------------------------------------------------------------- decisions
BEST = {s: 1.0 for s in range(6)}  # the best trial's value on instances 0..5


def _worse(steps: range | list[int], by: float = 1.0) -> dict[int, float]:
    return {s: BEST[s] + by * (1 + 0.1 * s) for s in steps}


def test_prunes_a_trial_worse_on_every_instance(prune_decision: Decide) -> None:
    pruner = WilcoxonPruner(p_threshold=0.1, n_startup_steps=2)
    # 3 pairs all worse: p = 1/8 (not < 0.1); 4 pairs: p = 1/16.
    assert prune_decision(pruner, [BEST], _worse(range(3))) is False
    assert prune_decision(pruner, [BEST], _worse(range(4))) is True
    assert prune_decision(pruner, [BEST], _worse(range(6), by=-1.0)) is False  # better


def test_respects_the_direction(prune_decision: Decide) -> None:
    pruner = WilcoxonPruner(p_threshold=0.1)
    higher = _worse(range(5))
    assert prune_decision(pruner, [BEST], higher, direction="minimize") is True
    assert prune_decision(pruner, [BEST], higher, direction="maximize") is False
    lower = _worse(range(5), by=-1.0)
    assert prune_decision(pruner, [BEST], lower, direction="maximize") is True


def test_instance_ids_in_any_order_and_not_contiguous(prune_decision: Decide) -> None:
    best = {7: 1.0, 3: 2.0, 100: 3.0, 42: 4.0, 9: 5.0}
    current = {s: v + 1.0 for s, v in reversed(best.items())}
    current[555] = 50.0  # an instance the best trial never saw: not a pair
    assert prune_decision(WilcoxonPruner(p_threshold=0.1), [best], current) is True
    # Only instances reported by both count towards n_startup_steps.
    assert prune_decision(WilcoxonPruner(p_threshold=0.1, n_startup_steps=5), [best], current)
    assert not prune_decision(WilcoxonPruner(p_threshold=0.1, n_startup_steps=6), [best], current)


def test_n_startup_steps_and_the_two_pair_minimum(prune_decision: Decide) -> None:
    for n_startup_steps in (0, 1, 2):
        pruner = WilcoxonPruner(p_threshold=1.0, n_startup_steps=n_startup_steps)
        assert prune_decision(pruner, [BEST], _worse([0])) is False  # one pair: never
        assert prune_decision(pruner, [BEST], _worse([0, 1])) is True  # p = 1/4 < 1
    pruner = WilcoxonPruner(p_threshold=0.5, n_startup_steps=5)
    assert prune_decision(pruner, [BEST], _worse(range(4))) is False
    assert prune_decision(pruner, [BEST], _worse(range(5))) is True


def test_p_threshold_zero_never_prunes(prune_decision: Decide) -> None:
    assert prune_decision(WilcoxonPruner(p_threshold=0.0), [BEST], _worse(range(6))) is False


def test_no_completed_trial_no_pruning(
    history_study: Callable[..., Any], start_trial: Callable[..., Any]
) -> None:
    pruner = WilcoxonPruner(p_threshold=1.0, n_startup_steps=0)
    study, record = history_study([], _worse(range(6)), pruner=pruner)
    assert pruner.prune(study, record) is False
    # A COMPLETE trial that reported nothing gives no pairs either.
    study.add_trial(ridgeline.create_trial(value=0.0))
    assert pruner.prune(study, start_trial(study, _worse(range(6)))) is False


def test_nan_report_prunes_at_once(prune_decision: Decide) -> None:
    pruner = WilcoxonPruner(n_startup_steps=10)
    assert prune_decision(pruner, [BEST], {0: 1.0, 1: math.nan}) is True
    assert prune_decision(pruner, [], {0: math.nan}) is True  # no best trial needed


def test_nan_in_the_best_trial_leaves_that_instance_out(prune_decision: Decide) -> None:
    best = {**BEST, 2: math.nan}
    pruner = WilcoxonPruner(p_threshold=0.1)
    assert prune_decision(pruner, [best], _worse([0, 1, 2, 3])) is False  # 3 usable pairs
    assert prune_decision(pruner, [best], _worse([0, 1, 2, 3, 4])) is True


def test_infinities(prune_decision: Decide) -> None:
    pruner = WilcoxonPruner(p_threshold=0.1)
    diverged = {s: math.inf for s in range(5)}
    assert prune_decision(pruner, [BEST], diverged) is True  # worst possible on each instance
    infinite_best = {s: math.inf for s in range(6)}  # equal values tie
    assert prune_decision(pruner, [infinite_best], diverged) is False
    partly = {**_worse(range(5)), 0: math.inf}
    assert prune_decision(pruner, [BEST], partly) is True


def test_ties_with_the_best_trial_are_not_evidence(prune_decision: Decide) -> None:
    pruner = WilcoxonPruner(p_threshold=0.5, n_startup_steps=0)
    same = dict(BEST)
    assert prune_decision(pruner, [BEST], same) is False
    # Two ties and three losses: only the losses' signs can flip, p = 1/8.
    mixed = {0: 1.0, 1: 1.0, 2: 1.5, 3: 1.6, 4: 1.7}
    tied = WilcoxonPruner(p_threshold=0.1, n_startup_steps=0)
    assert prune_decision(tied, [BEST], mixed) is False
    assert prune_decision(pruner, [BEST], mixed) is True


def test_mean_at_least_as_good_as_the_best_is_kept(prune_decision: Decide) -> None:
    """Worse on most instances, but its mean so far is not worse than the best trial's mean:
    returning that mean would make it the best trial, so it is kept."""
    best = {s: 0.0 for s in range(10)}
    best[9] = 100.0  # the best trial's mean is 10
    current = {s: 1.0 for s in range(9)}  # worse on 9 of 9 pairs, mean 1 < 10
    assert prune_decision(WilcoxonPruner(p_threshold=0.1), [best], current) is False
    current[9] = 91.0 + 1e-9  # now its mean is just above 10
    assert prune_decision(WilcoxonPruner(p_threshold=0.1), [best], current) is True
    current[9] = 91.0  # a mean equal to the best's is kept too
    assert prune_decision(WilcoxonPruner(p_threshold=0.1), [best], current) is False


def test_compares_with_the_best_trial_as_it_changes(
    history_study: Callable[..., Any], complete_trials: Callable[..., None]
) -> None:
    pruner = WilcoxonPruner(p_threshold=0.1)
    weak = {s: 10.0 + s for s in range(6)}
    study, record = history_study([weak], _worse(range(6)), pruner=pruner)
    assert pruner.prune(study, record) is False  # better than the only completed trial
    study.add_trial(ridgeline.create_trial(value=-1.0, intermediate_values=BEST))
    assert pruner.prune(study, record) is True  # a better trial completed: it is the reference
    # A worse trial completing later changes nothing; a tie keeps the earlier trial.
    study.add_trial(ridgeline.create_trial(value=5.0, intermediate_values=weak))
    study.add_trial(ridgeline.create_trial(value=-1.0, intermediate_values=weak))
    assert pruner.prune(study, record) is True


def test_the_best_trial_is_the_studys_best_trial(
    history_study: Callable[..., Any], start_trial: Callable[..., Any]
) -> None:
    """An infeasible trial is never the reference (as in ``study.best_trial``)."""
    pruner = WilcoxonPruner(p_threshold=0.1)
    strong = {s: -100.0 for s in range(6)}
    study, _ = history_study([], {}, pruner=pruner)
    study.add_trial(ridgeline.create_trial(value=1.0, intermediate_values=BEST))
    study.add_trial(
        ridgeline.create_trial(
            value=-5.0, intermediate_values=strong, system_attrs={CONSTRAINTS_KEY: [1.0]}
        )
    )
    assert study.best_trial.number == 1  # trial 0 is the running one
    assert pruner.prune(study, start_trial(study, _worse(range(6), by=-0.5))) is False


def test_each_completed_trial_is_looked_at_once(
    history_study: Callable[..., Any],
    complete_trials: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []
    original = _BestTrialCache._consider

    def counting(self: _BestTrialCache, trial: Any) -> None:
        seen.append(trial.number)
        original(self, trial)

    monkeypatch.setattr(_BestTrialCache, "_consider", counting)
    pruner = WilcoxonPruner()
    study, record = history_study([BEST] * 5, _worse(range(6)), pruner=pruner)
    for _ in range(10):
        assert pruner.prune(study, record) is True
    complete_trials(study, [BEST] * 3)
    for _ in range(10):
        assert pruner.prune(study, record) is True
    assert sorted(seen) == [0, 1, 2, 3, 4, 6, 7, 8]  # trial 5 is the running one


def test_several_objectives_is_an_error(start_trial: Callable[..., Any]) -> None:
    pruner = WilcoxonPruner()
    study = ridgeline.create_study(directions=["minimize", "maximize"], pruner=pruner)
    trial = study.ask()
    record = study.get_trials(states=(TrialState.RUNNING,))[0]
    with pytest.raises(ValueError, match=r"`study` of WilcoxonPruner.prune\(\) must have a "):
        pruner.prune(study, record)
    with pytest.raises(ridgeline.exceptions.RidgelineError):
        trial.should_prune()


def test_repr_pickle_and_copy(history_study: Callable[..., Any]) -> None:
    pruner = WilcoxonPruner(p_threshold=0.25, n_startup_steps=3)
    assert repr(pruner) == "WilcoxonPruner(p_threshold=0.25, n_startup_steps=3)"
    study, record = history_study([BEST], _worse(range(4)), pruner=pruner)
    assert pruner.prune(study, record) is True
    for clone in (pickle.loads(pickle.dumps(pruner)), copy.deepcopy(pruner)):
        assert repr(clone) == repr(pruner)
        assert clone.prune(study, record) is True


@pytest.mark.parametrize(
    ("kwargs", "kind", "match"),
    [
        ({"p_threshold": -0.1}, ValueError, r"`p_threshold` of WilcoxonPruner must be a number "),
        ({"p_threshold": 1.5}, ValueError, r"in \[0, 1\]; got 1.5"),
        ({"p_threshold": math.nan}, ValueError, r"`p_threshold` .* got nan"),
        ({"p_threshold": "0.1"}, TypeError, r"`p_threshold` .* got '0.1'"),
        ({"p_threshold": True}, TypeError, r"`p_threshold` .* got True"),
        ({"n_startup_steps": -1}, ValueError, r"`n_startup_steps` of WilcoxonPruner must be an "),
        ({"n_startup_steps": 1.5}, TypeError, r"`n_startup_steps` .* an int >= 0; got 1.5"),
        ({"n_startup_steps": None}, TypeError, r"`n_startup_steps` .* got None"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], kind: type[Exception], match: str) -> None:
    with pytest.raises(kind, match=match) as info:
        WilcoxonPruner(**kwargs)
    assert isinstance(info.value, ridgeline.exceptions.RidgelineError)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        WilcoxonPruner(0.1)  # type: ignore[misc]


# ---------------------------------------------------------------------------- against Optuna
def _instance_run(
    lib: Any, pruner: Any, n_instances: int, direction: str, on_prune: str, seed: int
) -> list[int]:
    """How many instances each of 20 trials evaluated: each reports its per-instance values in
    its own shuffled order until pruned, then returns the mean (or raises TrialPruned)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=n_instances)
    xs = rng.uniform(-1.5, 1.5, 20)
    noise = rng.normal(scale=0.3, size=(20, n_instances))
    sign = 1.0 if direction == "minimize" else -1.0
    study = lib.create_study(direction=direction, pruner=pruner)
    evaluated = []
    for k, x in enumerate(xs):
        trial = study.ask()
        values = []
        for i in np.random.default_rng(1000 + k).permutation(n_instances):
            values.append(sign * ((x - centres[i]) ** 2 + noise[k, i]))
            trial.report(float(values[-1]), int(i))
            if trial.should_prune():
                break
        if len(values) < n_instances and on_prune == "raise":
            study.tell(trial, state=lib.trial.TrialState.PRUNED)
        else:
            study.tell(trial, float(np.mean(values)))
        evaluated.append(len(values))
    return evaluated


@pytest.mark.parametrize(
    ("n_instances", "p_threshold", "n_startup_steps", "direction", "on_prune", "seed"),
    [
        (12, 0.1, 2, "minimize", "mean", 0),
        (30, 0.3, 0, "maximize", "raise", 2),
        (60, 0.1, 2, "minimize", "mean", 3),  # past 50 pairs: the normal approximation
        (20, 0.5, 1, "maximize", "mean", 5),
    ],
)
def test_decides_like_optuna_in_a_sequential_run(
    n_instances: int,
    p_threshold: float,
    n_startup_steps: int,
    direction: str,
    on_prune: str,
    seed: int,
) -> None:
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    args = (n_instances, direction, on_prune, seed)
    ours = _instance_run(
        ridgeline, WilcoxonPruner(p_threshold=p_threshold, n_startup_steps=n_startup_steps), *args
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "experimental", and steps the best trial lacks
        theirs = _instance_run(
            optuna,
            optuna.pruners.WilcoxonPruner(p_threshold=p_threshold, n_startup_steps=n_startup_steps),
            *args,
        )
    assert ours == theirs
    assert min(ours) < n_instances  # something was pruned
