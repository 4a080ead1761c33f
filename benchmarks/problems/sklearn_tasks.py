"""Real tuning problems on data sets bundled with scikit-learn (no download).

The value of a configuration is 1 - mean accuracy over fixed stratified 3-fold splits
(``StratifiedKFold(shuffle=True, random_state=0)``) with fixed model seeds, features
standardised on each training fold, so a configuration always gets the same value. Digits is
subsampled to a fixed stratified 600 of its 1,797 images to keep one evaluation near
0.05-0.2 s on one core; breast cancer (569) is used whole. Every fit runs on one thread
(``threadpoolctl``): with OpenMP free to take every core, HistGradientBoosting fits on this
2-core machine took up to 15 s instead of 0.1 s.

Evaluations are cached per process, keyed by the configuration: integer and categorical
parameters make repeats common, and a repeat costs nothing.

Wine is not used: a random forest on it reached its best cross-validated error with one
random configuration in ten, which leaves no room to tell optimizers apart.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from benchmarks.problems._problem import Problem
from benchmarks.problems._space import Param

__all__ = ["SKLEARN_PROBLEMS"]

_N_SUBSAMPLE = 600
_N_FOLDS = 3


@cache
def _data(name: str) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    from sklearn import datasets
    from sklearn.model_selection import StratifiedKFold, train_test_split

    loader = {"digits": datasets.load_digits, "breast_cancer": datasets.load_breast_cancer}
    x, y = loader[name](return_X_y=True)
    if len(y) > _N_SUBSAMPLE:
        x, _, y, _ = train_test_split(
            x, y, train_size=_N_SUBSAMPLE, stratify=y, random_state=0, shuffle=True
        )
    folds = list(StratifiedKFold(n_splits=_N_FOLDS, shuffle=True, random_state=0).split(x, y))
    return x, y, folds


def _cv_error(data: str, make_model: Callable[[], Any]) -> float:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    x, y, folds = _data(data)
    scores = []
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")  # convergence warnings of deliberately short fits
        for train, valid in folds:
            model = make_pipeline(StandardScaler(), make_model())
            model.fit(x[train], y[train])
            scores.append(model.score(x[valid], y[valid]))
    return 1.0 - float(np.mean(scores))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _cached(function: Callable[[dict[str, Any]], float]) -> Callable[[dict[str, Any]], float]:
    """Memoise ``function`` on the configuration (numpy scalars read as Python ones)."""
    memo: dict[tuple[tuple[str, Any], ...], float] = {}

    def wrapper(params: dict[str, Any]) -> float:
        key = tuple(sorted((k, _plain(v)) for k, v in params.items()))
        if key not in memo:
            memo[key] = function(params)
        return memo[key]

    wrapper.__doc__ = function.__doc__
    wrapper.__name__ = function.__name__
    return wrapper


@_cached
def svm_digits(p: dict[str, Any]) -> float:
    """RBF support-vector classifier on digits: C and gamma, both log-scaled."""
    from sklearn.svm import SVC

    return _cv_error("digits", lambda: SVC(C=p["C"], gamma=p["gamma"]))


@_cached
def forest_digits(p: dict[str, Any]) -> float:
    """Random forest on digits: a few trees (step 5), depth, split size, features per split
    (8, 6 or 16 of 64; all 64 took up to 0.7 s an evaluation)."""
    from sklearn.ensemble import RandomForestClassifier

    return _cv_error(
        "digits",
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
    """Histogram gradient boosting (30 rounds, no early stopping) on breast cancer."""
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
    """One-hidden-layer perceptron on digits, 25 epochs of Adam (deliberately short)."""
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


# ``reference``: median of 1,000 random configurations (seed 0); ``best_known``: the best
# value seen in those and in benchmark runs. Recompute with ``efficiency.py
# --check-references`` (minutes) after changing a problem or upgrading scikit-learn.
SKLEARN_PROBLEMS = (
    Problem(
        "svm_digits",
        "sklearn",
        (Param("C", "float", 1e-3, 1e3, log=True), Param("gamma", "float", 1e-5, 1e-1, log=True)),
        svm_digits,
        optimum=None,
        reference=0.13,
        best_known=0.029999999999999916,
        description="SVC on digits (600): C, gamma",
    ),
    Problem(
        "forest_digits",
        "sklearn",
        (
            Param("n_estimators", "int", 5, 50, step=5),
            Param("max_depth", "int", 1, 12),
            Param("min_samples_split", "int", 2, 16, log=True),
            Param("max_features", "cat", choices=("sqrt", "log2", 0.25)),
        ),
        forest_digits,
        optimum=None,
        reference=0.09166666666666667,
        best_known=0.043333333333333446,
        description="random forest on digits (600): 3 ints, 1 categorical",
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
        optimum=None,
        reference=0.07030539311241057,
        best_known=0.026352919335375424,
        description="HistGradientBoosting on breast cancer: 2 log floats, 2 ints",
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
        optimum=None,
        reference=0.11499999999999988,
        best_known=0.043333333333333335,
        description="MLP on digits (600): width, alpha, learning rate, activation",
    ),
)
