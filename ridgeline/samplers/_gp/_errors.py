from __future__ import annotations

from ridgeline.exceptions import RidgelineError

__all__ = ["GPArgumentError", "GPTypeError"]


class GPArgumentError(RidgelineError, ValueError):
    """GPSampler was given an argument it cannot use (or a callable returned one)."""


class GPTypeError(GPArgumentError, TypeError):
    """GPSampler was given an argument of the wrong type."""
