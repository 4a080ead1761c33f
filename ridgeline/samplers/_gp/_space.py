"""The GP's view of a search space: unit-cube numeric columns and categorical codes.

Values are encoded by :class:`~ridgeline.search_space.SearchSpaceTransform` (log parameters in
log space, each grid point of an int or stepped float in the middle of its cell, every column
scaled to [0, 1]), with categorical columns turned from the transform's cell positions into
integer codes for the kernel's mismatch term. :meth:`ModelSpace.snap` moves any point onto the
points the distributions contain, so the acquisition is scored where trials can actually run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.search_space._transform import SearchSpaceTransform

__all__ = ["ModelSpace"]


class ModelSpace:
    """Encode, decode and snap points of one search space.

    Args:
        search_space: ``{name: distribution}``, in column order.

    Attributes:
        is_cat: ``(d,)`` categorical columns (their entries are codes ``0..n_choices - 1``).
        n_choices: ``(d,)`` choices per categorical column (0 elsewhere).
        is_grid: ``(d,)`` int and stepped float columns.
        n_grid: ``(d,)`` grid points per grid column (0 elsewhere).
    """

    def __init__(self, search_space: Mapping[str, BaseDistribution]) -> None:
        self.search_space = dict(search_space)
        self.names = list(self.search_space)
        self.transform = SearchSpaceTransform(self.search_space, categorical_encoding="index")
        raw = SearchSpaceTransform(
            self.search_space, categorical_encoding="index", transform_0_1=False
        ).bounds
        d = len(self.names)
        self.d = d
        self.is_cat = np.zeros(d, dtype=bool)
        self.n_choices = np.zeros(d, dtype=np.int64)
        self.is_grid = np.zeros(d, dtype=bool)
        self.n_grid = np.zeros(d, dtype=np.int64)
        self._low = np.zeros(d)
        self._step = np.ones(d)
        self._log = np.zeros(d, dtype=bool)
        self._raw_low = raw[:, 0].copy()
        self._raw_width = raw[:, 1] - raw[:, 0]
        for j, dist in enumerate(self.search_space.values()):
            if isinstance(dist, CategoricalDistribution):
                self.is_cat[j] = True
                self.n_choices[j] = len(dist.choices)
            elif isinstance(dist, IntDistribution) or (
                isinstance(dist, FloatDistribution) and dist.step is not None
            ):
                step = float(dist.step)  # type: ignore[arg-type]
                self.is_grid[j] = True
                self.n_grid[j] = round((float(dist.high) - float(dist.low)) / step) + 1
                self._low[j] = float(dist.low)
                self._step[j] = step
                self._log[j] = bool(dist.log)
        self.is_continuous = ~self.is_cat & ~self.is_grid

    # ------------------------------------------------------------------ encode / decode
    def encode(self, params_list: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """``(n, d)`` model rows of ``{name: value}`` dicts (every name must be present)."""
        x = self.transform.transform_many(params_list) if params_list else np.zeros((0, self.d))
        cat = self.is_cat
        if np.any(cat):
            x[:, cat] = np.clip(
                np.floor(x[:, cat] * self.n_choices[cat]), 0, self.n_choices[cat] - 1
            )
        return x

    def decode(self, x: np.ndarray) -> list[dict[str, Any]]:
        """Parameter dicts (values the distributions contain) of model rows."""
        u = np.array(x, dtype=float, copy=True)
        cat = self.is_cat
        if np.any(cat):
            u[:, cat] = (u[:, cat] + 0.5) / self.n_choices[cat]
        return self.transform.untransform_many(np.clip(u, 0.0, 1.0))

    # ------------------------------------------------------------------ grids
    def grid_index(self, x: np.ndarray, j: int) -> np.ndarray:
        """The grid point (``0..n_grid - 1``) whose cell holds each entry of column ``j``,
        as :meth:`SearchSpaceTransform.untransform` decides it."""
        t = self._raw_low[j] + np.clip(x, 0.0, 1.0) * self._raw_width[j]
        v = np.exp(t) if self._log[j] else t
        k = np.floor((v - self._low[j]) / self._step[j] + 0.5)
        return np.clip(k, 0, self.n_grid[j] - 1)

    def grid_position(self, k: np.ndarray, j: int) -> np.ndarray:
        """The model coordinate of grid point ``k`` of column ``j`` (inverse of grid_index)."""
        v = self._low[j] + np.asarray(k, dtype=float) * self._step[j]
        t = np.log(v) if self._log[j] else v
        if self._raw_width[j] <= 0:
            return np.full(np.shape(t), 0.5)
        return (t - self._raw_low[j]) / self._raw_width[j]

    def snap(self, x: np.ndarray) -> np.ndarray:
        """``x`` with grid columns moved to their grid points, categorical codes rounded to
        valid choices, and continuous columns clipped to [0, 1] (a new array)."""
        out = np.clip(x, 0.0, 1.0)
        for j in map(int, np.flatnonzero(self.is_grid)):
            out[:, j] = self.grid_position(self.grid_index(out[:, j], j), j)
        for j in map(int, np.flatnonzero(self.is_cat)):
            out[:, j] = np.clip(np.round(x[:, j]), 0, self.n_choices[j] - 1)
        return out

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of the unit cube (e.g. Sobol' points) to valid model rows: categorical
        columns take equal shares of [0, 1], grid columns their cells."""
        x = np.array(u, dtype=float, copy=True)
        cat = self.is_cat
        if np.any(cat):
            x[:, cat] = np.minimum(
                np.floor(u[:, cat] * self.n_choices[cat]), self.n_choices[cat] - 1
            )
        return self.snap(x)
