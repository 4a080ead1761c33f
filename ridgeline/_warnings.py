"""Warnings that point at the user's line, wherever inside ridgeline they are raised."""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["warn_at_user_line"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_at_user_line(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn with the location of the first caller outside ridgeline (the user's line).

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warn_at_user_line("careful")
        >>> str(caught[0].message)
        'careful'
    """
    level = 2
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)
