from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._random import RandomSampler

__all__ = ["BaseSampler", "RandomSampler"]
