"""Quasi-Monte Carlo search: cover the space evenly with a Sobol' or Halton sequence.

A low-discrepancy sequence fills the unit cube more evenly than independent uniform draws
(Sobol', 1967, "On the distribution of points in a cube and the approximate evaluation of
integrals"; Halton, 1960, "On the efficiency of certain quasi-random sequences of points in
evaluating multi-dimensional integrals"; Owen, 1998, "Scrambling Sobol' and Niederreiter-Xing
points", for the randomised variants). The points come from ``scipy.stats.qmc`` and are mapped to
parameters by :class:`~ridgeline.search_space.SearchSpaceTransform` (integers, steps and
categorical choices each get an equal share of their axis).

How workers agree, without locks:

* The search space is the one of the first finished (COMPLETE or PRUNED) trial. The first
  worker to see that trial writes the space, the trial's number and the scramble seed to the
  study's system attributes; every worker (and a resumed study) reads them from there.
* Trial ``n`` uses point ``n - first`` of the sequence, where ``first`` is that trial's number.
  Trial numbers are allocated atomically by the storage, so concurrent workers never draw the
  same point, and nothing is read-modified-written per trial. Trials that do not use the
  sequence (enqueued ones, failed ones) leave their point unused, a small loss of evenness.
  Two workers that pin the space at the very same moment write the same values, except in the
  rare case where they saw different first trials; then the last write wins.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline._warnings import warn_at_user_line
from ridgeline.distributions import BaseDistribution, distribution_to_json, json_to_distribution
from ridgeline.exceptions import RidgelineError
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._random import RandomSampler, check_seed
from ridgeline.search_space._transform import SearchSpaceTransform
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["QMCSampler"]

_OWNER = "QMCSampler"
_QMC_TYPES = ("sobol", "halton")


class QMCSamplerError(RidgelineError, ValueError):
    """QMCSampler was given arguments it cannot accept."""


class _QMCTypeError(RidgelineError, TypeError):
    pass


@dataclass
class _Pinned:
    """What every worker of one study agrees on (stored in the study's system attributes)."""

    search_space: dict[str, BaseDistribution]
    first_trial: int
    seed: int
    transform: SearchSpaceTransform | None = field(default=None, repr=False)


class QMCSampler(BaseSampler):
    """Sample parameters from a Sobol' or Halton low-discrepancy sequence.

    The first trial is drawn by ``independent_sampler`` (the search space is not known until a
    trial has finished); from then on, trial ``n`` takes point ``n - first`` of the sequence.
    Parameters that the first finished trial did not have (conditional parameters) are drawn by
    ``independent_sampler``, with a warning unless ``warn_independent_sampling=False``.

    Args:
        qmc_type: ``"sobol"`` or ``"halton"``.
        scramble: Randomise the sequence (Owen scrambling), seeded by ``seed``.
        seed: Seed of the scrambling and of the default independent sampler. Without one, the
            scrambling is seeded from the study name, so all workers of a study agree. The seed
            in force is stored in the study: a resumed study continues the same sequence.
        independent_sampler: Sampler for parameters outside the sequence's space (default
            :class:`RandomSampler` with ``seed``).
        warn_independent_sampling: Warn when a parameter is sampled outside the sequence.
        warn_asynchronous_seeding: Accepted for compatibility. Workers take the scramble seed
            from the study, so unseeded parallel workers already share one sequence and there
            is nothing to warn about.

    Raises:
        ValueError: On an unknown ``qmc_type``.
        TypeError: On a non-bool ``scramble`` or a non-sampler ``independent_sampler``.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=QMCSampler(qmc_type="halton", seed=0))
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=8)
        >>> len(study.trials)
        8
    """

    def __init__(
        self,
        *,
        qmc_type: str = "sobol",
        scramble: bool = False,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        warn_asynchronous_seeding: bool = True,
        warn_independent_sampling: bool = True,
    ) -> None:
        if qmc_type not in _QMC_TYPES:
            raise QMCSamplerError(
                f"`qmc_type` of {_OWNER} must be 'sobol' or 'halton'; got {qmc_type!r}."
            )
        if not isinstance(scramble, (bool, np.bool_)):
            raise _QMCTypeError(f"`scramble` of {_OWNER} must be a bool; got {scramble!r}.")
        if independent_sampler is not None and not isinstance(independent_sampler, BaseSampler):
            raise _QMCTypeError(
                f"`independent_sampler` of {_OWNER} must be a BaseSampler or None; got "
                f"{independent_sampler!r}."
            )
        self._qmc_type = qmc_type
        self._scramble = bool(scramble)
        self._seed = check_seed(seed, _OWNER)
        self._independent_sampler = independent_sampler or RandomSampler(seed=self._seed)
        self._warn_independent_sampling = bool(warn_independent_sampling)
        self._warn_asynchronous_seeding = bool(warn_asynchronous_seeding)
        self._lock = threading.Lock()
        self._study_key: tuple[Any, int] | None = None
        self._pinned: _Pinned | None = None
        # Points generated so far, per (dimension, seed); grown in powers of two, which keeps
        # Sobol' nets balanced and scipy quiet.
        self._engines: dict[tuple[int, int], Any] = {}
        self._points: dict[tuple[int, int], np.ndarray] = {}

    def __getstate__(self) -> dict[str, Any]:
        # The lock cannot be pickled; the engines are rebuilt on first use.
        state = self.__dict__.copy()
        del state["_lock"]
        state["_engines"] = {}
        state["_points"] = {}
        state["_study_key"] = None  # refers to a storage; re-read from the study on first use
        state["_pinned"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def _attr_key(self) -> str:
        return f"qmc:{self._qmc_type}:{'scrambled' if self._scramble else 'plain'}"

    def reseed_rng(self) -> None:
        # The sequence stays: it is shared by all workers. Only independent draws change.
        self._independent_sampler.reseed_rng()

    # ------------------------------------------------------------------ pinning
    def _get_pinned(self, study: Study) -> _Pinned | None:
        key = (study._storage, study._study_id)
        with self._lock:
            if self._study_key is not None and (
                self._study_key[0] is key[0] and self._study_key[1] == key[1]
            ):
                if self._pinned is not None:
                    return self._pinned
            else:
                self._study_key, self._pinned = key, None
            pinned = self._read_pinned(study)
            if pinned is None:
                pinned = self._pin(study)
            self._pinned = pinned
            return pinned

    def _read_pinned(self, study: Study) -> _Pinned | None:
        stored = study._storage.get_study_system_attrs(study._study_id).get(self._attr_key)
        if not isinstance(stored, dict):
            return None
        try:
            space = {
                name: json_to_distribution(text) for name, text in stored["search_space"].items()
            }
            return _Pinned(space, int(stored["first_trial"]), int(stored["seed"]))
        except (KeyError, TypeError, ValueError):
            return None

    def _pin(self, study: Study) -> _Pinned | None:
        finished = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
        if not finished:
            return None
        first = min(finished, key=lambda t: t.number)
        space = {
            name: dist for name, dist in sorted(first._distributions.items()) if not dist.single()
        }
        seed = self._seed
        if seed is None:
            seed = zlib.crc32(study.study_name.encode("utf-8"))
        study._storage.set_study_system_attr(
            study._study_id,
            self._attr_key,
            {
                "search_space": {n: distribution_to_json(d) for n, d in space.items()},
                "first_trial": first.number,
                "seed": seed,
            },
        )
        return _Pinned(space, first.number, seed)

    # ------------------------------------------------------------------ sequence
    def _point(self, index: int, d: int, seed: int) -> np.ndarray:
        key = (d, seed)
        with self._lock:
            points = self._points.get(key)
            if points is None or index >= len(points):
                engine = self._engines.get(key)
                if engine is None:
                    engine = self._engines[key] = self._make_engine(d, seed)
                have = 0 if points is None else len(points)
                want = 1 << max(index, 0).bit_length()  # smallest power of two > index
                fresh = engine.random(want - have)
                points = fresh if points is None else np.vstack([points, fresh])
                self._points[key] = points
            return points[index]

    def _make_engine(self, d: int, seed: int) -> Any:
        from scipy.stats import qmc  # lazily: importing ridgeline must not import scipy

        cls = qmc.Sobol if self._qmc_type == "sobol" else qmc.Halton
        try:
            return cls(d, scramble=self._scramble, rng=seed)
        except TypeError:  # scipy < 1.15 names the argument `seed`
            return cls(d, scramble=self._scramble, seed=seed)

    # ------------------------------------------------------------------ sampler protocol
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        pinned = self._get_pinned(study)
        if pinned is None or trial.number <= pinned.first_trial:
            return {}
        return dict(pinned.search_space)

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        pinned = self._get_pinned(study)
        if not search_space or pinned is None or trial.number <= pinned.first_trial:
            return {}
        if search_space != pinned.search_space:
            transform = SearchSpaceTransform(search_space, categorical_encoding="index")
        else:
            if pinned.transform is None:
                pinned.transform = SearchSpaceTransform(
                    pinned.search_space, categorical_encoding="index"
                )
            transform = pinned.transform
        point = self._point(trial.number - pinned.first_trial, len(search_space), pinned.seed)
        return transform.untransform(point)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if self._warn_independent_sampling:
            pinned = self._get_pinned(study)
            if pinned is not None and trial.number > pinned.first_trial:
                warn_at_user_line(
                    f"Parameter {param_name!r} of trial {trial.number} is sampled by "
                    f"{type(self._independent_sampler).__name__}, not by the {_OWNER} "
                    "sequence: it is not in the search space of the first finished trial "
                    f"({sorted(pinned.search_space)}), or its distribution changed. Pass "
                    f"warn_independent_sampling=False to {_OWNER} if this is intended."
                )
        return self._independent_sampler.sample_independent(
            study, trial, param_name, param_distribution
        )

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        self._independent_sampler.after_trial(study, trial, state, values)

    def __repr__(self) -> str:
        return (
            f"{_OWNER}(qmc_type={self._qmc_type!r}, scramble={self._scramble}, seed={self._seed!r})"
        )
