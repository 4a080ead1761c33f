"""The plots of :mod:`ridgeline.visualization` as matplotlib figures (static PNG/PDF).

Each ``plot_*`` function takes the same arguments as its plotly namesake, draws from the
same extracted data, and returns the ``matplotlib.axes.Axes`` it drew on (a numpy array of
them for a grid of panels); save with ``ax.figure.savefig("plot.png")``. matplotlib is
imported on first use.
"""

from ridgeline.visualization.matplotlib._grids import plot_contour, plot_rank, plot_slice
from ridgeline.visualization.matplotlib._plots import (
    plot_edf,
    plot_hypervolume_history,
    plot_intermediate_values,
    plot_optimization_history,
    plot_parallel_coordinate,
    plot_param_importances,
    plot_pareto_front,
    plot_timeline,
)
from ridgeline.visualization.matplotlib._utils import is_available

__all__ = [
    "is_available",
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_rank",
    "plot_slice",
    "plot_timeline",
]
