from __future__ import annotations

from collections.abc import Sequence

from ridgeline.samplers._base import BaseSampler
from ridgeline.study._study_direction import StudyDirection

__all__ = ["default_sampler"]


def default_sampler(directions: Sequence[StudyDirection]) -> BaseSampler:
    """The sampler a study gets when none is given.

    TPE for one objective; random search for several until NSGA-II lands.
    """
    if len(directions) == 1:
        from ridgeline.samplers._tpe import TPESampler

        return TPESampler()
    from ridgeline.samplers._random import RandomSampler

    return RandomSampler()
