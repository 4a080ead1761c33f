"""A scikit-learn random forest over the unit-cube columns, shared by fANOVA and MDI."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

__all__ = ["fit_forest"]


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
