from ridgeline.samplers._nsga._nsga2 import NSGAIISampler
from ridgeline.samplers._nsga._nsga3 import NSGAIIISampler

__all__ = ["NSGAIIISampler", "NSGAIISampler"]
