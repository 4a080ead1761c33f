"""Seed acceptance tests: make ``_training`` and the ``nemo_run`` stand-in importable."""

from __future__ import annotations

import sys
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent

if str(SEEDS_DIR) not in sys.path:
    sys.path.insert(0, str(SEEDS_DIR))
