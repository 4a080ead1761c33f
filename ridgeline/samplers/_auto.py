"""AutoSampler: one sampler per study, chosen from what the study looks like.

Before each trial the study is summarised (:class:`StudyProfile`: objectives, finished trials,
parameter kinds, whether the space is conditional, constraints) and :func:`choose_sampler`
maps the summary to a sampler with a reason. The rules, in order:

1. fewer than ``n_startup_trials`` finished trials: random search (every model needs a few
   observations; the model that follows uses them);
2. a conditional space (parameters that appear in some trials only, or whose ranges change),
   or categorical parameters making up at least ``categorical_share`` of the space:
   :class:`TPESampler`, whose group decomposition and categorical kernels fit them (with
   several objectives, MOTPE);
3. otherwise (numeric, mostly fixed spaces) while fewer than ``gp_max_trials`` trials have
   finished: :class:`GPSampler`, the most sample-efficient here when trials are few (with
   several objectives, ParEGO);
4. past that: with one objective, :class:`CmaEsSampler` for spaces of at least two floats
   without constraints (long continuous runs), else :class:`TPESampler` (a GP's cost grows
   with the cube of the trials, TPE's stays flat); with several, :class:`TPESampler`.

The thresholds come from ``benchmarks/efficiency.py`` (see ``benchmarks/RESULTS.md``). Each
change of choice is logged at INFO on the ``ridgeline`` logger and recorded on the study:
``study.system_attrs["auto_sampler"]`` holds the current choice and its reason, and every
trial's ``system_attrs["auto_sampler"]`` names the sampler that proposed it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
)
from ridgeline.exceptions import RidgelineError
from ridgeline.logging import get_logger
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._constraints import store_constraints
from ridgeline.samplers._random import RandomSampler, check_seed
from ridgeline.search_space._intersection import FinishedTrialCursor
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["AutoSampler", "Choice", "StudyProfile", "choose_sampler"]

_logger = get_logger(__name__)
_ATTR = "auto_sampler"
_SAMPLERS = ("random", "tpe", "gp", "cmaes")


class AutoSamplerArgumentError(RidgelineError, ValueError):
    """AutoSampler was given an argument it cannot use."""


@dataclass(frozen=True)
class StudyProfile:
    """What :func:`choose_sampler` looks at.

    Attributes:
        n_objectives: Number of objectives.
        n_finished: COMPLETE trials so far.
        n_params: Parameters seen in finished trials.
        n_categorical: Of those, categorical ones.
        n_float: Of those, floats without a step (the rest are ints and stepped floats).
        conditional: Whether some parameter is missing from some finished trial or its
            distribution changed between trials.
        constrained: Whether a ``constraints_func`` was given.
    """

    n_objectives: int
    n_finished: int
    n_params: int
    n_categorical: int
    n_float: int
    conditional: bool
    constrained: bool


@dataclass(frozen=True)
class Choice:
    """A sampler name (``"random"``, ``"tpe"``, ``"gp"`` or ``"cmaes"``) and why."""

    sampler: str
    reason: str


def choose_sampler(
    profile: StudyProfile,
    *,
    n_startup_trials: int = 10,
    gp_max_trials: int = 200,
    categorical_share: float = 0.5,
) -> Choice:
    """The sampler for the next trial of a study like ``profile`` (rules: module docstring)."""
    p = profile
    if p.n_finished < n_startup_trials:
        return Choice(
            "random",
            f"{p.n_finished} of {n_startup_trials} startup trials finished: random search "
            "until a model has data",
        )
    if p.conditional:
        return Choice("tpe", "conditional search space: TPE models each branch apart")
    if p.n_params and p.n_categorical / p.n_params >= categorical_share:
        return Choice(
            "tpe",
            f"{p.n_categorical} of {p.n_params} parameters are categorical: TPE's categorical "
            "kernels fit them",
        )
    if p.n_finished < gp_max_trials:
        return Choice(
            "gp",
            f"numeric search space and {p.n_finished} < {gp_max_trials} finished trials: "
            "a Gaussian process needs the fewest trials",
        )
    if p.n_objectives > 1:
        return Choice(
            "tpe",
            f"{p.n_finished} >= {gp_max_trials} finished trials on {p.n_objectives} "
            "objectives: TPE's cost per trial stays flat",
        )
    if p.n_float >= 2 and p.n_float == p.n_params and not p.constrained:
        return Choice(
            "cmaes",
            f"{p.n_finished} >= {gp_max_trials} finished trials on {p.n_float} floats: "
            "CMA-ES for a long continuous run",
        )
    return Choice(
        "tpe",
        f"{p.n_finished} >= {gp_max_trials} finished trials: TPE's cost per trial stays flat",
    )


class _Fold:
    """The parameters seen in a study's COMPLETE trials so far, folded in once each."""

    def __init__(self) -> None:
        self.cursor = FinishedTrialCursor()
        self.seen: dict[str, BaseDistribution] = {}
        self.n_finished = 0
        self.conditional = False

    def add(self, distributions: dict[str, BaseDistribution]) -> None:
        if self.seen and distributions.keys() != self.seen.keys():
            self.conditional = True
        for name, dist in distributions.items():
            if self.seen.setdefault(name, dist) != dist:
                self.conditional = True
        self.n_finished += 1


class AutoSampler(BaseSampler):
    """Pick TPE, GP, CMA-ES or random search for each trial from what the study looks like.

    The rules are in :func:`choose_sampler`; the choice and its reason are logged and recorded
    in ``study.system_attrs["auto_sampler"]``, and each trial records the sampler that proposed
    it in ``trial.system_attrs["auto_sampler"]``.

    Args:
        seed: Seed for reproducible runs (with ``n_jobs=1``); each underlying sampler gets
            its own seed derived from it.
        constraints_func: As for :class:`TPESampler` (values ``<= 0`` are feasible); passed
            to the underlying samplers that support constraints, and then CMA-ES is not used.
        n_startup_trials: Random trials before any model.
        gp_max_trials: Finished trials past which a numeric study leaves the GP.
        categorical_share: Share of categorical parameters from which TPE is preferred.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=AutoSampler(seed=0))
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=3)
        >>> study.system_attrs["auto_sampler"]["sampler"]
        'random'
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        n_startup_trials: int = 10,
        gp_max_trials: int = 200,
        categorical_share: float = 0.5,
    ) -> None:
        self._seed = check_seed(seed, "AutoSampler")
        if constraints_func is not None and not callable(constraints_func):
            raise AutoSamplerArgumentError(
                f"`constraints_func` of AutoSampler must be callable or None; got "
                f"{constraints_func!r}."
            )
        for name, value in (
            ("n_startup_trials", n_startup_trials),
            ("gp_max_trials", gp_max_trials),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise AutoSamplerArgumentError(
                    f"`{name}` of AutoSampler must be a non-negative int; got {value!r}."
                )
        if isinstance(categorical_share, bool) or not (
            isinstance(categorical_share, (int, float)) and 0.0 <= categorical_share <= 1.0
        ):
            raise AutoSamplerArgumentError(
                "`categorical_share` of AutoSampler must be a number in [0, 1]; got "
                f"{categorical_share!r}."
            )
        self._constraints_func = constraints_func
        self._n_startup_trials = n_startup_trials
        self._gp_max_trials = gp_max_trials
        self._categorical_share = float(categorical_share)
        self._samplers: dict[str, BaseSampler] = {}
        self._current: dict[int, str] = {}  # trial id -> sampler name
        self._last: Choice | None = None
        self._fold = _Fold()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ choosing
    def _profile(self, study: Study) -> StudyProfile:
        """The study's summary, folding in only the trials that finished since the last call
        (so a long study costs the same per trial as a short one)."""
        with self._lock:
            fold = self._fold
            if not fold.cursor.follows(study):
                fold = self._fold = _Fold()
            new, _ = fold.cursor.advance(study)
            for t in new:
                if t.state == TrialState.COMPLETE:
                    fold.add(t.distributions)
            seen = fold.seen
            return StudyProfile(
                n_objectives=len(study.directions),
                n_finished=fold.n_finished,
                n_params=len(seen),
                n_categorical=sum(isinstance(d, CategoricalDistribution) for d in seen.values()),
                n_float=sum(
                    isinstance(d, FloatDistribution) and d.step is None for d in seen.values()
                ),
                conditional=fold.conditional,
                constrained=self._constraints_func is not None,
            )

    def _sampler(self, name: str, study: Study) -> BaseSampler:
        with self._lock:
            sampler = self._samplers.get(name)
            if sampler is None:
                sampler = self._samplers[name] = self._make(name, study)
        return sampler

    def _make(self, name: str, study: Study) -> BaseSampler:
        seed = None if self._seed is None else self._seed + _SAMPLERS.index(name)
        if name == "random":
            return RandomSampler(seed=seed)
        if name == "tpe":
            from ridgeline.samplers._tpe import TPESampler

            return TPESampler(seed=seed, constraints_func=self._constraints_func)
        if name == "gp":
            from ridgeline.samplers._gp import GPSampler

            return GPSampler(seed=seed, constraints_func=self._constraints_func)
        from ridgeline.samplers._cmaes import CmaEsSampler
        from ridgeline.samplers._cmaes._args import MIN_SOURCE_TRIALS

        # Warm-started from the study's own finished trials (Nomura et al. 2021, WS-CMA-ES):
        # the search starts where the GP left off instead of at the centre of the space.
        finished = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(finished) >= MIN_SOURCE_TRIALS:
            return CmaEsSampler(seed=seed, source_trials=finished)
        return CmaEsSampler(seed=seed, x0=study.best_params if finished else None)

    def _for(self, study: Study, trial: FrozenTrial) -> BaseSampler:
        with self._lock:
            name = self._current.get(trial._trial_id, "random")
        return self._sampler(name, study)

    # ------------------------------------------------------------------ protocol
    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        choice = choose_sampler(
            self._profile(study),
            n_startup_trials=self._n_startup_trials,
            gp_max_trials=self._gp_max_trials,
            categorical_share=self._categorical_share,
        )
        with self._lock:
            self._current[trial._trial_id] = choice.sampler
            changed = self._last is None or self._last.sampler != choice.sampler
            self._last = choice
        if changed:
            _logger.info(
                f"AutoSampler: trial {trial.number} onwards uses {choice.sampler} "
                f"({choice.reason})."
            )
            study.set_system_attr(
                _ATTR,
                {"sampler": choice.sampler, "reason": choice.reason, "since": trial.number},
            )
        study._storage.set_trial_system_attr(trial._trial_id, _ATTR, choice.sampler)
        self._sampler(choice.sampler, study).before_trial(study, trial)

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return self._for(study, trial).infer_relative_search_space(study, trial)

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._for(study, trial).sample_relative(study, trial, search_space)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        return self._for(study, trial).sample_independent(
            study, trial, param_name, param_distribution
        )

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        with self._lock:
            name = self._current.pop(trial._trial_id, "random")
        self._sampler(name, study).after_trial(study, trial, state, values)
        if name in ("random", "cmaes"):
            # TPE and GP store constraint values themselves; for the others AutoSampler does,
            # so that the model that takes over later sees which trials were feasible.
            store_constraints(study, trial, state, self._constraints_func, "AutoSampler")

    def reseed_rng(self) -> None:
        with self._lock:
            for sampler in self._samplers.values():
                sampler.reseed_rng()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        state["_fold"] = _Fold()  # it follows one storage; rebuilt from the study on use
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        current = self._last.sampler if self._last else "random"
        return f"AutoSampler(current={current!r})"
