"""The optimize loop, built on ask/tell; threads for ``n_jobs > 1``."""

from __future__ import annotations

import gc
import math
import numbers
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ridgeline import logging as rl_logging
from ridgeline.exceptions import RidgelineError, TrialPruned, TrialTimeoutError
from ridgeline.study._heartbeat import heartbeat
from ridgeline.study._progress import ProgressBar
from ridgeline.study._tell import resolve_values, tell
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState
from ridgeline.trial._time_limit import TIMEOUT_KEY, TimeLimit, check_time_limit_args
from ridgeline.trial._trial import Trial

if TYPE_CHECKING:
    from ridgeline.study._study import ObjectiveFuncType, Study

__all__ = ["optimize"]

_logger = rl_logging.get_logger(__name__)


class OptimizeUsageError(RidgelineError, ValueError):
    pass


class _NestedOptimizeError(RidgelineError, RuntimeError):
    pass


def _check_args(
    func: Any,
    n_trials: Any,
    timeout: Any,
    n_jobs: Any,
    catch: Any,
    callbacks: Any,
) -> tuple[tuple[type[BaseException], ...], list[Callable[..., Any]], int]:
    if not callable(func):
        raise OptimizeUsageError(
            f"`func` of Study.optimize must be callable (the objective); got {func!r}."
        )
    if n_trials is not None and (
        isinstance(n_trials, bool) or not isinstance(n_trials, numbers.Integral) or n_trials < 0
    ):
        raise OptimizeUsageError(
            f"`n_trials` of Study.optimize must be a non-negative int or None; got {n_trials!r}."
        )
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, numbers.Real)
        or not float(timeout) > 0
        or math.isnan(float(timeout))
    ):
        raise OptimizeUsageError(
            f"`timeout` of Study.optimize must be a positive number of seconds or None; got "
            f"{timeout!r}."
        )
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise OptimizeUsageError(
            f"`n_jobs` of Study.optimize must be a positive int or -1 (one per CPU); got "
            f"{n_jobs!r}."
        )
    if n_jobs < 0:
        n_jobs = max(1, (os.cpu_count() or 1) + 1 + int(n_jobs))
    if isinstance(catch, type):
        catch = (catch,)
    catch = tuple(catch)
    for c in catch:
        if not (isinstance(c, type) and issubclass(c, BaseException)):
            raise OptimizeUsageError(
                f"`catch` of Study.optimize must hold exception classes; got {c!r}."
            )
    callbacks = list(callbacks or [])
    for cb in callbacks:
        if not callable(cb):
            raise OptimizeUsageError(
                f"`callbacks` of Study.optimize must hold callables (study, trial) -> None; got "
                f"{cb!r}."
            )
    return catch, callbacks, int(n_jobs)


class _Budget:
    """Shared counters deciding whether another trial may start (thread-safe)."""

    def __init__(
        self,
        n_trials: int | None,
        timeout: float | None,
        trial_timeout: float | None = None,
        on_trial_timeout: str = "prune",
    ) -> None:
        self.n_trials = n_trials
        self.trial_timeout = trial_timeout
        self.on_trial_timeout = on_trial_timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.started = 0
        self.lock = threading.Lock()
        self.error: BaseException | None = None

    def take(self, study: Study) -> bool:
        with self.lock:
            if self.error is not None or study._stop_flag:
                return False
            if self.n_trials is not None and self.started >= self.n_trials:
                return False
            if self.deadline is not None and time.monotonic() >= self.deadline:
                return False
            self.started += 1
            return True


def optimize(
    study: Study,
    func: ObjectiveFuncType,
    *,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: Iterable[type[Exception]] | type[Exception],
    callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None,
    gc_after_trial: bool,
    show_progress_bar: bool,
    trial_timeout: float | None = None,
    on_trial_timeout: str = "prune",
) -> None:
    catch_t, callback_list, jobs = _check_args(func, n_trials, timeout, n_jobs, catch, callbacks)
    limit = check_time_limit_args(trial_timeout, on_trial_timeout)
    local = study._thread_local
    if getattr(local, "in_optimize", False):
        raise _NestedOptimizeError(
            "Study.optimize cannot be called from inside the same study's optimize (an "
            "objective or a callback). Start a second optimize from another thread or process, "
            "or use n_jobs."
        )
    local.in_optimize = True
    study._stop_flag = False
    budget = _Budget(n_trials, timeout, limit, on_trial_timeout)
    progress = ProgressBar(study, show_progress_bar, n_trials, timeout)
    running: dict[int, Trial] = {}
    try:
        if jobs == 1:
            _worker(study, func, budget, catch_t, callback_list, gc_after_trial, progress, running)
        else:
            _run_threads(
                study, func, budget, catch_t, callback_list, gc_after_trial, progress, running, jobs
            )
    except KeyboardInterrupt:
        # Worker threads (n_jobs > 1) keep running after the interrupt reaches this thread:
        # stop them from starting new trials, and record the ones they run as FAIL now.
        with budget.lock:
            budget.error = budget.error or KeyboardInterrupt()
        for trial in list(running.values()):
            _fail_interrupted(study, trial)
        raise
    finally:
        progress.close()
        local.in_optimize = False
    if budget.error is not None:
        raise budget.error


def _run_threads(
    study: Study,
    func: ObjectiveFuncType,
    budget: _Budget,
    catch: tuple[type[BaseException], ...],
    callbacks: list[Callable[[Study, FrozenTrial], None]],
    gc_after_trial: bool,
    progress: ProgressBar,
    running: dict[int, Trial],
    n_jobs: int,
) -> None:
    def target() -> None:
        try:
            _worker(study, func, budget, catch, callbacks, gc_after_trial, progress, running)
        except BaseException as e:  # re-raised in the calling thread
            with budget.lock:
                if budget.error is None:
                    budget.error = e

    threads = [
        threading.Thread(target=target, name=f"ridgeline-worker-{i}", daemon=True)
        for i in range(n_jobs)
    ]
    for t in threads:
        t.start()
    for t in threads:
        # Join with a timeout so Ctrl-C reaches the main thread promptly.
        while t.is_alive():
            t.join(timeout=0.2)


def _worker(
    study: Study,
    func: ObjectiveFuncType,
    budget: _Budget,
    catch: tuple[type[BaseException], ...],
    callbacks: list[Callable[[Study, FrozenTrial], None]],
    gc_after_trial: bool,
    progress: ProgressBar,
    running: dict[int, Trial],
) -> None:
    while budget.take(study):
        frozen = _run_trial(study, func, catch, running, budget)
        progress.update(frozen)
        for callback in callbacks:
            callback(study, frozen)
        if gc_after_trial:
            gc.collect()


def _run_trial(
    study: Study,
    func: ObjectiveFuncType,
    catch: tuple[type[BaseException], ...],
    running: dict[int, Trial],
    budget: _Budget | None = None,
) -> FrozenTrial:
    storage = study._storage
    if storage.is_heartbeat_enabled():
        failed_ids = storage.fail_stale_trials(study._study_id)
        callback = getattr(storage, "failed_trial_callback", None)
        if callback is not None:
            for trial_id in failed_ids:
                callback(study, storage.get_trial(trial_id))
    trial = study.ask()
    if budget is not None and budget.trial_timeout is not None:
        trial._time_limit = TimeLimit(budget.trial_timeout, budget.on_trial_timeout)
    running[trial._trial_id] = trial
    error: BaseException | None = None
    state: TrialState | None = None
    values: Any = None
    reason: str | None = None
    tb_text: str | None = None
    try:
        with heartbeat(study._storage, trial._trial_id):
            try:
                values = func(trial)
            except TrialPruned:
                state = TrialState.PRUNED
            except Exception as e:
                error = e
                state = TrialState.FAIL
                reason = f"{type(e).__name__}: {e}"
                tb_text = traceback.format_exc()
            except KeyboardInterrupt:
                _fail_interrupted(study, trial)
                raise

        if state is None and trial._time_limit is not None:
            state, reason = _finished_late(trial, trial._time_limit)
        if state is None:
            checked, reason = resolve_values(study, values)
            state = TrialState.COMPLETE if checked is not None else TrialState.FAIL
            values = checked
        frozen = tell(
            study,
            trial,
            values if state == TrialState.COMPLETE else None,
            state,
            skip_if_finished=True,
            fail_reason=reason,
            traceback_text=tb_text,
        )
    finally:
        running.pop(trial._trial_id, None)

    _log_finished(study, frozen, reason)
    if error is not None and not isinstance(error, (*catch, TrialTimeoutError)):
        raise error
    return frozen


def _finished_late(trial: Trial, limit: TimeLimit) -> tuple[TrialState | None, str | None]:
    """For an objective that returned past its time limit without being stopped: PRUNED
    (mode "prune") or FAIL with the reason (mode "fail"); (None, None) when in time."""
    reason = limit.overrun()
    if reason is None:
        return None, None
    if TIMEOUT_KEY not in trial._system_attrs:
        trial.set_system_attr(TIMEOUT_KEY, reason)
    if limit.mode == "fail":
        return TrialState.FAIL, f"TrialTimeoutError: Trial {trial.number}: {reason}."
    return TrialState.PRUNED, None


def _fail_interrupted(study: Study, trial: Trial) -> None:
    try:
        tell(
            study,
            trial,
            None,
            TrialState.FAIL,
            skip_if_finished=True,
            fail_reason="KeyboardInterrupt: the run was interrupted while this trial ran.",
        )
    except Exception:  # never mask the interrupt
        _logger.exception("Could not record trial %d as FAIL after an interrupt.", trial.number)


def _log_finished(study: Study, frozen: FrozenTrial, reason: str | None) -> None:
    if frozen.state == TrialState.COMPLETE:
        if not _logger.isEnabledFor(rl_logging.INFO):
            return
        values = frozen.values
        shown: Any = values[0] if values is not None and len(values) == 1 else values
        names = study.metric_names if len(study.directions) > 1 else None
        if names is not None and values is not None:
            shown = dict(zip(names, values, strict=True))
        best = ""
        if len(study.directions) == 1:
            try:
                bt = study.best_trial
                best = f" Best is trial {bt.number} with value: {bt.value}."
            except ValueError:
                pass
        word = "value" if len(study.directions) == 1 else "values"
        _logger.info(
            "Trial %d finished with %s: %s and parameters: %s.%s",
            frozen.number,
            word,
            shown,
            frozen.params,
            best,
        )
    elif frozen.state == TrialState.PRUNED:
        _logger.info("Trial %d pruned.", frozen.number)
    else:
        _logger.warning(
            "Trial %d failed with parameters: %s. %s", frozen.number, frozen.params, reason or ""
        )
