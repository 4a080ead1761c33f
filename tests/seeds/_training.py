"""Real, small training for the helpers that the seed documents leave undefined.

The seeds call ``create_model``, ``create_optimizer``, ``get_dataloaders``,
``train_one_epoch``, ``evaluate``, ``evaluate_config`` and friends without defining them.
Here they train a multi-layer perceptron on scikit-learn's bundled ``load_digits`` (1,497
training and 300 validation images, fixed split) with mini-batch SGD or Adam, so the objective
values the studies see come from real learning and depend on every hyperparameter.

The network is a small numpy MLP rather than ``MLPClassifier.partial_fit``: scikit-learn's
input validation costs about 3 ms per ``partial_fit`` call on this machine, and the seeds
hard-code 100 epochs per trial. Two scales keep a trial well under 0.1 s:

* one "epoch" of :func:`train_one_epoch` is one mini-batch of the loader (the loader cycles
  through the shuffled training set, so successive epochs see new data);
* layer widths are divided by :data:`WIDTH_SCALE` (``hidden_dim=512`` gives 32 units), since
  the digits are 64-dimensional.

All numerics run under ``np.errstate(all="ignore")`` and clip gradients, so a diverging
learning rate gives a bad score, never a warning (the test run turns warnings into errors).
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit

WIDTH_SCALE = 16
N_VALIDATION = 300
DEFAULT_STEPS = 30

__all__ = [
    "WIDTH_SCALE",
    "DataLoader",
    "EpochTrainer",
    "MLP",
    "Model",
    "Optimizer",
    "Split",
    "create_model",
    "create_optimizer",
    "define_hyperparameters",
    "evaluate",
    "evaluate_config",
    "evaluate_model",
    "evaluate_params",
    "generate_random_params",
    "get_accuracy",
    "get_dataloaders",
    "get_training_loss",
    "get_validation_loss",
    "load_split",
    "train",
    "train_model",
    "train_one_epoch",
]


# --------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Split:
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    n_classes: int


@functools.cache
def load_split(name: str = "digits") -> Split:
    """A fixed, standardised train/validation split of a scikit-learn bundled dataset."""
    from sklearn import datasets

    loaders = {
        "digits": datasets.load_digits,
        "breast_cancer": datasets.load_breast_cancer,
        "wine": datasets.load_wine,
        "iris": datasets.load_iris,
    }
    X, y = loaders[name](return_X_y=True)
    order = np.random.RandomState(0).permutation(len(y))
    X, y = X[order].astype(float), y[order]
    n_val = min(N_VALIDATION, len(y) // 3)
    X_train, y_train, X_val, y_val = X[n_val:], y[n_val:], X[:n_val], y[:n_val]
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0
    arrays = [(X_train - mean) / std, y_train, (X_val - mean) / std, y_val]
    for a in arrays:
        a.setflags(write=False)
    return Split(*arrays, n_classes=int(y.max()) + 1)


class DataLoader:
    """Mini-batches of one part of a split; :meth:`next_batch` cycles through it forever."""

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int, *, shuffle: bool, seed: int):
        self.X, self.y = X, y
        self.batch_size = max(1, min(int(batch_size), len(y)))
        self._shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self._order = np.arange(len(y))
        self._pos = len(y)  # start a fresh pass on first use

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        if self._pos >= len(self.y):
            if self._shuffle:
                self._rng.shuffle(self._order)
            self._pos = 0
        idx = self._order[self._pos : self._pos + self.batch_size]
        self._pos += self.batch_size
        return self.X[idx], self.y[idx]

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for start in range(0, len(self.y), self.batch_size):
            yield self.X[start : start + self.batch_size], self.y[start : start + self.batch_size]

    def __len__(self) -> int:
        return math.ceil(len(self.y) / self.batch_size)


def get_dataloaders(
    batch_size: int, *, dataset: str = "digits", seed: int = 0
) -> tuple[DataLoader, DataLoader]:
    """``(train_loader, val_loader)`` over the fixed split; only the training one shuffles."""
    split = load_split(dataset)
    train_loader = DataLoader(split.X_train, split.y_train, batch_size, shuffle=True, seed=seed)
    val_loader = DataLoader(split.X_val, split.y_val, len(split.y_val), shuffle=False, seed=seed)
    return train_loader, val_loader


# --------------------------------------------------------------------------- network
def _gelu(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = math.sqrt(2.0 / math.pi)
    t = np.tanh(c * (z + 0.044715 * z**3))
    a = 0.5 * z * (1.0 + t)
    da = 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t**2) * c * (1.0 + 3 * 0.044715 * z**2)
    return a, da


def _silu(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = expit(z)
    return z * s, s + z * s * (1.0 - s)


def _relu(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.maximum(z, 0.0), (z > 0).astype(float)


def _tanh(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.tanh(z)
    return a, 1.0 - a**2


def _sigmoid(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = expit(z)
    return a, a * (1.0 - a)


ACTIVATIONS = {
    "relu": _relu,
    "tanh": _tanh,
    "sigmoid": _sigmoid,
    "logistic": _sigmoid,
    "gelu": _gelu,
    "silu": _silu,
}


class MLP:
    """Fully connected classifier: hidden layers, inverted dropout, label-smoothed softmax."""

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        hidden: Sequence[int],
        *,
        activation: str = "relu",
        dropout: float = 0.0,
        label_smoothing: float = 0.0,
        seed: int = 0,
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; use one of {list(ACTIVATIONS)}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1); got {dropout!r}")
        self.rng = np.random.default_rng(seed)
        sizes = [n_features, *[int(h) for h in hidden], n_classes]
        # One flat parameter vector (what the optimizer updates) with per-layer views into it.
        self.theta = np.zeros(sum((i + 1) * o for i, o in itertools.pairwise(sizes)))
        self.weights, self.biases = [], []
        start = 0
        for fan_in, fan_out in itertools.pairwise(sizes):
            W = self.theta[start : start + fan_in * fan_out].reshape(fan_in, fan_out)
            W[...] = self.rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
            start += fan_in * fan_out
            self.weights.append(W)
            self.biases.append(self.theta[start : start + fan_out])
            start += fan_out
        self.activation = activation
        self.dropout = float(dropout)
        self.label_smoothing = float(label_smoothing)
        self.n_classes = n_classes

    @property
    def n_parameters(self) -> int:
        return self.theta.size

    def _logits(self, X: np.ndarray, *, train: bool) -> tuple[np.ndarray, list[Any]]:
        act = ACTIVATIONS[self.activation]
        cache: list[Any] = []
        h = X
        for W, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a, da = act(h @ W + b)
            mask = None
            if train and self.dropout > 0.0:
                mask = (self.rng.random(a.shape) >= self.dropout) / (1.0 - self.dropout)
                a = a * mask
            cache.append((h, da, mask))
            h = a
        cache.append((h, None, None))
        return h @ self.weights[-1] + self.biases[-1], cache

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            logits, _ = self._logits(X, train=False)
            return _softmax(logits)

    def loss_and_grad(self, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean label-smoothed cross-entropy of a batch and its gradient (laid out as theta)."""
        with np.errstate(all="ignore"):
            logits, cache = self._logits(X, train=True)
            p = _softmax(logits)
            target = np.full_like(p, self.label_smoothing / self.n_classes)
            target[np.arange(len(y)), y] += 1.0 - self.label_smoothing
            loss = float(-(target * np.log(np.clip(p, 1e-12, 1.0))).sum(axis=1).mean())
            delta = (p - target) / len(y)
            grads: list[np.ndarray] = []
            for i in range(len(self.weights) - 1, -1, -1):
                h, _, _ = cache[i]
                grads.append(delta.sum(axis=0))
                grads.append(h.T @ delta)
                if i > 0:
                    _, da, mask = cache[i - 1]
                    delta = delta @ self.weights[i].T
                    if mask is not None:
                        delta = delta * mask
                    delta = delta * da
        grads.reverse()  # now W0, b0, W1, b1, ...: the layout of theta
        return loss, np.concatenate([g.ravel() for g in grads])


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- optimizers
class Optimizer:
    """SGD (momentum, Nesterov), Adam (L2 in the gradient), AdamW (decoupled decay) or RMSprop
    over a flat parameter vector, with a learning-rate schedule over ``total_steps`` (after
    ``warmup_steps`` of linear warm-up) and global gradient-norm clipping."""

    def __init__(
        self,
        theta: np.ndarray,
        name: str = "adam",
        *,
        lr: float = 1e-3,
        weight_decay: float = 0.0,
        betas: tuple[float, float] = (0.9, 0.999),
        momentum: float = 0.0,
        nesterov: bool = False,
        schedule: str = "constant",
        total_steps: int = 100,
        warmup_steps: int = 0,
        max_grad_norm: float = 5.0,
    ) -> None:
        if name not in ("adam", "adamw", "sgd", "rmsprop"):
            raise ValueError(f"unknown optimizer {name!r}")
        if schedule not in ("constant", "linear", "cosine", "warmup_cosine", "step", "plateau"):
            raise ValueError(f"unknown schedule {schedule!r}")
        self.theta, self.name = theta, name
        self.lr, self.weight_decay = float(lr), float(weight_decay)
        self.betas, self.momentum, self.nesterov = betas, float(momentum), bool(nesterov)
        self.schedule, self.total_steps = schedule, max(1, int(total_steps))
        self.warmup_steps, self.max_grad_norm = max(0, int(warmup_steps)), max_grad_norm
        self.t = 0
        self._m = np.zeros_like(theta)
        self._v = np.zeros_like(theta)

    def lr_at(self, t: int) -> float:
        if t < self.warmup_steps:
            return self.lr * (t + 1) / self.warmup_steps
        frac = min(1.0, (t - self.warmup_steps) / max(1, self.total_steps - self.warmup_steps))
        if self.schedule == "linear":
            return self.lr * (1.0 - frac)
        if self.schedule in ("cosine", "warmup_cosine"):
            return self.lr * 0.5 * (1.0 + math.cos(math.pi * frac))
        if self.schedule == "step":
            return self.lr * 0.5 ** int(frac * 3)
        return self.lr

    def step(self, grad: np.ndarray) -> None:
        lr = self.lr_at(self.t)
        self.t += 1
        with np.errstate(all="ignore"):
            norm = float(np.sqrt(grad @ grad))
            if not math.isfinite(norm):
                return  # a diverged step is skipped, not applied
            g = grad * min(1.0, self.max_grad_norm / (norm + 1e-12))
            p, m, v = self.theta, self._m, self._v
            if self.name == "adamw":
                p -= lr * self.weight_decay * p
            else:
                g += self.weight_decay * p
            b1, b2 = self.betas
            if self.name == "sgd":
                m *= self.momentum
                m += g
                p -= lr * (g + self.momentum * m if self.nesterov else m)
            elif self.name == "rmsprop":
                v *= b2
                v += (1 - b2) * g * g
                p -= lr * g / (np.sqrt(v) + 1e-8)
            else:
                m *= b1
                m += (1 - b1) * g
                v *= b2
                v += (1 - b2) * g * g
                p -= (lr / (1 - b1**self.t)) * m / (np.sqrt(v / (1 - b2**self.t)) + 1e-8)


# --------------------------------------------------------------------------- seed helpers
class Parameter:
    """One parameter array, with the ``numel()`` of a PyTorch tensor."""

    def __init__(self, array: np.ndarray) -> None:
        self.data = array

    def numel(self) -> int:
        return int(self.data.size)


class Model:
    """What ``create_model`` returns: the network, its config, and default loaders/optimizer
    for seeds that call ``train_one_epoch(model)`` / ``evaluate(model)`` without them."""

    def __init__(self, config: Mapping[str, Any], *, dataset: str = "digits") -> None:
        self.config = dict(config)
        self.dataset = dataset
        split = load_split(dataset)
        if "hidden_sizes" in config:
            widths = [max(2, int(h) // WIDTH_SCALE) for h in config["hidden_sizes"]]
        else:
            width = max(4, int(config.get("hidden_dim", 128)) // WIDTH_SCALE)
            widths = [width] * int(config.get("n_layers", 2))
        self.net = MLP(
            split.X_train.shape[1],
            split.n_classes,
            widths,
            activation=str(config.get("activation", "relu")),
            dropout=float(config.get("dropout", config.get("dropout_rate", 0.0))),
            label_smoothing=float(config.get("label_smoothing", 0.0)),
            seed=int(config.get("seed", 0)),
        )
        self.optimizer: Optimizer | None = None
        self._loaders: tuple[DataLoader, DataLoader] | None = None
        self.epochs_trained = 0
        self.train_losses: list[float] = []

    def loaders(self) -> tuple[DataLoader, DataLoader]:
        if self._loaders is None:
            batch_size = int(self.config.get("batch_size", 32))
            self._loaders = get_dataloaders(batch_size, dataset=self.dataset)
        return self._loaders

    def parameters(self) -> list[Parameter]:
        """The layers' weights and biases, as PyTorch's ``Module.parameters()`` lists them
        (each with ``numel()``), for seeds that count a model's parameters."""
        layers = zip(self.net.weights, self.net.biases, strict=True)
        return [Parameter(a) for pair in layers for a in pair]

    def default_optimizer(self) -> Optimizer:
        if self.optimizer is None:
            self.optimizer = create_optimizer(self, self.config)
        return self.optimizer

    @property
    def val_accuracy(self) -> float:
        return evaluate(self)

    @property
    def val_loss(self) -> float:
        split = load_split(self.dataset)
        p = self.net.predict_proba(split.X_val)
        with np.errstate(all="ignore"):
            picked = np.clip(p[np.arange(len(split.y_val)), split.y_val], 1e-12, 1.0)
            loss = float(-np.log(picked).mean())
        return loss if math.isfinite(loss) else 1e3


def create_model(config: Mapping[str, Any]) -> Model:
    return Model(config)


def create_optimizer(model: Model, config: Mapping[str, Any]) -> Optimizer:
    """An optimizer for ``model`` from a seed's config; also becomes the model's default.

    ``config["optimizer"]`` may be a name or (seed 003's ``suggest_optimizer``) a dict with
    ``name``, ``betas``, ``weight_decay``, ``momentum`` and ``nesterov``.
    """
    spec: dict[str, Any] = dict(config)
    opt = spec.get("optimizer", "adam")
    if isinstance(opt, Mapping):
        spec.update(opt)
        opt = opt["name"]
    total = int(spec.get("epochs", 100))
    betas = spec.get("betas", (spec.get("beta1", 0.9), spec.get("beta2", 0.999)))
    optimizer = Optimizer(
        model.net.theta,
        str(opt),
        lr=float(spec.get("learning_rate", spec.get("lr", 1e-3))),
        weight_decay=float(spec.get("weight_decay", 0.0)),
        betas=(float(betas[0]), float(betas[1])),
        momentum=float(spec.get("momentum", 0.0)),
        nesterov=bool(spec.get("nesterov", False)),
        schedule=str(spec.get("scheduler", "constant")),
        total_steps=total,
        warmup_steps=round(float(spec.get("warmup_ratio", 0.0)) * total),
    )
    model.optimizer = optimizer
    return optimizer


def train_one_epoch(
    model: Model, loader: DataLoader | None = None, optimizer: Optimizer | None = None
) -> float:
    """One mini-batch step (the seeds' "epoch", see the module docstring); the batch loss."""
    loader = loader if loader is not None else model.loaders()[0]
    optimizer = optimizer if optimizer is not None else model.default_optimizer()
    X, y = loader.next_batch()
    loss, grad = model.net.loss_and_grad(X, y)
    optimizer.step(grad)
    model.epochs_trained += 1
    model.train_losses.append(loss)
    return loss


def evaluate(model: Model, loader: DataLoader | None = None) -> float:
    """Accuracy on the validation loader (the model's own when none is given)."""
    loader = loader if loader is not None else model.loaders()[1]
    correct = 0
    for X, y in loader:
        correct += int((model.net.predict_proba(X).argmax(axis=1) == y).sum())
    return correct / len(loader.y)


def _fit(config: Mapping[str, Any], steps: int = DEFAULT_STEPS) -> Model:
    model = create_model(config)
    create_optimizer(model, {**config, "epochs": steps})
    for _ in range(steps):
        train_one_epoch(model)
    return model


def train(lr: float, batch_size: int, *, steps: int = DEFAULT_STEPS) -> Model:
    """Seed 004's ``train(lr, batch_size)``: a trained model exposing ``val_accuracy``."""
    return _fit({"learning_rate": lr, "batch_size": batch_size}, steps)


def evaluate_config(config: Mapping[str, Any]) -> float:
    """Seed 000's grid/random search score: validation error (lower is better).

    ``warmup_steps`` is in the seed's units (hundreds to thousands of optimizer steps); one
    step here stands for 100 of them.
    """
    spec = dict(config)
    spec["warmup_ratio"] = min(1.0, float(spec.get("warmup_steps", 0)) / 100 / DEFAULT_STEPS)
    return 1.0 - evaluate(_fit(spec))


def define_hyperparameters(trial: Any) -> dict[str, Any]:
    """A small search space for the seed classes that call ``self.define_hyperparameters``."""
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True),
        "batch_size": trial.suggest_categorical("batch_size", [16, 32, 64]),
        "hidden_dim": trial.suggest_int("hidden_dim", 64, 512, step=64),
        "dropout": trial.suggest_float("dropout", 0.0, 0.5),
    }


def train_model(params: Mapping[str, Any]) -> Model:
    return _fit(params)


def evaluate_model(model: Model) -> float:
    """Validation cross-entropy of a trained model (lower is better)."""
    return model.val_loss


def get_training_loss(model: Model) -> float:
    return float(np.mean(model.train_losses[-5:]))


def get_validation_loss(model: Model) -> float:
    return model.val_loss


def get_accuracy(model: Model) -> float:
    return evaluate(model)


def generate_random_params(rng: random.Random | None = None) -> dict[str, Any]:
    """Seed 000's population-based trainer: a random individual (ints stay ints, floats
    floats, so the seed's ``mutate`` perturbs each the way it intends)."""
    r = rng or random
    return {
        "learning_rate": 10 ** r.uniform(-3.5, -1.0),
        "weight_decay": 10 ** r.uniform(-5.0, -2.0),
        "hidden_dim": r.randint(32, 256),
        "batch_size": r.choice([16, 32, 64]),
    }


def evaluate_params(params: Mapping[str, Any]) -> float:
    """Validation error of an individual (lower is better); mutated values are clamped."""
    spec = dict(params)
    spec["hidden_dim"] = max(WIDTH_SCALE, int(spec.get("hidden_dim", 64)))
    spec["batch_size"] = max(1, int(spec.get("batch_size", 32)))
    return 1.0 - evaluate(_fit(spec))


class EpochTrainer:
    """``train_epoch(params, epoch)`` for seed 000's pruning optimizer: epoch 0 starts a new
    model from ``params``; every call trains one step and returns the validation loss."""

    def __init__(self) -> None:
        self.model: Model | None = None

    def __call__(self, params: Mapping[str, Any], epoch: int) -> float:
        if epoch == 0 or self.model is None:
            self.model = create_model(params)
            create_optimizer(self.model, params)
        train_one_epoch(self.model)
        return self.model.val_loss
