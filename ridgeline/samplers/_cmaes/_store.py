"""The search state in the study's system attributes, shared by every worker and resumed runs.

Layout, for a search named ``cmaes:{tag}`` (the tag hashes the optimizer kind and the space):

* ``cmaes:{tag}:head`` -> ``{"generation": g, "slot": s, "n_chunks": k, "crc": c}``;
* ``cmaes:{tag}:s{s}:{i}`` for ``i < k`` -> the i-th piece of the pickled
  :class:`~ridgeline.samplers._cmaes._core.SearchState`, base64 text.

The pieces are at most :data:`CHUNK_CHARS` characters, so a value fits a MySQL ``TEXT`` column
(64 KiB) whatever the dimension. A writer puts the pieces first and the head last, alternating
between two slots by generation, so a reader that has a head finds complete pieces of that
generation even while the next one is being written; the CRC catches the rare interleaving of two
workers writing the same generation, and the reader then reads again.

The state is a pickle: the storage must be trusted, as it is for every sampler that resumes
from it.
"""

from __future__ import annotations

import base64
import pickle
import zlib
from typing import Any

from ridgeline.samplers._cmaes._core import SearchState

__all__ = ["CHUNK_CHARS", "decode_state", "head_key", "write_state"]

CHUNK_CHARS = 16_000


def head_key(prefix: str) -> str:
    return f"{prefix}:head"


def _chunk_key(prefix: str, slot: int, index: int) -> str:
    return f"{prefix}:s{slot}:{index}"


def write_state(storage: Any, study_id: int, prefix: str, state: SearchState) -> dict[str, int]:
    """Store ``state``; returns the head that now points at it."""
    blob = base64.b64encode(pickle.dumps(state, protocol=4)).decode("ascii")
    chunks = [blob[i : i + CHUNK_CHARS] for i in range(0, len(blob), CHUNK_CHARS)]
    slot = state.generation % 2
    for index, chunk in enumerate(chunks):
        storage.set_study_system_attr(study_id, _chunk_key(prefix, slot, index), chunk)
    head = {
        "generation": state.generation,
        "slot": slot,
        "n_chunks": len(chunks),
        "crc": zlib.crc32(blob.encode("ascii")),
    }
    storage.set_study_system_attr(study_id, head_key(prefix), head)
    return head


def valid_head(value: Any) -> dict[str, int] | None:
    if not isinstance(value, dict):
        return None
    try:
        return {k: int(value[k]) for k in ("generation", "slot", "n_chunks", "crc")}
    except (KeyError, TypeError, ValueError):
        return None


def decode_state(attrs: dict[str, Any], prefix: str, head: dict[str, int]) -> SearchState | None:
    """The state ``head`` points at, or None if its pieces are missing, mixed or unreadable."""
    pieces = [attrs.get(_chunk_key(prefix, head["slot"], i)) for i in range(head["n_chunks"])]
    if not all(isinstance(p, str) for p in pieces):
        return None
    blob = "".join(pieces)  # type: ignore[arg-type]
    if zlib.crc32(blob.encode("ascii", errors="replace")) != head["crc"]:
        return None
    try:
        state = pickle.loads(base64.b64decode(blob))
    except Exception:  # another cmaes version, a truncated value: start afresh instead
        return None
    if not isinstance(state, SearchState) or state.generation != head["generation"]:
        return None
    return state
