"""The pruner protocol."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["BasePruner"]


class BasePruner(abc.ABC):
    """Base class of pruners: decide whether a running trial should stop early.

    ``prune`` is called from ``trial.should_prune()``, in the thread running the trial, with an
    immutable snapshot of that trial (its ``intermediate_values`` hold what it reported so far).
    A pruner never waits for other trials: it decides from what the storage holds now.
    """

    @abc.abstractmethod
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """Whether ``trial`` should be stopped now."""

    def sampler_study(self, study: Study, trial: FrozenTrial) -> Study:
        """The study as the sampler sees it while choosing ``trial``'s parameters.

        The whole study by default. A pruner that runs trials under different rules (such as
        :class:`HyperbandPruner`'s brackets) may return a view holding only the trials that are
        comparable with ``trial``, so that a model-based sampler learns from those.
        """
        return study

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
