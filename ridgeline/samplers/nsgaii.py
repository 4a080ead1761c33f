"""Crossover and mutation operators of the evolutionary samplers (Optuna's
``optuna.samplers.nsgaii`` namespace).

Pass one to :class:`~ridgeline.samplers.NSGAIISampler`,
:class:`~ridgeline.samplers.NSGAIIISampler` or :class:`~ridgeline.samplers.EvolutionarySampler`;
subclass :class:`BaseCrossover` or :class:`BaseMutation` for your own.

Example:
    >>> import ridgeline
    >>> from ridgeline.samplers.nsgaii import SBXCrossover
    >>> sampler = ridgeline.samplers.NSGAIISampler(crossover=SBXCrossover(eta=15), seed=0)
"""

from ridgeline.samplers._nsga._crossovers import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from ridgeline.samplers._nsga._multiparent import SPXCrossover, UNDXCrossover
from ridgeline.samplers._nsga._mutations import BaseMutation, PolynomialMutation

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "BaseMutation",
    "PolynomialMutation",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]
