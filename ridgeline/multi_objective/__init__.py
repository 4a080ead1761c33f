"""Multi-objective tools: non-dominated sorting (and, as they land, hypervolume, reference
points, scalarization and knee points)."""

from ridgeline.multi_objective._pareto import nondominated_mask, nondominated_ranks

__all__ = ["nondominated_mask", "nondominated_ranks"]
