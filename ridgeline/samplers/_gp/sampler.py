"""Gaussian-process Bayesian optimisation (the adapter between the models and a study).

The models and the acquisition live in pure modules over numpy arrays: the kernel
(:mod:`._kernel`), the GP posterior (:mod:`._model`), its hyperparameter fit (:mod:`._fit`),
the output transform (:mod:`._warp`), acquisitions (:mod:`._acquisition`), their optimiser
(:mod:`._optimize`) and the per-space models (:mod:`._surrogate`). This module reads trials,
feeds them to the models once each, and turns proposals back into parameter values. The
overall method is that of Snoek et al. 2012 ("Practical Bayesian Optimization of Machine
Learning Algorithms").
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.distributions import BaseDistribution
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._constraints import CONSTRAINTS_KEY, store_constraints
from ridgeline.samplers._gp._errors import GPArgumentError, GPTypeError
from ridgeline.samplers._gp._space import ModelSpace
from ridgeline.samplers._gp._surrogate import Acquisition, Surrogate, UserAcquisition
from ridgeline.samplers._random import RandomSampler, check_seed
from ridgeline.search_space._intersection import FinishedTrialCursor, _intersect
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["GPSampler"]

_logger = logging.getLogger(__name__)
_OWNER = "GPSampler"
_ACQUISITIONS = ("logei", "ei", "pi", "ucb")
# The augmentation of ParEGO's Chebyshev scalarisation (Knowles 2006 uses 0.05).
_PAREGO_RHO = 0.05


class _StudyData:
    """What the sampler keeps per study: the finished trials seen, and models per space."""

    def __init__(self) -> None:
        self.cursor = FinishedTrialCursor()
        self.complete: list[FrozenTrial] = []
        self.intersection: dict[str, BaseDistribution] | None = None
        self.models: dict[tuple[Any, ...], tuple[ModelSpace, Surrogate]] = {}
        self.pending: list[FrozenTrial] = []

    def advance(self, study: Study) -> None:
        new, self.pending = self.cursor.advance(study)
        for trial in new:
            if trial.state == TrialState.COMPLETE and trial._values is not None:
                self.complete.append(trial)
                self.intersection = _intersect(self.intersection, trial._distributions)


class GPSampler(BaseSampler):
    """Bayesian optimisation with a Gaussian process: model the objective, sample where the
    model expects the largest improvement.

    The first ``n_startup_trials`` trials come from ``independent_sampler``. After that, the
    parameters every finished trial has (with the same distributions) are proposed jointly:
    a GP with a Matérn-5/2 kernel (one lengthscale per parameter; a categorical mismatch
    counts one lengthscale) is fitted to the finished trials, and the proposal maximises the
    acquisition. Other parameters (conditional ones) are drawn by ``independent_sampler``.

    On the model's scale the objective is a minimisation (negated for ``maximize``),
    power-transformed (Yeo-Johnson) and standardised; acquisitions are computed there.
    Running trials count as observations at the model's prediction (kriging believer), so
    parallel workers spread out. Hyperparameters are refitted after every trial up to 30
    trials, then whenever the number of trials has grown by 10 %; in between, the Cholesky
    factor is extended. A proposal costs about 0.05 s at 100 trials and 0.4 s at 1,000 on 5
    continuous parameters (``benchmarks/gp_overhead.py``).

    Several objectives: ParEGO (Knowles 2006, "ParEGO: a hybrid algorithm with on-line
    landscape approximation for expensive multiobjective optimization problems"). Before
    each proposal the objectives are normalised to [0, 1] over the finished trials and
    scalarised by the augmented Chebyshev function ``max_j w_j f_j + 0.05 sum_j w_j f_j``
    with a weight vector ``w`` drawn uniformly from the simplex; one GP of that scalar
    (hyperparameters refitted from the previous proposal's) is maximised as above, so
    successive proposals aim at different parts of the Pareto front.

    Args:
        seed: Seed for reproducible runs (with ``n_jobs=1``).
        independent_sampler: Sampler for startup trials and parameters outside the joint
            space (default :class:`RandomSampler` with ``seed``).
        n_startup_trials: Trials from ``independent_sampler`` before the GP takes over.
        deterministic_objective: The objective has no noise: the model interpolates the
            observations (noise fixed at 1e-6 of the output variance) instead of learning
            a noise level.
        constraints_func: ``constraints_func(trial)`` returns a sequence of floats, feasible
            when all are ``<= 0``; stored in the trial's system attribute ``"constraints"``.
            Each constraint gets its own GP, and the acquisition is weighted by the
            probability that all are satisfied (Gardner et al. 2014); until a trial is
            feasible, that probability alone is maximised.
        warn_independent_sampling: Log a warning when a parameter is sampled outside the
            joint space after the startup trials.
        acquisition: ``"logei"`` (log expected improvement, Ament et al. 2023), ``"ei"``,
            ``"pi"`` (probability of improving on the best by at least 0.05 of the outputs'
            standard deviation, maximised in log form), ``"ucb"``
            (confidence bound with ``beta``), or a function ``acquisition(mean, std, best)
            -> scores``: ``mean`` and ``std`` are arrays of shape ``(n,)`` for ``n``
            candidates and ``best`` is the best observed value, all on the model's scale
            where *lower is better whatever the study's direction*; it returns ``n``
            scores, higher is better. With constraints, the score is added to the log
            probability of feasibility (multiplied by the probability for ``"ei"``).
        beta: Exploration weight of ``"ucb"``: the score is ``sqrt(beta) std - mean``.
        n_candidates: Sobol' points screened per proposal before the local search.

    Raises:
        ValueError: On an argument out of range, naming the argument and the fix.
        TypeError: On an argument of the wrong type.

    Example:
        >>> import ridgeline
        >>> sampler = GPSampler(seed=0, n_startup_trials=5)
        >>> study = ridgeline.create_study(sampler=sampler)
        >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=15)
        >>> abs(study.best_params["x"] - 2) < 0.1
        True
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        n_startup_trials: int = 10,
        deterministic_objective: bool = False,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        warn_independent_sampling: bool = True,
        acquisition: str | UserAcquisition = "logei",
        beta: float = 2.0,
        n_candidates: int = 1024,
    ) -> None:
        for name, value in (
            ("deterministic_objective", deterministic_objective),
            ("warn_independent_sampling", warn_independent_sampling),
        ):
            if not isinstance(value, (bool, np.bool_)):
                raise GPTypeError(f"`{name}` of {_OWNER} must be True or False; got {value!r}.")
        _check_count("n_startup_trials", n_startup_trials, minimum=0)
        _check_count("n_candidates", n_candidates, minimum=1)
        if independent_sampler is not None and not isinstance(independent_sampler, BaseSampler):
            raise GPTypeError(
                f"`independent_sampler` of {_OWNER} must be a BaseSampler or None; got "
                f"{independent_sampler!r}."
            )
        if constraints_func is not None and not callable(constraints_func):
            raise GPTypeError(
                f"`constraints_func` of {_OWNER} must be a function of a trial or None; got "
                f"{constraints_func!r}."
            )
        if isinstance(acquisition, str):
            if acquisition not in _ACQUISITIONS:
                raise GPArgumentError(
                    f"`acquisition` of {_OWNER} must be one of {list(_ACQUISITIONS)} or a "
                    f"function (mean, std, best) -> scores; got {acquisition!r}. 'logei' is "
                    "the robust default."
                )
        elif not callable(acquisition):
            raise GPTypeError(
                f"`acquisition` of {_OWNER} must be one of {list(_ACQUISITIONS)} or a function "
                f"(mean, std, best) -> scores; got {acquisition!r}."
            )
        if (
            isinstance(beta, bool)
            or not isinstance(beta, (int, float, np.floating, np.integer))
            or not math.isfinite(beta)
            or beta < 0
        ):
            raise GPArgumentError(
                f"`beta` of {_OWNER} must be a finite number >= 0; got {beta!r}. Larger values "
                "explore more; 2.0 is a common choice."
            )
        self._seed = check_seed(seed, _OWNER)
        self._rng = np.random.default_rng(self._seed)
        self._independent_sampler = independent_sampler or RandomSampler(seed=self._seed)
        self._n_startup_trials = int(n_startup_trials)
        self._deterministic = bool(deterministic_objective)
        self._constraints_func = constraints_func
        self._warn_independent_sampling = bool(warn_independent_sampling)
        self._acquisition = Acquisition(acquisition, float(beta))
        self._n_candidates = int(n_candidates)
        self._lock = threading.RLock()
        self._studies: dict[tuple[int, int], _StudyData] = {}

    def reseed_rng(self) -> None:
        with self._lock:
            self._rng = np.random.default_rng()
            self._independent_sampler.reseed_rng()

    def __getstate__(self) -> dict[str, Any]:
        # The lock cannot be pickled and the per-study models refer to storages: a copy (or a
        # sampler sent to another process) rebuilds them from the study on first use.
        state = self.__dict__.copy()
        del state["_lock"]
        state["_studies"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ study data
    def _data(self, study: Study) -> _StudyData:
        key = (id(study._storage), study._study_id)
        data = self._studies.get(key)
        if data is None or (data.complete and not data.cursor.follows(study)):
            data = _StudyData()
            self._studies[key] = data
        data.advance(study)
        return data

    def _surrogate(
        self, study: Study, data: _StudyData, space: Mapping[str, BaseDistribution]
    ) -> tuple[ModelSpace, Surrogate]:
        """The models of ``space``, fed with the trials that finished since the last call."""
        key = tuple(space.items())
        entry = data.models.get(key)
        if entry is None:
            model_space = ModelSpace(space)
            n_constraints = _n_constraints(data.complete) if self._constraints_func else 0
            surrogate = Surrogate(
                model_space.is_cat, deterministic=self._deterministic, n_constraints=n_constraints
            )
            entry = (model_space, surrogate)
            data.models[key] = entry
            while len(data.models) > 4:  # spaces that changed (dynamic bounds or choices)
                data.models.pop(next(iter(data.models)))
        model_space, surrogate = entry
        new = data.complete[surrogate.n :]
        if not new and surrogate.objective.gp is not None:
            return model_space, surrogate  # nothing new: the models are up to date
        if new:
            sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
            x = model_space.encode([t._params for t in new])
            values = np.array([sign * float(t._values[0]) for t in new])  # type: ignore[index]
            k = surrogate.n_constraints
            constraints = np.array([_constraint_row(t, k) for t in new]).reshape(len(new), k)
            surrogate.add(x, values, constraints)
        surrogate.update(self._rng)
        return model_space, surrogate

    def _parego_surrogate(
        self, study: Study, data: _StudyData, space: Mapping[str, BaseDistribution]
    ) -> tuple[ModelSpace, Surrogate]:
        """ParEGO's model for this proposal: a GP of a freshly drawn scalarisation of the
        objectives (see the class docstring), warm-started from the previous fit."""
        key = ("parego", *space.items())
        entry = data.models.get(key)
        model_space = entry[0] if entry is not None else ModelSpace(space)
        previous = entry[1].objective.params if entry is not None else None
        trials = data.complete
        signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in study.directions])
        y = np.array([t._values for t in trials], dtype=float) * signs
        finite = np.isfinite(y).all(axis=1)
        low = np.min(y[finite], axis=0) if finite.any() else np.zeros(len(signs))
        high = np.max(y[finite], axis=0) if finite.any() else np.ones(len(signs))
        span = np.where(high > low, high - low, 1.0)
        z = (y - low) / span
        weights = self._rng.dirichlet(np.ones(len(signs)))
        with np.errstate(invalid="ignore"):  # inf - inf in rows that are infinite
            scalar = np.max(weights * z, axis=1) + _PAREGO_RHO * np.sum(weights * z, axis=1)
        scalar = np.where(np.isnan(scalar), np.inf, scalar)
        n_constraints = _n_constraints(trials) if self._constraints_func else 0
        surrogate = Surrogate(
            model_space.is_cat, deterministic=self._deterministic, n_constraints=n_constraints
        )
        surrogate.objective.params = previous
        constraints = np.array([_constraint_row(t, n_constraints) for t in trials])
        surrogate.add(
            model_space.encode([t._params for t in trials]),
            scalar,
            constraints.reshape(len(trials), n_constraints),
        )
        surrogate.update(self._rng)
        data.models[key] = (model_space, surrogate)
        while len(data.models) > 4:
            data.models.pop(next(iter(data.models)))
        return model_space, surrogate

    # ------------------------------------------------------------------ protocol
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        with self._lock:
            data = self._data(study)
            space = data.intersection or {}
            return {name: d for name, d in sorted(space.items()) if not d.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        with self._lock:
            data = self._data(study)
            if len(data.complete) < max(self._n_startup_trials, 1):
                return {}
            # Trials may have finished since `infer_relative_search_space` (other workers):
            # model only what every finished trial still has, the rest is sampled
            # independently.
            search_space = _intersect(search_space, data.intersection or {})
            if not search_space:
                return {}
            from ridgeline.samplers._gp._optimize import maximize_acquisition
            from ridgeline.samplers._gp._threads import single_blas_thread

            with single_blas_thread():
                if len(study.directions) > 1:
                    model_space, surrogate = self._parego_surrogate(study, data, search_space)
                else:
                    model_space, surrogate = self._surrogate(study, data, search_space)
                pending = self._pending_rows(data, trial, model_space)
                score = surrogate.score_fn(self._acquisition, pending)
                best, _ = maximize_acquisition(
                    score,
                    model_space,
                    rng=self._rng,
                    n_candidates=self._n_candidates,
                    seeds=surrogate.top_rows(5),
                )
            return model_space.decode(best[None, :])[0]

    def _pending_rows(
        self, data: _StudyData, trial: FrozenTrial, model_space: ModelSpace
    ) -> np.ndarray:
        """Model rows of the other running trials that have every parameter of the space."""
        space = model_space.search_space
        params = [
            t._params
            for t in data.pending
            if t._number != trial._number
            and t.state == TrialState.RUNNING
            and all(t._distributions.get(name) == d for name, d in space.items())
        ]
        return model_space.encode(params) if params else np.zeros((0, model_space.d))

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if self._warn_independent_sampling and not param_distribution.single():
            with self._lock:
                data = self._data(study)
                late = len(data.complete) >= max(self._n_startup_trials, 1)
            if late:
                _logger.warning(
                    "GPSampler samples %r of trial %d with %r: it is not in the joint search "
                    "space (a conditional or new parameter). Pass "
                    "warn_independent_sampling=False to silence this.",
                    param_name,
                    trial._number,
                    self._independent_sampler,
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
        store_constraints(study, trial, state, self._constraints_func, _OWNER)
        self._independent_sampler.after_trial(study, trial, state, values)

    # ------------------------------------------------------------------ analysis
    def predict(
        self, study: Study, params_list: Sequence[Mapping[str, Any]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The GP's prediction of the objective at parameter sets, in the objective's units.

        The model is the one :meth:`sample_relative` uses, over the parameters every finished
        trial has (with the same distributions), fitted to the study's COMPLETE trials.

        Args:
            study: A single-objective study with at least one COMPLETE trial.
            params_list: ``{name: value}`` dicts holding every parameter of that joint space
                (other keys are ignored).

        Returns:
            ``(mean, std)``, arrays of shape ``(len(params_list),)``. ``mean`` is the
            posterior median mapped back through the output transform (the posterior mean
            when the transform is linear) and ``std`` is half the width of the central 68 %
            interval mapped back (the posterior std of the latent objective when linear).

        Raises:
            ValueError: If the study has several objectives or no COMPLETE trial, or a
                dict misses a parameter or holds a value outside its distribution.

        Example:
            >>> import ridgeline
            >>> sampler = GPSampler(seed=0, deterministic_objective=True)
            >>> study = ridgeline.create_study(sampler=sampler)
            >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) ** 2, n_trials=8)
            >>> mean, std = sampler.predict(study, [study.trials[0].params])
            >>> bool(abs(mean[0] - study.trials[0].value) < 1e-3)
            True
        """
        if len(study.directions) > 1:
            raise GPArgumentError(
                f"`study` of {_OWNER}.predict must have one objective; got "
                f"{len(study.directions)}. GPSampler models a single objective."
            )
        with self._lock:
            data = self._data(study)
            space = {n: d for n, d in sorted((data.intersection or {}).items()) if not d.single()}
            if not data.complete or not space:
                raise GPArgumentError(
                    f"`study` of {_OWNER}.predict must have a COMPLETE trial with parameters; "
                    f"got {len(data.complete)} COMPLETE trials. Run some trials first."
                )
            from ridgeline.samplers._gp._threads import single_blas_thread

            with single_blas_thread():
                model_space, surrogate = self._surrogate(study, data, space)
            try:
                x = model_space.encode(list(params_list))
            except (KeyError, ValueError) as e:
                raise GPArgumentError(
                    f"`params_list` of {_OWNER}.predict must hold dicts with every parameter of "
                    f"{sorted(space)} and values their distributions contain; {e}"
                ) from None
            output = surrogate.objective
            assert output.gp is not None and output.transform is not None
            mean, var = output.gp.predict(x)
            std = np.sqrt(var)
            sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
            inv = output.transform.inverse
            centre = sign * inv(mean)
            spread = 0.5 * np.abs(inv(mean + std) - inv(mean - std))
            return centre, spread

    def __repr__(self) -> str:
        kind = self._acquisition.kind
        shown = kind if isinstance(kind, str) else getattr(kind, "__qualname__", repr(kind))
        return (
            f"{_OWNER}(n_startup_trials={self._n_startup_trials}, acquisition={shown!r}, "
            f"deterministic_objective={self._deterministic}, seed={self._seed})"
        )


def _n_constraints(trials: Sequence[FrozenTrial]) -> int:
    for t in trials:
        c = t._system_attrs.get(CONSTRAINTS_KEY)
        if isinstance(c, (list, tuple)):
            return len(c)
    return 0


def _constraint_row(trial: FrozenTrial, k: int) -> list[float]:
    c = trial._system_attrs.get(CONSTRAINTS_KEY)
    if not isinstance(c, (list, tuple)) or len(c) != k:
        return [math.nan] * k
    try:
        return [float(v) for v in c]
    except (TypeError, ValueError):
        return [math.nan] * k


def _check_count(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise GPTypeError(f"`{name}` of {_OWNER} must be an int; got {value!r}.")
    if value < minimum:
        raise GPArgumentError(f"`{name}` of {_OWNER} must be >= {minimum}; got {value!r}.")
