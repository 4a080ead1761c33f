from __future__ import annotations

import enum

__all__ = ["StudyDirection"]


class StudyDirection(enum.IntEnum):
    """Whether an objective value is to be minimized or maximized."""

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        return f"StudyDirection.{self.name}"
