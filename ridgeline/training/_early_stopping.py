"""Patience-based early stopping on a validation metric."""

from __future__ import annotations

import math

from ridgeline.study._study_direction import StudyDirection
from ridgeline.training._checks import TrainingArgumentError, TrainingTypeError, _int, _real

__all__ = ["EarlyStopping"]

# ---------------------------------------------------------------------------- early stopping
_MODES = {
    "min": "min",
    "minimize": "min",
    "max": "max",
    "maximize": "max",
    StudyDirection.MINIMIZE: "min",
    StudyDirection.MAXIMIZE: "max",
}


class EarlyStopping:
    """Patience-based early stopping: stop when a metric has not improved for a while.

    Call :meth:`step` once per evaluation (an epoch, say) with the validation metric. A value
    is an improvement when it beats the best value so far by more than ``min_delta`` (below
    ``best - min_delta`` in ``"min"`` mode, above ``best + min_delta`` in ``"max"`` mode; the
    first number is always one). :meth:`step` returns True once ``patience`` evaluations in a
    row brought no improvement. A NaN value is never an improvement (a diverged run counts
    towards the patience, it does not reset it), and it never becomes the best value.

    The helper only counts: it keeps going if called after returning True (an improvement
    then resets the count), and it does not talk to the trial. Inside an objective it sits
    beside ``trial.report``/``trial.should_prune`` (the pruner compares trials; early
    stopping watches one trial's own progress).

    Args:
        patience: Evaluations in a row without improvement that stop training (an int >= 1).
        min_delta: How much a value must beat the best one by to count as an improvement
            (a finite number >= 0).
        mode: ``"min"`` (or ``"minimize"``) when lower is better, ``"max"`` (or
            ``"maximize"``) when higher is better; a :class:`~ridgeline.study.StudyDirection`
            works too, e.g. ``mode=study.direction``.

    Raises:
        TrainingArgumentError: If an argument is out of range (a ``ValueError``; also a
            ``TypeError`` when not a number).

    Example:
        >>> import ridgeline
        >>> def objective(trial):
        ...     lr = trial.suggest_float("lr", 0.01, 0.5)
        ...     stopper = EarlyStopping(patience=3, mode="max")
        ...     accuracy = 0.5
        ...     for epoch in range(100):
        ...         accuracy = min(0.9, accuracy + lr * 0.1)  # stand-in for train + validate
        ...         trial.report(accuracy, epoch)
        ...         if stopper.step(accuracy):
        ...             break
        ...     return stopper.best
        >>> study = ridgeline.create_study(direction="maximize")
        >>> study.optimize(objective, n_trials=3)
        >>> round(study.best_value, 3)
        0.9
    """

    def __init__(self, patience: int, min_delta: float = 0.0, mode: str = "min") -> None:
        owner = "EarlyStopping"
        self._patience = _int(owner, "patience", patience, 1)
        self._min_delta = _real(
            owner, "min_delta", min_delta, "a finite number >= 0", lambda v: v >= 0
        )
        normalized = _MODES.get(mode) if isinstance(mode, (str, StudyDirection)) else None
        if normalized is None:
            raise TrainingArgumentError(
                f"`mode` of {owner} must be 'min' or 'max' (or 'minimize', 'maximize', a "
                f"StudyDirection); got {mode!r}."
            )
        self._mode = normalized
        self.reset()

    def reset(self) -> None:
        """Forget every value seen (for a new training run with the same settings)."""
        self._best: float | None = None
        self._best_step: int | None = None
        self._n_steps = 0
        self._n_bad_steps = 0

    def step(self, value: float) -> bool:
        """Record one evaluation's value; whether training should stop now.

        Args:
            value: The metric (a real number, or anything ``float()`` accepts such as a
                numpy scalar or a one-element tensor; NaN counts as no improvement).

        Returns:
            True when the last ``patience`` values brought no improvement.

        Raises:
            TrainingArgumentError: If ``value`` is not a number (also a ``TypeError``).
        """
        if isinstance(value, (bool, str, bytes)) or not hasattr(value, "__float__"):
            raise TrainingTypeError(
                f"`value` of EarlyStopping.step() must be a number; got {value!r}."
            )
        current = float(value)
        if self._improves(current):
            self._best = current
            self._best_step = self._n_steps
            self._n_bad_steps = 0
        else:
            self._n_bad_steps += 1
        self._n_steps += 1
        return self.should_stop

    def _improves(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if self._best is None:
            return True
        if self._mode == "min":
            return value < self._best - self._min_delta
        return value > self._best + self._min_delta

    @property
    def best(self) -> float | None:
        """The best value so far (None before the first number)."""
        return self._best

    @property
    def best_step(self) -> int | None:
        """How many :meth:`step` calls came before the best value (0 for the first call)."""
        return self._best_step

    @property
    def n_steps(self) -> int:
        """The number of :meth:`step` calls since creation or :meth:`reset`."""
        return self._n_steps

    @property
    def n_bad_steps(self) -> int:
        """Calls in a row, up to the last one, that brought no improvement."""
        return self._n_bad_steps

    @property
    def should_stop(self) -> bool:
        """Whether the last ``patience`` calls brought no improvement."""
        return self._n_bad_steps >= self._patience

    @property
    def patience(self) -> int:
        return self._patience

    @property
    def min_delta(self) -> float:
        return self._min_delta

    @property
    def mode(self) -> str:
        """``"min"`` or ``"max"``."""
        return self._mode

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self._patience}, min_delta={self._min_delta!r}, "
            f"mode={self._mode!r})"
        )
