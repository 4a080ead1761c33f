from __future__ import annotations

from ridgeline.exceptions import RidgelineError

__all__ = ["CmaEsArgumentError", "CmaEsTypeError", "CmaEsUsageError"]


class CmaEsArgumentError(RidgelineError, ValueError):
    """CmaEsSampler was given an argument it cannot use."""


class CmaEsTypeError(RidgelineError, TypeError):
    """CmaEsSampler was given an argument of the wrong type."""


class CmaEsUsageError(RidgelineError, ValueError):
    """CmaEsSampler was used on a study it cannot serve (several objectives, mismatched x0)."""
