"""Real tuning problems on data sets bundled with scikit-learn.

Each value is 1 - mean accuracy over fixed stratified 3-fold splits with fixed model seeds,
so a configuration always gets the same value; data sets are subsampled where that keeps one
evaluation near 0.1-0.3 s on this machine. Evaluations are cached per process (repeated
configurations are common with integer and categorical parameters).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from benchmarks.problems import Param, Problem

__all__ = ["SKLEARN_PROBLEMS"]


@cache
def _data(name: str) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    from sklearn import datasets
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    loader = {
        "digits": datasets.load_digits,
        "wine": datasets.load_wine,
        "breast_cancer": datasets.load_breast_cancer,
    }[name]
    x, y = loader(return_X_y=True)
    if len(y) > 600:  # keep one evaluation cheap: a fixed stratified subsample
        rng = np.random.default_rng(0)
        keep = np.sort(rng.permutation(len(y))[:600])
        x, y = x[keep], y[keep]
    x = StandardScaler().fit_transform(x)
    folds = list(StratifiedKFold(n_splits=3, shuffle=True, random_state=0).split(x, y))
    return x, y, folds


def _cv_error(data: str, make_model: Callable[[], Any]) -> float:
    x, y, folds = _data(data)
    scores = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings of deliberately short fits
        for train, valid in folds:
            model = make_model().fit(x[train], y[train])
            scores.append(model.score(x[valid], y[valid]))
    return 1.0 - float(np.mean(scores))


def _cached(function: Callable[[dict[str, Any]], float]) -> Callable[[dict[str, Any]], float]:
    memo: dict[tuple[Any, ...], float] = {}

    def wrapper(params: dict[str, Any]) -> float:
        key = tuple(sorted((k, repr(v)) for k, v in params.items()))
        if key not in memo:
            memo[key] = function(params)
        return memo[key]

    return wrapper


@_cached
def svm_digits(p: dict[str, Any]) -> float:
    from sklearn.svm import SVC

    return _cv_error("digits", lambda: SVC(C=p["C"], gamma=p["gamma"]))


@_cached
def forest_wine(p: dict[str, Any]) -> float:
    from sklearn.ensemble import RandomForestClassifier

    return _cv_error(
        "wine",
        lambda: RandomForestClassifier(
            n_estimators=p["n_estimators"],
            max_depth=p["max_depth"],
            min_samples_split=p["min_samples_split"],
            max_features=p["max_features"],
            random_state=0,
            n_jobs=1,
        ),
    )


@_cached
def boosting_breast_cancer(p: dict[str, Any]) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return _cv_error(
        "breast_cancer",
        lambda: HistGradientBoostingClassifier(
            learning_rate=p["learning_rate"],
            max_leaf_nodes=p["max_leaf_nodes"],
            min_samples_leaf=p["min_samples_leaf"],
            l2_regularization=p["l2_regularization"],
            max_iter=30,
            early_stopping=False,
            random_state=0,
        ),
    )


@_cached
def mlp_digits(p: dict[str, Any]) -> float:
    from sklearn.neural_network import MLPClassifier

    return _cv_error(
        "digits",
        lambda: MLPClassifier(
            hidden_layer_sizes=(p["hidden"],),
            alpha=p["alpha"],
            learning_rate_init=p["learning_rate_init"],
            activation=p["activation"],
            max_iter=25,
            random_state=0,
        ),
    )


SKLEARN_PROBLEMS = (
    Problem(
        "svm_digits",
        "sklearn",
        (Param("C", "float", 1e-3, 1e3, log=True), Param("gamma", "float", 1e-5, 1e-1, log=True)),
        svm_digits,
        None,
    ),
    Problem(
        "forest_wine",
        "sklearn",
        (
            Param("n_estimators", "int", 5, 50, step=5),
            Param("max_depth", "int", 1, 12),
            Param("min_samples_split", "int", 2, 16, log=True),
            Param("max_features", "cat", choices=("sqrt", "log2", None)),
        ),
        forest_wine,
        None,
    ),
    Problem(
        "boosting_breast_cancer",
        "sklearn",
        (
            Param("learning_rate", "float", 1e-3, 1.0, log=True),
            Param("max_leaf_nodes", "int", 4, 64, log=True),
            Param("min_samples_leaf", "int", 2, 50),
            Param("l2_regularization", "float", 1e-6, 10.0, log=True),
        ),
        boosting_breast_cancer,
        None,
    ),
    Problem(
        "mlp_digits",
        "sklearn",
        (
            Param("hidden", "int", 8, 128, log=True),
            Param("alpha", "float", 1e-6, 1e-1, log=True),
            Param("learning_rate_init", "float", 1e-4, 1e-1, log=True),
            Param("activation", "cat", choices=("relu", "tanh")),
        ),
        mlp_digits,
        None,
    ),
)
