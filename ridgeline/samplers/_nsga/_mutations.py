"""Mutation operators: how one numeric gene of a child is perturbed.

Same protocol as Optuna's ``optuna.samplers.nsgaii.BaseMutation``:
``mutation(param, rng, study, search_space_bounds)`` gets one encoded gene (see
:mod:`ridgeline.samplers._nsga._crossovers`), a ``numpy.random.RandomState``, the study and the
gene's ``[low, high]``, and returns the mutated gene. Without a mutation operator the samplers
redraw a mutated parameter uniformly from its distribution.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.samplers._nsga._args import check_real

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["BaseMutation", "GaussianMutation", "PolynomialMutation"]


class BaseMutation(abc.ABC):
    """Base class of mutations of one numeric gene (called from ``sample_relative``)."""

    def __str__(self) -> str:
        return type(self).__name__

    @abc.abstractmethod
    def mutation(
        self,
        param: float,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> float:
        """The mutated gene.

        Args:
            param: The gene, encoded (see the module docstring).
            rng: The random state to draw from (a ``numpy.random.RandomState``).
            study: The study the child is for.
            search_space_bounds: ``[low, high]`` of the gene, shape ``(2,)``.
        """


class PolynomialMutation(BaseMutation):
    """Polynomial mutation (Deb & Goyal 1996, "A combined genetic adaptive search (GeneAS) for
    engineering design"), in the bounded form of Deb & Deb 2014 ("Analysing mutation schemes for
    real-parameter genetic algorithms", IJAISC 4(1), eqs. 3-4) that NSGA-II uses: the
    perturbation follows a polynomial density with index ``eta`` whose support is exactly the
    bounds, so the mutated gene needs no repair.

    Args:
        eta: Distribution index, ``>= 0``: larger keeps the mutated gene nearer the original.

    Raises:
        ValueError: If ``eta`` is negative or not finite.
    """

    def __init__(self, eta: float = 20.0) -> None:
        self._eta = check_real("eta", eta, "PolynomialMutation", minimum=0.0)

    def mutation(
        self,
        param: float,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> float:
        low, high = float(search_space_bounds[0]), float(search_space_bounds[1])
        width = high - low
        if width <= 0.0:
            return float(param)
        eta = self._eta
        e = 1.0 / (eta + 1.0)
        u = float(rng.uniform())
        if u < 0.5:
            d1 = (param - low) / width
            delta = (2.0 * u + (1.0 - 2.0 * u) * (1.0 - d1) ** (eta + 1.0)) ** e - 1.0
        else:
            d2 = (high - param) / width
            delta = 1.0 - (2.0 * (1.0 - u) + 2.0 * (u - 0.5) * (1.0 - d2) ** (eta + 1.0)) ** e
        return float(min(max(param + delta * width, low), high))

    def __repr__(self) -> str:
        return f"PolynomialMutation(eta={self._eta!r})"


class GaussianMutation(BaseMutation):
    """Add ``N(0, (scale * (high - low))**2)`` to the gene, reflected back into the bounds."""

    def __init__(self, scale: float = 0.1) -> None:
        self._scale = check_real(
            "mutation_scale", scale, "GaussianMutation", minimum=0.0, strict=True
        )

    def mutation(
        self,
        param: float,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> float:
        low, high = float(search_space_bounds[0]), float(search_space_bounds[1])
        width = high - low
        if width <= 0.0:
            return float(param)
        x = param + float(rng.normal(0.0, self._scale * width))
        # Reflect until inside (a draw may cross the range several times when scale is large).
        period = 2.0 * width
        y = (x - low) % period
        if y > width:
            y = period - y
        return float(low + y)

    def __repr__(self) -> str:
        return f"GaussianMutation(scale={self._scale!r})"
