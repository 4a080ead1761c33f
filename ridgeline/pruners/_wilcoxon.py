"""Wilcoxon pruning: stop a trial that is, instance by instance, worse than the best trial."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._cache import StudyCaches
from ridgeline.pruners._checks import PrunerArgumentError, PrunerTypeError, check_int
from ridgeline.samplers._constraints import is_feasible
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["WilcoxonPruner"]

_COMPLETE = (TrialState.COMPLETE,)
# Up to this many pairs the p-value comes from the exact null distribution; beyond, from the
# normal approximation (the same switch point as scipy.stats.wilcoxon).
_EXACT_MAX_PAIRS = 50


class WilcoxonPruner(BasePruner):
    """Prune a trial that a Wilcoxon signed-rank test finds worse than the best trial.

    For objectives that are a mean (or median) over many instances: cross-validation folds,
    benchmark problems, questions for a language model. The objective reports each instance's
    value with ``step`` set to the instance's id (``trial.report(value, instance_id)``), in any
    order; the ids need not be contiguous, but the same instance must get the same id in every
    trial, since values are paired by id.

    At each check, the trial's values are paired with those of the study's best trial (as
    ``study.best_trial``: COMPLETE, feasible) on the instance ids both reported, and a one-sided
    Wilcoxon signed-rank test (Wilcoxon 1945) asks whether the trial is worse (higher when
    minimising, lower when maximising). The trial is pruned when that p-value is below
    ``p_threshold``. Zero differences (ties with the best trial) are kept, half their rank
    counted each way ("zero-split"); with up to 50 pairs the p-value is exact given the ties
    (all sign flips counted), beyond that it comes from the normal approximation with the tie
    correction.

    A trial is never pruned when no trial has completed (or none is feasible), when fewer than
    ``max(n_startup_steps, 2)`` instance ids are shared with the best trial (one pair is never
    evidence), or when the mean of the trial's values so far is at least as good as the mean of
    the best trial's values (NaNs left out): pruning it and returning that mean (as recommended
    below) would make it the new best trial, contradicting the test. A trial that reported NaN
    for any instance is pruned at once, as its mean can only be NaN. An instance the best trial
    reported as NaN is left out of the pairs. Infinite values are ordinary (extreme) values: the
    test only uses the signs and the ranks of the differences.

    The best trial is cached per study and refreshed only from trials that completed since the
    last check, so a check does not scan the study's history. The cache is per process and
    safe to share between threads (``n_jobs``).

    Recommended usage: when ``trial.should_prune()`` is True, return the mean over the
    instances evaluated so far (the trial then completes with that estimate, and the sampler
    learns from it), or raise ``ridgeline.TrialPruned()`` to record the trial as PRUNED.
    Shuffle the instances in each trial, so that no trial is judged only on the easy ones.

    It decides as Optuna's ``WilcoxonPruner`` does on finite values (tested in sequential runs),
    except that Optuna never prunes when either trial has a NaN or infinite value, and that for
    tied differences with 14 to 50 pairs it uses scipy's normal approximation.

    Note:
        The test is repeated as instances come in, so the chance of pruning a trial that is not
        worse is higher than ``p_threshold``. For a nominal false-pruning rate over the whole
        trial, use a Pocock-corrected threshold (smaller than the nominal one).

    Args:
        p_threshold: Prune when the p-value that the trial is worse than the best trial is
            below this, in [0, 1]. Larger values prune more aggressively; 0 never prunes.
        n_startup_steps: No pruning until the trial shares this many instance ids with the
            best trial (at least 2 are always needed).

    Raises:
        ValueError: If ``p_threshold`` is not in [0, 1] or ``n_startup_steps`` is not an int
            >= 0 (also a ``TypeError`` for a value of the wrong type); from :meth:`prune`, if
            the study has several objectives.

    Example:
        >>> import random
        >>> import ridgeline
        >>> instances = [i / 10 for i in range(-10, 11)]
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", -1.0, 1.0)
        ...     order = list(range(len(instances)))
        ...     random.Random(trial.number).shuffle(order)  # a new order in each trial
        ...     losses = []
        ...     for i in order:
        ...         losses.append((x - instances[i]) ** 2)
        ...         trial.report(losses[-1], step=i)  # the step is the instance's id
        ...         if trial.should_prune():
        ...             break  # return the mean of the instances evaluated so far
        ...     trial.set_user_attr("n_evaluated", len(losses))
        ...     return sum(losses) / len(losses)
        >>> study = ridgeline.create_study(
        ...     sampler=ridgeline.samplers.RandomSampler(seed=0),
        ...     pruner=WilcoxonPruner(p_threshold=0.1),
        ... )
        >>> study.optimize(objective, n_trials=20)
        >>> min(t.user_attrs["n_evaluated"] for t in study.trials) < len(instances)
        True
    """

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        owner = type(self).__name__
        message = f"`p_threshold` of {owner} must be a number in [0, 1]; got {p_threshold!r}."
        if isinstance(p_threshold, bool) or not isinstance(p_threshold, numbers.Real):
            raise PrunerTypeError(message)
        if not 0.0 <= p_threshold <= 1.0:  # False for NaN too
            raise PrunerArgumentError(message)
        self._p_threshold: float = float(p_threshold)
        self._n_startup_steps: int = check_int(owner, "n_startup_steps", n_startup_steps, 0)
        self._caches: StudyCaches[_BestTrialCache] = StudyCaches()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        directions = study.directions
        if len(directions) != 1:
            raise PrunerArgumentError(
                f"`study` of {type(self).__name__}.prune() must have a single objective; got "
                f"study {study.study_name!r} with {len(directions)}. The pruner compares one "
                "value per instance; use it in a single-objective study."
            )
        values = trial._intermediate_values
        if not values:
            return False
        if any(math.isnan(v) for v in values.values()):
            return True
        completed = study.get_trials(deepcopy=False, states=_COMPLETE)
        if not completed:
            return False
        maximize = directions[0] == StudyDirection.MAXIMIZE
        with self._caches.lock:
            cache = self._caches.get(study, maximize, lambda: _BestTrialCache(maximize))
            best = cache.update(completed)
        if best is None:
            return False

        mean = sum(values.values()) / len(values)
        if (mean >= best.mean) if maximize else (mean <= best.mean):
            return False
        pairs = [(v, b) for step, v in values.items() if (b := best.values.get(step)) is not None]
        if len(pairs) < max(self._n_startup_steps, 2):
            return False
        ours, theirs = np.array(pairs, dtype=float).T
        with np.errstate(invalid="ignore"):  # inf - inf: equal values are a zero difference
            differences = np.where(ours == theirs, 0.0, ours - theirs)
        if maximize:
            differences = -differences
        return signed_rank_p_value(differences) < self._p_threshold

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(p_threshold={self._p_threshold}, "
            f"n_startup_steps={self._n_startup_steps})"
        )


class _Best:
    """What the pruner needs of the best trial: its values by step and their mean (NaNs left
    out)."""

    __slots__ = ("mean", "number", "value", "values")

    def __init__(self, trial: FrozenTrial, value: float) -> None:
        reported = trial._intermediate_values
        self.number = trial.number
        self.value = value
        self.values = {s: v for s, v in reported.items() if not math.isnan(v)}
        self.mean = sum(self.values.values()) / len(self.values) if self.values else math.nan


class _BestTrialCache:
    """The best feasible COMPLETE trial of one study, updated from newly completed trials.

    Finished trials never change, so each is looked at once (found by its number); the best
    is the one :attr:`Study.best_trial` names (best value, NaN never, the lowest number among
    ties).
    """

    def __init__(self, maximize: bool) -> None:
        self.maximize = maximize
        self._seen: set[int] = set()
        self._best: _Best | None = None

    def update(self, completed: Sequence[FrozenTrial]) -> _Best | None:
        n_new = len(completed) - len(self._seen)
        if n_new == 0:
            return self._best
        new: list[FrozenTrial] = []
        if n_new > 0:
            # Trials mostly complete in number order, so the unseen ones sit near the end.
            for t in reversed(completed):
                if t.number not in self._seen:
                    new.append(t)
                    if len(new) == n_new:
                        break
        if len(new) != n_new:  # trials vanished (a storage was reset): start over
            self._seen.clear()
            self._best = None
            new = list(completed)
        for t in new:
            self._seen.add(t.number)
            self._consider(t)
        return self._best

    def _consider(self, trial: FrozenTrial) -> None:
        if not trial._values or not is_feasible(trial):
            return
        value = trial._values[0]
        if math.isnan(value):
            return
        best = self._best
        if best is not None:
            better = value > best.value if self.maximize else value < best.value
            if not (better or (value == best.value and trial.number < best.number)):
                return
        self._best = _Best(trial, value)


def signed_rank_p_value(differences: np.ndarray) -> float:
    """One-sided p-value of the Wilcoxon signed-rank test that ``differences`` lean positive.

    The statistic is the sum of the ranks of ``|d|`` over the positive ``d`` (tied ``|d|``
    share their average rank); zeros are ranked too and add half their rank to each side
    ("zero-split", so an all-zero sample gives p = 1). With up to 50 values the p-value is
    exact: the share of the ``2 ** n_nonzero`` sign flips whose statistic is at least the
    observed one (Wilcoxon 1945), counted with integer arithmetic on doubled ranks, which
    stays exact with ties. Beyond 50, the normal approximation with the tie-corrected variance
    ``(n (n + 1) (2n + 1) - sum(t^3 - t) / 2) / 24`` (Lehmann 1975, "Nonparametrics",
    section 4.2), without continuity correction.

    Args:
        differences: The paired differences (no NaN).

    Returns:
        The p-value, in (0, 1]; 1 for an empty sample.

    Example:
        >>> signed_rank_p_value(np.array([1.0, 2.0, 3.0]))  # 1 flip of 8 is as extreme
        0.125
        >>> signed_rank_p_value(np.array([0.0, 0.0]))
        1.0
    """
    d = np.asarray(differences, dtype=float)
    n = len(d)
    nonzero = d != 0
    if not nonzero.any():
        return 1.0
    ranks, tie_sizes = _doubled_ranks(np.abs(d))
    observed = int(ranks[d > 0].sum())  # twice the statistic, less the zeros' constant share
    if n <= _EXACT_MAX_PAIRS:
        flipped = ranks[nonzero]
        # counts[s]: how many sign patterns of the nonzero values give doubled sum s.
        counts = np.zeros(int(flipped.sum()) + 1, dtype=np.int64)
        counts[0] = 1
        reach = 0
        for r in flipped.tolist():
            counts[r : reach + r + 1] += counts[: reach + 1]  # numpy resolves the overlap
            reach += r
        return float(counts[observed:].sum()) / float(2 ** len(flipped))
    statistic = (observed + ranks[~nonzero].sum() / 2.0) / 2.0
    mean = n * (n + 1) / 4.0
    variance = (n * (n + 1) * (2 * n + 1) - float((tie_sizes**3 - tie_sizes).sum()) / 2.0) / 24.0
    z = (statistic - mean) / math.sqrt(variance)
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _doubled_ranks(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Twice the 1-based average ranks of ``a`` (ints: ties share the mean of their ranks),
    and the sizes of the groups of tied values."""
    n = len(a)
    order = np.argsort(a, kind="stable")
    ordered = a[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    ends = np.append(starts[1:], n) - 1
    sizes = ends - starts + 1
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.repeat(starts + ends + 2, sizes)  # 2 * mean(start + 1 .. end + 1)
    return ranks, sizes
