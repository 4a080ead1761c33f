"""Figures of a study, drawn with plotly (``pip install 'ridgeline[viz]'``).

Each ``plot_*`` function returns a ``plotly.graph_objects.Figure``; the same plots as
static matplotlib figures are in :mod:`ridgeline.visualization.matplotlib`. plotly is
imported on first use, never by ``import ridgeline``.
"""

from ridgeline.visualization import matplotlib
from ridgeline.visualization._contour import plot_contour
from ridgeline.visualization._edf import plot_edf
from ridgeline.visualization._hypervolume_history import plot_hypervolume_history
from ridgeline.visualization._intermediate_values import plot_intermediate_values
from ridgeline.visualization._optimization_history import plot_optimization_history
from ridgeline.visualization._parallel_coordinate import plot_parallel_coordinate
from ridgeline.visualization._param_importances import plot_param_importances
from ridgeline.visualization._pareto_front import plot_pareto_front
from ridgeline.visualization._rank import plot_rank
from ridgeline.visualization._slice import plot_slice
from ridgeline.visualization._timeline import plot_timeline
from ridgeline.visualization._utils import VisualizationError, is_available

__all__ = [
    "VisualizationError",
    "is_available",
    "matplotlib",
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
