"""Where the search starts in the unit cube: from ``x0``/``sigma0``, or a warm start.

Every parameter is scaled to [0, 1] (log ones in log space) by
:class:`~ridgeline.search_space.SearchSpaceTransform`, which keeps the initial distribution
well-conditioned when ranges differ by orders of magnitude. ``sigma0`` keeps Optuna's meaning,
a standard deviation in each parameter's own (log-)units, so on the unit cube it becomes
``sigma0 / width`` per column: a diagonal initial covariance. Without ``sigma0`` every column
starts with a sixth of its range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.samplers._cmaes._args import MIN_SOURCE_TRIALS, OWNER
from ridgeline.samplers._cmaes._core import Start
from ridgeline.samplers._cmaes._errors import CmaEsUsageError
from ridgeline.search_space._transform import SearchSpaceTransform
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

__all__ = ["DEFAULT_SIGMA", "build_start", "margin_steps"]

DEFAULT_SIGMA = 1.0 / 6.0


def margin_steps(space: Mapping[str, BaseDistribution]) -> np.ndarray:
    """Grid spacing per column on the unit cube (0 for continuous and log-scaled columns).

    Used with a transform built with ``transform_step=False``, where a stepped parameter's
    grid ``low, low + step, ..., high`` maps to ``0, s, ..., 1`` with ``s = step / (high - low)``.
    """
    steps = []
    for dist in space.values():
        if not isinstance(dist, (IntDistribution, FloatDistribution)):
            steps.append(0.0)
            continue
        step = None if isinstance(dist, IntDistribution) and dist.log else dist.step
        steps.append(0.0 if step is None else step / (dist.high - dist.low))
    return np.asarray(steps, dtype=float)


def _initial_mean(
    transform: SearchSpaceTransform,
    space: Mapping[str, BaseDistribution],
    x0: Mapping[str, float] | None,
    full_space: Mapping[str, BaseDistribution],
) -> np.ndarray:
    mean = np.full(len(space), 0.5)
    if not x0:
        return mean
    unknown = sorted(set(x0) - set(full_space))
    if unknown:
        raise CmaEsUsageError(
            f"`x0` of {OWNER} must name parameters of the search space {sorted(space)}; got "
            f"unknown {unknown}. Check the spelling, or leave conditional parameters out."
        )
    filled = {}
    for name, dist in space.items():
        if name not in x0:
            filled[name] = dist.low  # type: ignore[attr-defined]
            continue
        value = x0[name]
        low, high = dist.low, dist.high  # type: ignore[attr-defined]
        if not low <= value <= high:
            raise CmaEsUsageError(
                f"`x0` of {OWNER} must lie inside each parameter's range; got {name!r}: "
                f"{value!r}, outside [{low!r}, {high!r}]."
            )
        filled[name] = value
    encoded = transform.transform(filled)
    for i, name in enumerate(space):
        if name in x0:
            mean[i] = encoded[i]
    return np.clip(mean, 0.0, 1.0)


def _warm_start(
    transform: SearchSpaceTransform,
    space: Mapping[str, BaseDistribution],
    source_trials: Sequence[FrozenTrial],
    sign: float,
) -> tuple[np.ndarray, float, np.ndarray]:
    from cmaes import get_warm_start_mgd

    usable = [
        t
        for t in source_trials
        if t.state == TrialState.COMPLETE
        and all(
            name in t.params and not isinstance(t.distributions.get(name), CategoricalDistribution)
            for name in space
        )
    ]
    if len(usable) < MIN_SOURCE_TRIALS:
        raise CmaEsUsageError(
            f"`source_trials` of {OWNER} must hold at least {MIN_SOURCE_TRIALS} COMPLETE trials "
            f"with every parameter of the search space {sorted(space)}; got {len(usable)}. "
            "Warm-start from a study with the same numeric parameters."
        )
    solutions = [
        (transform.transform({n: t.params[n] for n in space}), sign * float(t._values[0]))  # type: ignore[index]
        for t in usable
    ]
    mean, sigma, cov = get_warm_start_mgd(solutions)
    return np.clip(mean, 0.0, 1.0), float(sigma), cov


def build_start(
    space: Mapping[str, BaseDistribution],
    transform: SearchSpaceTransform,
    *,
    x0: Mapping[str, float] | None,
    sigma0: float | None,
    source_trials: Sequence[FrozenTrial] | None,
    separable: bool,
    with_margin: bool,
    sign: float,
    full_space: Mapping[str, BaseDistribution],
) -> Start:
    """The start of the first run and of restarts, for ``space`` encoded by ``transform``."""
    steps = margin_steps(space) if with_margin else np.zeros(len(space))
    sigma, cov = DEFAULT_SIGMA, None
    if sigma0 is not None:
        raw = SearchSpaceTransform(space, transform_step=not with_margin, transform_0_1=False)
        widths = raw.bounds[:, 1] - raw.bounds[:, 0]
        std = sigma0 / np.where(widths > 0, widths, 1.0)
        if separable:  # SepCMA takes no covariance: one step size for all columns
            sigma = float(np.exp(np.mean(np.log(std))))
        else:
            sigma = float(std.max())
            cov = np.diag((std / sigma) ** 2)
    if source_trials is not None:
        mean, warm_sigma, warm_cov = _warm_start(transform, space, source_trials, sign)
        return Start(mean, warm_sigma, warm_cov, sigma, cov, steps)
    mean = _initial_mean(transform, space, x0, full_space)
    return Start(mean, sigma, cov, sigma, cov, steps)
