"""Functional ANOVA over the partitions of regression trees.

Hutter, Hoos & Leyton-Brown (2014), "An efficient approach for assessing hyperparameter
importance", ICML. A regression tree splits the configuration space ``Θ`` (here the unit cube,
see ``_data``) into axis-aligned leaf boxes with constant predictions ``v_L``. Under the uniform
measure on ``Θ``:

* the mean prediction is ``f_∅ = Σ_L |L| v_L`` (``|L|`` the box's volume), and the total
  variance ``V = Σ_L |L| (v_L - f_∅)²``;
* the marginal prediction of parameter ``i`` (eq. 1 of the paper, ``U = {i}``) averages the
  tree over every other parameter: ``a_i(x) = Σ_{L ∋ x} v_L |L| / w_{L,i}``, summed over the
  leaves whose side ``[lo_{L,i}, hi_{L,i})`` (of width ``w_{L,i}``) contains ``x``. It is a step
  function that changes only at the tree's split points on ``i``;
* the main effect ``f_i = a_i - f_∅`` has variance ``V_i = ∫ (a_i(x) - f_∅)² dx`` (eq. 2-3),
  and the importance of ``i`` is the fraction ``V_i / V`` (Theorem 2 computes these marginals
  in time linear in the tree's size; we do it with one sort and a cumulative sum per
  parameter).

The forest's importance of ``i`` is the mean of the per-tree fractions over the trees that
vary at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeline.importance._forest import ForestImportanceEvaluator

__all__ = [
    "FanovaImportanceEvaluator",
    "forest_fractions",
    "leaf_boxes",
    "main_effect_fractions",
]


def leaf_boxes(
    children_left: np.ndarray,
    children_right: np.ndarray,
    feature: np.ndarray,
    threshold: np.ndarray,
    n_features: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The leaves of a binary tree over the unit cube and their boxes.

    A node sends ``x`` left when ``x[feature] <= threshold``; a leaf has ``-1`` children (the
    layout of scikit-learn's ``tree_``).

    Returns:
        ``(leaves, lo, hi)``: the leaf node ids and their boxes, ``(n_leaves, n_features)``.

    Example:
        >>> import numpy as np
        >>> leaves, lo, hi = leaf_boxes(np.array([1, -1, -1]), np.array([2, -1, -1]),
        ...                             np.array([0, -2, -2]), np.array([0.25, 0.0, 0.0]), 2)
        >>> leaves.tolist(), lo[:, 0].tolist(), hi[:, 0].tolist()
        ([1, 2], [0.0, 0.25], [0.25, 1.0])
    """
    n_nodes = children_left.shape[0]
    lo = np.zeros((n_nodes, n_features))
    hi = np.ones((n_nodes, n_features))
    frontier = np.array([0])
    # One pass per depth level, vectorized across the level's nodes.
    while frontier.size:
        inner = frontier[children_left[frontier] >= 0]
        if not inner.size:
            break
        left, right, feat = children_left[inner], children_right[inner], feature[inner]
        thr = threshold[inner]
        lo[left], hi[left] = lo[inner], hi[inner]
        lo[right], hi[right] = lo[inner], hi[inner]
        hi[left, feat] = np.minimum(hi[left, feat], thr)
        lo[right, feat] = np.maximum(lo[right, feat], thr)
        frontier = np.concatenate([left, right])
    leaves = np.flatnonzero(children_left < 0)
    return leaves, lo[leaves], hi[leaves]


def main_effect_fractions(
    lo: np.ndarray, hi: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, float]:
    """Each parameter's share ``V_i / V`` of a tree's variance, and ``V``.

    Args:
        lo: ``(n_leaves, n_features)`` lower corners of the leaf boxes (a partition of the
            unit cube).
        hi: Upper corners.
        values: ``(n_leaves,)`` the leaves' predictions.

    Returns:
        ``(fractions, V)``; the fractions are zeros when the tree is constant (``V == 0``).

    Example:
        >>> import numpy as np
        >>> lo = np.array([[0.0, 0.0], [0.5, 0.0]]); hi = np.array([[0.5, 1.0], [1.0, 1.0]])
        >>> fractions, total = main_effect_fractions(lo, hi, np.array([0.0, 2.0]))
        >>> fractions.tolist(), total
        ([1.0, 0.0], 1.0)
    """
    n_features = lo.shape[1]
    width = np.clip(hi - lo, 0.0, None)
    volume = np.prod(width, axis=1)
    mean = float(volume @ values)
    total = float(volume @ (values - mean) ** 2)
    fractions = np.zeros(n_features)
    if total <= 1e-14 * max(1.0, mean * mean):
        return fractions, 0.0
    for i in range(n_features):
        w = width[:, i]
        keep = w > 0
        # Each leaf adds v_L |L| / w_{L,i} to a_i on its side [lo, hi) of parameter i.
        contrib = values[keep] * volume[keep] / w[keep]
        points = np.unique(np.concatenate([lo[keep, i], hi[keep, i], [0.0, 1.0]]))
        if points.size <= 2:  # the tree never splits on i: a_i is constant
            continue
        start = np.searchsorted(points, lo[keep, i])
        stop = np.searchsorted(points, hi[keep, i])
        k = points.size
        steps = np.bincount(start, contrib, minlength=k) - np.bincount(stop, contrib, minlength=k)
        marginal = np.cumsum(steps)[:-1]
        fractions[i] = float(np.diff(points) @ (marginal - mean) ** 2) / total
    return fractions, total


def forest_fractions(forest: object, n_features: int) -> np.ndarray:
    """The mean over a fitted scikit-learn forest's non-constant trees of ``V_i / V``."""
    sums = np.zeros(n_features)
    n_used = 0
    for estimator in forest.estimators_:  # type: ignore[attr-defined]
        tree = estimator.tree_
        leaves, lo, hi = leaf_boxes(
            tree.children_left, tree.children_right, tree.feature, tree.threshold, n_features
        )
        fractions, total = main_effect_fractions(lo, hi, tree.value[leaves, 0, 0])
        if total > 0:
            sums += fractions
            n_used += 1
    return sums / n_used if n_used else sums


class FanovaImportanceEvaluator(ForestImportanceEvaluator):
    """Functional ANOVA on a random forest (Hutter, Hoos & Leyton-Brown 2014).

    A scikit-learn random forest is fitted to the target over the parameters (each scaled to
    ``[0, 1]`` over its domain, log parameters in log space, categorical ones as ordinal
    codes); each tree's prediction is then decomposed exactly: the importance of a parameter
    is the variance of its marginal prediction (averaging out every other parameter uniformly
    over the search space) as a fraction of the tree's total variance, averaged over trees.
    Interactions are not credited to either parameter, so on a function with strong
    interactions the fractions sum to less than 1 (before normalization).

    Needs scikit-learn. Slower than :class:`PedAnovaImportanceEvaluator` (the forest is
    fitted to every trial), but it explains the objective over the whole search space.

    Args:
        n_trees: Number of trees of the forest.
        max_depth: Maximum depth of each tree.
        seed: Seed of the forest's bootstrap; the same seed gives the same importances.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(lambda t: 10 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1),
        ...                n_trials=60)
        >>> evaluator = ridgeline.importance.FanovaImportanceEvaluator(n_trees=16, seed=0)
        >>> list(ridgeline.importance.get_param_importances(study, evaluator=evaluator))
        ['x', 'y']
    """

    def forest_scores(self, forest: Any, n_features: int) -> np.ndarray:
        return forest_fractions(forest, n_features)
