from __future__ import annotations

import uuid

__all__ = ["default_study_name"]


def default_study_name() -> str:
    """A fresh, unique study name for studies created without one."""
    return f"no-name-{uuid.uuid4()}"
