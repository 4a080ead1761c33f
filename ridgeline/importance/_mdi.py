"""Mean decrease in impurity of a random forest (Breiman 2001, "Random forests")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ridgeline.importance._base import (
    BaseImportanceEvaluator,
    check_positive_int,
    check_seed,
    scores_to_dict,
)
from ridgeline.importance._data import collect
from ridgeline.importance._forest import fit_forest

if TYPE_CHECKING:
    from ridgeline.study import Study
    from ridgeline.trial import FrozenTrial

__all__ = ["MeanDecreaseImpurityImportanceEvaluator"]


class MeanDecreaseImpurityImportanceEvaluator(BaseImportanceEvaluator):
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

    def __init__(self, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        owner = type(self).__name__
        self._n_trees = check_positive_int(owner, "n_trees", n_trees)
        self._max_depth = check_positive_int(owner, "max_depth", max_depth)
        self._seed = check_seed(owner, seed)

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Callable[[FrozenTrial], float] | None = None,
    ) -> dict[str, float]:
        owner = type(self).__name__
        data = collect(study, params, target, owner)
        varying = [i for i in range(len(data.names)) if not data.is_constant(i)]
        scores = np.zeros(len(data.names))
        if varying and np.ptp(data.y) > 0:
            x = data.x[:, varying]
            forest = fit_forest(x, data.y, self._n_trees, self._max_depth, self._seed, owner)
            scores[varying] = forest.feature_importances_
        return scores_to_dict(data, scores)
