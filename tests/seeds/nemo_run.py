"""A small stand-in for NeMo Run (``import nemo_run as run``), for seed 001's snippets.

Seed 001 drives each trial through ``run.Experiment``::

    with run.Experiment(f"architecture_search_{trial.number}") as exp:
        exp.add(config, name="architecture_trial")
        results = exp.run()
        return results["validation_accuracy"]

NeMo Run itself launches jobs and returns nothing from ``run()``; the seed's users expect a
dict of metrics. This stand-in really trains a scikit-learn ``MLPClassifier`` on the digits
split of :mod:`_training` from the added config and returns those metrics, so the studies in
the seed tests optimise something real.

Config mapping (a dataclass or a mapping; a nested ``hyperparameters`` mapping is merged):

* ``learning_rate`` (or ``lr``) → ``learning_rate_init``; ``batch_size`` → ``batch_size``;
  ``activation`` → ``activation`` (``sigmoid`` is ``logistic``; ``gelu``/``silu`` run as
  ``relu``, the closest activation scikit-learn has); ``optimizer`` ``sgd`` → ``solver="sgd"``
  with ``momentum``, anything else → ``adam``.
* ``hidden_sizes`` (or ``hidden_size``/``hidden_dim`` times ``num_layers``/``n_layers``) → hidden
  layers, each width divided by :data:`WIDTH_SCALE` (the digits have 64 features).
* ``weight_decay`` + ``dropout_rate``/``dropout`` times 0.01 → L2 penalty ``alpha``:
  ``MLPClassifier`` has no dropout, and an L2 penalty is the regulariser it offers.

Time scale: the stand-in trains on :data:`N_TRAIN` images (times ``data_fraction``); one of its
epochs stands for :data:`EPOCH_SCALE` requested epochs (``max_epochs``/``max_iterations``),
rounded up, :data:`DEFAULT_EPOCHS` when none is requested. Early-stopping patience is scaled
the same way.

Metrics returned by :meth:`Experiment.run`: ``validation_accuracy`` (= ``accuracy``,
``fitness``, ``score``), ``best_validation_accuracy``, ``validation_loss``, ``train_loss``,
``inference_latency`` (seconds per validation image, ``time.perf_counter``),
``memory_usage`` (bytes: with ``resource_monitoring=True`` the process's peak resident set
as a job monitor would report it, otherwise the model's parameter and activation buffers),
``n_parameters``, ``epochs``, ``wall_time``.
"""

from __future__ import annotations

import dataclasses
import math
import re
import resource
import threading
import time
import warnings
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import numpy as np
from _training import load_split

__all__ = ["DEFAULT_EPOCHS", "EPOCH_SCALE", "N_TRAIN", "WIDTH_SCALE", "Experiment"]

N_TRAIN = 64
EPOCH_SCALE = 10
DEFAULT_EPOCHS = 2
WIDTH_SCALE = 8
_BACKENDS = ("local", "ray")
_ACTIVATIONS = {
    "relu": "relu",
    "tanh": "tanh",
    "sigmoid": "logistic",
    "logistic": "logistic",
    "identity": "identity",
    "gelu": "relu",
    "silu": "relu",
}
_FIT_LOCK = threading.Lock()
_UNITS = {"": 1, "B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30, "TB": 2**40}


class Experiment:
    """A named group of tasks; use it as a context manager, ``add`` configs, then ``run``."""

    def __init__(self, title: str, *, executor: Any = None) -> None:
        if not isinstance(title, str) or not title:
            raise ValueError(f"`title` of Experiment must be a non-empty str; got {title!r}.")
        self.title = title
        self.executor = executor
        self.tasks: list[tuple[str, dict[str, Any]]] = []
        self.results: dict[str, dict[str, float]] = {}
        self._entered = False

    def __enter__(self) -> Experiment:
        self._entered = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._entered = False

    def add(self, config: Any, name: str | None = None) -> str:
        """Add a task; returns its name."""
        task_name = name or f"task_{len(self.tasks)}"
        self.tasks.append((task_name, _flatten(config)))
        return task_name

    def run(
        self,
        *,
        max_epochs: int | None = None,
        max_iterations: int | None = None,
        data_fraction: float = 1.0,
        early_stopping: Mapping[str, Any] | None = None,
        resource_monitoring: bool = False,
        max_time: float | None = None,
        memory_limit: str | int | None = None,
        backend: str = "local",
        cluster_config: Mapping[str, Any] | None = None,
        seed: int = 0,
    ) -> dict[str, float]:
        """Train every added task; returns the metrics of the last one added.

        ``backend="ray"`` is accepted (with a ``cluster_config`` mapping) and runs in this
        process: the stand-in has no cluster.

        Raises:
            RuntimeError: Outside ``with``, with no task, or over ``memory_limit``.
            TimeoutError: If a task ran longer than ``max_time`` seconds.
            ValueError: For a bad ``data_fraction``, ``backend`` or epoch count.
        """
        if not self._entered:
            raise RuntimeError("Experiment.run must be called inside `with Experiment(...)`.")
        if not self.tasks:
            raise RuntimeError(f"Experiment {self.title!r} has no task; call add() first.")
        if backend not in _BACKENDS:
            raise ValueError(f"`backend` must be one of {_BACKENDS}; got {backend!r}.")
        if cluster_config is not None and not isinstance(cluster_config, Mapping):
            raise ValueError(f"`cluster_config` must be a mapping; got {cluster_config!r}.")
        if not 0.0 < data_fraction <= 1.0:
            raise ValueError(f"`data_fraction` must be in (0, 1]; got {data_fraction!r}.")
        requested = max_epochs if max_epochs is not None else max_iterations
        if requested is not None and requested < 1:
            raise ValueError(f"the epoch/iteration budget must be >= 1; got {requested!r}.")
        epochs = DEFAULT_EPOCHS if requested is None else math.ceil(requested / EPOCH_SCALE)
        limit = None if memory_limit is None else _parse_bytes(memory_limit)
        for name, config in self.tasks:
            metrics = _train(
                config,
                epochs=epochs,
                data_fraction=data_fraction,
                early_stopping=early_stopping,
                monitor=resource_monitoring,
                seed=seed,
            )
            if max_time is not None and metrics["wall_time"] > max_time:
                raise TimeoutError(f"task {name!r} ran {metrics['wall_time']:.3f}s > {max_time}s")
            if limit is not None and metrics["memory_usage"] > limit:
                raise RuntimeError(
                    f"task {name!r} used {metrics['memory_usage']:.0f} bytes, over "
                    f"memory_limit={memory_limit!r}"
                )
            self.results[name] = metrics
        return dict(self.results[self.tasks[-1][0]])


def _flatten(config: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        flat = dataclasses.asdict(config)
    elif isinstance(config, Mapping):
        flat = dict(config)
    else:
        raise TypeError(f"a task config must be a dataclass or a mapping; got {config!r}.")
    nested = flat.pop("hyperparameters", None)
    if isinstance(nested, Mapping):
        flat.update(nested)
    return flat


def _parse_bytes(value: str | int) -> float:
    if isinstance(value, int):
        return float(value)
    match = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]?B?)\s*", value.upper())
    if match is None:
        raise ValueError(f"`memory_limit` must look like '32GB'; got {value!r}.")
    return float(match.group(1)) * _UNITS[match.group(2) if match.group(2) != "" else ""]


def _hidden_sizes(config: Mapping[str, Any]) -> tuple[int, ...]:
    if "hidden_sizes" in config:
        sizes = [int(h) for h in config["hidden_sizes"]]
    else:
        width = int(config.get("hidden_size", config.get("hidden_dim", 64)))
        sizes = [width] * int(config.get("num_layers", config.get("n_layers", 1)))
    return tuple(max(2, s // WIDTH_SCALE) for s in sizes)


def _classifier(config: Mapping[str, Any], n_train: int, seed: int, **extra: Any) -> Any:
    from sklearn.neural_network import MLPClassifier

    activation = str(config.get("activation", "relu"))
    if activation not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; use one of {list(_ACTIVATIONS)}")
    dropout = float(config.get("dropout_rate", config.get("dropout", 0.0)))
    solver = "sgd" if config.get("optimizer") == "sgd" else "adam"
    return MLPClassifier(
        hidden_layer_sizes=_hidden_sizes(config),
        activation=_ACTIVATIONS[activation],
        solver=solver,
        momentum=float(config.get("momentum", 0.9)),
        alpha=float(config.get("weight_decay", 1e-4)) + 0.01 * dropout,
        batch_size=max(1, min(int(config.get("batch_size", 32)), n_train)),
        learning_rate_init=float(config.get("learning_rate", config.get("lr", 1e-3))),
        random_state=seed,
        **extra,
    )


def _train(
    config: Mapping[str, Any],
    *,
    epochs: int,
    data_fraction: float,
    early_stopping: Mapping[str, Any] | None,
    monitor: bool,
    seed: int,
) -> dict[str, float]:
    import sklearn
    from sklearn.exceptions import ConvergenceWarning

    split = load_split("digits")
    n_train = max(20, round(N_TRAIN * data_fraction))
    X, y = split.X_train[:n_train], split.y_train[:n_train]
    # One fit at a time: ``warnings.catch_warnings`` is process-wide, so concurrent trials
    # (``n_jobs > 1``) would undo each other's filters.
    with _FIT_LOCK:
        start = time.perf_counter()
        # The inputs are ours and finite: skip scikit-learn's per-call validation (most of the
        # cost of a small fit).
        with (
            warnings.catch_warnings(),
            sklearn.config_context(assume_finite=True, skip_parameter_validation=True),
        ):
            warnings.simplefilter("ignore", ConvergenceWarning)
            if early_stopping is None:
                clf = _classifier(config, n_train, seed, max_iter=epochs).fit(X, y)
                best_accuracy = _accuracy(clf, split)
                n_epochs = epochs
            else:
                clf, best_accuracy, n_epochs = _train_early_stopping(
                    config, X, y, split, epochs, early_stopping, seed
                )
        wall_time = time.perf_counter() - start
    # What a resource monitor sampling the job sees: the process's peak resident set.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 if monitor else None

    t0 = time.perf_counter()
    proba = clf.predict_proba(split.X_val)
    latency = (time.perf_counter() - t0) / len(split.y_val)
    accuracy = _accuracy(clf, split, proba)
    n_parameters = sum(w.size for w in clf.coefs_) + sum(b.size for b in clf.intercepts_)
    if peak is None:
        widest = max(clf.hidden_layer_sizes)
        peak = 8 * (n_parameters + clf.batch_size * widest * len(clf.hidden_layer_sizes))
    return {
        "validation_accuracy": accuracy,
        "accuracy": accuracy,
        "fitness": accuracy,
        "score": accuracy,
        "best_validation_accuracy": max(best_accuracy, accuracy),
        "validation_loss": _log_loss(proba, clf, split),
        "train_loss": float(clf.loss_),
        "inference_latency": latency,
        "memory_usage": float(peak),
        "n_parameters": float(n_parameters),
        "epochs": float(n_epochs),
        "wall_time": wall_time,
    }


def _train_early_stopping(
    config: Mapping[str, Any],
    X: np.ndarray,
    y: np.ndarray,
    split: Any,
    epochs: int,
    early_stopping: Mapping[str, Any],
    seed: int,
) -> tuple[Any, float, int]:
    """One epoch per ``partial_fit``; stop when the monitored metric has not improved by
    ``min_delta`` for ``patience`` (scaled) epochs."""
    patience = max(1, math.ceil(int(early_stopping.get("patience", 10)) / EPOCH_SCALE))
    min_delta = float(early_stopping.get("min_delta", 0.0))
    monitor = str(early_stopping.get("monitor", "validation_loss"))
    mode = str(early_stopping.get("mode", "min" if "loss" in monitor else "max"))
    if monitor not in ("validation_loss", "validation_accuracy") or mode not in ("min", "max"):
        raise ValueError(f"unsupported early_stopping config {dict(early_stopping)!r}")
    clf = _classifier(config, len(y), seed)
    classes = np.arange(split.n_classes)
    best_metric, best_accuracy, waited, n_epochs = math.inf, 0.0, 0, 0
    for _ in range(epochs):
        clf.partial_fit(X, y, classes=classes)
        n_epochs += 1
        proba = clf.predict_proba(split.X_val)
        accuracy = _accuracy(clf, split, proba)
        best_accuracy = max(best_accuracy, accuracy)
        value = _log_loss(proba, clf, split) if monitor == "validation_loss" else accuracy
        signed = value if mode == "min" else -value
        if signed < best_metric - min_delta:
            best_metric, waited = signed, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return clf, best_accuracy, n_epochs


def _accuracy(clf: Any, split: Any, proba: np.ndarray | None = None) -> float:
    if proba is None:
        proba = clf.predict_proba(split.X_val)
    return float(np.mean(clf.classes_[proba.argmax(axis=1)] == split.y_val))


def _log_loss(proba: np.ndarray, clf: Any, split: Any) -> float:
    column = {c: i for i, c in enumerate(clf.classes_)}
    picked = np.array(
        [proba[i, column[c]] if c in column else 0.0 for i, c in enumerate(split.y_val)]
    )
    return float(-np.log(np.clip(picked, 1e-12, 1.0)).mean())
