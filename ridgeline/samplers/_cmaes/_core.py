"""The CMA-ES search itself, over the unit cube: one ``cmaes`` optimizer plus its restarts.

Nothing here knows about studies or trials. :class:`SearchState` is what the sampler stores
(pickled) in the study: the optimizer, the generation it waits for, and the bookkeeping of the
restart strategies:

* IPOP (Auger & Hansen 2005, "A Restart CMA Evolution Strategy With Increasing Population
  Size"): when a run stops, start again from a uniformly drawn mean with the population size
  multiplied by ``inc_popsize``.
* BIPOP (Hansen 2009, "Benchmarking a BI-Population CMA-ES on the BBOB-2009 Function
  Testbed"): interleave such large-population runs with small-population runs whose size
  ``floor(lambda_def * (lambda_large / (2 lambda_def)) ** (u ** 2))`` and step size
  ``sigma0 * 10 ** (-2 u)`` (``u`` uniform in [0, 1]) are drawn afresh; the regime that has
  spent fewer evaluations so far runs next. The first run counts as a large one.

``cmaes`` is imported inside the functions: importing ridgeline must stay light.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["CoreConfig", "SearchState", "Start", "ask", "default_popsize", "new_state", "tell"]

Kind = Literal["cma", "sepcma", "cmawm"]
# Below 4, cmaes' recombination weights divide by zero (one parent, no negative weights).
MIN_POPSIZE = 4
MIN_POPSIZE_HINT = " CMA-ES recombines the best half of each generation and needs two parents."


def default_popsize(n_dim: int) -> int:
    """Hansen's default population size ``4 + floor(3 ln n)`` (as in ``cmaes``)."""
    return 4 + math.floor(3 * math.log(n_dim))


@dataclass(frozen=True)
class CoreConfig:
    """The options that shape the search (fixed for a sampler)."""

    kind: Kind
    popsize: int | None
    restart_strategy: str | None
    inc_popsize: int
    lr_adapt: bool


@dataclass(frozen=True)
class Start:
    """Where runs start, in unit-cube coordinates.

    ``mean``/``sigma``/``cov`` start the first run (from ``x0``/``sigma0`` or a warm start);
    restarts draw a fresh mean and use ``restart_sigma``/``restart_cov``. ``steps`` is the grid
    spacing per column for CMA-ES with margin (0 for continuous columns).
    """

    mean: np.ndarray
    sigma: float
    cov: np.ndarray | None
    restart_sigma: float
    restart_cov: np.ndarray | None
    steps: np.ndarray


@dataclass
class SearchState:
    """Everything the search needs to continue in another process (pickled into the study)."""

    optimizer: Any
    generation: int  # the sampler-level generation the optimizer waits for; never decreases
    seed: int  # seeds the restart draws, so every worker restarts the same way
    default_popsize: int
    large_popsize: int
    n_restarts: int = 0
    n_large_restarts: int = 0
    evals_large: int = 0
    evals_small: int = 0
    regime: str = "large"


def _make_optimizer(
    config: CoreConfig,
    mean: np.ndarray,
    sigma: float,
    cov: np.ndarray | None,
    steps: np.ndarray,
    popsize: int,
    seed: int,
) -> Any:
    import cmaes

    n_dim = len(mean)
    bounds = np.tile([0.0, 1.0], (n_dim, 1))
    mean = np.clip(mean, 0.0, 1.0)
    if config.kind == "sepcma":
        return cmaes.SepCMA(mean, sigma, bounds=bounds, seed=seed, population_size=popsize)
    if config.kind == "cmawm" and np.any(steps > 0):
        return cmaes.CMAwM(mean, sigma, bounds, steps, seed=seed, population_size=popsize, cov=cov)
    return cmaes.CMA(
        mean,
        sigma,
        bounds=bounds,
        seed=seed,
        population_size=popsize,
        cov=None if cov is None else cov.copy(),
        lr_adapt=config.lr_adapt,
    )


def new_state(config: CoreConfig, start: Start, seed: int, generation: int = 0) -> SearchState:
    """A fresh search from ``start``; its first generation is numbered ``generation``."""
    n_dim = len(start.mean)
    base = config.popsize if config.popsize is not None else default_popsize(n_dim)
    optimizer = _make_optimizer(
        config, start.mean, start.sigma, start.cov, start.steps, base, seed % 2**32
    )
    return SearchState(
        optimizer=optimizer,
        generation=generation,
        seed=seed,
        default_popsize=base,
        large_popsize=base,
    )


def ask(state: SearchState, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x to evaluate, x to tell)`` drawn with ``seed`` (the same unless with margin)."""
    optimizer = state.optimizer
    optimizer.reseed_rng(seed % 2**32)
    drawn = optimizer.ask()
    if isinstance(drawn, tuple):  # CMAwM: the evaluated point is snapped to the grid
        return np.asarray(drawn[0], dtype=float), np.asarray(drawn[1], dtype=float)
    x = np.asarray(drawn, dtype=float)
    return x, x


def popsize_of(state: SearchState) -> int:
    return int(state.optimizer.population_size)


def tell(
    state: SearchState, config: CoreConfig, start: Start, solutions: list[tuple[np.ndarray, float]]
) -> bool:
    """Feed one generation (``popsize`` solutions, values to minimise); restart if it stopped.

    Returns whether the search restarted.
    """
    optimizer = state.optimizer
    optimizer.tell(solutions)
    popsize = popsize_of(state)
    if state.regime == "large":
        state.evals_large += popsize
    else:
        state.evals_small += popsize
    state.generation += 1
    if config.restart_strategy is None or not optimizer.should_stop():
        return False

    rng = np.random.default_rng([state.seed % 2**32, state.n_restarts])
    state.n_restarts += 1
    n_dim = int(optimizer.dim)
    mean = rng.uniform(0.0, 1.0, n_dim)
    sigma = start.restart_sigma
    if config.restart_strategy == "bipop" and state.evals_small < state.evals_large:
        u = float(rng.uniform())
        ratio = 0.5 * state.large_popsize / state.default_popsize
        new_popsize = max(MIN_POPSIZE, math.floor(state.default_popsize * ratio ** (u * u)))
        sigma = sigma * 10.0 ** (-2.0 * u)
        state.regime = "small"
    else:  # IPOP, or BIPOP's large regime
        state.n_large_restarts += 1
        state.large_popsize = state.default_popsize * config.inc_popsize**state.n_large_restarts
        new_popsize = state.large_popsize
        state.regime = "large"
    state.optimizer = _make_optimizer(
        config,
        mean,
        sigma,
        start.restart_cov,
        start.steps,
        new_popsize,
        int(rng.integers(2**32)),
    )
    return True
