from __future__ import annotations

from collections.abc import Sequence

from ridgeline.samplers._base import BaseSampler
from ridgeline.study._study_direction import StudyDirection

__all__ = ["default_sampler"]


def default_sampler(directions: Sequence[StudyDirection]) -> BaseSampler:
    """The sampler a study gets when none is given.

    Random search until the model-based samplers land (TPE for one objective).
    """
    from ridgeline.samplers._random import RandomSampler

    return RandomSampler()
