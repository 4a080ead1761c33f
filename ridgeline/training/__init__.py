"""In-objective training helpers: early stopping, learning-rate schedules, batch-size scaling.

What users otherwise write by hand inside an objective, written once and checked:

- :class:`EarlyStopping`: patience-based early stopping on a validation metric.
- Learning-rate schedules as pure functions of the step (no state, so a resumed or re-run
  trial gets the same rates): :func:`constant`, :func:`step_decay`, :func:`exponential_decay`,
  :func:`cosine_annealing`, :func:`linear_decay`, :func:`warmup_cosine`,
  :func:`warmup_linear`, and :func:`lr_schedule` to pick one by the name a trial suggested.
- Batch-size arithmetic: :func:`scale_learning_rate` (linear or square-root scaling rule),
  :func:`effective_batch_size` and :func:`accumulation_steps` for gradient accumulation.

Example:
    >>> from ridgeline.training import EarlyStopping, lr_schedule
    >>> schedule = lr_schedule("warmup_cosine", base_lr=0.1, warmup_steps=2, total_steps=10)
    >>> [round(schedule(step), 4) for step in (0, 1, 2, 6, 10, 50)]
    [0.0, 0.05, 0.1, 0.05, 0.0, 0.0]
    >>> stopper = EarlyStopping(patience=2)
    >>> [stopper.step(loss) for loss in (1.0, 0.8, 0.9, 0.85, 0.7)]
    [False, False, False, True, False]
"""

from ridgeline.training._batch import accumulation_steps, effective_batch_size, scale_learning_rate
from ridgeline.training._checks import TrainingArgumentError, TrainingTypeError
from ridgeline.training._early_stopping import EarlyStopping
from ridgeline.training._schedules import (
    SCHEDULE_NAMES,
    constant,
    cosine_annealing,
    exponential_decay,
    linear_decay,
    lr_schedule,
    step_decay,
    warmup_cosine,
    warmup_linear,
)

__all__ = [
    "EarlyStopping",
    "SCHEDULE_NAMES",
    "TrainingArgumentError",
    "TrainingTypeError",
    "accumulation_steps",
    "constant",
    "cosine_annealing",
    "effective_batch_size",
    "exponential_decay",
    "linear_decay",
    "lr_schedule",
    "scale_learning_rate",
    "step_decay",
    "warmup_cosine",
    "warmup_linear",
]
