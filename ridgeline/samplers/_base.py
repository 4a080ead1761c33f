"""The sampler protocol.

Call order, for each trial (all calls come from the thread that runs the trial):

1. ``before_trial(study, trial)`` when the trial is created (``study.ask``).
2. ``infer_relative_search_space(study, trial)`` once, at the trial's first ``suggest_*`` call,
   then ``sample_relative(study, trial, search_space)`` once: it returns values for the
   parameters it wants to decide jointly (an empty dict is fine).
3. ``sample_independent(study, trial, name, distribution)`` for every parameter the relative
   step did not decide (new or conditional parameters, or all of them for simple samplers).
4. ``after_trial(study, trial, state, values)`` when the trial finishes, before its state is
   written, so the sampler can still attach system attributes.

``trial`` is an immutable :class:`~ridgeline.trial.FrozenTrial` snapshot of the running trial.
With ``n_jobs > 1`` these methods are called from several threads at once: guard shared
state. Never mutate trials returned by ``study.get_trials``.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ridgeline.distributions import BaseDistribution
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["BaseSampler"]


class BaseSampler(abc.ABC):
    """Base class of samplers: decide the parameter values of new trials.

    A user-written sampler implementing the three abstract methods works everywhere a built-in
    one does.
    """

    @abc.abstractmethod
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """The parameters to sample jointly in ``sample_relative`` (may be empty)."""

    @abc.abstractmethod
    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Values (external representation) for some or all of ``search_space``."""

    @abc.abstractmethod
    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """A value (external representation) for one parameter."""

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        """Called when a trial is created, before any parameter is suggested."""

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Called when a trial finishes, before its final state is stored."""

    def reseed_rng(self) -> None:
        """Give the sampler a fresh random seed (called per worker process)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
