"""Figures of a study, drawn with plotly (``pip install 'ridgeline[viz]'``).

Each ``plot_*`` function returns a ``plotly.graph_objects.Figure``; the same plots as
static matplotlib figures are in :mod:`ridgeline.visualization.matplotlib`. plotly is
imported on first use, never by ``import ridgeline``.
"""

from ridgeline.visualization._contour import plot_contour
from ridgeline.visualization._optimization_history import plot_optimization_history
from ridgeline.visualization._parallel_coordinate import plot_parallel_coordinate
from ridgeline.visualization._param_importances import plot_param_importances
from ridgeline.visualization._slice import plot_slice
from ridgeline.visualization._utils import VisualizationError, is_available

__all__ = [
    "VisualizationError",
    "is_available",
    "plot_contour",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_slice",
]
