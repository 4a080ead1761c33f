from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial._frozen import FrozenTrial
from ridgeline.trial._state import TrialState

if TYPE_CHECKING:
    from ridgeline.study._study import Study

__all__ = ["ProgressBar"]


class ProgressBar:
    """A tqdm bar over trials (or seconds, when only a timeout is given) with the best value.

    The best value is tracked incrementally from the trials this run finishes, so updating the
    bar never re-reads the study.
    """

    def __init__(
        self, study: Study, enabled: bool, n_trials: int | None, timeout: float | None
    ) -> None:
        self._bar: Any = None
        self._lock = threading.Lock()
        self._single = len(study.directions) == 1
        self._maximize = self._single and study.directions[0] == StudyDirection.MAXIMIZE
        self._best: tuple[int, float] | None = None
        self._timeout = timeout if n_trials is None else None
        self._start = time.monotonic()
        if not enabled:
            return
        from tqdm.auto import tqdm

        if self._single:
            try:
                bt = study.best_trial
                assert bt.value is not None
                self._best = (bt.number, bt.value)
            except ValueError:
                pass
        if n_trials is not None:
            self._bar = tqdm(total=n_trials, unit="trial")
        elif timeout is not None:
            self._bar = tqdm(total=timeout, unit="s", bar_format="{l_bar}{bar}| {n:.0f}/{total} s")
        else:
            self._bar = tqdm(unit="trial")
        self._show()

    def update(self, trial: FrozenTrial) -> None:
        if self._bar is None:
            return
        with self._lock:
            if self._single and trial.state == TrialState.COMPLETE and trial.values:
                v = trial.values[0]
                if self._best is None or (
                    v > self._best[1] if self._maximize else v < self._best[1]
                ):
                    self._best = (trial.number, v)
            if self._timeout is not None:
                elapsed = min(time.monotonic() - self._start, self._timeout)
                self._bar.update(elapsed - self._bar.n)
            else:
                self._bar.update(1)
            self._show()

    def _show(self) -> None:
        if self._best is not None:
            number, value = self._best
            self._bar.set_description(f"Best trial: {number}. Best value: {value:.6g}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
