"""The plots of :mod:`ridgeline.visualization` as matplotlib figures (static PNG/PDF).

Each ``plot_*`` function returns the ``matplotlib.axes.Axes`` it drew on (or an array of
them for a grid); save with ``ax.figure.savefig("plot.png")``. matplotlib is imported on
first use.
"""

from ridgeline.visualization._utils import is_available

__all__ = ["is_available"]
