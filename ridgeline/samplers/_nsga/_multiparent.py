"""Three-parent crossovers: simplex crossover (SPX) and unimodal normal distribution crossover
(UNDX). See :mod:`ridgeline.samplers._nsga._crossovers` for the protocol."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.samplers._nsga._args import check_real
from ridgeline.samplers._nsga._crossovers import BaseCrossover, into_bounds

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["SPXCrossover", "UNDXCrossover"]


class SPXCrossover(BaseCrossover):
    """Simplex crossover (Tsutsui, Yamamura & Higuchi 1999, "Multi-parent recombination with
    simplex crossover in real coded genetic algorithms", GECCO).

    The child is drawn uniformly from the simplex of the parents expanded about their centroid
    by ``epsilon``: its expected value is the parents' centroid, and with the paper's
    ``epsilon = sqrt(k + 1)`` for ``k`` parents its covariance equals the parents' covariance
    (a uniform point of a simplex of ``k`` vertices has ``1 / (k + 1)`` of the vertices'
    covariance about the centroid).

    Args:
        epsilon: Expansion rate, ``> 0``. Default: ``sqrt(n_parents + 1) = 2``, which preserves
            the parents' covariance.

    Raises:
        ValueError: If ``epsilon`` is not positive and finite.
    """

    n_parents = 3

    def __init__(self, epsilon: float | None = None) -> None:
        self._epsilon = (
            None
            if epsilon is None
            else check_real("epsilon", epsilon, "SPXCrossover", minimum=0.0, strict=True)
        )

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        k = parents_params.shape[0]
        epsilon = self._epsilon if self._epsilon is not None else math.sqrt(k + 1.0)
        centroid = parents_params.mean(axis=0)
        y = centroid + epsilon * (parents_params - centroid)  # the expanded simplex's vertices
        # Uniform point of the simplex y_0..y_{k-1} (the paper's recursion): C_0 = 0,
        # C_j = r_{j-1} (y_{j-1} - y_j + C_{j-1}) with r_j = u**(1/(j+1)); child = y_{k-1} + C.
        c = np.zeros_like(centroid)
        for j in range(1, k):
            r = float(rng.uniform()) ** (1.0 / j)
            c = r * (y[j - 1] - y[j] + c)
        return into_bounds(y[k - 1] + c, search_space_bounds)

    def __repr__(self) -> str:
        return f"SPXCrossover(epsilon={self._epsilon!r})"


class UNDXCrossover(BaseCrossover):
    """Unimodal normal distribution crossover (Ono & Kobayashi 1997, "A real-coded genetic
    algorithm for function optimization using unimodal normal distribution crossover", ICGA).

    The child is ``m + xi d + D sum_i eta_i e_i``: ``m`` and ``d`` are the midpoint of and the
    vector between the first two parents, ``D`` the distance of the third parent from the line
    through them, ``e_i`` an orthonormal basis of the directions orthogonal to ``d``,
    ``xi ~ N(0, sigma_xi**2)`` and ``eta_i ~ N(0, sigma_eta**2)``. The child's expected value is
    ``m``.

    Args:
        sigma_xi: Spread along the parents' line, ``> 0`` (paper: 0.5).
        sigma_eta: Spread across it, ``> 0``. Default: the paper's ``0.35 / sqrt(n)`` for ``n``
            genes.

    Raises:
        ValueError: If ``sigma_xi`` or ``sigma_eta`` is not positive and finite.
    """

    n_parents = 3

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: float | None = None) -> None:
        self._sigma_xi = check_real("sigma_xi", sigma_xi, "UNDXCrossover", minimum=0.0, strict=True)
        self._sigma_eta = (
            None
            if sigma_eta is None
            else check_real("sigma_eta", sigma_eta, "UNDXCrossover", minimum=0.0, strict=True)
        )

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        p1, p2, p3 = parents_params[0], parents_params[1], parents_params[2]
        n = p1.shape[0]
        sigma_eta = self._sigma_eta if self._sigma_eta is not None else 0.35 / math.sqrt(n)
        mid = 0.5 * (p1 + p2)
        d = p2 - p1
        norm_d = float(np.linalg.norm(d))
        if norm_d > 1e-12:
            unit = d / norm_d
            offset = p3 - p1
            distance = float(np.linalg.norm(offset - (offset @ unit) * unit))
            # Orthonormal basis of the complement of d: the last n - 1 columns of a complete QR
            # of [d | I] (the first column spans d).
            q, _ = np.linalg.qr(np.column_stack([unit, np.eye(n)]), mode="complete")
            basis = q[:, 1:n]
        else:  # the primary parents coincide: no line, spread in every direction
            distance = float(np.linalg.norm(p3 - p1))
            basis = np.eye(n)
        xi = float(rng.normal(0.0, self._sigma_xi))
        etas = np.asarray(rng.normal(0.0, sigma_eta, size=basis.shape[1]), dtype=float)
        child = mid + xi * d + distance * (basis @ etas)
        return into_bounds(child, search_space_bounds)

    def __repr__(self) -> str:
        return f"UNDXCrossover(sigma_xi={self._sigma_xi!r}, sigma_eta={self._sigma_eta!r})"
