"""Optional dependencies: import on first use, with an error that says how to install them."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]


def require(module: str, extra: str) -> ModuleType:
    """Import ``module`` or raise an ImportError naming the ``ridgeline[extra]`` that installs it.

    Example:
        >>> require("json", "none").__name__
        'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"This feature needs {module!r}, which is not installed. Install it with: "
            f"pip install 'ridgeline[{extra}]'"
        ) from e
