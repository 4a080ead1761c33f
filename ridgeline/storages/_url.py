from __future__ import annotations

import re

__all__ = ["mask_password"]

_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@]*:)(?P<pw>[^@/]*)(?P<at>@)")


def mask_password(text: str) -> str:
    """Replace the password of any database URL inside ``text`` with ``***``.

    Example:
        >>> mask_password("postgresql://bob:secret@db/hpo")
        'postgresql://bob:***@db/hpo'
    """
    return _PASSWORD.sub(r"\g<head>***\g<at>", text)
