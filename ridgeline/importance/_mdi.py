"""Mean decrease in impurity of a random forest (Breiman 2001, "Random forests")."""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeline.importance._forest import ForestImportanceEvaluator

__all__ = ["MeanDecreaseImpurityImportanceEvaluator"]


class MeanDecreaseImpurityImportanceEvaluator(ForestImportanceEvaluator):
    """How much each parameter's splits reduce the squared error of a random forest.

    The forest is the one :class:`FanovaImportanceEvaluator` fits (same encoding); the score
    is scikit-learn's ``feature_importances_``: the weighted decrease in variance of every
    split on the parameter, averaged over trees. Cheap once the forest is fitted, but biased
    towards parameters with many distinct values, and it credits interactions to the
    parameters that take part in them.

    Needs scikit-learn.

    Args:
        n_trees: Number of trees of the forest.
        max_depth: Maximum depth of each tree.
        seed: Seed of the forest's bootstrap; the same seed gives the same importances.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(lambda t: 10 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1),
        ...                n_trials=60)
        >>> evaluator = ridgeline.importance.MeanDecreaseImpurityImportanceEvaluator(seed=0)
        >>> list(ridgeline.importance.get_param_importances(study, evaluator=evaluator))
        ['x', 'y']
    """

    def forest_scores(self, forest: Any, n_features: int) -> np.ndarray:
        return np.asarray(forest.feature_importances_, dtype=float)
