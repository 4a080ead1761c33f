"""Crossover operators: how a child's numeric genes are made from its parents' genes.

Every operator works on the parents' numeric parameters encoded by the shared
:class:`~ridgeline.search_space.SearchSpaceTransform` (log scale for ``log`` parameters, integer
and stepped parameters as cells of equal width, every column scaled to ``[0, 1]``), so one
operator serves floats, log-scaled floats, integers and stepped values alike. Categorical
parameters never reach an operator: the sampler swaps them between the first two parents
(uniform crossover).

The protocol is Optuna's, so crossovers written for ``optuna.samplers.nsgaii`` work here:
``crossover(parents_params, rng, study, search_space_bounds)`` gets a ``(n_parents, n_genes)``
array, a ``numpy.random.RandomState``, the study and the ``(n_genes, 2)`` bounds, and returns the
child's genes as a 1-d array. Children are brought back inside the bounds (reflected once at a
bound, then clipped) so every operator's child decodes to a valid parameter value.

This module holds the two-parent operators; the three-parent ones (SPX, UNDX) are in
:mod:`ridgeline.samplers._nsga._multiparent`.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.samplers._nsga._args import check_probability, check_real

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "SBXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
    "into_bounds",
]


def into_bounds(x: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """``x`` reflected once at the bound it crossed, then clipped into ``bounds``.

    Reflection keeps the spread of an operator near a bound instead of piling children on it.
    """
    low, high = bounds[:, 0], bounds[:, 1]
    x = np.where(x < low, 2.0 * low - x, x)
    x = np.where(x > high, 2.0 * high - x, x)
    return np.clip(x, low, high)


class BaseCrossover(abc.ABC):
    """Base class of crossovers: make a child's numeric genes from ``n_parents`` parents.

    The evolutionary samplers (:class:`~ridgeline.samplers.NSGAIISampler`,
    :class:`~ridgeline.samplers.NSGAIIISampler`, :class:`~ridgeline.samplers.EvolutionarySampler`)
    call :meth:`crossover` from ``sample_relative``, in the thread that runs the trial, with the
    numeric parameters of the generation's search space. Do not keep or mutate the arrays.

    Example:
        >>> import numpy as np
        >>> class MidpointCrossover(BaseCrossover):
        ...     n_parents = 2
        ...     def crossover(self, parents_params, rng, study, search_space_bounds):
        ...         return parents_params.mean(axis=0)
        >>> MidpointCrossover().crossover(np.array([[0.0, 1.0], [1.0, 1.0]]), None, None, None)
        array([0.5, 1. ])
    """

    def __str__(self) -> str:
        return type(self).__name__

    @property
    @abc.abstractmethod
    def n_parents(self) -> int:
        """Number of parents one child needs."""

    @abc.abstractmethod
    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Make one child.

        Args:
            parents_params: ``(n_parents, n_genes)`` array of the parents' encoded numeric
                parameters (continuous, inside ``search_space_bounds``).
            rng: The random state to draw from (a ``numpy.random.RandomState``).
            study: The study the child is for.
            search_space_bounds: ``(n_genes, 2)`` array of ``[low, high]`` per gene.

        Returns:
            The child's genes, a 1-d array of ``n_genes`` floats.
        """


class UniformCrossover(BaseCrossover):
    """Uniform crossover (Syswerda 1989, "Uniform crossover in genetic algorithms"): each gene
    comes from the second parent with probability ``swapping_prob``, else from the first.

    Args:
        swapping_prob: Probability of taking a gene from the second parent, in ``[0, 1]``.

    Raises:
        ValueError: If ``swapping_prob`` is outside ``[0, 1]``.
    """

    n_parents = 2

    def __init__(self, swapping_prob: float = 0.5) -> None:
        self._swapping_prob = check_probability("swapping_prob", swapping_prob, "UniformCrossover")

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        swap = rng.uniform(size=parents_params.shape[1]) < self._swapping_prob
        return np.where(swap, parents_params[1], parents_params[0])

    def __repr__(self) -> str:
        return f"UniformCrossover(swapping_prob={self._swapping_prob!r})"


class BLXAlphaCrossover(BaseCrossover):
    """Blend crossover BLX-alpha (Eshelman & Schaffer 1993, "Real-coded genetic algorithms and
    interval-schemata", FOGA 2): each gene is drawn uniformly from the interval spanned by the
    two parents, widened by ``alpha`` times its length on both sides.

    Args:
        alpha: Widening factor, ``>= 0`` (0: between the parents; 0.5, the paper's choice, keeps
            the spread of the population on average).

    Raises:
        ValueError: If ``alpha`` is negative or not finite.
    """

    n_parents = 2

    def __init__(self, alpha: float = 0.5) -> None:
        self._alpha = check_real("alpha", alpha, "BLXAlphaCrossover", minimum=0.0)

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        low = parents_params.min(axis=0)
        high = parents_params.max(axis=0)
        spread = self._alpha * (high - low)
        child = rng.uniform(low - spread, high + spread)
        return into_bounds(np.asarray(child, dtype=float), search_space_bounds)

    def __repr__(self) -> str:
        return f"BLXAlphaCrossover(alpha={self._alpha!r})"


def _default_eta(eta: float | None, study: Study | None) -> float:
    # A broad distribution (2) explores in one objective; a narrow one (20, Deb et al. 2002's
    # choice for NSGA-II) keeps children near the front in several.
    if eta is not None:
        return eta
    return 20.0 if study is not None and study._is_multi_objective() else 2.0


class _SBXBase(BaseCrossover):
    """Two candidate children per gene, folded into one child as Optuna's operators do.

    The paper's operators make two children. Here, gene by gene, the candidates are swapped with
    probability ``uniform_crossover_prob`` and the first one is kept, then each of its genes is
    replaced by the first parent's gene with probability ``1 - use_child_gene_prob``.
    """

    n_parents = 2
    _owner = "SBXCrossover"

    def __init__(
        self,
        eta: float | None = None,
        uniform_crossover_prob: float = 0.5,
        use_child_gene_prob: float = 0.5,
    ) -> None:
        owner = self._owner
        self._eta = None if eta is None else check_real("eta", eta, owner, minimum=0.0)
        self._uniform_crossover_prob = check_probability(
            "uniform_crossover_prob", uniform_crossover_prob, owner
        )
        self._use_child_gene_prob = check_probability(
            "use_child_gene_prob",
            use_child_gene_prob,
            owner,
            allow_zero=False,
            hint=" (0 would always return the first parent).",
        )

    @abc.abstractmethod
    def _children(
        self, p0: np.ndarray, p1: np.ndarray, u: np.ndarray, eta: float, bounds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The two candidate children (the first one nearer ``p0``) for uniforms ``u``."""

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        eta = _default_eta(self._eta, study)
        p0, p1 = parents_params[0], parents_params[1]
        n = p0.shape[0]
        u = np.asarray(rng.uniform(size=n), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            c0, c1 = self._children(p0, p1, u, eta, search_space_bounds)
        same = np.abs(p1 - p0) <= 1e-14
        c0 = np.where(same | ~np.isfinite(c0), p0, c0)
        c1 = np.where(same | ~np.isfinite(c1), p1, c1)
        swap = rng.uniform(size=n) < self._uniform_crossover_prob
        child = np.where(swap, c1, c0)
        keep_child = rng.uniform(size=n) < self._use_child_gene_prob
        child = np.where(keep_child, child, p0)
        return into_bounds(child, search_space_bounds)

    def __repr__(self) -> str:
        return (
            f"{self._owner}(eta={self._eta!r}, uniform_crossover_prob="
            f"{self._uniform_crossover_prob!r}, use_child_gene_prob={self._use_child_gene_prob!r})"
        )


class SBXCrossover(_SBXBase):
    """Simulated binary crossover (Deb & Agrawal 1995, "Simulated binary crossover for
    continuous search space", Complex Systems 9), in its bounded form (Deb, Sindhya & Okabe
    2007, "Self-adaptive simulated binary crossover for real-parameter optimization", eqs. 4-6).

    Gene by gene, the two children lie symmetrically about the parents' midpoint at a distance
    ``beta`` times half the parents' distance, ``beta`` drawn from the polynomial density
    ``0.5 (eta + 1) beta**eta`` (``beta <= 1``) / ``0.5 (eta + 1) / beta**(eta + 2)``
    (``beta > 1``), truncated so both children stay inside the bounds. Away from the bounds the
    children's mean is the parents' mean.

    Args:
        eta: Distribution index, ``>= 0``: larger keeps children nearer their parents.
            Default: 2 for one objective, 20 for several (Deb et al. 2002).
        uniform_crossover_prob: Per-gene probability of swapping the two children before the
            first is kept, in ``[0, 1]``.
        use_child_gene_prob: Per-gene probability of keeping the child's gene rather than the
            first parent's, in ``(0, 1]``.

    Raises:
        ValueError: On an argument out of range.
    """

    _owner = "SBXCrossover"

    def _children(
        self, p0: np.ndarray, p1: np.ndarray, u: np.ndarray, eta: float, bounds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        y1, y2 = np.minimum(p0, p1), np.maximum(p0, p1)
        diff = y2 - y1
        mid = 0.5 * (y1 + y2)
        e = 1.0 / (eta + 1.0)

        def beta_q(beta_bound: np.ndarray) -> np.ndarray:
            # Inverse CDF of the spread factor truncated at the bound's beta (eq. 5-6).
            alpha = 2.0 - beta_bound ** (-(eta + 1.0))
            inner = np.where(u <= 1.0 / alpha, u * alpha, 1.0 / (2.0 - u * alpha))
            return np.asarray(inner**e, dtype=float)

        low_child = mid - 0.5 * beta_q(1.0 + 2.0 * (y1 - bounds[:, 0]) / diff) * diff
        high_child = mid + 0.5 * beta_q(1.0 + 2.0 * (bounds[:, 1] - y2) / diff) * diff
        first_is_low = p0 <= p1
        return (
            np.where(first_is_low, low_child, high_child),
            np.where(first_is_low, high_child, low_child),
        )


class VSBXCrossover(_SBXBase):
    """vSBX (Ballester & Carter 2003, "Real-parameter genetic algorithms for finding multiple
    optimal solutions in multi-modal optimization", GECCO, Sec. 3.2): SBX's spread factor,
    placed so that no region of a gene's range is excluded.

    With ``u`` uniform, a contracting draw (``u <= 0.5``, ``beta = (2u)**(1/(eta+1))``) puts the
    two children between the parents as SBX does; an expanding draw (``u > 0.5``,
    ``beta = (2(1-u))**(-1/(eta+1)) >= 1``) moves each child from its own parent *towards and
    past the other parent*, ``c0 = p0 + (beta - 1)(p1 - p0) / 2``, instead of away from it. The
    two candidates together still cover both sides of both parents.

    Args:
        eta: Distribution index, ``>= 0``. Default: 2 for one objective, 20 for several.
        uniform_crossover_prob: As for :class:`SBXCrossover`.
        use_child_gene_prob: As for :class:`SBXCrossover`.

    Raises:
        ValueError: On an argument out of range.
    """

    _owner = "VSBXCrossover"

    def _children(
        self, p0: np.ndarray, p1: np.ndarray, u: np.ndarray, eta: float, bounds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        e = 1.0 / (eta + 1.0)
        contracting = u <= 0.5
        beta = np.where(contracting, (2.0 * u) ** e, (2.0 * (1.0 - u)) ** (-e))
        c0 = np.where(
            contracting,
            0.5 * ((1.0 + beta) * p0 + (1.0 - beta) * p1),
            p0 + 0.5 * (beta - 1.0) * (p1 - p0),
        )
        c1 = np.where(
            contracting,
            0.5 * ((1.0 - beta) * p0 + (1.0 + beta) * p1),
            p1 + 0.5 * (beta - 1.0) * (p0 - p1),
        )
        return c0, c1


def describe(crossover: Any) -> str:
    """A short name of ``crossover`` for messages."""
    return repr(crossover) if isinstance(crossover, BaseCrossover) else type(crossover).__name__
