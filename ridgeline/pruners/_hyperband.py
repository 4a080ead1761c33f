"""Hyperband: successive halving run in several brackets of different aggressiveness."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._checks import PrunerArgumentError, check_int
from ridgeline.pruners._rungs import RungBooks, rung_prune
from ridgeline.study._view import filtered_study
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["HyperbandPruner", "bracket_sizes"]

# The study-wide max_resource found by "auto", so every worker and a resumed study agree.
_MAX_RESOURCE_KEY = "hyperband:max_resource"
# A trial's bracket, recorded when the pruner first decides for it (for analysis and plots).
_BRACKET_KEY = "hyperband:bracket"


def bracket_sizes(min_resource: int, max_resource: int, reduction_factor: int) -> list[int]:
    """How many trials each bracket gets per cycle, indexed by the bracket's
    ``min_early_stopping_rate`` (0 is the most aggressive bracket).

    Li et al. 2018 ("Hyperband: a novel bandit-based approach to hyperparameter
    optimization", JMLR 18, Algorithm 1): with ``s_max = floor(log_eta(R))`` for ``R =
    max_resource / min_resource``, the bracket that starts at ``R * eta^-s`` runs ``ceil((s_max
    + 1) / (s + 1) * eta^s)`` configurations, so every bracket spends about the same budget.

    >>> bracket_sizes(1, 27, 3)
    [27, 12, 6, 4]
    """
    eta = reduction_factor
    s_max = 0
    while min_resource * eta ** (s_max + 1) <= max_resource:
        s_max += 1
    sizes = []
    for rate in range(s_max + 1):
        s = s_max - rate
        sizes.append(-(-(s_max + 1) * eta**s // (s + 1)))  # ceiling division
    return sizes


def _interleave(sizes: list[int]) -> list[int]:
    """A cycle of bracket indices with each bracket ``sizes[b]`` times, spread evenly (smooth
    weighted round-robin), so any run of consecutive trial numbers fills every bracket in
    proportion."""
    total = sum(sizes)
    current = [0] * len(sizes)
    cycle = []
    for _ in range(total):
        for b, size in enumerate(sizes):
            current[b] += size
        pick = max(range(len(sizes)), key=lambda b: (current[b], -b))
        current[pick] -= total
        cycle.append(pick)
    return cycle


class HyperbandPruner(BasePruner):
    """Hyperband (Li et al. 2018), asynchronous: each trial is put in one of several brackets,
    and each bracket prunes as a :class:`SuccessiveHalvingPruner` (ASHA) of its own.

    Bracket ``b`` (``0 <= b <= s_max``, with ``s_max = floor(log_eta(max_resource /
    min_resource))``) prunes with ``min_early_stopping_rate = b``: bracket 0 judges trials from
    ``min_resource`` on and is the most aggressive; the last bracket lets every trial run to
    ``max_resource``. Trials go to brackets by their number, in a fixed interleaved cycle in
    which each bracket's share follows Hyperband's bracket sizes (more trials to the aggressive
    brackets, about the same budget to each). A trial competes only with trials of its own
    bracket, and its bracket is recorded in its system attributes (``hyperband:bracket``).

    Model-based samplers learn from comparable trials: while this pruner is the study's, a
    sampler is shown only the trials of the asking trial's bracket (trials stopped at the same
    rungs), except a budget-aware sampler (:class:`~ridgeline.samplers.BOHBSampler`), which
    compares trials by their values at each budget across brackets.

    Args:
        min_resource: The step of the most aggressive bracket's first rung (an int >= 1).
        max_resource: The number of steps of a full trial, or ``"auto"``: the number of steps
            (last step + 1) of the first trial that completes; until then nothing is pruned.
            It is kept in the study's system attributes, so every worker uses the same value.
        reduction_factor: ``eta`` of every bracket (an int >= 2).
        bootstrap_count: As :class:`SuccessiveHalvingPruner`'s, per bracket.

    Raises:
        ValueError: On ``min_resource < 1``, ``max_resource`` that is neither ``"auto"`` nor an
            int >= ``min_resource``, ``reduction_factor < 2`` or ``bootstrap_count < 0`` (a
            ``TypeError`` too for a value of the wrong type).

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
        ...     loss = 1.0
        ...     for step in range(27):
        ...         loss *= 1.0 - lr / 2
        ...         trial.report(loss, step)
        ...         if trial.should_prune():
        ...             raise ridgeline.TrialPruned()
        ...     return loss
        >>> pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
        >>> pruner.n_brackets
        4
        >>> study = ridgeline.create_study(pruner=pruner)
        >>> study.optimize(objective, n_trials=30)
        >>> any(t.state == ridgeline.TrialState.PRUNED for t in study.trials)
        True
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: str | int = "auto",
        reduction_factor: int = 3,
        bootstrap_count: int = 0,
    ) -> None:
        owner = type(self).__name__
        self._min_resource = check_int(owner, "min_resource", min_resource, 1)
        self._reduction_factor = check_int(owner, "reduction_factor", reduction_factor, 2)
        self._bootstrap_count = check_int(owner, "bootstrap_count", bootstrap_count, 0)
        self._auto = isinstance(max_resource, str)
        if isinstance(max_resource, str):
            if max_resource != "auto":
                raise PrunerArgumentError(
                    f"`max_resource` of {owner} must be 'auto' or an int >= min_resource "
                    f"({self._min_resource}); got {max_resource!r}."
                )
            self._max_resource: int | None = None
        else:
            check_int(owner, "max_resource", max_resource, 1)
            if max_resource < self._min_resource:
                raise PrunerArgumentError(
                    f"`max_resource` of {owner} must be >= min_resource; got max_resource="
                    f"{max_resource!r} < min_resource={self._min_resource}. Pass the number "
                    "of steps of a full trial as max_resource, or a smaller min_resource."
                )
            self._max_resource = int(max_resource)
        self._cycle: list[int] | None = None
        self._books = RungBooks()
        self._stamped: set[int] = set()  # trial ids whose bracket is recorded
        if self._max_resource is not None:
            self._set_brackets(self._max_resource)
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ brackets
    def _set_brackets(self, max_resource: int) -> None:
        sizes = bracket_sizes(self._min_resource, max_resource, self._reduction_factor)
        self._cycle = _interleave(sizes)
        self._max_resource = max_resource

    @property
    def n_brackets(self) -> int | None:
        """The number of brackets (None while ``max_resource="auto"`` is not known yet)."""
        return None if self._cycle is None else max(self._cycle) + 1

    def rung_steps(self) -> list[int]:
        """The steps at which some bracket has a rung, below ``max_resource`` (empty while
        ``max_resource="auto"`` is not known yet)."""
        if self._max_resource is None:
            return []
        steps, step = [], self._min_resource
        while step < self._max_resource:
            steps.append(step)
            step *= self._reduction_factor
        return steps

    def bracket_of(self, trial_number: int) -> int | None:
        """The bracket of the trial numbered ``trial_number`` (None before the brackets are
        known)."""
        return None if self._cycle is None else self._cycle[trial_number % len(self._cycle)]

    def _ensure_brackets(self, study: Study) -> bool:
        """Whether the brackets are known; with ``"auto"``, settle ``max_resource`` from the
        study's record or its first completed trial."""
        if self._cycle is not None:
            return True
        with self._lock:
            if self._cycle is not None:
                return True
            attrs = study._storage.get_study_system_attrs(study._study_id)
            stored = attrs.get(_MAX_RESOURCE_KEY)
            if stored is None:
                done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
                steps = [t.last_step for t in done if t.last_step is not None]
                if not steps:
                    return False
                stored = max(steps[0] + 1, self._min_resource)
                study._storage.set_study_system_attr(study._study_id, _MAX_RESOURCE_KEY, stored)
            self._set_brackets(int(stored))
        return True

    # ------------------------------------------------------------------ protocol
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if trial.last_step is None or not self._ensure_brackets(study):
            return False
        bracket = self.bracket_of(trial._number)
        assert bracket is not None
        # Recorded once per trial (the running trial's snapshot does not show what the pruner
        # wrote, so the attribute alone cannot tell).
        if _BRACKET_KEY not in trial._system_attrs and trial._trial_id not in self._stamped:
            study._storage.set_trial_system_attr(trial._trial_id, _BRACKET_KEY, bracket)
            with self._lock:
                self._stamped.add(trial._trial_id)
        book = self._books.get(
            study,
            self._min_resource,
            self._reduction_factor,
            bracket,
            f"hyperband:b{bracket}:rung_",
            lambda t: self.bracket_of(t._number) == bracket,
        )
        return rung_prune(study, trial, book, bootstrap_count=self._bootstrap_count)

    def sampler_study(self, study: Study, trial: FrozenTrial) -> Study:
        """The trials of ``trial``'s bracket only, as a study view for the sampler (the whole
        study for a budget-aware sampler, or before the brackets are known)."""
        if getattr(study.sampler, "budget_aware", False) or not self._ensure_brackets(study):
            return study
        bracket = self.bracket_of(trial._number)
        return filtered_study(
            study,
            ("hyperband", id(self), bracket),
            lambda t: self.bracket_of(t._number) == bracket,
        )

    def __repr__(self) -> str:
        resource: Any = "auto" if self._auto else self._max_resource
        return (
            f"HyperbandPruner(min_resource={self._min_resource}, max_resource={resource!r}, "
            f"reduction_factor={self._reduction_factor}, bootstrap_count="
            f"{self._bootstrap_count})"
        )
