"""A scikit-learn random forest over the unit-cube columns, shared by fANOVA and MDI."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.importance._base import (
    BaseImportanceEvaluator,
    check_positive_int,
    check_seed,
    scores_to_dict,
)
from ridgeline.importance._data import collect

if TYPE_CHECKING:
    from ridgeline.study import Study
    from ridgeline.trial import FrozenTrial

__all__ = ["ForestImportanceEvaluator", "fit_forest"]


def fit_forest(
    x: np.ndarray, y: np.ndarray, n_trees: int, max_depth: int, seed: int | None, owner: str
) -> Any:
    """A fitted ``RandomForestRegressor`` (bootstrap, fully grown up to ``max_depth``).

    One job: importance is often computed beside running trials, and the trees are cheap next
    to the decomposition's bookkeeping at these sizes.
    """
    try:
        ensemble = importlib.import_module("sklearn.ensemble")
    except ImportError as e:
        raise ImportError(
            f"{owner} needs scikit-learn, which is not installed. Install it with: "
            "pip install scikit-learn (or pip install 'ridgeline[integrations]'), or use "
            "PedAnovaImportanceEvaluator, which needs only numpy."
        ) from e
    forest = ensemble.RandomForestRegressor(
        n_estimators=n_trees,
        max_depth=max_depth,
        min_samples_split=2,
        min_samples_leaf=1,
        random_state=seed,
        n_jobs=1,
    )
    forest.fit(x, y)
    return forest


class ForestImportanceEvaluator(BaseImportanceEvaluator):
    """An evaluator that scores parameters from a random forest fitted on the trials (the
    common part of fANOVA and mean decrease in impurity): subclasses give
    :meth:`forest_scores`. Constant parameters, and every parameter of a constant objective,
    score 0 without fitting anything."""

    def __init__(self, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        owner = type(self).__name__
        self._n_trees = check_positive_int(owner, "n_trees", n_trees)
        self._max_depth = check_positive_int(owner, "max_depth", max_depth)
        self._seed = check_seed(owner, seed)

    def forest_scores(self, forest: Any, n_features: int) -> np.ndarray:
        """The ``(n_features,)`` scores of the fitted ``forest``'s input columns."""
        raise NotImplementedError

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
            scores[varying] = self.forest_scores(forest, len(varying))
        return scores_to_dict(data, scores)
