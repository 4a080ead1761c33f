"""A toy training function for the PBT tests: importable (so processes can run it), fast, and
deterministic given the config, the checkpoint and the context's seed.

Each step adds ``-(log10(lr) - target(step))**2`` to a running score, where the best learning
rate falls from 1e-1 to 1e-3 over 40 steps: a member that follows the target schedule scores
best, so exploiting the best member's checkpoint pays. The checkpoint keeps the trace of
(member, segment) pairs that trained it, to check lineage against what really happened.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from ridgeline.distributions import FloatDistribution, IntDistribution

MUTATIONS: dict[str, Any] = {
    "lr": FloatDistribution(1e-4, 1.0, log=True),
    "width": IntDistribution(1, 16),
    "opt": ["sgd", "momentum", "adam"],
}


def target(step: int) -> float:
    return -1.0 - 2.0 * min(step, 40) / 40


def train(config: dict[str, Any], checkpoint: Any, ctx: Any) -> tuple[dict[str, float], Any]:
    state = {"score": 0.0, "trace": []} if checkpoint is None else checkpoint
    rng = np.random.default_rng(ctx.seed)
    score = state["score"]
    for step in range(ctx.start_step, ctx.end_step):
        score -= (math.log10(config["lr"]) - target(step)) ** 2
    score += 0.01 * rng.standard_normal() - 0.001 * abs(config["width"] - 8)
    score -= 0.0 if config["opt"] == "momentum" else 0.002
    state = {"score": score, "trace": [*state["trace"], (ctx.member, ctx.segment)]}
    return {"score": score, "steps": float(ctx.end_step)}, state


def train_dying(config: dict[str, Any], checkpoint: Any, ctx: Any) -> Any:
    """``train``, except that the process dies at the segment and member named in
    ``PBT_DIE_AT`` ("segment,member"), as a killed job would; each call is logged to the file
    ``PBT_LOG`` names, if any."""
    log = os.environ.get("PBT_LOG")
    if log is not None:
        with open(log, "a") as f:
            f.write(f"{ctx.segment},{ctx.member}\n")
    die_at = os.environ.get("PBT_DIE_AT")
    if die_at is not None and tuple(map(int, die_at.split(","))) == (ctx.segment, ctx.member):
        os._exit(3)
    return train(config, checkpoint, ctx)
