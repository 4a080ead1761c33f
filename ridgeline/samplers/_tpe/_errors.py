from __future__ import annotations

from ridgeline.exceptions import RidgelineError

__all__ = ["TPEArgumentError"]


class TPEArgumentError(RidgelineError, ValueError):
    """TPESampler was given an argument it cannot use (or a callable returned one)."""
