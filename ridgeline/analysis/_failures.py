"""Why and where trials fail: FAIL/PRUNED grouped by error type and by parameter region."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.analysis._checks import AnalysisError, check_int, check_study
from ridgeline.analysis._format import fmt, markdown_table
from ridgeline.distributions import CategoricalDistribution
from ridgeline.study._tell import FAIL_REASON_KEY, TRACEBACK_KEY
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["FailureBin", "FailureGroup", "FailureReport", "ParamFailures", "failures"]

_OWNER = "ridgeline.analysis.failures"
_FINISHED = (TrialState.COMPLETE, TrialState.FAIL, TrialState.PRUNED)


@dataclass(frozen=True)
class FailureGroup:
    """The trials that ended the same way.

    Attributes:
        error_type: The exception's type name (the part of ``fail_reason`` before ": "),
            ``"TrialPruned"`` for PRUNED trials, ``"Unknown"`` for a FAIL without a reason.
        state: ``"FAIL"`` or ``"PRUNED"``.
        count: How many trials.
        trial_numbers: Up to ``n_examples`` of their numbers, the first ones.
        example_message: The first trial's ``fail_reason`` (None for PRUNED).
        traceback: One stored traceback of the group (None if none was stored).
    """

    error_type: str
    state: str
    count: int
    trial_numbers: tuple[int, ...]
    example_message: str | None
    traceback: str | None


@dataclass(frozen=True)
class FailureBin:
    """One region of a parameter: a quantile bin ``[low, high]`` or a categorical choice."""

    label: str
    n_trials: int
    n_fail: int
    n_pruned: int
    fail_rate: float
    pruned_rate: float
    low: float | None = None
    high: float | None = None
    choice: Any = None


@dataclass(frozen=True)
class ParamFailures:
    """Where along one parameter the finished trials failed or were pruned."""

    param: str
    kind: str
    bins: tuple[FailureBin, ...]

    @property
    def worst(self) -> FailureBin:
        """The bin with the highest failure rate (then pruned rate)."""
        return max(self.bins, key=lambda b: (b.fail_rate, b.pruned_rate))


@dataclass(frozen=True)
class FailureReport:
    """The failures of a study.

    Attributes:
        n_trials: Finished trials (COMPLETE, FAIL, PRUNED).
        n_complete: COMPLETE ones.
        n_fail: FAIL ones.
        n_pruned: PRUNED ones.
        groups: By error type, largest first.
        params: Per parameter, failure and pruned rates by region.
    """

    n_trials: int
    n_complete: int
    n_fail: int
    n_pruned: int
    groups: tuple[FailureGroup, ...]
    params: tuple[ParamFailures, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return asdict(self)

    def to_markdown(self) -> str:
        """Two tables: the groups, and each parameter's worst region."""
        head = (
            f"Failures: {self.n_fail} FAIL, {self.n_pruned} PRUNED, {self.n_complete} COMPLETE "
            f"of {self.n_trials} finished trials"
        )
        groups = markdown_table(
            ["error type", "state", "count", "example trials", "example message"],
            [
                [
                    g.error_type,
                    g.state,
                    str(g.count),
                    ", ".join(map(str, g.trial_numbers)),
                    (g.example_message or "-").splitlines()[0][:80],
                ]
                for g in self.groups
            ],
        )
        regions = markdown_table(
            ["param", "worst region", "trials", "fail rate", "pruned rate"],
            [
                [p.param, w.label, str(w.n_trials), fmt(w.fail_rate), fmt(w.pruned_rate)]
                for p in self.params
                if p.bins
                for w in (p.worst,)
            ],
        )
        return f"{head}\n\n{groups}\n\n{regions}"


def failures(study: Study, *, n_bins: int = 4, n_examples: int = 5) -> FailureReport:
    """FAIL and PRUNED trials grouped by error type, and failure rates by parameter region.

    The error type comes from the system attribute ``fail_reason`` ("ExceptionType:
    message") that the optimize loop stores, and one traceback per group from the system
    attribute ``traceback``. For each parameter, the finished trials that have it are split
    into regions: ``n_bins`` quantile bins of a numeric parameter (fewer when it takes fewer
    distinct values), one region per choice of a categorical one.

    Args:
        study: The study to analyse.
        n_bins: Quantile bins per numeric parameter.
        n_examples: Trial numbers kept per group.

    Returns:
        A :class:`FailureReport` (with no groups when nothing failed).

    Raises:
        AnalysisError: The study has no finished trial, or an argument is out of range.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0, 1)
        ...     if x > 0.7:
        ...         raise ValueError("x too large")
        ...     return x
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(objective, n_trials=20, catch=(ValueError,))
        >>> report = failures(study)
        >>> report.groups[0].error_type, report.params[0].worst.fail_rate
        ('ValueError', 1.0)
    """
    check_study(study, _OWNER)
    n_bins = check_int(n_bins, "n_bins", _OWNER, 1)
    n_examples = check_int(n_examples, "n_examples", _OWNER, 1)
    trials = study.get_trials(deepcopy=False, states=_FINISHED)
    if not trials:
        raise AnalysisError(
            f"{_OWNER} needs finished trials; study {study.study_name!r} has none. Run "
            "`study.optimize(...)` first."
        )
    counts = {s: sum(t.state == s for t in trials) for s in _FINISHED}
    names: dict[str, None] = {}
    for t in trials:
        names.update(dict.fromkeys(t.params))
    return FailureReport(
        n_trials=len(trials),
        n_complete=counts[TrialState.COMPLETE],
        n_fail=counts[TrialState.FAIL],
        n_pruned=counts[TrialState.PRUNED],
        groups=_groups(trials, n_examples),
        params=tuple(_by_region(trials, name, n_bins) for name in names),
    )


def _error_type(trial: FrozenTrial) -> str:
    if trial.state == TrialState.PRUNED:
        return "TrialPruned"
    reason = trial.system_attrs.get(FAIL_REASON_KEY)
    if not isinstance(reason, str) or not reason:
        return "Unknown"
    head = reason.split(":", 1)[0].strip()
    return head if head.isidentifier() else "Unknown"


def _groups(trials: Sequence[FrozenTrial], n_examples: int) -> tuple[FailureGroup, ...]:
    members: dict[tuple[str, str], list[FrozenTrial]] = {}
    for t in trials:
        if t.state != TrialState.COMPLETE:
            members.setdefault((_error_type(t), t.state.name), []).append(t)
    groups = []
    for (error_type, state), group in members.items():
        reasons = [t.system_attrs.get(FAIL_REASON_KEY) for t in group]
        tracebacks = [t.system_attrs.get(TRACEBACK_KEY) for t in group]
        groups.append(
            FailureGroup(
                error_type=error_type,
                state=state,
                count=len(group),
                trial_numbers=tuple(t.number for t in group[:n_examples]),
                example_message=next((r for r in reasons if isinstance(r, str)), None),
                traceback=next((tb for tb in tracebacks if isinstance(tb, str)), None),
            )
        )
    groups.sort(key=lambda g: (-g.count, g.state, g.error_type))
    return tuple(groups)


def _by_region(trials: Sequence[FrozenTrial], name: str, n_bins: int) -> ParamFailures:
    having = [t for t in trials if name in t.params]
    dist = having[-1].distributions[name]
    states = [t.state for t in having]
    if isinstance(dist, CategoricalDistribution):
        choices = [t.params[name] for t in having]
        order = list(dict.fromkeys(choices))
        bins = tuple(
            _bin(repr(c), [s for s, v in zip(states, choices, strict=True) if v == c], choice=c)
            for c in order
        )
        return ParamFailures(name, "categorical", bins)
    xs = np.array([t.params[name] for t in having], dtype=float)
    edges = np.unique(np.quantile(xs, np.linspace(0.0, 1.0, n_bins + 1)))
    if len(edges) == 1:
        only = float(edges[0])
        return ParamFailures(name, "numeric", (_bin(f"[{fmt(only)}]", states, only, only),))
    # Bin i is [edges[i], edges[i+1]), the last one closed.
    index = np.clip(np.searchsorted(edges, xs, side="right") - 1, 0, len(edges) - 2)
    out = []
    for i in range(len(edges) - 1):
        lo, hi = float(edges[i]), float(edges[i + 1])
        close = "]" if i == len(edges) - 2 else ")"
        members = [s for s, j in zip(states, index, strict=True) if j == i]
        if members:
            out.append(_bin(f"[{fmt(lo)}, {fmt(hi)}{close}", members, lo, hi))
    return ParamFailures(name, "numeric", tuple(out))


def _bin(
    label: str,
    states: Sequence[TrialState],
    low: float | None = None,
    high: float | None = None,
    choice: Any = None,
) -> FailureBin:
    n = len(states)
    n_fail = sum(s == TrialState.FAIL for s in states)
    n_pruned = sum(s == TrialState.PRUNED for s in states)
    return FailureBin(
        label, n, n_fail, n_pruned, n_fail / n, n_pruned / n, low=low, high=high, choice=choice
    )
