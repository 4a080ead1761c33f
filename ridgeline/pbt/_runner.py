"""The driver of population-based training: plan, run and record each generation; resume.

One driver per study. It runs in the caller's thread: it plans a generation, loads the
checkpoints the members start from, hands the segments to an executor, and, as each segment
ends, saves its checkpoint and then records its trial (so a recorded trial always has its
checkpoint). A run killed at any point resumes from what was recorded: the plan of the
unfinished generation is read back from the study, its recorded segments are skipped, and the
others are trained again from the same checkpoints with the same configurations and seeds.
"""

from __future__ import annotations

import math
import numbers
import re
import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ridgeline.logging import get_logger
from ridgeline.pbt._checkpoints import CheckpointStore, as_checkpoint_store
from ridgeline.pbt._checks import PBTError, PBTTypeError, check_int
from ridgeline.pbt._executors import (
    BaseSegmentExecutor,
    SegmentContext,
    SegmentTask,
    TrainFunction,
    make_executor,
)
from ridgeline.pbt._records import (
    CHECKPOINT_KEY,
    DONOR_KEY,
    END_STEP_KEY,
    EXPLOITED_KEY,
    MEMBER_KEY,
    METRICS_KEY,
    PARENT_KEY,
    SEGMENT_KEY,
    SETTINGS_KEY,
    START_STEP_KEY,
    Assignment,
    get_best_trial,
    plan_key,
    read_segments,
)
from ridgeline.pbt._result import PBTResult
from ridgeline.pbt._scheduler import draw_seed
from ridgeline.study._tell import FAIL_REASON_KEY, TRACEBACK_KEY
from ridgeline.trial._frozen import FrozenTrial, create_trial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.pbt._scheduler import PopulationBasedTraining
    from ridgeline.storages._base import BaseStorage
    from ridgeline.study._study import Study

__all__ = ["run_population", "unpack_result"]

_logger = get_logger(__name__)
_OWNER = "PopulationBasedTraining.run"


def run_population(
    pbt: PopulationBasedTraining,
    train: TrainFunction,
    n_segments: int,
    *,
    storage: str | BaseStorage | None,
    study_name: str | None,
    checkpoint_store: Any,
    n_jobs: int,
    executor: str | BaseSegmentExecutor,
    keep_checkpoints: bool,
) -> PBTResult:
    """See :meth:`PopulationBasedTraining.run`."""
    from ridgeline.study._functions import create_study

    if not callable(train):
        raise PBTTypeError(
            f"`train` of {_OWNER} must be a function train(config, checkpoint, ctx) -> "
            f"(metrics, checkpoint); got {train!r}."
        )
    n_segments = check_int(_OWNER, "n_segments", n_segments, 1)
    store = as_checkpoint_store(checkpoint_store)
    segment_executor = make_executor(executor, n_jobs)
    study = create_study(
        storage=storage,
        study_name=study_name,
        direction=pbt.direction.name.lower(),
        load_if_exists=True,
    )
    seed = _resolve_settings(pbt, study)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "_", study.study_name) or "study"
    with segment_executor:
        segment_executor.open(train)
        for segment in range(n_segments):
            recorded = read_segments(study)
            done = {m for (s, m) in recorded if s == segment}
            if len(done) < pbt.population_size:
                plan = _plan(pbt, study, segment, recorded, seed)
                todo = [a for a in plan if a.member not in done]
                _run_generation(
                    pbt, study, store, segment_executor, train, segment, todo, seed, prefix
                )
                recorded = read_segments(study)
                _log_generation(pbt, recorded, segment)
            if segment > 0 and not keep_checkpoints:
                _delete_checkpoints(store, recorded, segment - 1)
    recorded = read_segments(study)
    best = get_best_trial(study)
    return PBTResult(
        study=study,
        best_trial=best,
        best_config=pbt.full_config(best.params),
        history=[t for _, t in sorted(recorded.items())],
        checkpoint_store=store,
    )


def _resolve_settings(pbt: PopulationBasedTraining, study: Study) -> int:
    """The run's seed; store the settings of a new run, check those of a resumed one."""
    stored = study.system_attrs.get(SETTINGS_KEY)
    if stored is None:
        seed = pbt.seed if pbt.seed is not None else draw_seed()
        study.set_system_attr(SETTINGS_KEY, pbt.settings(seed))
        return seed
    seed = int(stored["seed"]) if pbt.seed is None else pbt.seed
    expected = pbt.settings(seed)
    differ = [k for k in expected if stored.get(k) != expected[k]]
    if differ:
        got = ", ".join(f"{k}: stored {stored.get(k)!r}, given {expected[k]!r}" for k in differ)
        raise PBTError(
            f"Study {study.study_name!r} holds a population-based training run with other "
            f"settings ({got}). Resume with the same settings (seed=None takes the stored "
            "seed), or use another study_name."
        )
    return seed


def _plan(
    pbt: PopulationBasedTraining,
    study: Study,
    segment: int,
    recorded: Mapping[tuple[int, int], FrozenTrial],
    seed: int,
) -> list[Assignment]:
    """The plan of ``segment``: read back if stored, else decided now and stored first."""
    key = plan_key(segment)
    stored = study.system_attrs.get(key)
    if stored is not None:
        return [Assignment.from_json(a) for a in stored]
    if segment == 0:
        plan = pbt.initial_plan(seed)
    else:
        previous = {m: t for (s, m), t in recorded.items() if s == segment - 1}
        plan = pbt.next_plan(segment, previous, seed)
    study.set_system_attr(key, [a.to_json() for a in plan])
    return plan


def _run_generation(
    pbt: PopulationBasedTraining,
    study: Study,
    store: CheckpointStore,
    segment_executor: BaseSegmentExecutor,
    train: TrainFunction,
    segment: int,
    todo: list[Assignment],
    seed: int,
    prefix: str,
) -> None:
    start = segment * pbt.perturbation_interval
    end = start + pbt.perturbation_interval
    tasks = []
    for a in todo:
        checkpoint = None if a.checkpoint_key is None else store.load(a.checkpoint_key)
        context = SegmentContext(
            member=a.member,
            segment=segment,
            start_step=start,
            end_step=end,
            seed=pbt.train_seed(seed, segment, a.member),
            parent=a.parent,
            exploited=a.exploited,
        )
        tasks.append(SegmentTask(pbt.full_config(a.config), checkpoint, context))
    attrs = {SEGMENT_KEY: segment, START_STEP_KEY: start, END_STEP_KEY: end}
    errors: list[BaseException] = []
    for outcome in segment_executor.run(train, tasks):
        a, context = todo[outcome.index], tasks[outcome.index].context
        trial_attrs: dict[str, Any] = {
            **attrs,
            MEMBER_KEY: a.member,
            PARENT_KEY: a.parent,
            EXPLOITED_KEY: a.exploited,
            DONOR_KEY: a.donor,
        }
        distributions = {name: pbt.spaces[name] for name in a.config}
        error = outcome.error
        if error is None:
            try:
                value, metrics, checkpoint = unpack_result(outcome.result, pbt.metric, context)
                key = f"{prefix}/member-{a.member:03d}/segment-{segment:04d}"
                _save(store, key, checkpoint, context)
            except PBTError as e:
                error = e
        if error is not None:
            errors.append(error)
            reason = f"{type(error).__name__}: {error}"
            tb = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            trial_attrs.update({FAIL_REASON_KEY: reason, TRACEBACK_KEY: tb})
            failed = create_trial(
                state=TrialState.FAIL,
                params=a.config,
                distributions=distributions,
                system_attrs=trial_attrs,
            )
            study.add_trial(failed)
            _logger.warning(f"Segment {segment} of member {a.member} failed: {reason}")
            continue
        trial_attrs.update({CHECKPOINT_KEY: key, METRICS_KEY: metrics})
        trial = create_trial(
            value=value,
            params=a.config,
            distributions=distributions,
            system_attrs=trial_attrs,
            intermediate_values={end: value},
        )
        study.add_trial(trial)
    if errors:
        raise errors[0]


def _save(store: CheckpointStore, key: str, checkpoint: Any, context: SegmentContext) -> None:
    try:
        store.save(key, checkpoint)
    except Exception as e:
        raise PBTError(
            f"The checkpoint that the training function returned for member {context.member}, "
            f"segment {context.segment} could not be saved to {store!r} ({type(e).__name__}: "
            f"{e}). Return a picklable object (e.g. a model's state dict)."
        ) from e


def unpack_result(
    result: Any, metric: str | None, context: SegmentContext
) -> tuple[float, dict[str, float], Any]:
    """``(value, metrics, checkpoint)`` from what the training function returned.

    Raises:
        PBTError: Unless ``result`` is ``(metrics, checkpoint)`` with a finite metric to rank
            by (a number, or a dict that holds ``metric``, or exactly one entry).

    Example:
        >>> ctx = SegmentContext(member=0, segment=0, start_step=0, end_step=1, seed=0)
        >>> unpack_result(({"acc": 0.9, "loss": 0.3}, "ckpt"), "acc", ctx)
        (0.9, {'acc': 0.9, 'loss': 0.3}, 'ckpt')
    """
    where = f"member {context.member}, segment {context.segment}"
    if not isinstance(result, tuple) or len(result) != 2:
        shown = repr(result)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        raise PBTTypeError(
            f"The training function must return a tuple (metrics, checkpoint); got {shown} "
            f"({type(result).__name__}) for {where}."
        )
    raw, checkpoint = result
    if isinstance(raw, Mapping):
        metrics = {str(k): _number(k, v, where) for k, v in raw.items()}
        if metric is not None:
            name = metric
            if name not in metrics:
                raise PBTError(
                    f"The training function returned the metrics {sorted(metrics)!r} for "
                    f"{where}, without `metric`={metric!r} of PopulationBasedTraining. Return "
                    "it, or set `metric` to one of them."
                )
        elif len(metrics) == 1:
            name = next(iter(metrics))
        else:
            raise PBTError(
                f"The training function returned the metrics {sorted(metrics)!r} for {where}; "
                "pass `metric=` to PopulationBasedTraining to name the one to rank by."
            )
    else:
        name = metric or "value"
        metrics = {name: _number(name, raw, where)}
    value = metrics[name]
    if not math.isfinite(value):
        raise PBTError(
            f"The training function returned a non-finite metric {name!r} ({value!r}) for "
            f"{where}. Return a finite number (e.g. a large loss when training diverged)."
        )
    return value, metrics, checkpoint


def _number(name: Any, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise PBTTypeError(
            f"The training function returned metric {name!r} = {value!r} "
            f"({type(value).__name__}) for {where}; metrics must be numbers."
        )
    return float(value)


def _delete_checkpoints(
    store: CheckpointStore, recorded: Mapping[tuple[int, int], FrozenTrial], segment: int
) -> None:
    delete = getattr(store, "delete", None)
    if delete is None:
        return
    for (s, _), trial in recorded.items():
        if s == segment:
            delete(trial.system_attrs[CHECKPOINT_KEY])


def _log_generation(
    pbt: PopulationBasedTraining, recorded: Mapping[tuple[int, int], FrozenTrial], segment: int
) -> None:
    values = [t.values[0] for (s, _), t in recorded.items() if s == segment and t.values]
    if values:
        best = max(values) if pbt.direction.name == "MAXIMIZE" else min(values)
        _logger.info(f"PBT segment {segment} done: best {best:.6g} over {len(values)} members.")
