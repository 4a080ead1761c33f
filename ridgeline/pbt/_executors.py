"""Where the segments of a generation run: in the driver, in threads, or in processes.

The driver (see ``_runner.py``) hands an executor the segments of one generation and records
each outcome as soon as the executor yields it; the executor only runs the training function.
A new backend (Ray, a job queue) subclasses :class:`BaseSegmentExecutor` and implements
:meth:`~BaseSegmentExecutor.run`.
"""

from __future__ import annotations

import abc
import os
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ridgeline.pbt._checks import PBTError, PBTTypeError

if TYPE_CHECKING:
    import concurrent.futures as cf

# concurrent.futures and multiprocessing are imported where a pool starts, not at import time:
# `import ridgeline` stays light.

__all__ = [
    "BaseSegmentExecutor",
    "ProcessSegmentExecutor",
    "SegmentContext",
    "SegmentOutcome",
    "SegmentTask",
    "ThreadSegmentExecutor",
    "TrainFunction",
    "make_executor",
]


@dataclass(frozen=True)
class SegmentContext:
    """What the training function knows about the segment it trains.

    Attributes:
        member: The member's id, ``0 .. population_size - 1``.
        segment: The segment (generation) index, from 0.
        start_step: The first step of the segment.
        end_step: The step after the last one: train steps ``start_step .. end_step - 1``.
        seed: A seed for the training function's own randomness (data order, dropout),
            derived from the run's seed, the member and the segment; the same on a resume.
        parent: The number of the trial whose checkpoint this segment starts from; None in
            segment 0.
        exploited: Whether the member copied another member's checkpoint and configuration
            before this segment.

    Example:
        >>> SegmentContext(member=0, segment=2, start_step=200, end_step=300, seed=7).n_steps
        100
    """

    member: int
    segment: int
    start_step: int
    end_step: int
    seed: int
    parent: int | None = None
    exploited: bool = False

    @property
    def n_steps(self) -> int:
        """The number of steps to train: ``end_step - start_step``."""
        return self.end_step - self.start_step


TrainFunction = Callable[[dict[str, Any], Any, SegmentContext], Any]


@dataclass(frozen=True)
class SegmentTask:
    """One segment to run: the configuration, the checkpoint to start from, the context."""

    config: Mapping[str, Any]
    checkpoint: Any
    context: SegmentContext


@dataclass(frozen=True)
class SegmentOutcome:
    """What running a task gave: the training function's return value, or its exception."""

    index: int
    result: Any = None
    error: BaseException | None = None


def run_segment(train: TrainFunction, task: SegmentTask) -> Any:
    """Call the training function on one task (in whichever thread or process runs it)."""
    return train(dict(task.config), task.checkpoint, task.context)


class BaseSegmentExecutor(abc.ABC):
    """Runs the segments of one generation, in parallel where it can.

    The driver calls :meth:`open` once before the first generation (from its own thread),
    :meth:`run` once per generation, and :meth:`close` at the end, also after an error. Use it
    as a context manager. Tasks and the outcomes' results are not mutated by the driver while
    :meth:`run` is in progress.
    """

    def open(self, train: TrainFunction) -> None:
        """Prepare to run ``train`` (start workers, check it can be sent to them)."""

    @abc.abstractmethod
    def run(self, train: TrainFunction, tasks: Sequence[SegmentTask]) -> Iterator[SegmentOutcome]:
        """Run ``train`` on every task; yield each outcome as soon as it is known.

        Every task's outcome must be yielded exactly once, in any order; an exception of the
        training function is yielded as the outcome's ``error``, not raised.
        """

    def close(self) -> None:
        """Release the workers."""

    def __enter__(self) -> BaseSegmentExecutor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _PoolSegmentExecutor(BaseSegmentExecutor):
    def __init__(self, n_jobs: int) -> None:
        self.n_jobs = _check_n_jobs(type(self).__name__, n_jobs)
        self._pool: cf.Executor | None = None

    @abc.abstractmethod
    def _make_pool(self) -> cf.Executor: ...

    def open(self, train: TrainFunction) -> None:
        if self._pool is None:
            self._pool = self._make_pool()

    def run(self, train: TrainFunction, tasks: Sequence[SegmentTask]) -> Iterator[SegmentOutcome]:
        import concurrent.futures as cf

        self.open(train)
        assert self._pool is not None
        futures = {self._pool.submit(run_segment, train, t): i for i, t in enumerate(tasks)}
        try:
            for future in cf.as_completed(futures):
                error = future.exception()
                if error is not None:
                    yield SegmentOutcome(futures[future], error=error)
                else:
                    yield SegmentOutcome(futures[future], result=future.result())
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class ThreadSegmentExecutor(_PoolSegmentExecutor):
    """Runs segments in ``n_jobs`` threads of the driver's process (in the driver itself when
    ``n_jobs`` is 1). Best when training releases the GIL (numpy, scikit-learn, PyTorch).

    Example:
        >>> ThreadSegmentExecutor(n_jobs=2).n_jobs
        2
    """

    def _make_pool(self) -> cf.Executor:
        import concurrent.futures as cf

        return cf.ThreadPoolExecutor(max_workers=self.n_jobs, thread_name_prefix="ridgeline-pbt")

    def run(self, train: TrainFunction, tasks: Sequence[SegmentTask]) -> Iterator[SegmentOutcome]:
        if self.n_jobs > 1:
            yield from super().run(train, tasks)
            return
        for i, task in enumerate(tasks):
            try:
                result = run_segment(train, task)
            except Exception as e:
                yield SegmentOutcome(i, error=e)
            else:
                yield SegmentOutcome(i, result=result)


class ProcessSegmentExecutor(_PoolSegmentExecutor):
    """Runs segments in ``n_jobs`` worker processes, started once per run.

    The training function, each configuration, checkpoint and return value travel to and from
    the workers by pickle: the function must be defined at the top level of a module (not a
    lambda or a nested function), and a script that uses this executor must guard its entry
    point with ``if __name__ == "__main__":``.

    Each worker limits the thread pools of its numeric libraries (BLAS, OpenMP, through
    ``threadpoolctl``) to ``threads_per_worker``, so that ``n_jobs`` workers do not each start
    one thread per CPU: on a two-core machine, the PBT run of ``examples/pbt_digits.py`` in two
    workers took about 16 s with two BLAS threads per worker and 12 s with one.

    Args:
        n_jobs: The number of worker processes (-1: one per CPU).
        mp_context: The multiprocessing start method; ``"spawn"`` (the default) starts clean
            interpreters, safe beside the driver's threads and database connections.
        threads_per_worker: The thread limit in each worker; None: the number of CPUs divided
            by ``n_jobs`` (at least 1).

    Example:
        >>> ProcessSegmentExecutor(n_jobs=2).n_jobs
        2
    """

    def __init__(
        self, n_jobs: int, mp_context: str = "spawn", threads_per_worker: int | None = None
    ) -> None:
        import multiprocessing

        super().__init__(n_jobs)
        methods = multiprocessing.get_all_start_methods()
        if mp_context not in methods:
            raise PBTError(
                f"`mp_context` of ProcessSegmentExecutor must be one of {methods}; "
                f"got {mp_context!r}."
            )
        self.mp_context = mp_context
        if threads_per_worker is None:
            threads_per_worker = max(1, (os.cpu_count() or 1) // self.n_jobs)
        elif isinstance(threads_per_worker, bool) or not isinstance(threads_per_worker, int):
            raise PBTTypeError(
                "`threads_per_worker` of ProcessSegmentExecutor must be None or an int >= 1; "
                f"got {threads_per_worker!r}."
            )
        elif threads_per_worker < 1:
            raise PBTError(
                "`threads_per_worker` of ProcessSegmentExecutor must be None or an int >= 1; "
                f"got {threads_per_worker!r}."
            )
        self.threads_per_worker = threads_per_worker

    def open(self, train: TrainFunction) -> None:
        try:
            pickle.dumps(train)
        except Exception as e:
            raise PBTTypeError(
                f"The training function {train!r} must be picklable to run in processes; "
                f"pickling failed ({type(e).__name__}: {e}). Define it at the top level of a "
                "module (not a lambda, a nested function or a bound method of an unpicklable "
                "object), or use executor='threads'."
            ) from e
        super().open(train)

    def _make_pool(self) -> cf.Executor:
        import concurrent.futures as cf
        import multiprocessing

        context = multiprocessing.get_context(self.mp_context)
        return cf.ProcessPoolExecutor(
            max_workers=self.n_jobs,
            mp_context=context,
            initializer=_limit_threads,
            initargs=(self.threads_per_worker,),
        )


_limits: Any = None  # a worker's thread limit stays in force while this reference lives


def _limit_threads(n_threads: int) -> None:
    """Worker initializer: cap the BLAS and OpenMP thread pools at ``n_threads``."""
    global _limits
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency, but harmless without it
        return
    _limits = threadpool_limits(limits=n_threads)


def _check_n_jobs(owner: str, n_jobs: Any) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or (n_jobs < 1 and n_jobs != -1):
        raise PBTError(f"`n_jobs` of {owner} must be an int >= 1 or -1 (all CPUs); got {n_jobs!r}.")
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


def make_executor(executor: Any, n_jobs: Any) -> BaseSegmentExecutor:
    """The executor that ``executor`` (``"threads"``, ``"processes"`` or an instance) names.

    Example:
        >>> type(make_executor("threads", 2)).__name__
        'ThreadSegmentExecutor'
    """
    if isinstance(executor, BaseSegmentExecutor):
        return executor
    if executor == "threads":
        return ThreadSegmentExecutor(n_jobs)
    if executor == "processes":
        return ProcessSegmentExecutor(n_jobs)
    raise PBTError(
        "`executor` of PopulationBasedTraining.run must be 'threads', 'processes' or a "
        f"BaseSegmentExecutor; got {executor!r}."
    )
