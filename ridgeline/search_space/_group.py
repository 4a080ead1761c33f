"""Split a conditional search space into groups of parameters that always appear together.

With ``if kind == "svm": C = ... else: depth = ...`` the intersection of all trials holds only
``kind``; a sampler that models the groups ``{kind}``, ``{C}``, ``{depth}`` separately can still
model every parameter jointly with the ones it co-occurs with (TPE's ``group=True``, after
Optuna's multivariate TPE with group decomposition).

Each trial's parameter set splits every group it cuts: a group ``g`` becomes ``g & params`` and
``g - params``, and parameters never seen before form a new group. After all trials, two
parameters share a group exactly when every trial has both or neither.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ridgeline.distributions import BaseDistribution
from ridgeline.search_space._intersection import FinishedTrialCursor, _states

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["GroupDecomposedSearchSpace", "SearchSpaceGroup"]


class SearchSpaceGroup:
    """Disjoint groups of parameters that always appear together.

    A parameter seen with two different distributions (bounds that change between trials) is
    left out of every group: no single distribution describes it, so samplers sample it
    independently.

    Example:
        >>> from ridgeline.distributions import FloatDistribution
        >>> d = FloatDistribution(0, 1)
        >>> group = SearchSpaceGroup()
        >>> group.add_distributions({"kind": d, "c": d})
        >>> group.add_distributions({"kind": d, "depth": d})
        >>> [sorted(s) for s in group.search_spaces]
        [['kind'], ['c'], ['depth']]
    """

    def __init__(self) -> None:
        self._groups: list[dict[str, BaseDistribution]] = []
        self._seen: dict[str, BaseDistribution] = {}
        self._conflicting: set[str] = set()

    @property
    def search_spaces(self) -> list[dict[str, BaseDistribution]]:
        """The groups, each ``{name: distribution}`` sorted by name (copies)."""
        return [dict(sorted(group.items())) for group in self._groups]

    def add_distributions(self, distributions: Mapping[str, BaseDistribution]) -> None:
        """Refine the groups with the parameters of one more trial."""
        new_conflicts = {
            name
            for name, dist in distributions.items()
            if name in self._seen and self._seen[name] != dist
        }
        if new_conflicts:
            self._conflicting |= new_conflicts
            self._groups = [
                {k: v for k, v in g.items() if k not in new_conflicts} for g in self._groups
            ]
        keys = {name for name in distributions if name not in self._conflicting}
        for name in keys:
            self._seen.setdefault(name, distributions[name])
        if all(g.keys() <= keys or g.keys().isdisjoint(keys) for g in self._groups) and sum(
            len(g) for g in self._groups if g.keys() <= keys
        ) == len(keys):
            return  # every group lies wholly inside or outside this trial's: nothing to split

        refined: list[dict[str, BaseDistribution]] = []
        unplaced = set(keys)
        for group in self._groups:
            inside = {k: v for k, v in group.items() if k in keys}
            outside = {k: v for k, v in group.items() if k not in keys}
            refined.extend(g for g in (inside, outside) if g)
            unplaced -= group.keys()
        if unplaced:
            refined.append({name: distributions[name] for name in sorted(unplaced)})
        self._groups = refined

    def copy(self) -> SearchSpaceGroup:
        """An independent copy."""
        other = SearchSpaceGroup()
        other._groups = [dict(g) for g in self._groups]
        other._seen = dict(self._seen)
        other._conflicting = set(self._conflicting)
        return other

    def __repr__(self) -> str:
        return f"SearchSpaceGroup({self.search_spaces!r})"


class GroupDecomposedSearchSpace:
    """Incremental :class:`SearchSpaceGroup` over one study's finished trials.

    Each :meth:`calculate` folds in only the trials that finished since the previous call.
    Safe to call from several threads.

    Args:
        include_pruned: Count PRUNED trials as well as COMPLETE ones.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     if trial.suggest_categorical("kind", ["a", "b"]) == "a":
        ...         return trial.suggest_float("x", 0, 1)
        ...     return trial.suggest_float("y", 0, 1)
        >>> study = ridgeline.create_study()
        >>> study.enqueue_trial({"kind": "a"})
        >>> study.enqueue_trial({"kind": "b"})
        >>> study.optimize(objective, n_trials=2)
        >>> [sorted(s) for s in GroupDecomposedSearchSpace().calculate(study).search_spaces]
        [['kind'], ['x'], ['y']]
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._states = _states(include_pruned)
        self._cursor = FinishedTrialCursor()
        self._group = SearchSpaceGroup()
        self._lock = threading.Lock()

    def calculate(self, study: Study) -> SearchSpaceGroup:
        """The groups over the study's finished trials so far (a copy the caller may keep)."""
        with self._lock:
            if not self._cursor.follows(study):
                self._group = SearchSpaceGroup()
            new, _ = self._cursor.advance(study)
            for trial in new:
                if trial.state in self._states:
                    self._group.add_distributions(trial._distributions)
            return self._group.copy()
