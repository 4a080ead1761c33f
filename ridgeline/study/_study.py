from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ridgeline.distributions import BaseDistribution
from ridgeline.exceptions import RidgelineError
from ridgeline.samplers._base import BaseSampler
from ridgeline.samplers._constraints import CONSTRAINTS_KEY, feasible_trials
from ridgeline.storages._base import BaseStorage
from ridgeline.storages._factory import get_storage
from ridgeline.study._best import best_trial_of, pareto_front_of
from ridgeline.study._study_direction import StudyDirection
from ridgeline.study._view import sampler_view
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState
from ridgeline.trial._trial import FIXED_PARAMS_KEY, Trial, waiting_trial

if TYPE_CHECKING:
    import pandas as pd

    from ridgeline.pruners._base import BasePruner

__all__ = ["METRIC_NAMES_KEY", "ObjectiveFuncType", "Study", "check_metric_names"]

# The study system attribute that holds the objectives' names (Optuna uses the same key).
METRIC_NAMES_KEY = "study:metric_names"

ObjectiveFuncType = Callable[[Trial], "float | Sequence[float]"]


class StudyUsageError(RidgelineError, ValueError):
    """A Study method was called with arguments it cannot accept."""


class Study:
    """A set of trials that optimise one objective (or several), kept in a storage.

    Create one with :func:`ridgeline.create_study` or :func:`ridgeline.load_study`.

    Attributes:
        study_name: The study's name in its storage.
        sampler: Decides the parameters of new trials.
        pruner: Decides whether running trials stop early.
    """

    def __init__(
        self,
        study_name: str,
        storage: str | BaseStorage,
        sampler: BaseSampler | None = None,
        pruner: BasePruner | None = None,
    ) -> None:
        from ridgeline.pruners import MedianPruner
        from ridgeline.samplers._default import default_sampler

        self.study_name = study_name
        self._storage = get_storage(storage)
        self._study_id = self._storage.get_study_id_from_name(study_name)
        self._directions = self._storage.get_study_directions(self._study_id)
        self.sampler: BaseSampler = (
            sampler if sampler is not None else default_sampler(self._directions)
        )
        self.pruner: BasePruner = pruner if pruner is not None else MedianPruner()
        self._stop_flag = False
        self._thread_local = threading.local()  # per thread: inside optimize or not

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_thread_local"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._thread_local = threading.local()  # per thread: inside optimize or not

    # ------------------------------------------------------------------ directions
    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study."""
        if len(self._directions) > 1:
            raise StudyUsageError(
                f"Study {self.study_name!r} has {len(self._directions)} objectives; use "
                "`study.directions` instead of `study.direction`."
            )
        return self._directions[0]

    @property
    def directions(self) -> list[StudyDirection]:
        return list(self._directions)

    def _is_multi_objective(self) -> bool:
        return len(self._directions) > 1

    @property
    def metric_names(self) -> list[str] | None:
        """The objectives' names, in the order of :attr:`directions`, or None if unnamed."""
        names = self._storage.get_study_system_attrs(self._study_id).get(METRIC_NAMES_KEY)
        return list(names) if names is not None else None

    def set_metric_names(self, metric_names: Sequence[str]) -> None:
        """Name the objectives, in the order of :attr:`directions`.

        With names, an objective may return a dict ``{name: value}``, and values are shown by
        name in logs and :meth:`trials_dataframe`. An objective that returns a dict to a study
        without names names it: the dict's keys, in order, become the metric names.

        Raises:
            ValueError: If the names are not distinct strings, one per objective.
        """
        names = check_metric_names(metric_names, len(self._directions), "set_metric_names")
        self._storage.set_study_system_attr(self._study_id, METRIC_NAMES_KEY, names)

    # ------------------------------------------------------------------ trials
    @property
    def trials(self) -> list[FrozenTrial]:
        """All trials, ordered by number. Records are immutable; no copies are made."""
        return self.get_trials()

    def get_trials(
        self,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        """The study's trials ordered by number, optionally only those in ``states``.

        ``deepcopy`` is accepted for compatibility: records are immutable, so it changes
        nothing and costs nothing.
        """
        return self._storage.get_all_trials(self._study_id, deepcopy=False, states=states)

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial of a single-objective study; when a sampler stored
        constraint values (``constraints_func``), the best feasible one.

        Raises:
            ValueError: If no trial is complete (or feasible), or the study has several
                objectives.
        """
        if self._is_multi_objective():
            raise StudyUsageError(
                f"Study {self.study_name!r} has {len(self._directions)} objectives, so it has "
                "no single best trial; use `study.best_trials` (the Pareto front)."
            )
        trials = self.get_trials(states=(TrialState.COMPLETE,))
        feasible = feasible_trials(trials)
        if trials and not feasible:
            raise StudyUsageError(
                f"Study {self.study_name!r} has {len(trials)} COMPLETE trial(s) but none is "
                "feasible (every one violates a constraint: a value of its system attribute "
                f"{CONSTRAINTS_KEY!r} is > 0), so there is no best trial. Relax the "
                "constraints or run more trials."
            )
        best = best_trial_of(feasible, self._directions[0])
        if best is None:
            raise StudyUsageError(
                f"Study {self.study_name!r} has no COMPLETE trial yet, so there is no best "
                "trial; run `study.optimize(...)` or `study.tell(...)` first."
            )
        return best

    @property
    def best_value(self) -> float:
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_params(self) -> dict[str, Any]:
        return self.best_trial.params

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The non-dominated COMPLETE trials (the Pareto front), ordered by number; when a
        sampler stored constraint values (``constraints_func``), among the feasible ones only.

        For a single objective, every trial that ties the best value.
        """
        trials = self.get_trials(states=(TrialState.COMPLETE,))
        return pareto_front_of(feasible_trials(trials), self._directions)

    # ------------------------------------------------------------------ attributes
    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._storage.get_study_user_attrs(self._study_id)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._storage.get_study_system_attrs(self._study_id)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the study."""
        self._storage.set_study_user_attr(self._study_id, key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        self._storage.set_study_system_attr(self._study_id, key, value)

    # ------------------------------------------------------------------ ask / tell
    def ask(self, fixed_distributions: Mapping[str, BaseDistribution] | None = None) -> Trial:
        """Start a new trial (or the oldest enqueued one) and return its handle.

        Args:
            fixed_distributions: Parameters to suggest right away, ``{name: distribution}``.

        Example:
            >>> import ridgeline
            >>> study = ridgeline.create_study()
            >>> trial = study.ask()
            >>> study.tell(trial, trial.suggest_float("x", 0, 1) ** 2).state
            TrialState.COMPLETE
        """
        if fixed_distributions is not None and not isinstance(fixed_distributions, Mapping):
            raise StudyUsageError(
                "`fixed_distributions` of Study.ask must be a dict of distributions; got "
                f"{type(fixed_distributions).__name__}."
            )
        trial_id = self._storage.claim_waiting_trial(self._study_id)
        if trial_id is None:
            trial_id = self._storage.create_new_trial(self._study_id)
        record = self._storage.get_trial(trial_id)
        if type(self.sampler).before_trial is not BaseSampler.before_trial:
            self.sampler.before_trial(sampler_view(self, record), record)
            record = self._storage.get_trial(trial_id)  # see what before_trial recorded
        trial = Trial(self, trial_id, record)
        for name, dist in (fixed_distributions or {}).items():
            trial._suggest(name, dist)
        return trial

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        state: TrialState | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial started with :meth:`ask`.

        Args:
            trial: The trial handle or its number.
            values: The objective value(s); needed for COMPLETE.
            state: COMPLETE (the default when values are given), PRUNED or FAIL.
            skip_if_finished: Return quietly if the trial is already finished, instead of
                raising.

        Returns:
            The finished trial's record.

        Raises:
            ValueError: On an unknown trial, a finished trial (unless ``skip_if_finished``), a
                RUNNING/WAITING ``state``, or COMPLETE without values.
        """
        from ridgeline.study._tell import tell

        return tell(self, trial, values, state, skip_if_finished)

    # ------------------------------------------------------------------ optimize
    def optimize(
        self,
        func: ObjectiveFuncType,
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[Exception]] | type[Exception] = (),
        callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
        *,
        trial_timeout: float | None = None,
        on_trial_timeout: str = "prune",
    ) -> None:
        """Run trials of ``func`` until ``n_trials`` or ``timeout`` is reached, or ``stop()``.

        Args:
            func: The objective: takes a :class:`Trial`, returns a float (or a sequence of
                floats for several objectives). Raise ``TrialPruned`` to prune.
            n_trials: How many trials to run (None: until timeout or stop).
            timeout: Seconds after which no new trial starts (None: no limit).
            n_jobs: Trials run at once in threads of this process (-1: one per CPU).
            catch: Exception types that mark the trial FAIL and continue; others are
                re-raised after the trial is recorded as FAIL.
            callbacks: Called as ``callback(study, frozen_trial)`` after each trial.
            gc_after_trial: Run the garbage collector after each trial.
            show_progress_bar: Show a tqdm bar with the best value so far.
            trial_timeout: Seconds of wall-clock time each trial may run (None: no limit).
                A trial past it is stopped at its next ``trial.should_prune()`` (which returns
                True), or, if it never asks, recorded as stopped when it returns; the reason
                is in its system attribute ``trial_timeout``.
            on_trial_timeout: ``"prune"`` (default): such a trial is PRUNED, with its last
                reported value; ``"fail"``: it is FAIL (``trial.report`` and
                ``trial.should_prune`` raise ``TrialTimeoutError`` past the limit) with the
                reason in ``fail_reason``, and the study goes on.

        Raises:
            ValueError: On invalid arguments (names the argument and the value).
        """
        from ridgeline.study._optimize import optimize

        optimize(
            self,
            func,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=callbacks,
            gc_after_trial=gc_after_trial,
            show_progress_bar=show_progress_bar,
            trial_timeout=trial_timeout,
            on_trial_timeout=on_trial_timeout,
        )

    def stop(self) -> None:
        """Let the running ``optimize`` finish its current trials and return.

        Call it from an objective or a callback.
        """
        self._stop_flag = True

    # ------------------------------------------------------------------ adding trials
    def enqueue_trial(
        self,
        params: Mapping[str, Any],
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
    ) -> None:
        """Queue a trial whose parameters are (partly) fixed; the next ``ask`` runs it.

        Parameters not in ``params`` are sampled as usual.

        Args:
            params: ``{name: value}`` to use.
            user_attrs: User attributes to attach.
            skip_if_exists: Do nothing if a trial with exactly these params already exists
                (queued, running or finished).
        """
        if not isinstance(params, Mapping):
            raise StudyUsageError(
                f"`params` of Study.enqueue_trial must be a dict; got {type(params).__name__}."
            )
        params = dict(params)
        if skip_if_exists and self._has_trial_with_params(params):
            return
        template = waiting_trial(params, dict(user_attrs or {}))
        self._storage.create_new_trial(self._study_id, template)

    def _has_trial_with_params(self, params: dict[str, Any]) -> bool:
        # An enqueued trial is identified by the params it was enqueued with (even after it
        # ran and sampled more); other trials by all their params.
        for t in self.get_trials():
            if t._system_attrs.get(FIXED_PARAMS_KEY, t._params) == params:
                return True
        return False

    def add_trial(self, trial: FrozenTrial) -> None:
        """Add a finished trial (e.g. from another study, or ``create_trial``) to the study.

        Samplers learn from it like from any other trial.

        Raises:
            ValueError: If the record is inconsistent, or its number of values does not match
                the study's directions.
        """
        if not isinstance(trial, FrozenTrial):
            raise StudyUsageError(
                "`trial` of Study.add_trial must be a FrozenTrial (see "
                f"ridgeline.trial.create_trial); got {type(trial).__name__}."
            )
        trial._validate()
        if trial._values is not None and len(trial._values) != len(self._directions):
            raise StudyUsageError(
                f"The trial has {len(trial._values)} values but the study has "
                f"{len(self._directions)} objectives."
            )
        self._storage.create_new_trial(self._study_id, copy.copy(trial))

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        """Add several finished trials (see :meth:`add_trial`)."""
        trials = list(trials)
        for t in trials:
            if isinstance(t, FrozenTrial):
                t._validate()
        for t in trials:
            self.add_trial(t)

    # ------------------------------------------------------------------ export
    def trials_dataframe(
        self,
        attrs: tuple[str, ...] = (
            "number",
            "value",
            "datetime_start",
            "datetime_complete",
            "duration",
            "params",
            "user_attrs",
            "system_attrs",
            "state",
        ),
        multi_index: bool = False,
    ) -> pd.DataFrame:
        """The trials as a pandas DataFrame (needs ``pip install 'ridgeline[pandas]'``).

        Columns: ``number``, ``value`` (or ``values_0``, ``values_1``, ...), datetimes,
        ``duration``, ``params_<name>``, ``user_attrs_<key>``, ``system_attrs_<key>``, and
        ``state`` as a string ("COMPLETE", ...).
        """
        from ridgeline.study._dataframe import trials_dataframe

        return trials_dataframe(self, attrs, multi_index)

    def __repr__(self) -> str:
        return f"Study(study_name={self.study_name!r}, directions={self._directions!r})"


def check_metric_names(metric_names: Any, n_objectives: int, owner: str) -> list[str]:
    """``metric_names`` as a list of distinct strings, one per objective, or a clear error."""
    if isinstance(metric_names, (str, bytes)) or not isinstance(metric_names, Iterable):
        raise StudyUsageError(
            f"`metric_names` of {owner} must be a list of names, one per objective; got "
            f"{metric_names!r}."
        )
    names = list(metric_names)
    if len(names) != n_objectives:
        raise StudyUsageError(
            f"`metric_names` of {owner} must name each of the study's {n_objectives} "
            f"objective(s); got {len(names)}: {names!r}."
        )
    for name in names:
        if not isinstance(name, str) or not name:
            raise StudyUsageError(
                f"`metric_names` of {owner} must be non-empty strings; got {name!r} in {names!r}."
            )
    if len(set(names)) != len(names):
        raise StudyUsageError(f"`metric_names` of {owner} must be distinct; got {names!r}.")
    return names
