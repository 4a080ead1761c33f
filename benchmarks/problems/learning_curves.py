"""Learning-curve problems for the pruning benchmark (``benchmarks/pruning.py``).

A problem has a search space (``suggest(trial) -> config``), a trainer that yields the
value after each training step (``train(config)``, a generator: a step is trained only when
its value is asked for, so stopping early really saves the work), a number of steps
(``max_steps``, a power of 3 so that reduction factor 3 gives the rungs 1, 3, 9, ...) and a
direction. Every problem here minimises an error, and every curve is deterministic given the
configuration.

Real problems train scikit-learn models one epoch per step with ``partial_fit`` on digits
(1,797 images, a fixed stratified two-thirds / one-third split, features standardised on the
training part) and report the validation error after each epoch:

* ``sgd_digits``: ``SGDClassifier`` (loss, penalty, alpha, learning-rate schedule, eta0);
* ``mlp_digits``: ``MLPClassifier`` with one hidden layer and Adam (width, activation,
  learning_rate_init, alpha, batch size).

Nothing is precomputed or cached: each step is an epoch of training (about 5-40 ms).

Synthetic families (81 steps) have a known structure and cost nothing to evaluate; their
observed values carry Gaussian noise drawn from a generator seeded by the configuration, so
the same configuration always gets the same curve. ``final(config)`` is the noise-free value
at the last step, which the benchmark uses to score the configuration a run would pick:

* ``lc_crossing``: a learning-rate trade-off. The effective rate ``lr / (1 - momentum)``
  sets both how fast a curve falls and the plateau it falls to: large rates drop fast and
  stall high, small ones are slow and end lower, so curves cross between steps 3 and 27:
  over 2,000 random configurations the Spearman correlation of the value at step 1, 3, 9
  and 27 with the final value is -0.77, -0.72, 0.29 and 0.99, and none of the best 2 % of
  final values is in the best third at steps 1 and 3. The hard case for pruning.
* ``lc_powerlaw``: well-behaved power laws ``a + b t^-c`` whose floor ``a`` is Hartmann-6;
  the ranking at step 3 already predicts the final one (Spearman 0.83), the easy case.
* ``lc_overfit``: curves that fall, then rise again past convergence when capacity is high
  and regularisation and dropout are low, so the best value seen mid-way can mislead
  (Spearman 0.66, 0.69, 0.76, 0.89 at steps 1, 3, 9, 27).

The real curves are kinder over the whole space: Spearman 0.69 / 0.86 / 0.92 (SGD) and
0.82 / 0.87 / 0.93 (MLP) at epochs 1 / 3 / 9 over 400 random configurations. But not among the
good ones: within the best 20 % by final value, 0.30 / 0.18 / 0.46 and 0.16 / 0.19 / 0.40
(``benchmarks/curve_stats.py``, which also measures the synthetic families above).
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from benchmarks.problems.synthetic import hartmann6

__all__ = ["LEARNING_CURVE_GROUPS", "LEARNING_CURVE_PROBLEMS", "LearningCurveProblem"]


@dataclass(frozen=True, eq=False)
class LearningCurveProblem:
    """A learning-curve problem: tune ``config`` so that the value after ``max_steps``
    training steps is as low (``direction="minimize"``) or high as possible.

    Args:
        name: Short name for the command line and the tables.
        group: ``"synthetic"`` or ``"sklearn"``.
        max_steps: Steps of a full-length trial (epochs).
        n_full_trials: The default budget, in full-length trials: a run may spend
            ``n_full_trials * max_steps`` training steps.
        suggest: The configuration an Optuna-style trial suggests.
        train: A generator of the values after steps 1, 2, ..., ``max_steps``; it trains a
            step only when that step's value is requested.
        final: The noise-free value after ``max_steps`` steps (synthetic problems); None
            where the observed value is exact (the real problems).
        direction: ``"minimize"`` or ``"maximize"``.
        description: One line for ``--list``.
    """

    name: str
    group: str
    max_steps: int
    n_full_trials: int
    suggest: Callable[[Any], dict[str, Any]]
    train: Callable[[dict[str, Any]], Iterator[float]]
    final: Callable[[dict[str, Any]], float] | None = None
    direction: str = "minimize"
    description: str = ""


# --------------------------------------------------------------------------- synthetic

_SYNTHETIC_STEPS = 81


def _noise(config: dict[str, Any], n: int, sigma: float) -> np.ndarray:
    """``n`` Gaussian draws seeded by the configuration: the noise at step ``t`` is a
    function of (config, t), the same in every process and run."""
    key = repr(sorted((k, v.item() if isinstance(v, np.generic) else v) for k, v in config.items()))
    seed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
    return sigma * np.random.default_rng(seed).standard_normal(n)


def _synthetic(
    name: str,
    suggest: Callable[[Any], dict[str, Any]],
    mean_curve: Callable[[dict[str, Any]], np.ndarray],
    sigma: float,
    n_full_trials: int,
    description: str,
) -> LearningCurveProblem:
    def train(config: dict[str, Any]) -> Iterator[float]:
        values = mean_curve(config) + _noise(config, _SYNTHETIC_STEPS, sigma)
        for value in values:
            yield float(value)

    def final(config: dict[str, Any]) -> float:
        return float(mean_curve(config)[-1])

    return LearningCurveProblem(
        name,
        "synthetic",
        _SYNTHETIC_STEPS,
        n_full_trials,
        suggest,
        train,
        final,
        description=description,
    )


_STEPS = np.arange(1, _SYNTHETIC_STEPS + 1, dtype=float)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _suggest_crossing(trial: Any) -> dict[str, Any]:
    return {
        "lr": trial.suggest_float("lr", 1e-4, 1.0, log=True),
        "momentum": trial.suggest_float("momentum", 0.0, 0.95),
        "width": trial.suggest_int("width", 16, 1024, log=True),
        "activation": trial.suggest_categorical("activation", ["relu", "tanh", "sigmoid"]),
    }


_ACTIVATION_OFFSET = {"relu": 0.0, "tanh": 0.01, "sigmoid": 0.03}


def _crossing(c: dict[str, Any]) -> np.ndarray:
    """``a + (1 - a) exp(-k t)``: with ``u = log10(lr / (1 - momentum))``, the rate ``k`` goes
    from 0.2 to 0.5 and the plateau's rate term from 0 to 0.25 as ``u`` grows (logistic in
    ``u``), so a fast start buys a high plateau; width (best at 128) and activation shift the
    plateau of every curve alike."""
    u = math.log10(c["lr"] / (1.0 - c["momentum"]))
    k = 0.2 + 0.3 * _sigmoid(3.0 * (u + 1.0))
    a = (
        0.05
        + 0.25 * _sigmoid(2.0 * (u + 0.5))
        + 0.04 * (math.log2(c["width"]) - 7.0) ** 2 / 9.0
        + _ACTIVATION_OFFSET[c["activation"]]
    )
    return a + (1.0 - a) * np.exp(-k * _STEPS)


def _suggest_powerlaw(trial: Any) -> dict[str, Any]:
    return {f"x{i}": trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(6)}


def _powerlaw(c: dict[str, Any]) -> np.ndarray:
    """``a + b t^-e`` with the floor ``a = 0.05 + 0.1 (hartmann6(x) + 3.32237)`` (0.05 at
    Hartmann-6's minimum), amplitude ``b = 0.4 + 0.6 x0`` and exponent ``e = 0.3 + 0.9 x5``:
    the rate parameters also move the floor, so early and final rankings agree but not
    exactly."""
    a = 0.05 + 0.1 * (hartmann6(c) + 3.32237)
    b = 0.4 + 0.6 * c["x0"]
    e = 0.3 + 0.9 * c["x5"]
    return a + b * _STEPS ** (-e)


def _suggest_overfit(trial: Any) -> dict[str, Any]:
    return {
        "capacity": trial.suggest_int("capacity", 1, 256, log=True),
        "reg": trial.suggest_float("reg", 1e-6, 1.0, log=True),
        "lr": trial.suggest_float("lr", 1e-3, 1.0, log=True),
        "dropout": trial.suggest_float("dropout", 0.0, 0.7),
    }


def _overfit(c: dict[str, Any]) -> np.ndarray:
    """``a + (1 - a) exp(-k t) + o log(1 + max(0, t - 3 / k))``: bias ``a`` falls with capacity
    and grows with regularisation, the rate ``k = 0.5 lr / (lr + 0.1)``, and past convergence
    (``3 / k`` steps) the curve rises by ``o``, which grows with capacity and shrinks with
    regularisation and dropout."""
    capacity, reg, lr, dropout = c["capacity"], c["reg"], c["lr"], c["dropout"]
    a = 0.06 + 0.25 / math.sqrt(capacity) + 0.3 * math.sqrt(reg) + 0.05 * dropout**2
    k = 0.5 * lr / (lr + 0.1)
    o = 0.04 * (math.log2(capacity) / 8.0) * (1.0 - dropout) ** 2 / (1.0 + 300.0 * reg)
    return a + (1.0 - a) * np.exp(-k * _STEPS) + o * np.log1p(np.maximum(0.0, _STEPS - 3.0 / k))


# --------------------------------------------------------------------------- scikit-learn

_EPOCHS = 27


@cache
def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = load_digits(return_X_y=True)
    x_train, x_valid, y_train, y_valid = train_test_split(
        x, y, test_size=1 / 3, stratify=y, random_state=0, shuffle=True
    )
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), y_train, scaler.transform(x_valid), y_valid, np.unique(y)


def _epochs(model: Any) -> Iterator[float]:
    """Validation error after each of :data:`_EPOCHS` ``partial_fit`` epochs of ``model``."""
    x, y, x_valid, y_valid, classes = _digits()
    for _ in range(_EPOCHS):
        with warnings.catch_warnings():
            # Divergence (overflow) and convergence warnings of deliberately bad configs.
            warnings.simplefilter("ignore")
            model.partial_fit(x, y, classes=classes)
            error = 1.0 - float(model.score(x_valid, y_valid))
        yield error


def _suggest_sgd(trial: Any) -> dict[str, Any]:
    return {
        "loss": trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"]),
        "penalty": trial.suggest_categorical("penalty", ["l2", "l1", "elasticnet"]),
        "alpha": trial.suggest_float("alpha", 1e-7, 1e-1, log=True),
        "learning_rate": trial.suggest_categorical(
            "learning_rate", ["constant", "optimal", "invscaling"]
        ),
        "eta0": trial.suggest_float("eta0", 1e-5, 1.0, log=True),
    }


def _train_sgd(config: dict[str, Any]) -> Iterator[float]:
    from sklearn.linear_model import SGDClassifier

    return _epochs(SGDClassifier(**config, random_state=0))


def _suggest_mlp(trial: Any) -> dict[str, Any]:
    return {
        "width": trial.suggest_int("width", 8, 64, log=True),
        "activation": trial.suggest_categorical("activation", ["relu", "tanh", "logistic"]),
        "learning_rate_init": trial.suggest_float("learning_rate_init", 1e-4, 1e-1, log=True),
        "alpha": trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
        "batch_size": trial.suggest_int("batch_size", 32, 256, log=True),
    }


def _train_mlp(config: dict[str, Any]) -> Iterator[float]:
    from sklearn.neural_network import MLPClassifier

    params = dict(config)
    model = MLPClassifier(hidden_layer_sizes=(params.pop("width"),), **params, random_state=0)
    return _epochs(model)


# --------------------------------------------------------------------------- registry

LEARNING_CURVE_PROBLEMS: dict[str, LearningCurveProblem] = {
    p.name: p
    for p in (
        _synthetic(
            "lc_crossing",
            _suggest_crossing,
            _crossing,
            sigma=0.005,
            n_full_trials=60,
            description="crossing curves: fast learners plateau high (4 params, 81 steps)",
        ),
        _synthetic(
            "lc_powerlaw",
            _suggest_powerlaw,
            _powerlaw,
            sigma=0.01,
            n_full_trials=60,
            description="power laws over a Hartmann-6 floor, early ranks hold (81 steps)",
        ),
        _synthetic(
            "lc_overfit",
            _suggest_overfit,
            _overfit,
            sigma=0.005,
            n_full_trials=60,
            description="curves that rise again when capacity overfits (4 params, 81 steps)",
        ),
        LearningCurveProblem(
            "sgd_digits",
            "sklearn",
            _EPOCHS,
            40,
            _suggest_sgd,
            _train_sgd,
            description="SGDClassifier.partial_fit on digits, validation error per epoch",
        ),
        LearningCurveProblem(
            "mlp_digits",
            "sklearn",
            _EPOCHS,
            40,
            _suggest_mlp,
            _train_mlp,
            description="MLPClassifier (1 hidden layer, Adam) partial_fit on digits",
        ),
    )
}
"""Learning-curve problems by name."""

LEARNING_CURVE_GROUPS = ("all", "synthetic", "sklearn")
