"""The ``ridgeline`` logger and how loud it is.

Importing ridgeline configures nothing: the library logger has only a ``NullHandler``, so a
program's own logging setup decides what is shown. ``set_verbosity`` is the shortcut for
scripts: it sets the level and, unless ``disable_default_handler()`` was called, attaches one
handler that writes to stderr.

Example:
    >>> import ridgeline
    >>> ridgeline.logging.set_verbosity(ridgeline.logging.WARNING)
"""

from __future__ import annotations

import logging as _logging
import sys
import threading
from logging import CRITICAL, DEBUG, ERROR, FATAL, INFO, WARN, WARNING
from typing import Any

from ridgeline.exceptions import RidgelineError

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "disable_default_handler",
    "disable_propagation",
    "enable_default_handler",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
]

_ROOT = "ridgeline"
_lock = threading.Lock()
_default_handler: _logging.Handler | None = None
_default_handler_allowed = True

_logging.getLogger(_ROOT).addHandler(_logging.NullHandler())


class _VerbosityError(RidgelineError, ValueError):
    pass


def get_logger(name: str) -> _logging.Logger:
    """The logger for a ridgeline module (a child of the ``ridgeline`` logger)."""
    if not name.startswith(_ROOT):
        name = f"{_ROOT}.{name}"
    return _logging.getLogger(name)


def _root() -> _logging.Logger:
    return _logging.getLogger(_ROOT)


def set_verbosity(verbosity: int) -> None:
    """Set the level of the ``ridgeline`` logger (``ridgeline.logging.INFO`` etc.).

    Also attaches a stderr handler the first time, unless :func:`disable_default_handler`
    was called, so that ``set_verbosity(INFO)`` in a script shows one line per trial.

    Raises:
        ValueError: If ``verbosity`` is not a logging level.
    """
    if isinstance(verbosity, bool) or not isinstance(verbosity, int) or verbosity < 0:
        raise _VerbosityError(
            f"`verbosity` of set_verbosity must be a logging level such as "
            f"ridgeline.logging.INFO; got {verbosity!r}."
        )
    _root().setLevel(verbosity)
    if _default_handler_allowed:
        enable_default_handler()


def get_verbosity() -> int:
    """The effective level of the ``ridgeline`` logger."""
    return _root().getEffectiveLevel()


class _StderrHandler(_logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each record, so a program (or a
    test harness, or a notebook) that replaces ``sys.stderr`` later still gets the lines."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def enable_default_handler() -> None:
    """Attach the stderr handler (idempotent)."""
    global _default_handler, _default_handler_allowed
    with _lock:
        _default_handler_allowed = True
        if _default_handler is None:
            handler = _StderrHandler()
            handler.setFormatter(_logging.Formatter("[%(levelname)1.1s %(asctime)s] %(message)s"))
            _default_handler = handler
            _root().addHandler(handler)


def disable_default_handler() -> None:
    """Remove the stderr handler and keep ``set_verbosity`` from adding it back."""
    global _default_handler, _default_handler_allowed
    with _lock:
        _default_handler_allowed = False
        if _default_handler is not None:
            _root().removeHandler(_default_handler)
            _default_handler = None


def enable_propagation() -> None:
    """Let ridgeline's records reach the root logger's handlers (the default)."""
    _root().propagate = True


def disable_propagation() -> None:
    """Keep ridgeline's records from reaching the root logger's handlers."""
    _root().propagate = False
