"""One parameter's map between external values and TPE's model space.

TPE models every numeric parameter on the unit interval ``u in [0, 1]``: the value (its
logarithm when ``log=True``) scaled linearly, the bounds of int and stepped parameters widened
by half a step so that every grid point owns an equal cell (in log space for log ints), as in
:class:`~ridgeline.search_space.SearchSpaceTransform`. A categorical parameter is modelled by
the index of its choice.

Each grid point of a discrete parameter is encoded at its own position, and its cell's edges
(:meth:`_Codec.cells`) are what the Parzen estimator integrates over to get the probability of
that grid point.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

__all__ = ["CATEGORICAL", "CONTINUOUS", "DISCRETE", "Cells", "Codec", "NumericCodecs"]

CONTINUOUS = 0
DISCRETE = 1
CATEGORICAL = 2

# Points' cells in several numeric columns: lower edges, upper edges, grid indices.
Cells = tuple[np.ndarray, np.ndarray, np.ndarray]


def _grid_decimals(low: float, step: float) -> int | None:
    """Decimal places that make ``low + k * step`` print as written (0.30, not 0.30000000004)."""
    places = 0
    for x in (low, step):
        exponent = decimal.Decimal(repr(x)).as_tuple().exponent
        if not isinstance(exponent, int):
            return None
        places = max(places, -exponent)
    return places if places <= 15 else None


class Codec:
    """Encode and decode one distribution's values (see the module docstring)."""

    __slots__ = (
        "cache",
        "choices",
        "decimals",
        "dist",
        "high",
        "is_int",
        "kind",
        "log",
        "low",
        "n_choices",
        "n_steps",
        "raw_low",
        "raw_width",
        "step",
    )

    def __init__(self, dist: BaseDistribution) -> None:
        self.dist = dist
        self.cache: dict[Any, Any] = {}  # derived tables (e.g. categorical kernels)
        self.choices: tuple[Any, ...] = ()
        self.n_choices = 0
        self.low = self.high = self.step = 0.0
        self.log = False
        self.is_int = False
        self.n_steps = 0
        self.decimals: int | None = None
        self.raw_low = 0.0
        self.raw_width = 1.0
        if isinstance(dist, CategoricalDistribution):
            self.kind = CATEGORICAL
            self.choices = tuple(dist.choices)
            self.n_choices = len(self.choices)
            return
        if isinstance(dist, IntDistribution):
            self.kind = DISCRETE
            self.is_int = True
            self.low, self.high, self.step = float(dist.low), float(dist.high), float(dist.step)
        elif isinstance(dist, FloatDistribution):
            self.low, self.high = dist.low, dist.high
            if dist.step is None:
                self.kind = CONTINUOUS
            else:
                self.kind = DISCRETE
                self.step = dist.step
                self.decimals = _grid_decimals(dist.low, dist.step)
        else:
            raise TypeError(f"TPESampler cannot model {dist!r}.")
        self.log = dist.log
        lo, hi = self.low, self.high
        if self.kind == DISCRETE:
            self.n_steps = round((self.high - self.low) / self.step)
            lo, hi = lo - 0.5 * self.step, hi + 0.5 * self.step
        if self.log:
            lo, hi = math.log(lo), math.log(hi)
        self.raw_low = lo
        self.raw_width = hi - lo

    # ------------------------------------------------------------------ encode
    def encode(self, values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        """``(u, valid)``: model-space values and whether each value belongs to the
        distribution (a value from a trial with other bounds or choices does not)."""
        n = len(values)
        if self.kind == CATEGORICAL:
            assert isinstance(self.dist, CategoricalDistribution)
            index = np.full(n, -1.0)
            for i, v in enumerate(values):
                found = self.dist.index_of(v)
                if found is not None:
                    index[i] = found
            return index, index >= 0
        x = np.array([_as_float(v) for v in values], dtype=float)
        tol = 1e-9 * max(1.0, abs(self.high - self.low))
        valid = (x >= self.low - tol) & (x <= self.high + tol)
        return self._to_u(np.clip(x, self.low, self.high)), valid

    def encode_one(self, value: Any) -> tuple[float, bool]:
        """:meth:`encode` for one value, without numpy (the per-trial update path)."""
        if self.kind == CATEGORICAL:
            assert isinstance(self.dist, CategoricalDistribution)
            found = self.dist.index_of(value)
            return (-1.0, False) if found is None else (float(found), True)
        x = _as_float(value)
        tol = 1e-9 * max(1.0, abs(self.high - self.low))
        if not (self.low - tol <= x <= self.high + tol):
            return 0.0, False
        x = min(max(x, self.low), self.high)
        t = math.log(x) if self.log else x
        return (t - self.raw_low) / self.raw_width, True

    def _to_u(self, x: np.ndarray) -> np.ndarray:
        t = np.log(x) if self.log else x
        return (t - self.raw_low) / self.raw_width

    # ------------------------------------------------------------------ decode
    def _grid_index(self, u: np.ndarray) -> np.ndarray:
        t = self.raw_low + np.clip(u, 0.0, 1.0) * self.raw_width
        x = np.exp(t) if self.log else t
        return np.clip(np.floor((x - self.low) / self.step + 0.5), 0, self.n_steps)

    def snap(self, u: np.ndarray) -> np.ndarray:
        """Move model-space points to the position of the grid point whose cell holds them."""
        if self.kind != DISCRETE:
            return np.clip(u, 0.0, 1.0)
        return self._to_u(self.low + self._grid_index(u) * self.step)

    def cells(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model-space edges of the cells owned by the grid points at ``u`` (snapped)."""
        x = self.low + self._grid_index(u) * self.step
        half = 0.5 * self.step
        return self._to_u(x - half), self._to_u(x + half)

    def decode_one(self, u: float) -> Any:
        """:meth:`decode` for one point, without numpy."""
        if self.kind == CATEGORICAL:
            return self.choices[min(max(round(u), 0), self.n_choices - 1)]
        t = self.raw_low + min(max(u, 0.0), 1.0) * self.raw_width
        x = math.exp(t) if self.log else t
        if self.kind == CONTINUOUS:
            return min(max(x, self.low), self.high)
        k = min(max(math.floor((x - self.low) / self.step + 0.5), 0), self.n_steps)
        if self.is_int:
            return int(self.low) + k * int(self.step)
        value = self.low + k * self.step
        if self.decimals is not None:
            value = round(value, self.decimals)
        return min(max(value, self.low), self.high)

    def decode(self, u: np.ndarray) -> list[Any]:
        """External values for model-space points (snapped to the grid, clipped to bounds)."""
        if self.kind == CATEGORICAL:
            index = np.clip(np.rint(u), 0, self.n_choices - 1).astype(np.int64)
            return [self.choices[i] for i in index]
        if self.kind == CONTINUOUS:
            t = self.raw_low + np.clip(u, 0.0, 1.0) * self.raw_width
            x = np.exp(t) if self.log else t
            return np.clip(x, self.low, self.high).tolist()
        k = self._grid_index(u)
        if self.is_int:
            return [int(self.low) + int(ki) * int(self.step) for ki in k]
        grid = self.low + k * self.step
        if self.decimals is not None:
            grid = np.round(grid, self.decimals)
        return np.clip(grid, self.low, self.high).tolist()


class NumericCodecs:
    """Several numeric codecs at once: cells and snapping on ``(points, parameters)`` arrays
    in a fixed number of numpy calls, whatever the number of parameters."""

    def __init__(self, codecs: Sequence[Codec]) -> None:
        self.n = len(codecs)
        self.disc = np.array([c.kind == DISCRETE for c in codecs], dtype=bool)
        self.any_disc = bool(self.disc.any())
        self.log = np.array([c.log for c in codecs], dtype=bool)
        self.low = np.array([c.low for c in codecs])
        self.step = np.array([c.step if c.kind == DISCRETE else 1.0 for c in codecs])
        self.n_steps = np.array([c.n_steps for c in codecs], dtype=float)
        self.raw_low = np.array([c.raw_low for c in codecs])
        self.raw_width = np.array([c.raw_width for c in codecs])

    # No np.errstate here (it costs more than the arithmetic on these small arrays): the
    # log and exp only ever see safe arguments, in the columns that do not use them too.
    def _to_u(self, x: np.ndarray) -> np.ndarray:
        t = np.where(self.log, np.log(np.maximum(x, 1e-300)), x)
        return (t - self.raw_low) / self.raw_width

    def _grid_index(self, u: np.ndarray) -> np.ndarray:
        t = self.raw_low + np.clip(u, 0.0, 1.0) * self.raw_width
        x = np.where(self.log, np.exp(np.where(self.log, t, 0.0)), t)
        return np.clip(np.floor((x - self.low) / self.step + 0.5), 0.0, self.n_steps)

    def snap(self, u: np.ndarray) -> np.ndarray:
        """Clip to [0, 1]; move discrete columns to their grid points' positions."""
        u = np.clip(u, 0.0, 1.0)
        if not self.any_disc:
            return u
        x = self.low + self._grid_index(u) * self.step
        return np.where(self.disc, self._to_u(x), u)

    def cells(self, u: np.ndarray) -> Cells:
        """Cell edges (clipped to [0, 1]) and grid indices of discrete columns; the point
        (and index 0) for continuous ones."""
        if not self.any_disc:
            return u, u, np.zeros_like(u)
        k = self._grid_index(u)
        x = self.low + k * self.step
        half = 0.5 * self.step
        lo = np.where(self.disc, np.maximum(self._to_u(x - half), 0.0), u)
        hi = np.where(self.disc, np.minimum(self._to_u(x + half), 1.0), u)
        return lo, hi, k


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
