from ridgeline.samplers._tpe._bohb import BOHBSampler
from ridgeline.samplers._tpe.sampler import (
    TPESampler,
    default_gamma,
    default_weights,
    hyperopt_default_gamma,
)

__all__ = [
    "BOHBSampler",
    "TPESampler",
    "default_gamma",
    "default_weights",
    "hyperopt_default_gamma",
]
