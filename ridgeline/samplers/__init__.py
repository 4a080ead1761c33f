from ridgeline.samplers import nsgaii
from ridgeline.samplers._auto import AutoSampler
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._cmaes import CmaEsSampler
from ridgeline.samplers._evolutionary import EvolutionarySampler
from ridgeline.samplers._gp import GPSampler
from ridgeline.samplers._grid import GridSampler
from ridgeline.samplers._nsga import NSGAIIISampler, NSGAIISampler
from ridgeline.samplers._partial_fixed import PartialFixedSampler
from ridgeline.samplers._qmc import QMCSampler
from ridgeline.samplers._random import RandomSampler
from ridgeline.samplers._tpe import BOHBSampler, TPESampler

__all__ = [
    "AutoSampler",
    "BOHBSampler",
    "BaseSampler",
    "CmaEsSampler",
    "EvolutionarySampler",
    "GPSampler",
    "GridSampler",
    "NSGAIIISampler",
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "TPESampler",
    "nsgaii",
]
