"""Maximising an acquisition over a mixed space: quasi-random screening, then local search.

1. Score a scrambled Sobol' sample of the space (Owen 1998, via ``scipy.stats.qmc``) and
   perturbations of the best observations, every point snapped to values trials can take.
2. From the best few, run a local search that alternates L-BFGS-B on the continuous columns
   (analytic gradients; the other columns fixed) with a neighbourhood search on the discrete
   ones: each grid column tries the grid points 1, 2, 4, ... steps away, each categorical
   column every other choice, and the best single move is taken while it improves the score.

Scores are only ever taken at valid points, so the acquisition surface of an integer or
categorical parameter is never rounded away after the fact.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ridgeline.samplers._gp._space import ModelSpace

__all__ = ["ScoreFn", "maximize_acquisition"]

# score_fn(x, with_grad) -> (scores (m,), gradients (m, d) or None)
ScoreFn = Callable[[np.ndarray, bool], tuple[np.ndarray, np.ndarray | None]]


def _neighbours(space: ModelSpace, x: np.ndarray) -> np.ndarray:
    """Every single-column discrete move from row ``x``: an ``(k, d)`` array."""
    moves = []
    for j in map(int, np.flatnonzero(space.is_grid)):
        k = float(space.grid_index(x[j : j + 1], j)[0])
        n = int(space.n_grid[j])
        targets = set()
        step = 1
        while step < n:
            for t in (k - step, k + step):
                if 0 <= t < n:
                    targets.add(t)
            step *= 2
        if targets:
            rows = np.repeat(x[None, :], len(targets), axis=0)
            rows[:, j] = space.grid_position(np.array(sorted(targets)), j)
            moves.append(rows)
    for j in map(int, np.flatnonzero(space.is_cat)):
        others = [c for c in range(int(space.n_choices[j])) if c != x[j]]
        if others:
            rows = np.repeat(x[None, :], len(others), axis=0)
            rows[:, j] = others
            moves.append(rows)
    return np.vstack(moves) if moves else np.empty((0, len(x)))


def _continuous_step(
    score_fn: ScoreFn, space: ModelSpace, x: np.ndarray, scores: np.ndarray, maxiter: int
) -> tuple[np.ndarray, np.ndarray]:
    """L-BFGS-B on the continuous columns of all rows at once (their sum separates)."""
    from scipy.optimize import minimize

    cont = np.flatnonzero(space.is_continuous)
    if len(cont) == 0:
        return x, scores
    m = len(x)
    work = x.copy()

    def fun(flat: np.ndarray) -> tuple[float, np.ndarray]:
        work[:, cont] = flat.reshape(m, len(cont))
        s, g = score_fn(work, True)
        assert g is not None
        return -float(np.sum(s)), -g[:, cont].ravel()

    result = minimize(
        fun,
        x[:, cont].ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, 1.0)] * (m * len(cont)),
        options={"maxiter": maxiter},
    )
    moved = x.copy()
    moved[:, cont] = np.clip(np.asarray(result.x).reshape(m, len(cont)), 0.0, 1.0)
    new_scores, _ = score_fn(moved, False)
    better = new_scores > scores  # the joint line search may cost a row a little
    out = np.where(better[:, None], moved, x)
    return out, np.where(better, new_scores, scores)


def _discrete_step(
    score_fn: ScoreFn, space: ModelSpace, x: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move each row to its best discrete neighbour if that scores higher."""
    if not (np.any(space.is_grid) or np.any(space.is_cat)):
        return x, scores, np.zeros(len(x), dtype=bool)
    blocks = [_neighbours(space, row) for row in x]
    sizes = [len(b) for b in blocks]
    if sum(sizes) == 0:
        return x, scores, np.zeros(len(x), dtype=bool)
    all_scores, _ = score_fn(np.vstack(blocks), False)
    out, new_scores = x.copy(), scores.copy()
    improved = np.zeros(len(x), dtype=bool)
    start = 0
    for i, size in enumerate(sizes):
        if size:
            local = all_scores[start : start + size]
            best = int(np.argmax(local))
            if local[best] > scores[i] + 1e-12 * (1.0 + abs(scores[i])):
                out[i] = blocks[i][best]
                new_scores[i] = local[best]
                improved[i] = True
        start += size
    return out, new_scores, improved


def maximize_acquisition(
    score_fn: ScoreFn,
    space: ModelSpace,
    *,
    rng: np.random.Generator,
    n_candidates: int,
    seeds: np.ndarray,
    n_local: int = 8,
    max_rounds: int = 6,
    maxiter: int = 60,
) -> tuple[np.ndarray, float]:
    """The best point found and its score.

    Args:
        score_fn: Scores (and gradients on request) of model rows; higher is better.
        space: The space (for snapping and neighbourhoods).
        rng: Random source (Sobol' scrambling, perturbations).
        n_candidates: Sobol' points screened.
        seeds: Rows (e.g. the best observations) around which to screen perturbations.
        n_local: Local searches started from the best screened points.
        max_rounds: Alternations of continuous and discrete steps per local search.
        maxiter: L-BFGS-B iterations per continuous step.
    """
    from scipy.stats import qmc

    d = space.d
    sobol = qmc.Sobol(d, scramble=True, seed=rng)
    m = 1 << max(int(np.ceil(np.log2(max(n_candidates, 2)))), 1)
    candidates = [space.from_unit(sobol.random(m)[:n_candidates])]
    if len(seeds):
        reps = max(1, 128 // len(seeds))
        local = np.repeat(seeds, reps, axis=0)
        noise = rng.normal(scale=0.05, size=local.shape)
        local = local + np.where(space.is_cat, 0.0, noise)
        flip = space.is_cat & (rng.random(local.shape) < 1.0 / max(d, 2))
        local[flip] = np.floor(
            rng.random(int(flip.sum())) * np.broadcast_to(space.n_choices, local.shape)[flip]
        )
        candidates += [space.snap(seeds), space.snap(local)]
    pool = np.vstack(candidates)
    scores, _ = score_fn(pool, False)
    order = np.argsort(-scores, kind="stable")
    _, first = np.unique(pool[order], axis=0, return_index=True)
    top = order[np.sort(first)[:n_local]]
    x, s = pool[top], scores[top]
    active = np.ones(len(x), dtype=bool)
    for _ in range(max_rounds):
        x[active], s[active] = _continuous_step(score_fn, space, x[active], s[active], maxiter)
        x[active], s[active], improved = _discrete_step(score_fn, space, x[active], s[active])
        active[np.flatnonzero(active)[~improved]] = False
        if not np.any(active):
            break
    best = int(np.argmax(s))
    return x[best], float(s[best])
