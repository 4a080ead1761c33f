"""Synthetic test functions with known minima.

Definitions follow the Virtual Library of Simulation Experiments (Surjanovic & Bingham,
https://www.sfu.ca/~ssurjano/optimization.html); the mixed and conditional problems are ours.
Every function here is shifted so that its minimum is 0 where that is exact, or has its known
minimum in ``optimum``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from benchmarks.problems import Param, Problem

__all__ = ["SYNTHETIC_PROBLEMS"]


def _vec(params: dict[str, Any], n: int) -> np.ndarray:
    return np.array([params[f"x{i}"] for i in range(n)], dtype=float)


def _box(n: int, low: float, high: float) -> tuple[Param, ...]:
    return tuple(Param(f"x{i}", "float", low, high) for i in range(n))


def branin(p: dict[str, Any]) -> float:
    x, y = p["x0"], p["x1"]
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


_H6_A = np.array(
    [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8],
     [17, 8, 0.05, 10, 0.1, 14]]
)  # fmt: skip
_H6_P = 1e-4 * np.array(
    [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
)  # fmt: skip
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(p: dict[str, Any]) -> float:
    x = _vec(p, 6)
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


def rosenbrock(p: dict[str, Any], n: int = 10) -> float:
    x = _vec(p, n)
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def ackley(p: dict[str, Any], n: int = 10) -> float:
    x = _vec(p, n)
    return float(
        -20 * math.exp(-0.2 * math.sqrt(np.mean(x**2)))
        - math.exp(np.mean(np.cos(2 * math.pi * x)))
        + 20
        + math.e
    )


def levy(p: dict[str, Any], n: int = 10) -> float:
    w = 1 + (_vec(p, n) - 1) / 4
    head = math.sin(math.pi * w[0]) ** 2
    mid = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(math.pi * w[:-1] + 1) ** 2))
    tail = (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return float(head + mid + tail)


def styblinski_tang(p: dict[str, Any], n: int = 10) -> float:
    x = _vec(p, n)
    return float(0.5 * np.sum(x**4 - 16 * x**2 + 5 * x))


def mixed(p: dict[str, Any]) -> float:
    """A mixed space as hyperparameter searches have: log float, log int, stepped int and
    float, and categoricals that shift and scale the rest. Minimum 0 at lr=1e-3,
    width=64, depth=4, dropout=0.2, optimizer="adam", activation="relu", x=0.5."""
    scale = {"adam": 1.0, "sgd": 1.6, "rmsprop": 1.3}[p["optimizer"]]
    loss = (math.log10(p["lr"]) + 3) ** 2 * scale
    loss += 0.5 * (math.log2(p["width"]) - 6) ** 2
    loss += 0.25 * (p["depth"] - 4) ** 2
    loss += 4 * (p["dropout"] - 0.2) ** 2
    loss += {"relu": 0.0, "tanh": 0.3, "gelu": 0.1, "sigmoid": 0.8}[p["activation"]]
    loss += (p["optimizer"] != "adam") * 0.2 + 2 * (p["x"] - 0.5) ** 2
    return loss


def conditional(p: dict[str, Any]) -> float:
    """A top-level choice between two model families, each with its own parameters; the
    best of family "b" (0) beats the best of "a" (0.3). Minimum 0."""
    if p["family"] == "a":
        return 0.3 + (math.log10(p["a_c"]) - 1) ** 2 + (p["a_k"] - 3) ** 2 / 4
    return (p["b_x"] - 0.7) ** 2 * 4 + (p["b_y"] + 1) ** 2 + 0.5 * (p["b_n"] != 16)


_MIXED = (
    Param("lr", "float", 1e-5, 1e-1, log=True),
    Param("width", "int", 8, 512, log=True),
    Param("depth", "int", 1, 10),
    Param("dropout", "float", 0.0, 0.5, step=0.05),
    Param("optimizer", "cat", choices=("adam", "sgd", "rmsprop")),
    Param("activation", "cat", choices=("relu", "tanh", "gelu", "sigmoid")),
    Param("x", "float", 0.0, 1.0),
)
_CONDITIONAL = (
    Param(
        "family",
        "cat",
        choices=("a", "b"),
        branches={
            "a": (Param("a_c", "float", 1e-2, 1e3, log=True), Param("a_k", "int", 1, 8)),
            "b": (
                Param("b_x", "float", 0.0, 1.0),
                Param("b_y", "float", -3.0, 3.0),
                Param("b_n", "cat", choices=(4, 8, 16, 32)),
            ),
        },
    ),
)

SYNTHETIC_PROBLEMS = (
    Problem("branin", "synthetic", (Param("x0", "float", -5, 10), Param("x1", "float", 0, 15)),
            branin, 0.397887357729738),
    Problem("hartmann6", "synthetic", _box(6, 0, 1), hartmann6, -3.32236801141551),
    Problem("rosenbrock10", "synthetic", _box(10, -5, 10), rosenbrock, 0.0),
    Problem("ackley10", "synthetic", _box(10, -32.768, 32.768), ackley, 0.0),
    Problem("levy10", "synthetic", _box(10, -10, 10), levy, 0.0),
    Problem("styblinski_tang10", "synthetic", _box(10, -5, 5), styblinski_tang,
            -39.16616570377142 * 10),
    Problem("mixed", "synthetic", _MIXED, mixed, 0.0),
    Problem("conditional", "synthetic", _CONDITIONAL, conditional, 0.0),
)  # fmt: skip
