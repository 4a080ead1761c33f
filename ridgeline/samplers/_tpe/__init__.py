from ridgeline.samplers._tpe.sampler import (
    TPESampler,
    default_gamma,
    default_weights,
    hyperopt_default_gamma,
)

__all__ = ["TPESampler", "default_gamma", "default_weights", "hyperopt_default_gamma"]
