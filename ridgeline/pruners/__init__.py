from ridgeline.pruners._base import BasePruner
from ridgeline.pruners._hyperband import HyperbandPruner
from ridgeline.pruners._nop import NopPruner
from ridgeline.pruners._patient import PatientPruner
from ridgeline.pruners._percentile import MedianPruner, PercentilePruner
from ridgeline.pruners._successive_halving import SuccessiveHalvingPruner
from ridgeline.pruners._threshold import ThresholdPruner
from ridgeline.pruners._wilcoxon import WilcoxonPruner

__all__ = [
    "BasePruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PatientPruner",
    "PercentilePruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "WilcoxonPruner",
]
