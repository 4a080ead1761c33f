"""PED-ANOVA: importance as the Pearson divergence between the top trials and the rest.

Watanabe, Bansal & Hutter (2023), "PED-ANOVA: Efficiently quantifying hyperparameter
importance in arbitrary subspaces", IJCAI. Let ``g`` be a top quantile of the trials (the best
``g`` fraction by target) and ``g' >= g`` a region quantile (gamma and gamma' in the paper). The
paper shows (Theorem 1) that the local variance, over the region of the top-``g'`` trials, of
the marginal of the indicator "``x`` is in the top ``g``" is ``(g/g')² · D_d``, where

    D_d = ∫ (p_g(x_d) / p_g'(x_d) - 1)² p_g'(x_d) dx_d        (Pearson divergence)

and ``p_g``, ``p_g'`` are the one-dimensional densities of parameter ``d`` among the top-``g``
and top-``g'`` trials. Only 1-D density estimates are needed: no surrogate model, so it takes
milliseconds at 10,000 trials. ``D_d`` is the importance reported here; with
``evaluate_on_local=False`` the region density ``p_g'`` is replaced by the uniform density over
the search space (the importance in the whole space rather than where the trials went).

Densities are Parzen estimators on a fixed grid over the unit-scaled parameter (see
``_data``): Gaussian kernels with Silverman's rule-of-thumb bandwidth (Silverman 1986,
"Density estimation", eq. 3.31) for ordered parameters, counts for categorical ones, each mixed
with one uniform prior observation so that the ratio is always defined.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.distributions import BaseDistribution, CategoricalDistribution, IntDistribution
from ridgeline.importance._base import BaseImportanceEvaluator, scores_to_dict
from ridgeline.importance._data import ImportanceError, ImportanceTypeError, _scaled, collect

if TYPE_CHECKING:
    from ridgeline.study import Study
    from ridgeline.trial import FrozenTrial

__all__ = ["Grid", "PedAnovaImportanceEvaluator", "grid_for", "parzen", "pearson_divergence"]

N_BINS = 256  # grid of a continuous parameter: a bin is 0.4% of the domain
MAX_DISCRETE = 256  # an int parameter with up to this many values is estimated per value


class Grid:
    """Points of ``[0, 1]`` where a parameter's densities are estimated.

    Args:
        points: The sorted grid points (cell centres).
        ordered: Whether neighbouring points are similar values (numeric parameters); a
            categorical parameter's density is plain counts.
    """

    def __init__(self, points: np.ndarray, ordered: bool) -> None:
        self.points = points
        self.ordered = ordered
        self._cuts = (points[1:] + points[:-1]) / 2

    def index(self, x: np.ndarray) -> np.ndarray:
        """The grid cell of each unit-scaled value."""
        return np.searchsorted(self._cuts, x)


def grid_for(dist: BaseDistribution) -> Grid:
    """The grid of a parameter: its values when few, else ``N_BINS`` equal cells."""
    if isinstance(dist, CategoricalDistribution):
        k = len(dist.choices)
        return Grid((np.arange(k) + 0.5) / k, ordered=False)
    if isinstance(dist, IntDistribution):
        step = 1 if dist.log else dist.step
        n_values = (dist.high - dist.low) // step + 1
        if n_values <= MAX_DISCRETE:
            values = [float(dist.low + i * step) for i in range(n_values)]
            return Grid(_scaled(values, dist), ordered=True)
    return Grid((np.arange(N_BINS) + 0.5) / N_BINS, ordered=True)


def _bandwidth(x: np.ndarray, floor: float) -> float:
    """Silverman's rule of thumb, ``1.06 min(sigma, IQR/1.349) n^(-1/5)``, at least ``floor``."""
    std = float(np.std(x))
    q75, q25 = np.percentile(x, [75, 25])
    spread = min(std, float(q75 - q25) / 1.349) or std
    return max(1.06 * spread * x.size ** (-0.2), floor)


def parzen(x: np.ndarray, grid: Grid) -> np.ndarray:
    """A Parzen density of the unit-scaled sample ``x``, as probabilities of the grid's cells.

    Example:
        >>> import numpy as np
        >>> p = parzen(np.array([0.1, 0.1, 0.2]), Grid(np.array([0.1, 0.2, 0.9]), ordered=False))
        >>> np.round(p, 3).tolist()  # counts 2, 1, 0 plus one uniform prior observation
        [0.583, 0.333, 0.083]
    """
    m = grid.points.size
    counts = np.bincount(grid.index(x), minlength=m).astype(float)
    if grid.ordered and m > 1:
        floor = float(np.min(np.diff(grid.points))) / 2
        h = _bandwidth(x, floor)
        # Gaussian kernels centred on the sample's cells, each truncated to the domain
        # (renormalized over the grid).
        kernel = np.exp(-0.5 * ((grid.points[:, None] - grid.points[None, :]) / h) ** 2)
        kernel /= kernel.sum(axis=0, keepdims=True)
        counts = kernel @ counts
    return (counts + 1.0 / m) / (x.size + 1.0)


def pearson_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """``Σ q (p/q - 1)²`` of two discrete distributions on the same cells (``q > 0``).

    Example:
        >>> import numpy as np
        >>> pearson_divergence(np.array([0.5, 0.5]), np.array([0.5, 0.5]))
        0.0
    """
    return float(np.sum((p - q) ** 2 / q))


def _check_quantile(owner: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ImportanceTypeError(f"`{name}` of {owner} must be a float; got {value!r}.")
    if not 0.0 < value <= 1.0:
        raise ImportanceError(
            f"`{name}` of {owner} must be in (0, 1]; got {value!r}. E.g. 0.1 for the top 10%."
        )
    return float(value)


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """PED-ANOVA (Watanabe, Bansal & Hutter 2023): which parameters set the top trials apart.

    For each parameter, the importance is the Pearson divergence between its distribution
    among the best ``baseline_quantile`` of the trials and its distribution among all trials
    (``evaluate_on_local=True``: the importance where the optimization went) or the uniform
    distribution over the search space (``False``: the importance in the whole space). A
    parameter whose good values are spread like all of its values scores 0. It uses only
    1-D density estimates, so it needs no scikit-learn and takes milliseconds at 10,000
    trials, which is why :func:`get_param_importances` uses it by default.

    "Best" means the lowest values in a minimized study and the highest in a maximized one.
    A ``target`` that returns one objective's values (``lambda t: t.values[1]``) follows that
    objective's direction; any other ``target`` counts its lowest values as the best (return
    ``-x`` to explain the highest).

    Args:
        baseline_quantile: The top fraction of the trials (``g`` in the module docstring), in
            (0, 1]; at least one trial is taken.
        evaluate_on_local: Compare with the trials' own distribution (True) or with the
            uniform distribution over the search space (False).
        target_quantile: Optuna 5's name for ``baseline_quantile``; used when given.
        region_quantile: The local region (``g'``): compare with the best
            ``region_quantile`` of the trials instead of all of them (``>= baseline_quantile``;
            only with ``evaluate_on_local=True``).

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(lambda t: 10 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1),
        ...                n_trials=200)
        >>> evaluator = ridgeline.importance.PedAnovaImportanceEvaluator()
        >>> list(ridgeline.importance.get_param_importances(study, evaluator=evaluator))
        ['x', 'y']
    """

    def __init__(
        self,
        baseline_quantile: float = 0.1,
        evaluate_on_local: bool = True,
        *,
        target_quantile: float | None = None,
        region_quantile: float = 1.0,
    ) -> None:
        owner = type(self).__name__
        if target_quantile is not None:
            baseline_quantile = _check_quantile(owner, "target_quantile", target_quantile)
        self._gamma = _check_quantile(owner, "baseline_quantile", baseline_quantile)
        self._region = _check_quantile(owner, "region_quantile", region_quantile)
        if self._region < self._gamma:
            raise ImportanceError(
                f"`region_quantile` of {owner} must be >= baseline_quantile "
                f"({self._gamma!r}); got {region_quantile!r}."
            )
        if not isinstance(evaluate_on_local, bool):
            raise ImportanceTypeError(
                f"`evaluate_on_local` of {owner} must be a bool; got {evaluate_on_local!r}."
            )
        self._local = evaluate_on_local

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        data = collect(study, params, target, type(self).__name__)
        n = data.y.size
        order = np.argsort(data.y if data.lower_is_better else -data.y, kind="stable")
        top = order[: max(1, math.ceil(self._gamma * n))]
        region = order[: max(top.size, math.ceil(self._region * n))]
        scores = np.zeros(len(data.names))
        for i, dist in enumerate(data.distributions):
            if data.is_constant(i) or np.ptp(data.y) == 0:
                continue
            grid = grid_for(dist)
            p_top = parzen(data.x[top, i], grid)
            if self._local:
                p_base = parzen(data.x[region, i], grid)
            else:
                p_base = np.full(grid.points.size, 1.0 / grid.points.size)
            scores[i] = pearson_divergence(p_top, p_base)
        return scores_to_dict(data, scores)
