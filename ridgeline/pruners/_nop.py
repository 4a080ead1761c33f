from __future__ import annotations

from typing import TYPE_CHECKING

from ridgeline.pruners._base import BasePruner
from ridgeline.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["NopPruner"]


class NopPruner(BasePruner):
    """Never prunes: every trial runs to the end."""

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return False
