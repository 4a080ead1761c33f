from __future__ import annotations

from collections.abc import Sequence

from ridgeline.samplers._base import BaseSampler
from ridgeline.study._study_direction import StudyDirection

__all__ = ["default_sampler"]


def default_sampler(directions: Sequence[StudyDirection]) -> BaseSampler:
    """The sampler a study gets when none is given: :class:`TPESampler`, for several
    objectives too (MOTPE: Pareto ranks, hypervolume subset selection and weights). It works
    on every kind of space and its cost per trial stays flat; NSGA-II needs far more trials
    to reach the same hypervolume (``benchmarks/RESULTS.md``)."""
    from ridgeline.samplers._tpe import TPESampler

    return TPESampler()
