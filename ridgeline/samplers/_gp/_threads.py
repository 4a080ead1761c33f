"""One BLAS thread while the GP computes.

The GP's matrices are small (hundreds of rows): a multi-threaded BLAS spends more time waking
and synchronising threads than computing, and beside parallel trials it oversubscribes the
cores (DESIGN.md section 6 measured a 3-10x slowdown of a GP sampler from this). We measured
the same here: 0.36 s per proposal with the default two threads on a loaded two-core machine,
0.12 s with one. So the sampler's numeric work runs under a one-thread limit, restored when it
returns. The limit uses ``threadpoolctl`` (a dependency of ridgeline); should it be missing,
thread counts are left alone (set ``OPENBLAS_NUM_THREADS=1`` to the same effect).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["single_blas_thread"]

_controller: Any = None
_lock = threading.Lock()


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Run the block with BLAS limited to one thread (if threadpoolctl is available)."""
    global _controller
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - optional
        yield
        return
    import scipy.linalg  # noqa: F401  (load scipy's BLAS before the controller looks)

    with _lock:
        if _controller is None:
            _controller = ThreadpoolController()
        controller = _controller
    with controller.limit(limits=1, user_api="blas"):
        yield
