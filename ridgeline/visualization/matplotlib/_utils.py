"""What the matplotlib renderers share: the lazy import, new and empty axes, param axes."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np

from ridgeline._imports import require
from ridgeline.visualization._utils import ParamAxis, tick_labels

__all__ = ["empty_axes", "is_available", "new_axes", "pyplot", "set_param_axis"]


def is_available() -> bool:
    """Whether matplotlib, which these ``plot_*`` functions draw with, is installed.

    Example:
        >>> from ridgeline.visualization import matplotlib
        >>> isinstance(matplotlib.is_available(), bool)
        True
    """
    return importlib.util.find_spec("matplotlib") is not None


def pyplot() -> ModuleType:
    """``matplotlib.pyplot``, or an ImportError naming ``pip install 'ridgeline[viz]'``."""
    require("matplotlib", "viz")
    return require("matplotlib.pyplot", "viz")


def new_axes(title: str) -> Any:
    """Fresh axes on a new figure, titled."""
    _, ax = pyplot().subplots(figsize=(8, 5), layout="constrained")
    ax.set_title(title)
    return ax


def empty_axes(title: str, reason: str) -> Any:
    """Axes with nothing drawn but ``title`` and the ``reason`` why."""
    ax = new_axes(title)
    ax.text(0.5, 0.5, reason, ha="center", va="center", wrap=True, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def grid_axes(title: str, n: int) -> Any:
    """An ``n`` by ``n`` grid of axes (a numpy array), or one axes when ``n`` is 1."""
    size = (max(4 * n, 6), max(3.5 * n, 5))
    # No layout engine: constrained layout measures every tick label of every panel, which
    # takes seconds for a 4 x 4 grid; fixed spacing is enough for a grid of equal panels.
    fig, axes = pyplot().subplots(n, n, figsize=size, squeeze=False)
    fig.subplots_adjust(left=0.08, right=0.85, bottom=0.08, top=0.92, wspace=0.45, hspace=0.45)
    fig.suptitle(title)
    return axes[0, 0] if n == 1 else axes


def line_colormap(reverse: bool) -> Any:
    """Blues without its near-white end (lines must stay visible); darker is better."""
    pyplot()
    colors = require("matplotlib.colors", "viz")
    cm = require("matplotlib", "viz").colormaps["Blues"]
    stops = np.linspace(0.3, 1.0, 256)
    return colors.ListedColormap(cm(stops[::-1] if reverse else stops))


def colorbar(axes: Any, mappable: Any, label: str) -> None:
    """A colour bar beside one axes, or in the margin :func:`grid_axes` leaves right of a grid."""
    if isinstance(axes, np.ndarray):
        figure = axes.flat[0].figure
        figure.colorbar(mappable, cax=figure.add_axes((0.88, 0.1, 0.02, 0.8)), label=label)
    else:
        axes.figure.colorbar(mappable, ax=axes, label=label)


def coordinates(axis: ParamAxis, values: Sequence[Any]) -> list[Any]:
    """What matplotlib plots for a parameter: category indices, else the values."""
    if axis.is_categorical:
        return [axis.categories.index(str(v)) for v in values]
    return list(values)


def set_param_axis(ax: Any, axis: ParamAxis, which: str) -> None:
    """Scale and label the ``which`` ("x" or "y") axis of ``ax`` for parameter ``axis``."""
    getattr(ax, f"set_{which}label")(axis.name)
    if axis.is_log:
        getattr(ax, f"set_{which}scale")("log")
    elif axis.is_categorical:
        ticks, text = tick_labels(axis)
        getattr(ax, f"set_{which}ticks")(ticks)
        getattr(ax, f"set_{which}ticklabels")(text)
        getattr(ax, f"set_{which}lim")(*axis.padded_range())
