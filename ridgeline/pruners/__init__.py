from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._nop import NopPruner
from ridgeline.pruners._percentile import MedianPruner, PercentilePruner

__all__ = ["BasePruner", "MedianPruner", "NopPruner", "PercentilePruner"]
