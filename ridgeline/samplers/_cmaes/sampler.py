"""CMA-ES as a sampler: the ``cmaes`` library's optimizers, their state kept in the study.

How workers and resumed studies continue one search:

* The search state (the pickled optimizer plus restart bookkeeping) lives in the study's system
  attributes (see :mod:`ridgeline.samplers._cmaes._store`), keyed by a tag of the optimizer kind
  and the search space. Every ``sample_relative`` reads the head (one small read) and unpickles
  only when another worker moved it.
* Each trial drawn by CMA-ES records ``{"search": tag, "generation": g, "x": [...]}`` in its
  system attribute ``"cmaes:trial"``: the generation it belongs to and the unit-cube vector the
  optimizer asked (what it must be told, exactly, with margin).
* When ``popsize`` trials of the awaited generation have finished (COMPLETE, or PRUNED with a
  reported value when ``consider_pruned_trials``), the first worker to notice tells the lowest
  numbered ``popsize`` of them, stores the new state and moves on. FAIL trials never count, and
  more trials of the generation are drawn until enough succeed, so failures cannot stall it.
  Extra trials of a generation (parallel workers) are evaluated but not told.
* Each trial's draw is seeded by the sampler's seed and the trial number, so seeded runs are
  reproducible and parallel workers do not draw the same point.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.distributions import BaseDistribution, CategoricalDistribution, distribution_to_json
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._cmaes import _args, _core, _store
from ridgeline.samplers._cmaes._errors import CmaEsUsageError
from ridgeline.samplers._cmaes._start import build_start
from ridgeline.samplers._random import RandomSampler, check_seed
from ridgeline.search_space._intersection import FinishedTrialCursor, IntersectionSearchSpace
from ridgeline.search_space._transform import SearchSpaceTransform
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState
from ridgeline.trial._trial import FIXED_PARAMS_KEY

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["TRIAL_KEY", "CmaEsSampler"]

_logger = logging.getLogger(__name__)
_OWNER = _args.OWNER
TRIAL_KEY = "cmaes:trial"


class _Search:
    """One search space's transform, start and storage prefix (built on first use)."""

    __slots__ = ("prefix", "space", "start", "tag", "transform")

    def __init__(
        self, tag: str, space: dict[str, BaseDistribution], transform: SearchSpaceTransform
    ) -> None:
        self.tag = tag
        self.prefix = f"cmaes:{tag}"
        self.space = space
        self.transform = transform
        self.start: _core.Start | None = None


class CmaEsSampler(BaseSampler):
    """Covariance matrix adaptation evolution strategy (CMA-ES), built on the ``cmaes`` library.

    CMA-ES (Hansen 2016, "The CMA Evolution Strategy: A Tutorial") samples each generation of
    ``popsize`` trials from a multivariate normal distribution and moves its mean, step size and
    covariance towards the best of them. It models the numeric parameters (float, int, log,
    step) that every finished trial shares, jointly, on the unit cube. Categorical parameters,
    parameters outside that intersection, and search spaces with fewer than two numeric
    parameters (CMA-ES needs at least two dimensions) are drawn by ``independent_sampler``, with
    a logged warning when ``warn_independent_sampling``. Single-objective studies only.

    The optimizer's state is kept in the study's storage, so several workers (threads or
    processes) on one study and a study resumed with ``load_study`` and a new sampler continue
    the same search. ``x0``, ``sigma0``, ``popsize`` and ``source_trials`` shape a search when it
    starts; a resumed search keeps its own.

    Args:
        x0: Initial mean, ``{name: value}`` in the parameters' own units (log-scaled ones
            too); parameters left out start at the middle of their range.
        sigma0: Initial standard deviation in the parameters' own units (log units for log
            parameters), as in Optuna. Default: a sixth of each parameter's range.
        n_startup_trials: Finished trials drawn by ``independent_sampler`` before CMA-ES starts.
        independent_sampler: Sampler for what CMA-ES does not model (default:
            :class:`RandomSampler` with ``seed``).
        warn_independent_sampling: Log a warning when, after the startup trials, a parameter
            is drawn by ``independent_sampler``.
        seed: Seed for reproducible runs (with ``n_jobs=1``).
        consider_pruned_trials: Tell the optimizer PRUNED trials too, with their last reported
            value (right for pruners whose intermediate values estimate the final one).
        restart_strategy: ``None``, ``"ipop"`` (Auger & Hansen 2005) or ``"bipop"`` (Hansen
            2009): restart from a random mean when the optimizer stops converging, with a
            population ``inc_popsize`` times larger (BIPOP interleaves small-population runs).
        popsize: Population size (trials per generation, at least 4); default
            ``4 + floor(3 ln n)`` for ``n`` parameters.
        inc_popsize: Factor by which restarts grow the population.
        use_separable_cma: Diagonal covariance (``cmaes.SepCMA``, Ros & Hansen 2008): cheaper
            and faster to adapt on high-dimensional, nearly separable problems.
        with_margin: CMA-ES with margin (``cmaes.CMAwM``, Hamano et al. 2022) for integer and
            stepped parameters: keeps a minimum probability of leaving the current grid point,
            so the search cannot freeze on a discrete value. Log-scaled integers stay continuous
            (rounded).
        lr_adapt: Learning-rate adaptation (Nomura et al. 2023) for multimodal or noisy
            problems; full CMA-ES only.
        source_trials: Trials of a similar, finished study to warm-start from (WS-CMA-ES,
            Nomura et al. 2021): the initial mean and covariance come from the best 10 % of
            them (``cmaes.get_warm_start_mgd``). At least 10 COMPLETE trials with every numeric
            parameter of the search space.

    Raises:
        ValueError: On an argument out of range or a combination ``cmaes`` cannot run (every
            message names the argument, the value and the fix).
        TypeError: On an argument of the wrong type.

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", -5, 5)
        ...     y = trial.suggest_int("y", -5, 5)
        ...     return x**2 + y**2
        >>> study = ridgeline.create_study(sampler=CmaEsSampler(seed=0))
        >>> study.optimize(objective, n_trials=60)
        >>> study.best_value < 1.0
        True
    """

    def __init__(
        self,
        *,
        x0: dict[str, Any] | None = None,
        sigma0: float | None = None,
        n_startup_trials: int = 1,
        independent_sampler: BaseSampler | None = None,
        warn_independent_sampling: bool = True,
        seed: int | None = None,
        consider_pruned_trials: bool = False,
        restart_strategy: str | None = None,
        popsize: int | None = None,
        inc_popsize: int = 2,
        use_separable_cma: bool = False,
        with_margin: bool = False,
        lr_adapt: bool = False,
        source_trials: list[FrozenTrial] | None = None,
    ) -> None:
        self._x0 = _args.check_x0(x0)
        self._sigma0 = _args.check_sigma0(sigma0)
        self._n_startup_trials = _args.check_count("n_startup_trials", n_startup_trials, 0)
        self._warn_independent_sampling = _args.check_bool(
            "warn_independent_sampling", warn_independent_sampling
        )
        self._seed = check_seed(seed, _OWNER)
        self._consider_pruned_trials = _args.check_bool(
            "consider_pruned_trials", consider_pruned_trials
        )
        if popsize is not None:
            _args.check_count("popsize", popsize, _core.MIN_POPSIZE, _core.MIN_POPSIZE_HINT)
        _args.check_count(
            "inc_popsize", inc_popsize, 1, " Restarts multiply the population size by it."
        )
        separable = _args.check_bool("use_separable_cma", use_separable_cma)
        self._with_margin = _args.check_bool("with_margin", with_margin)
        lr = _args.check_bool("lr_adapt", lr_adapt)
        self._source_trials = _args.check_source_trials(source_trials)
        _args.check_arguments(
            restart_strategy=restart_strategy,
            independent_sampler=independent_sampler,
            x0=self._x0,
            sigma0=self._sigma0,
            use_separable_cma=separable,
            with_margin=self._with_margin,
            lr_adapt=lr,
            source_trials=self._source_trials,
        )
        kind: _core.Kind = "sepcma" if separable else "cmawm" if self._with_margin else "cma"
        self._config = _core.CoreConfig(
            kind=kind,
            popsize=None if popsize is None else int(popsize),
            restart_strategy=restart_strategy,
            inc_popsize=int(inc_popsize),
            lr_adapt=lr,
        )
        self._independent_sampler = independent_sampler or RandomSampler(seed=self._seed)
        self._rng = np.random.default_rng(self._seed)
        self._init_runtime()

    # ------------------------------------------------------------------ runtime state
    def _init_runtime(self) -> None:
        """Per-process caches; rebuilt after pickling (they refer to one storage)."""
        self._lock = threading.Lock()
        self._space = IntersectionSearchSpace(include_pruned=self._consider_pruned_trials)
        self._cursor = FinishedTrialCursor()
        self._n_finished = 0
        self._full_space: dict[str, BaseDistribution] = {}
        self._numeric_names: frozenset[str] = frozenset()
        # (tag, generation) -> {trial number: (trial, value to minimise)}
        self._solutions: dict[tuple[str, int], dict[int, tuple[FrozenTrial, float]]] = {}
        self._searches: dict[str, _Search] = {}
        self._states: dict[str, tuple[dict[str, int], _core.SearchState]] = {}

    def __getstate__(self) -> dict[str, Any]:
        keep = (
            "_x0",
            "_sigma0",
            "_n_startup_trials",
            "_warn_independent_sampling",
            "_seed",
            "_consider_pruned_trials",
            "_with_margin",
            "_source_trials",
            "_config",
            "_independent_sampler",
            "_rng",
        )
        return {name: self.__dict__[name] for name in keep}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    def reseed_rng(self) -> None:
        with self._lock:
            self._rng = np.random.default_rng()
        self._independent_sampler.reseed_rng()

    def _sync(self, study: Study) -> None:
        """Fold the trials that finished since the last call (under the lock)."""
        if not self._cursor.follows(study):
            self._n_finished = 0
            self._solutions = {}
            self._states = {}
        new, _ = self._cursor.advance(study)
        sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
        for trial in new:
            if trial.state == TrialState.COMPLETE:
                value: float | None = trial._values[0] if trial._values else None
            elif trial.state == TrialState.PRUNED and self._consider_pruned_trials:
                step = trial.last_step
                value = None if step is None else trial._intermediate_values[step]
            else:
                continue
            self._n_finished += 1
            record = trial._system_attrs.get(TRIAL_KEY)
            if value is None or value != value or not isinstance(record, dict):
                continue
            key = (str(record.get("search")), int(record.get("generation", -1)))
            self._solutions.setdefault(key, {})[trial._number] = (trial, sign * float(value))

    # ------------------------------------------------------------------ sampler protocol
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if study._is_multi_objective():
            raise CmaEsUsageError(
                f"`study` of {_OWNER} must have a single objective; got "
                f"{len(study.directions)} directions. Use TPESampler (or NSGA-II) for several "
                "objectives."
            )
        with self._lock:
            self._sync(study)
            if self._n_finished < self._n_startup_trials:
                return {}
            self._full_space = self._space.calculate(study)
            numeric = {
                name: dist
                for name, dist in self._full_space.items()
                if not isinstance(dist, CategoricalDistribution) and not dist.single()
            }
            self._numeric_names = frozenset(numeric) if len(numeric) >= 2 else frozenset()
            return numeric if len(numeric) >= 2 else {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if len(search_space) < 2:
            return {}
        with self._lock:
            self._sync(study)
            search = self._search_for(search_space)
            sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
            if search.start is None:  # validates x0 / source_trials before anything is stored
                search.start = build_start(
                    search.space,
                    search.transform,
                    x0=self._x0,
                    sigma0=self._sigma0,
                    source_trials=self._source_trials,
                    separable=self._config.kind == "sepcma",
                    with_margin=self._with_margin,
                    sign=sign,
                    full_space=self._full_space or search.space,
                )
            state = self._load(study, search)
            key = (search.tag, state.generation)
            finished = self._solutions.get(key, {})
            if len(finished) >= _core.popsize_of(state):
                chosen = sorted(finished.items())[: _core.popsize_of(state)]
                solutions = [(self._told_x(search, t), v) for _, (t, v) in chosen]
                _core.tell(state, self._config, search.start, solutions)
                self._store(study, search, state)
                for old in [k for k in self._solutions if k[0] == search.tag and k[1] < key[1] + 1]:
                    del self._solutions[old]
            draw = int(self._rng.integers(2**32))
            seed = int(np.random.SeedSequence([draw, trial._number]).generate_state(1)[0])
            x_eval, x_tell = _core.ask(state, seed)
            generation = state.generation
        study._storage.set_trial_system_attr(
            trial._trial_id,
            TRIAL_KEY,
            {"search": search.tag, "generation": generation, "x": x_tell.tolist()},
        )
        return search.transform.untransform(x_eval)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if self._warn_independent_sampling and not param_distribution.single():
            with self._lock:
                # Before any trial has finished there is no space to model yet.
                active = self._n_finished >= self._n_startup_trials and bool(self._full_space)
                numeric = self._numeric_names
            if active:
                if isinstance(param_distribution, CategoricalDistribution):
                    why = "CMA-ES models numeric parameters only"
                elif not numeric:
                    why = (
                        "the search space has fewer than two numeric parameters (CMA-ES needs two)"
                    )
                else:
                    why = "it is not in the search space every finished trial shares"
                _logger.warning(
                    "%s samples %r of trial %d with %s: %s. Pass warn_independent_sampling=False "
                    "to %s if this is intended.",
                    _OWNER,
                    param_name,
                    trial._number,
                    type(self._independent_sampler).__name__,
                    why,
                    _OWNER,
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

    # ------------------------------------------------------------------ search state
    def _search_for(self, space: dict[str, BaseDistribution]) -> _Search:
        text = (
            self._config.kind
            + "|"
            + "|".join(f"{name}={distribution_to_json(dist)}" for name, dist in space.items())
        )
        tag = f"{self._config.kind}-{zlib.crc32(text.encode('utf-8')):08x}"
        search = self._searches.get(tag)
        if search is None:
            transform = SearchSpaceTransform(space, transform_step=not self._with_margin)
            search = self._searches[tag] = _Search(tag, dict(space), transform)
        return search

    def _load(self, study: Study, search: _Search) -> _core.SearchState:
        storage, study_id = study._storage, study._study_id
        generation = 0
        for _ in range(3):  # a head whose pieces are being rewritten: read again
            attrs = storage.get_study_system_attrs(study_id)
            head = _store.valid_head(attrs.get(_store.head_key(search.prefix)))
            if head is None:
                break
            cached = self._states.get(search.tag)
            if cached is not None and cached[0] == head:
                return cached[1]
            state = _store.decode_state(attrs, search.prefix, head)
            if state is not None:
                self._states[search.tag] = (head, state)
                return state
            generation = head["generation"] + 1
        else:
            _logger.warning(
                "%s could not read the stored CMA-ES state %r (written by another cmaes "
                "version?); starting a new search at generation %d.",
                _OWNER,
                search.prefix,
                generation,
            )
        assert search.start is not None
        state = _core.new_state(
            self._config, search.start, int(self._rng.integers(2**32)), generation
        )
        self._store(study, search, state)
        return state

    def _store(self, study: Study, search: _Search, state: _core.SearchState) -> None:
        storage, study_id = study._storage, study._study_id
        current = _store.valid_head(
            storage.get_study_system_attrs(study_id).get(_store.head_key(search.prefix))
        )
        if current is not None and current["generation"] > state.generation:
            return  # a faster worker is ahead; its state wins and is read on the next call
        head = _store.write_state(storage, study_id, search.prefix, state)
        self._states[search.tag] = (head, state)

    def _told_x(self, search: _Search, trial: FrozenTrial) -> np.ndarray:
        """The vector to tell for ``trial``: the asked one, or its params if they were fixed."""
        fixed = trial._system_attrs.get(FIXED_PARAMS_KEY) or {}
        record = trial._system_attrs.get(TRIAL_KEY) or {}
        x = record.get("x")
        if (
            not set(fixed) & set(search.space)
            and isinstance(x, list)
            and len(x) == len(search.space)
        ):
            return np.asarray(x, dtype=float)
        encoded = search.transform.transform({n: trial._params[n] for n in search.space})
        return np.clip(encoded, 0.0, 1.0)

    def __repr__(self) -> str:
        c = self._config
        return (
            f"{_OWNER}(seed={self._seed!r}, kind={c.kind!r}, popsize={c.popsize!r}, "
            f"restart_strategy={c.restart_strategy!r})"
        )
