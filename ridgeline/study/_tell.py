"""Finishing a trial: validate the objective's outcome and record the final state."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ridgeline.exceptions import RidgelineError, UpdateFinishedTrialError
from ridgeline.samplers._constraints import ConstraintsValueError
from ridgeline.study._view import sampler_view
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState
from ridgeline.trial._trial import Trial

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["FAIL_REASON_KEY", "TRACEBACK_KEY", "check_values", "resolve_values", "tell"]

FAIL_REASON_KEY = "fail_reason"
TRACEBACK_KEY = "traceback"
USER_ERROR_KEY = "error"


class TellError(RidgelineError, ValueError):
    """``Study.tell`` was called with arguments that do not finish a trial."""


def check_values(values: Any, n_objectives: int) -> tuple[list[float] | None, str | None]:
    """Turn an objective's return value into floats, or explain why it is not acceptable.

    Returns:
        ``(values, None)`` when valid; ``(None, reason)`` otherwise.
    """
    items = _as_items(values)
    if len(items) != n_objectives:
        return None, (
            f"The objective returned {len(items)} value(s) ({values!r}) but the study has "
            f"{n_objectives} objective(s)."
        )
    out: list[float] = []
    for v in items:
        if isinstance(v, (bool, str, bytes)) or v is None or not hasattr(v, "__float__"):
            return None, (
                f"The objective returned {v!r} ({type(v).__name__}), which is not a number."
            )
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None, f"The objective returned {v!r}, which is not a number."
        if math.isnan(f):
            return None, "The objective returned NaN."
        out.append(f)
    return out, None


def resolve_values(study: Study, values: Any) -> tuple[list[float] | None, str | None]:
    """:func:`check_values`, also for a dict of named values ``{metric name: value}``.

    A dict is put in the order of the study's metric names. A study without names adopts
    the dict's keys, in order, as its names when there is one key per objective (so the
    first trial to return a dict names the objectives).
    """
    if isinstance(values, Mapping):
        ordered, reason = _values_by_name(study, values)
        if ordered is None:
            return None, reason
        values = ordered
    return check_values(values, len(study.directions))


def _values_by_name(study: Study, values: Mapping[Any, Any]) -> tuple[list[Any] | None, str]:
    keys = list(values)
    n_objectives = len(study.directions)
    names = study.metric_names
    if names is None:
        if len(keys) != n_objectives or not all(isinstance(k, str) and k for k in keys):
            return None, (
                f"The objective returned a dict with {len(keys)} key(s) {keys!r}, but the "
                f"study has {n_objectives} objective(s) and no metric names. Return one "
                "value per objective, or name them first with study.set_metric_names([...]) "
                "or create_study(directions={name: direction, ...})."
            )
        try:
            study.set_metric_names(keys)
        except ValueError as e:
            return None, f"The objective returned a dict whose keys cannot name the objectives: {e}"
        names = keys
    unknown = [k for k in keys if k not in names]
    missing = [k for k in names if k not in values]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(f"unknown name(s) {unknown!r}")
        if missing:
            parts.append(f"no value for {missing!r}")
        return None, (
            f"The objective returned a dict with {' and '.join(parts)}; the study's metric "
            f"names are {names!r}. Return exactly those keys."
        )
    return [values[k] for k in names], ""


def _as_items(values: Any) -> list[Any]:
    """A scalar becomes a one-item list; sequences and arrays become lists of their items."""
    if hasattr(values, "__float__") and getattr(values, "ndim", 0) == 0:
        return [values]  # floats, numpy scalars, 0-d arrays and tensors
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        return [values]
    return list(values)


def _resolve(study: Study, trial: Trial | int) -> int:
    if isinstance(trial, Trial):
        if trial.study._study_id != study._study_id or trial.study._storage is not study._storage:
            raise TellError(
                f"Trial {trial.number} belongs to another study; tell it to its own study."
            )
        return trial._trial_id
    if isinstance(trial, FrozenTrial):
        return study._storage.get_trial_id_from_study_id_trial_number(study._study_id, trial.number)
    if isinstance(trial, numbers.Integral) and not isinstance(trial, bool):
        try:
            return study._storage.get_trial_id_from_study_id_trial_number(
                study._study_id, int(trial)
            )
        except KeyError:
            raise TellError(
                f"`trial` of Study.tell must be a trial of this study; got number {trial!r}, "
                f"but the study has {study._storage.get_n_trials(study._study_id)} trials."
            ) from None
    raise TellError(
        f"`trial` of Study.tell must be a Trial or a trial number; got {trial!r} "
        f"({type(trial).__name__})."
    )


def tell(
    study: Study,
    trial: Trial | int,
    values: float | Sequence[float] | None = None,
    state: TrialState | None = None,
    skip_if_finished: bool = False,
    *,
    fail_reason: str | None = None,
    traceback_text: str | None = None,
) -> FrozenTrial:
    """Record the end of a trial. See :meth:`Study.tell`."""
    storage = study._storage
    trial_id = _resolve(study, trial)
    record = storage.get_trial(trial_id)
    if record.state.is_finished():
        if skip_if_finished:
            return record
        raise _FinishedError(
            f"Trial {record.number} is already {record.state.name}; a finished trial cannot be "
            "told again. Pass `skip_if_finished=True` to ignore this."
        )
    if state is not None:
        state = TrialState(state)
        if not state.is_finished():
            raise TellError(
                f"`state` of Study.tell must be COMPLETE, PRUNED or FAIL; got {state.name}."
            )

    n_objectives = len(study.directions)
    final_values: list[float] | None = None
    if state == TrialState.PRUNED:
        if values is not None:
            final_values, reason = resolve_values(study, values)
        if final_values is None and record._intermediate_values:
            last = record._intermediate_values[max(record._intermediate_values)]
            if math.isfinite(last) and n_objectives == 1:
                final_values = [last]
    elif state == TrialState.FAIL:
        if values is not None:
            raise TellError(
                f"`values` of Study.tell must be None when state is FAIL; got {values!r}."
            )
    else:
        if values is None:
            raise TellError(
                "Study.tell needs `values` to complete a trial; got None. Pass the objective "
                "value(s), or state=TrialState.FAIL / TrialState.PRUNED."
            )
        final_values, reason = resolve_values(study, values)
        if final_values is None:
            if state == TrialState.COMPLETE:
                raise TellError(f"`values` of Study.tell are not valid: {reason}")
            state, fail_reason = TrialState.FAIL, reason
        else:
            state = TrialState.COMPLETE
    assert state is not None

    try:
        if state == TrialState.FAIL and fail_reason is not None:
            _record_failure(study, trial_id, record, fail_reason, traceback_text)
        snapshot = trial._frozen() if isinstance(trial, Trial) else record
        try:
            view = (
                trial._sampler_study() if isinstance(trial, Trial) else sampler_view(study, record)
            )
            study.sampler.after_trial(view, snapshot, state, final_values)
        except ConstraintsValueError as e:
            # The user's constraints_func failed or returned unusable values: the trial's
            # outcome is unknown, so it is recorded as FAIL with the reason, then raised.
            _record_failure(study, trial_id, record, f"{type(e).__name__}: {e}", None)
            storage.set_trial_state_values(trial_id, TrialState.FAIL, None)
            raise
        except BaseException:
            storage.set_trial_state_values(trial_id, state, final_values)
            raise
        storage.set_trial_state_values(trial_id, state, final_values)
    except UpdateFinishedTrialError:
        # Another worker (heartbeat monitor, Ctrl-C handler) finished it meanwhile.
        if not skip_if_finished:
            raise
    return storage.get_trial(trial_id)


def _record_failure(
    study: Study, trial_id: int, record: FrozenTrial, reason: str, traceback_text: str | None
) -> None:
    storage = study._storage
    storage.set_trial_system_attr(trial_id, FAIL_REASON_KEY, reason)
    if traceback_text is not None:
        storage.set_trial_system_attr(trial_id, TRACEBACK_KEY, traceback_text)
    if USER_ERROR_KEY not in record._user_attrs:
        storage.set_trial_user_attr(trial_id, USER_ERROR_KEY, reason)


class _FinishedError(TellError, UpdateFinishedTrialError):
    pass
