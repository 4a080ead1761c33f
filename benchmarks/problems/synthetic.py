"""Synthetic test functions with known minima.

The six classic functions are written from their definitions in the Virtual Library of
Simulation Experiments (S. Surjanovic and D. Bingham, https://www.sfu.ca/~ssurjano/
optimization.html), on the domains given there; ``mixed`` and ``conditional`` are ours and
model the shape of real hyperparameter spaces (log-scaled rates, integer widths, categorical
choices that shift and scale the loss, a model-family choice with its own parameters).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from benchmarks.problems._problem import Problem
from benchmarks.problems._space import Param

__all__ = ["SYNTHETIC_PROBLEMS"]


def _vec(params: dict[str, Any], d: int) -> np.ndarray:
    return np.array([params[f"x{i}"] for i in range(d)], dtype=float)


def _box(d: int, low: float, high: float) -> tuple[Param, ...]:
    return tuple(Param(f"x{i}", "float", low, high) for i in range(d))


def _point(values: list[float]) -> dict[str, float]:
    return {f"x{i}": v for i, v in enumerate(values)}


def branin(p: dict[str, Any]) -> float:
    """Branin-Hoo on x0 in [-5, 10], x1 in [0, 15]:
    ``a (x1 - b x0^2 + c x0 - r)^2 + s (1 - t) cos(x0) + s`` with a = 1, b = 5.1 / (4 pi^2),
    c = 5 / pi, r = 6, s = 10, t = 1 / (8 pi); minimum 0.397887 at three points."""
    x0, x1 = p["x0"], p["x1"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x1 - b * x0**2 + c * x0 - 6) ** 2 + 10 * (1 - t) * math.cos(x0) + 10


# Hartmann 6-d: f(x) = -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2) on [0, 1]^6.
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)


def hartmann6(p: dict[str, Any]) -> float:
    """Hartmann 6-d on [0, 1]^6; minimum -3.32237 at (0.20169, 0.150011, 0.476874,
    0.275332, 0.311652, 0.6573)."""
    x = _vec(p, 6)
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


def rosenbrock(p: dict[str, Any], d: int = 10) -> float:
    """Rosenbrock on [-5, 10]^d: ``sum_i 100 (x_{i+1} - x_i^2)^2 + (x_i - 1)^2``; minimum 0
    at (1, ..., 1), at the end of a long curved valley."""
    x = _vec(p, d)
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (x[:-1] - 1) ** 2))


def ackley(p: dict[str, Any], d: int = 10) -> float:
    """Ackley on [-32.768, 32.768]^d with a = 20, b = 0.2, c = 2 pi:
    ``-a exp(-b sqrt(mean x^2)) - exp(mean cos(c x)) + a + e``; minimum 0 at the origin, in a
    field of regularly spaced local minima."""
    x = _vec(p, d)
    return float(
        -20 * math.exp(-0.2 * math.sqrt(np.mean(x**2)))
        - math.exp(np.mean(np.cos(2 * math.pi * x)))
        + 20
        + math.e
    )


def levy(p: dict[str, Any], d: int = 10) -> float:
    """Levy on [-10, 10]^d with w = 1 + (x - 1) / 4:
    ``sin^2(pi w_1) + sum_{i<d} (w_i - 1)^2 (1 + 10 sin^2(pi w_i + 1))
    + (w_d - 1)^2 (1 + sin^2(2 pi w_d))``; minimum 0 at (1, ..., 1)."""
    w = 1 + (_vec(p, d) - 1) / 4
    head = math.sin(math.pi * w[0]) ** 2
    middle = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(math.pi * w[:-1] + 1) ** 2))
    tail = (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return float(head + middle + tail)


_ST_ARGMIN = -2.903534027771178  # the root of 4x^3 - 32x + 5 = 0 near -2.9


def styblinski_tang(p: dict[str, Any], d: int = 10) -> float:
    """Styblinski-Tang on [-5, 5]^d: ``sum_i (x_i^4 - 16 x_i^2 + 5 x_i) / 2``; minimum
    -39.16617 d at x_i = -2.903534 (a 2^d-mode landscape: each axis has a second, worse
    minimum near 2.75)."""
    x = _vec(p, d)
    return float(0.5 * np.sum(x**4 - 16 * x**2 + 5 * x))


_ST_MIN = 0.5 * (_ST_ARGMIN**4 - 16 * _ST_ARGMIN**2 + 5 * _ST_ARGMIN)

_OPTIMIZER_SCALE = {"adam": 1.0, "rmsprop": 1.3, "sgd": 1.6}
_OPTIMIZER_SHIFT = {"adam": 0.0, "rmsprop": 0.2, "sgd": 0.2}
_ACTIVATION_SHIFT = {"relu": 0.0, "gelu": 0.1, "tanh": 0.3, "sigmoid": 0.8}


def mixed(p: dict[str, Any]) -> float:
    """A mixed space as network searches have: a log float (``lr``), a log int (``width``),
    an int (``depth``), a stepped float (``dropout``), a plain float (``x``) and two
    categoricals: ``optimizer`` scales the learning-rate term and shifts the loss,
    ``activation`` shifts it. Minimum 0 at lr = 1e-3, width = 64, depth = 4, dropout = 0.2,
    x = 0.5, optimizer = "adam", activation = "relu"."""
    loss = _OPTIMIZER_SCALE[p["optimizer"]] * (math.log10(p["lr"]) + 3) ** 2
    loss += 0.5 * (math.log2(p["width"]) - 6) ** 2
    loss += 0.25 * (p["depth"] - 4) ** 2
    loss += 4 * (p["dropout"] - 0.2) ** 2
    loss += 2 * (p["x"] - 0.5) ** 2
    return loss + _OPTIMIZER_SHIFT[p["optimizer"]] + _ACTIVATION_SHIFT[p["activation"]]


def conditional(p: dict[str, Any]) -> float:
    """A top-level choice between two model families, each with its own parameters. Family
    "a" (a log float and an int) is easy to get near its best, 0.3; family "b" (two floats
    and a categorical) reaches 0 at b_x = 0.7, b_y = -1, b_n = 16 but is narrower."""
    if p["family"] == "a":
        return 0.3 + (math.log10(p["a_c"]) - 1) ** 2 + (p["a_k"] - 3) ** 2 / 4
    return 4 * (p["b_x"] - 0.7) ** 2 + (p["b_y"] + 1) ** 2 + 0.5 * (p["b_n"] != 16)


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

# ``reference``: median of 1,000 random configurations (seed 0); recompute with
# ``python benchmarks/efficiency.py --check-references``.
SYNTHETIC_PROBLEMS = (
    Problem(
        "branin",
        "synthetic",
        (Param("x0", "float", -5, 10), Param("x1", "float", 0, 15)),
        branin,
        optimum=0.39788735772973816,
        reference=31.91962605460849,
        minimizer={"x0": math.pi, "x1": 2.275},
        description="Branin, 2-d",
    ),
    Problem(
        "hartmann6",
        "synthetic",
        _box(6, 0, 1),
        hartmann6,
        optimum=-3.32236801141551,
        reference=-0.10177438445074868,
        minimizer=_point([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]),
        description="Hartmann, 6-d",
    ),
    Problem(
        "rosenbrock10",
        "synthetic",
        _box(10, -5, 10),
        rosenbrock,
        optimum=0.0,
        reference=1036578.5853264439,
        minimizer=_point([1.0] * 10),
        description="Rosenbrock, 10-d",
    ),
    Problem(
        "ackley10",
        "synthetic",
        _box(10, -32.768, 32.768),
        ackley,
        optimum=0.0,
        reference=21.230535632659176,
        minimizer=_point([0.0] * 10),
        description="Ackley, 10-d",
    ),
    Problem(
        "levy10",
        "synthetic",
        _box(10, -10, 10),
        levy,
        optimum=0.0,
        reference=115.87279597481216,
        minimizer=_point([1.0] * 10),
        description="Levy, 10-d",
    ),
    Problem(
        "styblinski_tang10",
        "synthetic",
        _box(10, -5, 5),
        styblinski_tang,
        optimum=10 * _ST_MIN,
        reference=-57.3999637479398,
        minimizer=_point([_ST_ARGMIN] * 10),
        description="Styblinski-Tang, 10-d",
    ),
    Problem(
        "mixed",
        "synthetic",
        _MIXED,
        mixed,
        optimum=0.0,
        reference=6.0562379162755064,
        minimizer={
            "lr": 1e-3,
            "width": 64,
            "depth": 4,
            "dropout": 0.2,
            "x": 0.5,
            "optimizer": "adam",
            "activation": "relu",
        },
        description="log/int/stepped/categorical mix, 7 params",
    ),
    Problem(
        "conditional",
        "synthetic",
        _CONDITIONAL,
        conditional,
        optimum=0.0,
        reference=3.7067873592605536,
        minimizer={"family": "b", "b_x": 0.7, "b_y": -1.0, "b_n": 16},
        description="family choice with 2 / 3 branch params",
    ),
)
