"""Validation of CmaEsSampler's arguments (one message shape, a hint where one helps)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._cmaes._errors import CmaEsArgumentError, CmaEsTypeError
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

__all__ = ["OWNER", "RESTART_STRATEGIES", "check_arguments"]

OWNER = "CmaEsSampler"
RESTART_STRATEGIES = (None, "ipop", "bipop")
# get_warm_start_mgd keeps the best 10 % of the source solutions and needs at least one.
MIN_SOURCE_TRIALS = 10


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise CmaEsTypeError(f"`{name}` of {OWNER} must be True or False; got {value!r}.")
    return bool(value)


def check_x0(x0: Any) -> dict[str, float] | None:
    if x0 is None:
        return None
    if not isinstance(x0, dict) or not all(isinstance(k, str) for k in x0):
        raise CmaEsTypeError(
            f"`x0` of {OWNER} must be a dict from parameter names to numbers, or None; got {x0!r}."
        )
    for name, value in x0.items():
        if not _is_real(value) or not math.isfinite(value):
            raise CmaEsArgumentError(
                f"`x0` of {OWNER} must map names to finite numbers; got {name!r}: {value!r}. "
                "Categorical parameters are not modelled by CMA-ES: leave them out of x0."
            )
    return {name: float(value) for name, value in x0.items()}


def check_sigma0(sigma0: Any) -> float | None:
    if sigma0 is None:
        return None
    if not _is_real(sigma0) or not math.isfinite(sigma0) or sigma0 <= 0:
        raise CmaEsArgumentError(
            f"`sigma0` of {OWNER} must be a positive finite number or None; got {sigma0!r}. "
            "Leave it None for a sixth of each parameter's range."
        )
    return float(sigma0)


def check_count(name: str, value: Any, minimum: int, hint: str = "") -> int:
    if not _is_int(value) or value < minimum:
        raise CmaEsArgumentError(
            f"`{name}` of {OWNER} must be an int >= {minimum}; got {value!r}.{hint}"
        )
    return int(value)


def check_source_trials(source_trials: Any) -> list[FrozenTrial] | None:
    if source_trials is None:
        return None
    if isinstance(source_trials, (str, bytes)) or not isinstance(source_trials, Sequence):
        raise CmaEsTypeError(
            f"`source_trials` of {OWNER} must be a list of FrozenTrial or None; got "
            f"{source_trials!r}."
        )
    trials = list(source_trials)
    bad = next((t for t in trials if not isinstance(t, FrozenTrial)), None)
    if bad is not None:
        raise CmaEsTypeError(
            f"`source_trials` of {OWNER} must hold FrozenTrial objects only; got {bad!r}. "
            "Pass e.g. source_study.trials."
        )
    several = next(
        (t for t in trials if t.state == TrialState.COMPLETE and len(t._values or ()) != 1), None
    )
    if several is not None:
        raise CmaEsArgumentError(
            f"`source_trials` of {OWNER} must be trials of a single-objective study; got trial "
            f"{several.number} with values {several.values!r}."
        )
    n_complete = sum(t.state == TrialState.COMPLETE for t in trials)
    if n_complete < MIN_SOURCE_TRIALS:
        raise CmaEsArgumentError(
            f"`source_trials` of {OWNER} must hold at least {MIN_SOURCE_TRIALS} COMPLETE "
            f"trials; got {n_complete}. The warm start estimates a distribution from the best "
            "10 % of them."
        )
    return trials


def check_arguments(
    *,
    restart_strategy: Any,
    independent_sampler: Any,
    x0: Any,
    sigma0: Any,
    use_separable_cma: bool,
    with_margin: bool,
    lr_adapt: bool,
    source_trials: list[FrozenTrial] | None,
) -> None:
    """The checks that involve several arguments, or a choice among values."""
    if restart_strategy not in RESTART_STRATEGIES:
        raise CmaEsArgumentError(
            f"`restart_strategy` of {OWNER} must be None, 'ipop' or 'bipop'; got "
            f"{restart_strategy!r}."
        )
    if independent_sampler is not None and not isinstance(independent_sampler, BaseSampler):
        raise CmaEsTypeError(
            f"`independent_sampler` of {OWNER} must be a BaseSampler or None; got "
            f"{independent_sampler!r}."
        )
    if use_separable_cma and with_margin:
        raise CmaEsArgumentError(
            f"`with_margin` of {OWNER} must be False when use_separable_cma=True; got True. "
            "cmaes has no separable CMA-ES with margin: choose one of the two."
        )
    if lr_adapt and (use_separable_cma or with_margin):
        raise CmaEsArgumentError(
            f"`lr_adapt` of {OWNER} must be False with use_separable_cma or with_margin; got "
            "True. Learning-rate adaptation exists for the full CMA-ES only."
        )
    if source_trials is not None:
        if x0 is not None or sigma0 is not None:
            raise CmaEsArgumentError(
                f"`source_trials` of {OWNER} must be None when x0 or sigma0 is given; got "
                f"{len(source_trials)} trials. The warm start sets the mean and step size."
            )
        if use_separable_cma:
            raise CmaEsArgumentError(
                f"`source_trials` of {OWNER} must be None with use_separable_cma=True; got "
                f"{len(source_trials)} trials. The warm start estimates a full covariance."
            )
