"""The one map between parameter values and a box of floats, shared by model-based samplers.

TPE, GP, CMA-ES and QMC all work on real vectors. :class:`SearchSpaceTransform` turns a dict of
parameter values into such a vector (``transform``) and any vector of the box back into valid
values (``untransform``), so no sampler re-implements log scales, integer grids or categorical
encodings.

Encoding, per parameter (one column unless said otherwise):

* float: the value, or its logarithm when ``log=True`` (with ``transform_log``);
* float with ``step`` and int: the value, with the bounds widened by half a step on each side, so
  the grid point ``v`` owns the cell ``[v - step/2, v + step/2]`` and every grid point gets an
  equal share of the box (with ``transform_step``). An int on a log scale owns
  ``[log(v - 1/2), log(v + 1/2)]``: equal shares in log space, as a log-uniform prior expects;
* categorical: one column per choice holding a one-hot vector (``"onehot"``), or one column
  holding the index with the cell ``[i - 1/2, i + 1/2]`` (``"index"``);
* finally, with ``transform_0_1``, every column is scaled linearly so its bounds become [0, 1].

``untransform`` snaps integers and stepped floats to their grid, clips to the bounds and takes the
arg-max of one-hot columns, so any point of the box maps to values the distributions contain.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.exceptions import RidgelineError

__all__ = ["SearchSpaceTransform"]

_OWNER = "SearchSpaceTransform"
_ENCODINGS = ("onehot", "index")


class SearchSpaceTransformError(RidgelineError, ValueError):
    """A transform was built or used with arguments it cannot accept."""


class _Column:
    """How one parameter is encoded: its columns and the bounds before 0-1 scaling."""

    __slots__ = (
        "decimals",
        "dist",
        "high",
        "kind",
        "log",
        "low",
        "n_choices",
        "name",
        "start",
        "step",
        "width",
    )

    def __init__(self, name: str, dist: BaseDistribution, start: int) -> None:
        self.name = name
        self.dist = dist
        self.start = start
        self.width = 1
        self.log = False
        self.step: float = 0.0
        self.n_choices = 0
        self.decimals: int | None = None
        self.low = 0.0
        self.high = 0.0
        if isinstance(dist, CategoricalDistribution):
            self.kind = "cat"
            self.n_choices = len(dist.choices)
        elif isinstance(dist, IntDistribution):
            self.kind = "int"
            self.low, self.high = float(dist.low), float(dist.high)
            self.log = dist.log
            self.step = float(dist.step)
        elif isinstance(dist, FloatDistribution):
            self.kind = "float"
            self.low, self.high = dist.low, dist.high
            self.log = dist.log
            if dist.step is not None:
                self.kind = "float_step"
                self.step = dist.step
                self.decimals = _grid_decimals(dist.low, dist.high, dist.step)
        else:
            raise SearchSpaceTransformError(
                f"`search_space` of {_OWNER} must map names to Float, Int or Categorical "
                f"distributions; got {name!r}: {dist!r}."
            )


def _grid_decimals(low: float, high: float, step: float) -> int | None:
    """Decimal places that make ``low + k * step`` exact (0.1 + 2 * 0.1 -> 0.3), if few enough.

    Rounding to them gives the value a person would write instead of ``0.30000000000000004``;
    skipped when the grid needs more digits than a double holds.
    """
    places = 0
    for x in (low, step):
        exponent = decimal.Decimal(repr(x)).as_tuple().exponent
        if not isinstance(exponent, int):
            return None
        places = max(places, -exponent)
    if places > 15 or max(abs(low), abs(high)) * 10.0**places >= 2.0**52:
        return None
    return places


class SearchSpaceTransform:
    """Map parameter values to a box of floats and back (see the module docstring).

    Args:
        search_space: ``{name: distribution}``; the column order follows this order.
        transform_log: Encode ``log=True`` parameters by their logarithm.
        transform_step: Widen int and stepped float bounds by half a step on each side.
        transform_0_1: Scale every column so its bounds become [0, 1].
        categorical_encoding: ``"onehot"`` (one column per choice) or ``"index"`` (one column).

    Raises:
        ValueError: On an unknown ``categorical_encoding`` or distribution.

    Example:
        >>> from ridgeline.distributions import FloatDistribution, CategoricalDistribution
        >>> t = SearchSpaceTransform({"lr": FloatDistribution(1e-4, 1e-1, log=True),
        ...                           "opt": CategoricalDistribution(["adam", "sgd"])})
        >>> t.bounds.shape
        (3, 2)
        >>> t.untransform(t.transform({"lr": 1e-3, "opt": "sgd"}))["opt"]
        'sgd'
    """

    def __init__(
        self,
        search_space: Mapping[str, BaseDistribution],
        *,
        transform_log: bool = True,
        transform_step: bool = True,
        transform_0_1: bool = True,
        categorical_encoding: Literal["onehot", "index"] = "onehot",
    ) -> None:
        if not isinstance(search_space, Mapping):
            raise SearchSpaceTransformError(
                f"`search_space` of {_OWNER} must be a dict of distributions; got "
                f"{type(search_space).__name__}."
            )
        if categorical_encoding not in _ENCODINGS:
            raise SearchSpaceTransformError(
                f"`categorical_encoding` of {_OWNER} must be one of {list(_ENCODINGS)}; got "
                f"{categorical_encoding!r}."
            )
        self._search_space = dict(search_space)
        self._transform_log = bool(transform_log)
        self._transform_step = bool(transform_step)
        self._transform_0_1 = bool(transform_0_1)
        self._onehot = categorical_encoding == "onehot"

        columns: list[_Column] = []
        start = 0
        raw_bounds: list[tuple[float, float]] = []
        for name, dist in self._search_space.items():
            col = _Column(name, dist, start)
            if col.kind == "cat":
                if self._onehot:
                    col.width = col.n_choices
                    raw_bounds.extend([(0.0, 1.0)] * col.n_choices)
                else:
                    raw_bounds.append((-0.5, col.n_choices - 0.5))
            else:
                raw_bounds.append(self._numeric_bounds(col))
            columns.append(col)
            start += col.width
        self._columns = columns
        self._n_encoded = start
        raw = np.array(raw_bounds, dtype=float).reshape(start, 2)
        self._raw_low = raw[:, 0]
        self._raw_width = raw[:, 1] - raw[:, 0]
        self._bounds = np.tile([0.0, 1.0], (start, 1)) if self._transform_0_1 else raw

        self._column_to_encoded = [
            np.arange(c.start, c.start + c.width, dtype=np.int64) for c in columns
        ]
        self._encoded_to_column = np.repeat(
            np.arange(len(columns), dtype=np.int64), [c.width for c in columns]
        )

    def _numeric_bounds(self, col: _Column) -> tuple[float, float]:
        low, high = col.low, col.high
        if col.kind != "float" and self._transform_step:
            low, high = low - 0.5 * col.step, high + 0.5 * col.step
        if col.log and self._transform_log:
            low, high = math.log(low), math.log(high)
        return low, high

    # ------------------------------------------------------------------ layout
    @property
    def search_space(self) -> dict[str, BaseDistribution]:
        """The distributions, in column order (a copy)."""
        return dict(self._search_space)

    @property
    def bounds(self) -> np.ndarray:
        """``(n_encoded_columns, 2)`` array of ``[low, high]`` per encoded column (a copy)."""
        return self._bounds.copy()

    @property
    def column_to_encoded_columns(self) -> list[np.ndarray]:
        """For each parameter (in order), the indices of its encoded columns."""
        return [c.copy() for c in self._column_to_encoded]

    @property
    def encoded_column_to_column(self) -> np.ndarray:
        """For each encoded column, the index of its parameter."""
        return self._encoded_to_column.copy()

    # ------------------------------------------------------------------ transform
    def transform(self, params: Mapping[str, Any]) -> np.ndarray:
        """Encode one ``{name: value}`` (external values) as a vector of the box.

        Values outside their distribution's bounds (from trials with other bounds) are
        encoded as they are, so the result may lie outside ``bounds``.

        Raises:
            KeyError: If a parameter of the search space is missing from ``params``.
            ValueError: If a categorical value is not one of the choices.
        """
        return self.transform_many([params])[0]

    def transform_many(self, params_list: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Encode several ``{name: value}`` dicts as an ``(n, n_encoded_columns)`` array."""
        n = len(params_list)
        out = np.empty((n, self._n_encoded), dtype=float)
        for col in self._columns:
            try:
                values = [p[col.name] for p in params_list]
            except KeyError:
                missing = next(p for p in params_list if col.name not in p)
                raise _MissingParamError(
                    f"`params` of {_OWNER}.transform must hold every parameter of the search "
                    f"space; {col.name!r} is missing from {dict(missing)!r}."
                ) from None
            if col.kind == "cat":
                index = np.array([self._choice_index(col, v) for v in values], dtype=np.int64)
                if self._onehot:
                    block = np.zeros((n, col.width))
                    block[np.arange(n), index] = 1.0
                    out[:, col.start : col.start + col.width] = block
                else:
                    out[:, col.start] = index
            else:
                x = np.asarray(values, dtype=float)
                if col.log and self._transform_log:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        x = np.log(x)
                out[:, col.start] = x
        if self._transform_0_1:
            width = np.where(self._raw_width > 0, self._raw_width, 1.0)
            out = (out - self._raw_low) / width
            out[:, self._raw_width <= 0] = 0.5
        return out

    @staticmethod
    def _choice_index(col: _Column, value: Any) -> int:
        assert isinstance(col.dist, CategoricalDistribution)
        index = col.dist.index_of(value)
        if index is None:
            raise SearchSpaceTransformError(
                f"The value of {col.name!r} must be one of {list(col.dist.choices)!r}; got "
                f"{value!r}."
            )
        return index

    # ------------------------------------------------------------------ untransform
    def untransform(self, x: np.ndarray | Sequence[float]) -> dict[str, Any]:
        """Decode one vector into ``{name: value}`` with values the distributions contain.

        Raises:
            ValueError: If ``x`` has the wrong length or non-finite entries.
        """
        arr = np.asarray(x, dtype=float)
        if arr.ndim != 1:
            raise SearchSpaceTransformError(
                f"`x` of {_OWNER}.untransform must be a 1-d array of {self._n_encoded} floats; "
                f"got shape {arr.shape}. Use untransform_many for several points."
            )
        return self.untransform_many(arr[None, :])[0]

    def untransform_many(self, x: np.ndarray) -> list[dict[str, Any]]:
        """Decode an ``(n, n_encoded_columns)`` array into a list of ``{name: value}``."""
        arr = np.asarray(x, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != self._n_encoded:
            raise SearchSpaceTransformError(
                f"`x` of {_OWNER}.untransform must have {self._n_encoded} columns (one per "
                f"encoded column); got shape {arr.shape}."
            )
        if not np.all(np.isfinite(arr)):
            bad = float(arr[~np.isfinite(arr)][0])
            raise SearchSpaceTransformError(
                f"`x` of {_OWNER}.untransform must be finite; got {bad!r}."
            )
        if self._transform_0_1:
            arr = self._raw_low + arr * self._raw_width
        n = arr.shape[0]
        decoded: dict[str, list[Any]] = {}
        for col in self._columns:
            if col.kind == "cat":
                assert isinstance(col.dist, CategoricalDistribution)
                if self._onehot:
                    index = np.argmax(arr[:, col.start : col.start + col.width], axis=1)
                else:
                    index = np.clip(np.floor(arr[:, col.start] + 0.5), 0, col.n_choices - 1)
                choices = col.dist.choices
                decoded[col.name] = [choices[int(i)] for i in index]
            else:
                decoded[col.name] = self._decode_numeric(col, arr[:, col.start])
        return [{name: values[i] for name, values in decoded.items()} for i in range(n)]

    def _decode_numeric(self, col: _Column, t: np.ndarray) -> list[Any]:
        v = np.exp(t) if col.log and self._transform_log else t
        if col.kind == "float":
            return np.clip(v, col.low, col.high).tolist()
        n_steps = round((col.high - col.low) / col.step)
        # floor(x + 1/2), not rint: cells are half-open [k - 1/2, k + 1/2), so points on cell
        # edges (QMC points are dyadic fractions and hit them) are shared out evenly instead of
        # going to the even neighbour.
        k = np.clip(np.floor((v - col.low) / col.step + 0.5), 0, n_steps)
        if col.kind == "int":
            low, step = int(col.low), int(col.step)
            return [low + int(ki) * step for ki in k]
        grid = col.low + k * col.step
        if col.decimals is not None:
            grid = np.round(grid, col.decimals)
        return np.clip(grid, col.low, col.high).tolist()

    def __repr__(self) -> str:
        return (
            f"{_OWNER}({self._search_space!r}, transform_log={self._transform_log}, "
            f"transform_step={self._transform_step}, transform_0_1={self._transform_0_1}, "
            f"categorical_encoding={'onehot' if self._onehot else 'index'!r})"
        )


class _MissingParamError(RidgelineError, KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""
