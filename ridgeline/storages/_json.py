"""JSON encoding of study and trial attributes, shared by every storage."""

from __future__ import annotations

import json
from typing import Any

from ridgeline.exceptions import RidgelineError

__all__ = ["AttributeNotSerializableError", "attr_to_json", "json_copy"]


class AttributeNotSerializableError(RidgelineError, TypeError):
    """An attribute value cannot be stored because it is not JSON-serialisable."""


def attr_to_json(owner: str, key: Any, value: Any) -> str:
    """The JSON text stored for an attribute, or an error naming the key and the fix.

    Example:
        >>> attr_to_json("trial attribute", "k", [1, 2])
        '[1, 2]'
    """
    if not isinstance(key, str):
        raise AttributeNotSerializableError(
            f"`key` of {owner} must be a str; got {key!r} ({type(key).__name__})."
        )
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as e:
        raise AttributeNotSerializableError(
            f"`value` of {owner} {key!r} must be JSON-serialisable; got {value!r} "
            f"({type(value).__name__}). Store a str, number, bool, None, list or dict (convert "
            "arrays with .tolist(), objects with str())."
        ) from e


def json_copy(owner: str, key: Any, value: Any) -> Any:
    """The value as a storage gives it back: a deep copy through JSON (tuples become lists)."""
    return json.loads(attr_to_json(owner, key, value))
