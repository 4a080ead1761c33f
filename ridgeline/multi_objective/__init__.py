"""Multi-objective tools: non-dominated sorting, hypervolume (exact in any number of
objectives, per-point contributions, a study's history), reference points, scalarization and
knee points."""

from ridgeline.multi_objective._history import HypervolumeHistory, hypervolume_history
from ridgeline.multi_objective._hypervolume import (
    hypervolume,
    hypervolume_contributions,
    reference_point,
)
from ridgeline.multi_objective._pareto import nondominated_mask, nondominated_ranks
from ridgeline.multi_objective._scalarize import chebyshev, knee_point, knee_trial, weighted_sum

__all__ = [
    "HypervolumeHistory",
    "chebyshev",
    "hypervolume",
    "hypervolume_contributions",
    "hypervolume_history",
    "knee_point",
    "knee_trial",
    "nondominated_mask",
    "nondominated_ranks",
    "reference_point",
    "weighted_sum",
]
