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

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable
from typing import Any

from ridgeline.exceptions import RidgelineError
from ridgeline.study._study_direction import StudyDirection

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


class TrainingArgumentError(RidgelineError, ValueError):
    """A training helper was given an argument outside what it accepts."""


class TrainingTypeError(TrainingArgumentError, TypeError):
    """A training helper was given an argument of the wrong kind (also a ``ValueError``)."""


# ---------------------------------------------------------------------------- argument checks
def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _int(owner: str, name: str, value: Any, minimum: int) -> int:
    message = f"`{name}` of {owner} must be an int >= {minimum}; got {value!r}."
    if not _is_int(value):
        raise TrainingTypeError(message)
    if value < minimum:
        raise TrainingArgumentError(message)
    return int(value)


def _real(owner: str, name: str, value: Any, constraint: str, ok: Callable[[float], bool]) -> float:
    """``value`` as a float, if it is a finite real number for which ``ok`` holds."""
    message = f"`{name}` of {owner} must be {constraint}; got {value!r}."
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TrainingTypeError(message)
    result = float(value)
    if not math.isfinite(result) or not ok(result):
        raise TrainingArgumentError(message)
    return result


def _base_lr(owner: str, base_lr: Any) -> float:
    return _real(owner, "base_lr", base_lr, "a finite number > 0", lambda v: v > 0)


def _min_lr(owner: str, min_lr: Any, base_lr: float) -> float:
    return _real(
        owner,
        "min_lr",
        min_lr,
        f"a number in [0, base_lr] = [0, {base_lr!r}] (the rate the schedule decays to)",
        lambda v: 0 <= v <= base_lr,
    )


def _gamma(owner: str, gamma: Any) -> float:
    return _real(
        owner,
        "gamma",
        gamma,
        "a number in (0, 1] (the factor applied at each decay: 0.1 divides the rate by ten)",
        lambda v: 0 < v <= 1,
    )


def _step(owner: str, step: Any) -> int:
    return _int(owner, "step", step, 0)


# ---------------------------------------------------------------------------- schedule cores
# The cores take checked arguments. Each decay returns exactly ``base_lr`` at its start and
# exactly ``min_lr`` from its end on, and stays inside [min_lr, base_lr] in between (clamped,
# so rounding never steps outside).


def _constant(step: int, base_lr: float) -> float:
    return base_lr


def _step_decay(step: int, base_lr: float, step_size: int, gamma: float, min_lr: float) -> float:
    return max(min_lr, base_lr * gamma ** (step // step_size))


def _exponential(step: int, base_lr: float, gamma: float, min_lr: float) -> float:
    return max(min_lr, base_lr * gamma**step)


def _cosine_fraction(progress: float) -> float:
    # Loshchilov & Hutter 2017 (SGDR), eq. 5 without restarts: the share of (base - min) lost.
    return 0.5 * (1.0 - math.cos(math.pi * progress))


def _decay(step: int, base_lr: float, total: int, min_lr: float, cosine: bool) -> float:
    if step >= total:
        return min_lr
    progress = step / total
    lost = _cosine_fraction(progress) if cosine else progress
    return min(base_lr, max(min_lr, base_lr - (base_lr - min_lr) * lost))


def _cosine(step: int, base_lr: float, total_steps: int, min_lr: float) -> float:
    return _decay(step, base_lr, total_steps, min_lr, cosine=True)


def _linear(step: int, base_lr: float, total_steps: int, min_lr: float) -> float:
    return _decay(step, base_lr, total_steps, min_lr, cosine=False)


def _warmup(
    step: int, base_lr: float, warmup: int, total: int, min_lr: float, start: float, cosine: bool
) -> float:
    if step < warmup:
        # Linear warm-up from start * base_lr (Goyal et al. 2017, section 2.2, "gradual warmup").
        return min(base_lr, base_lr * (start + (1.0 - start) * (step / warmup)))
    return _decay(step - warmup, base_lr, total - warmup, min_lr, cosine)


def _warmup_cosine(
    step: int, base_lr: float, warmup: int, total: int, min_lr: float, start: float
) -> float:
    return _warmup(step, base_lr, warmup, total, min_lr, start, cosine=True)


def _warmup_linear(
    step: int, base_lr: float, warmup: int, total: int, min_lr: float, start: float
) -> float:
    return _warmup(step, base_lr, warmup, total, min_lr, start, cosine=False)


# ---------------------------------------------------------------------------- schedule params
def _constant_params(owner: str, *, base_lr: Any) -> tuple[Any, ...]:
    return (_base_lr(owner, base_lr),)


def _step_params(
    owner: str, *, base_lr: Any, step_size: Any, gamma: Any = 0.1, min_lr: Any = 0.0
) -> tuple[Any, ...]:
    lr = _base_lr(owner, base_lr)
    size = _int(owner, "step_size", step_size, 1)
    return lr, size, _gamma(owner, gamma), _min_lr(owner, min_lr, lr)


def _exponential_params(
    owner: str, *, base_lr: Any, gamma: Any, min_lr: Any = 0.0
) -> tuple[Any, ...]:
    lr = _base_lr(owner, base_lr)
    return lr, _gamma(owner, gamma), _min_lr(owner, min_lr, lr)


def _decay_params(
    owner: str, *, base_lr: Any, total_steps: Any, min_lr: Any = 0.0
) -> tuple[Any, ...]:
    lr = _base_lr(owner, base_lr)
    total = _int(owner, "total_steps", total_steps, 1)
    return lr, total, _min_lr(owner, min_lr, lr)


def _warmup_params(
    owner: str,
    *,
    base_lr: Any,
    warmup_steps: Any,
    total_steps: Any,
    min_lr: Any = 0.0,
    warmup_start_factor: Any = 0.0,
) -> tuple[Any, ...]:
    lr = _base_lr(owner, base_lr)
    total = _int(owner, "total_steps", total_steps, 1)
    message = (
        f"`warmup_steps` of {owner} must be an int in [0, total_steps) = [0, {total}) "
        f"(the decay after the warm-up needs at least one step); got {warmup_steps!r}."
    )
    if not _is_int(warmup_steps):
        raise TrainingTypeError(message)
    if not 0 <= warmup_steps < total:
        raise TrainingArgumentError(message)
    start = _real(
        owner,
        "warmup_start_factor",
        warmup_start_factor,
        "a number in [0, 1] (the warm-up starts at warmup_start_factor * base_lr)",
        lambda v: 0 <= v <= 1,
    )
    return lr, int(warmup_steps), total, _min_lr(owner, min_lr, lr), start


# ---------------------------------------------------------------------------- public schedules
def constant(step: int, *, base_lr: float) -> float:
    """The same learning rate at every step.

    Args:
        step: The step (an int >= 0); it does not change the result.
        base_lr: The learning rate (> 0).

    Returns:
        ``base_lr``.

    Raises:
        TrainingArgumentError: If an argument is out of range (a ``ValueError``; also a
            ``TypeError`` when not a number).

    Example:
        >>> constant(100, base_lr=0.01)
        0.01
    """
    owner = "constant()"
    return _constant(_step(owner, step), *_constant_params(owner, base_lr=base_lr))


def step_decay(
    step: int, *, base_lr: float, step_size: int, gamma: float = 0.1, min_lr: float = 0.0
) -> float:
    """Multiply the rate by ``gamma`` every ``step_size`` steps (PyTorch's ``StepLR``).

    ``base_lr * gamma ** (step // step_size)``, never below ``min_lr``.

    Args:
        step: The step (an int >= 0).
        base_lr: The rate for the first ``step_size`` steps (> 0).
        step_size: Steps between two decays (an int >= 1).
        gamma: The factor of each decay, in (0, 1].
        min_lr: A floor for the rate, in [0, base_lr].

    Returns:
        The learning rate at ``step``.

    Raises:
        TrainingArgumentError: If an argument is out of range (a ``ValueError``; also a
            ``TypeError`` when not a number).

    Example:
        >>> [step_decay(s, base_lr=1.0, step_size=10, gamma=0.5) for s in (0, 9, 10, 25)]
        [1.0, 1.0, 0.5, 0.25]
    """
    owner = "step_decay()"
    params = _step_params(owner, base_lr=base_lr, step_size=step_size, gamma=gamma, min_lr=min_lr)
    return _step_decay(_step(owner, step), *params)


def exponential_decay(step: int, *, base_lr: float, gamma: float, min_lr: float = 0.0) -> float:
    """Multiply the rate by ``gamma`` at every step: ``base_lr * gamma ** step``, never below
    ``min_lr`` (PyTorch's ``ExponentialLR`` with a floor).

    Args:
        step: The step (an int >= 0).
        base_lr: The rate at step 0 (> 0).
        gamma: The factor per step, in (0, 1].
        min_lr: A floor for the rate, in [0, base_lr].

    Returns:
        The learning rate at ``step``.

    Raises:
        TrainingArgumentError: If an argument is out of range (a ``ValueError``; also a
            ``TypeError`` when not a number).

    Example:
        >>> exponential_decay(2, base_lr=1.0, gamma=0.5)
        0.25
        >>> exponential_decay(10, base_lr=1.0, gamma=0.5, min_lr=0.01)
        0.01
    """
    owner = "exponential_decay()"
    params = _exponential_params(owner, base_lr=base_lr, gamma=gamma, min_lr=min_lr)
    return _exponential(_step(owner, step), *params)


def cosine_annealing(step: int, *, base_lr: float, total_steps: int, min_lr: float = 0.0) -> float:
    """Cosine annealing from ``base_lr`` at step 0 to ``min_lr`` at ``total_steps``.

    ``min_lr + (base_lr - min_lr) * (1 + cos(pi * step / total_steps)) / 2`` (Loshchilov &
    Hutter 2017, "SGDR", eq. 5, without restarts); steps past ``total_steps`` stay at
    ``min_lr``.

    Args:
        step: The step (an int >= 0).
        base_lr: The rate at step 0 (> 0).
        total_steps: The step at which the rate reaches ``min_lr`` (an int >= 1).
        min_lr: The final rate, in [0, base_lr].

    Returns:
        The learning rate at ``step``.

    Raises:
        TrainingArgumentError: If an argument is out of range (a ``ValueError``; also a
            ``TypeError`` when not a number).

    Example:
        >>> [cosine_annealing(s, base_lr=1.0, total_steps=4) for s in (0, 2, 4, 9)]
        [1.0, 0.5, 0.0, 0.0]
    """
    owner = "cosine_annealing()"
    params = _decay_params(owner, base_lr=base_lr, total_steps=total_steps, min_lr=min_lr)
    return _cosine(_step(owner, step), *params)


def linear_decay(step: int, *, base_lr: float, total_steps: int, min_lr: float = 0.0) -> float:
    """Linear decay from ``base_lr`` at step 0 to ``min_lr`` at ``total_steps`` (and after).

    Args:
        step: The step (an int >= 0).
        base_lr: The rate at step 0 (> 0).
        total_steps: The step at which the rate reaches ``min_lr`` (an int >= 1).
        min_lr: The final rate, in [0, base_lr].

    Returns:
        The learning rate at ``step``.

    Raises:
        TrainingArgumentError: If an argument is out of range (a ``ValueError``; also a
            ``TypeError`` when not a number).

    Example:
        >>> [linear_decay(s, base_lr=1.0, total_steps=4) for s in (0, 1, 4, 9)]
        [1.0, 0.75, 0.0, 0.0]
    """
    owner = "linear_decay()"
    params = _decay_params(owner, base_lr=base_lr, total_steps=total_steps, min_lr=min_lr)
    return _linear(_step(owner, step), *params)


def warmup_cosine(
    step: int,
    *,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    min_lr: float = 0.0,
    warmup_start_factor: float = 0.0,
) -> float:
    """Linear warm-up to ``base_lr``, then cosine annealing to ``min_lr``.

    During the first ``warmup_steps`` steps the rate rises linearly from
    ``warmup_start_factor * base_lr`` (0 by default, as in the usual
    ``base_lr * step / warmup_steps``) and reaches ``base_lr`` at ``step == warmup_steps``;
    from there it follows :func:`cosine_annealing` over the remaining
    ``total_steps - warmup_steps`` steps, and stays at ``min_lr`` past ``total_steps``.

    Args:
        step: The step (an int >= 0).
        base_lr: The peak rate, reached at the end of the warm-up (> 0).
        warmup_steps: Length of the warm-up, an int in ``[0, total_steps)``.
        total_steps: The step at which the rate reaches ``min_lr`` (an int >= 1).
        min_lr: The final rate, in [0, base_lr].
        warmup_start_factor: The warm-up starts at this fraction of ``base_lr``, in [0, 1].

    Returns:
        The learning rate at ``step``.

    Raises:
        TrainingArgumentError: If an argument is out of range (a ``ValueError``; also a
            ``TypeError`` when not a number).

    Example:
        >>> [warmup_cosine(s, base_lr=1.0, warmup_steps=2, total_steps=6) for s in range(7)]
        [0.0, 0.5, 1.0, 0.8535533905932737, 0.5, 0.14644660940672627, 0.0]
    """
    owner = "warmup_cosine()"
    params = _warmup_params(
        owner,
        base_lr=base_lr,
        warmup_steps=warmup_steps,
        total_steps=total_steps,
        min_lr=min_lr,
        warmup_start_factor=warmup_start_factor,
    )
    return _warmup_cosine(_step(owner, step), *params)


def warmup_linear(
    step: int,
    *,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    min_lr: float = 0.0,
    warmup_start_factor: float = 0.0,
) -> float:
    """Linear warm-up to ``base_lr``, then linear decay to ``min_lr`` (the usual schedule for
    fine-tuning transformers).

    As :func:`warmup_cosine`, with :func:`linear_decay` after the warm-up.

    Args:
        step: The step (an int >= 0).
        base_lr: The peak rate, reached at the end of the warm-up (> 0).
        warmup_steps: Length of the warm-up, an int in ``[0, total_steps)``.
        total_steps: The step at which the rate reaches ``min_lr`` (an int >= 1).
        min_lr: The final rate, in [0, base_lr].
        warmup_start_factor: The warm-up starts at this fraction of ``base_lr``, in [0, 1].

    Returns:
        The learning rate at ``step``.

    Raises:
        TrainingArgumentError: If an argument is out of range (a ``ValueError``; also a
            ``TypeError`` when not a number).

    Example:
        >>> [warmup_linear(s, base_lr=1.0, warmup_steps=2, total_steps=6) for s in range(7)]
        [0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0]
    """
    owner = "warmup_linear()"
    params = _warmup_params(
        owner,
        base_lr=base_lr,
        warmup_steps=warmup_steps,
        total_steps=total_steps,
        min_lr=min_lr,
        warmup_start_factor=warmup_start_factor,
    )
    return _warmup_linear(_step(owner, step), *params)


# name -> (the public function, for its keyword arguments; the checker; the core)
_SCHEDULES: dict[str, tuple[Callable[..., float], Callable[..., tuple[Any, ...]], Any]] = {
    "constant": (constant, _constant_params, _constant),
    "step": (step_decay, _step_params, _step_decay),
    "exponential": (exponential_decay, _exponential_params, _exponential),
    "cosine": (cosine_annealing, _decay_params, _cosine),
    "linear": (linear_decay, _decay_params, _linear),
    "warmup_cosine": (warmup_cosine, _warmup_params, _warmup_cosine),
    "warmup_linear": (warmup_linear, _warmup_params, _warmup_linear),
}

#: The schedule names :func:`lr_schedule` accepts.
SCHEDULE_NAMES: tuple[str, ...] = tuple(_SCHEDULES)

_STATEFUL_HINTS = {
    "plateau": "'plateau' lowers the rate when a validation metric stalls, so it depends on "
    "the metric, not the step: use your framework's ReduceLROnPlateau (or EarlyStopping).",
}


class _Schedule:
    """A learning-rate schedule bound to its arguments: ``schedule(step) -> float``."""

    __slots__ = ("_core", "_kwargs", "_name", "_owner", "_params")

    def __init__(
        self,
        name: str,
        kwargs: dict[str, Any],
        core: Callable[..., float],
        params: tuple[Any, ...],
    ) -> None:
        self._name = name
        self._kwargs = kwargs
        self._core = core
        self._params = params
        self._owner = f"lr_schedule({name!r})"

    def __call__(self, step: int) -> float:
        return float(self._core(_step(self._owner, step), *self._params))

    def __getstate__(self) -> tuple[str, dict[str, Any]]:
        return self._name, self._kwargs

    def __setstate__(self, state: tuple[str, dict[str, Any]]) -> None:
        rebuilt = lr_schedule(state[0], **state[1])
        for slot in self.__slots__:
            setattr(self, slot, getattr(rebuilt, slot))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self._kwargs.items())
        return f"lr_schedule({self._name!r}{args})"


def lr_schedule(name: str, **kwargs: Any) -> Callable[[int], float]:
    """The schedule called ``name`` as a function of the step, its arguments checked once.

    The names are those a search space usually suggests, each mapped to a function of this
    module, whose keyword arguments (all but ``step``) it takes:

    ======================  ==========================
    ``"constant"``          :func:`constant`
    ``"step"``              :func:`step_decay`
    ``"exponential"``       :func:`exponential_decay`
    ``"cosine"``            :func:`cosine_annealing`
    ``"linear"``            :func:`linear_decay`
    ``"warmup_cosine"``     :func:`warmup_cosine`
    ``"warmup_linear"``     :func:`warmup_linear`
    ======================  ==========================

    The warm-up schedules also accept ``warmup_ratio`` (in [0, 1)) instead of
    ``warmup_steps``: ``warmup_steps = ceil(warmup_ratio * total_steps)``.

    The result is a plain callable (it pickles, and its ``repr`` shows the arguments), so it
    can be handed to ``torch.optim.lr_scheduler.LambdaLR`` as ``lambda s: f(s) / base_lr``.

    Args:
        name: One of :data:`SCHEDULE_NAMES`.
        **kwargs: The keyword arguments of the schedule's function.

    Returns:
        ``schedule(step) -> float``, the learning rate at ``step`` (an int >= 0).

    Raises:
        TrainingArgumentError: If ``name`` is unknown, an argument is missing, unknown or out
            of range (a ``ValueError``; also a ``TypeError`` when not a number).

    Example:
        >>> schedule = lr_schedule("cosine", base_lr=0.1, total_steps=100, min_lr=0.001)
        >>> schedule(0), schedule(100)
        (0.1, 0.001)
        >>> schedule
        lr_schedule('cosine', base_lr=0.1, total_steps=100, min_lr=0.001)
        >>> warm = lr_schedule("warmup_linear", base_lr=1.0, warmup_ratio=0.1, total_steps=50)
        >>> warm(5)
        1.0
    """
    if not isinstance(name, str) or name not in _SCHEDULES:
        hint = _STATEFUL_HINTS.get(name, "") if isinstance(name, str) else ""
        raise TrainingArgumentError(
            f"`name` of lr_schedule() must be one of {', '.join(map(repr, SCHEDULE_NAMES))}; "
            f"got {name!r}.{' ' + hint if hint else ''}"
        )
    function, check, core = _SCHEDULES[name]
    owner = f"lr_schedule({name!r})"
    checked = dict(kwargs)
    if "warmup_steps" in inspect.signature(check).parameters:
        _warmup_ratio_to_steps(owner, checked)
    accepted = [p for p in inspect.signature(check).parameters.values() if p.name != "owner"]
    names = [p.name for p in accepted]
    unknown = [k for k in checked if k not in names]
    if unknown:
        warmup = {"warmup_steps", "warmup_ratio", "warmup_start_factor"} & set(unknown)
        hint = ""
        if warmup and name in ("cosine", "linear"):
            hint = f" For a warm-up, use 'warmup_{name}'."
        raise TrainingArgumentError(
            f"{owner} got unknown argument(s) {', '.join(map(repr, unknown))}; "
            f"{function.__name__}() accepts {', '.join(names)}.{hint}"
        )
    missing = [p.name for p in accepted if p.default is p.empty and p.name not in checked]
    if missing:
        raise TrainingArgumentError(
            f"{owner} needs the argument(s) {', '.join(missing)} (see {function.__name__}())."
        )
    return _Schedule(name, dict(kwargs), core, check(owner, **checked))


def _warmup_ratio_to_steps(owner: str, kwargs: dict[str, Any]) -> None:
    """Replace ``warmup_ratio`` in ``kwargs`` by the ``warmup_steps`` it stands for."""
    if "warmup_ratio" not in kwargs:
        return
    ratio = kwargs.pop("warmup_ratio")
    if "warmup_steps" in kwargs:
        raise TrainingArgumentError(
            f"{owner} got both `warmup_steps` and `warmup_ratio`; pass only one of them."
        )
    if "total_steps" not in kwargs:
        raise TrainingArgumentError(f"{owner} needs `total_steps` to apply `warmup_ratio`.")
    total = _int(owner, "total_steps", kwargs["total_steps"], 1)
    value = _real(owner, "warmup_ratio", ratio, "a number in [0, 1)", lambda v: 0 <= v < 1)
    steps = math.ceil(value * total)
    if steps >= total:
        raise TrainingArgumentError(
            f"`warmup_ratio` of {owner} leaves no step for the decay: ceil({value!r} * "
            f"{total}) = {steps} warm-up steps of {total}; use a smaller ratio or more "
            "total_steps."
        )
    kwargs["warmup_steps"] = steps


# ---------------------------------------------------------------------------- batch size
_RULES = ("linear", "sqrt")


def scale_learning_rate(
    base_lr: float, base_batch_size: int, batch_size: int, rule: str = "linear"
) -> float:
    """The learning rate for ``batch_size``, given one tuned for ``base_batch_size``.

    - ``"linear"``: ``base_lr * batch_size / base_batch_size``, the linear scaling rule
      (Goyal et al. 2017, "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour",
      section 2.1): when the batch grows ``k`` times, multiply the rate by ``k``. It is
      usually combined with a warm-up (:func:`warmup_cosine`, :func:`warmup_linear`).
    - ``"sqrt"``: ``base_lr * sqrt(batch_size / base_batch_size)``, the square-root rule
      (Krizhevsky 2014, "One weird trick for parallelizing convolutional neural networks";
      Hoffer et al. 2017, "Train longer, generalize better"), which keeps the variance of
      the update constant; common with adaptive optimizers such as Adam.

    Args:
        base_lr: The rate tuned for ``base_batch_size`` (> 0).
        base_batch_size: The batch size ``base_lr`` was tuned for (an int >= 1).
        batch_size: The batch size to scale to (an int >= 1).
        rule: ``"linear"`` or ``"sqrt"``.

    Returns:
        The scaled learning rate.

    Raises:
        TrainingArgumentError: If an argument is out of range or ``rule`` is unknown (a
            ``ValueError``; also a ``TypeError`` when not a number).

    Example:
        >>> scale_learning_rate(1e-4, 32, 256)
        0.0008
        >>> scale_learning_rate(1e-4, 32, 128, rule="sqrt")
        0.0002
    """
    owner = "scale_learning_rate()"
    lr = _base_lr(owner, base_lr)
    base = _int(owner, "base_batch_size", base_batch_size, 1)
    size = _int(owner, "batch_size", batch_size, 1)
    if rule == "linear":
        return lr * size / base
    if rule == "sqrt":
        return lr * math.sqrt(size / base)
    raise TrainingArgumentError(
        f"`rule` of {owner} must be one of {', '.join(map(repr, _RULES))}; got {rule!r}."
    )


def effective_batch_size(
    micro_batch_size: int, accumulation_steps: int = 1, n_devices: int = 1
) -> int:
    """The number of examples behind one optimizer update with gradient accumulation.

    ``micro_batch_size * accumulation_steps * n_devices``: each of ``n_devices`` data-parallel
    workers runs ``accumulation_steps`` forward/backward passes of ``micro_batch_size``
    examples before the update. Scale the learning rate to this size (or keep the rate of the
    same effective batch), not to the micro-batch.

    Args:
        micro_batch_size: Examples per forward/backward pass on one device (an int >= 1).
        accumulation_steps: Passes accumulated per update (an int >= 1).
        n_devices: Data-parallel devices (an int >= 1).

    Returns:
        The effective batch size.

    Raises:
        TrainingArgumentError: If an argument is not an int >= 1 (a ``ValueError``; also a
            ``TypeError`` when not an int).

    Example:
        >>> effective_batch_size(8, accumulation_steps=4, n_devices=2)
        64
    """
    owner = "effective_batch_size()"
    return (
        _int(owner, "micro_batch_size", micro_batch_size, 1)
        * _int(owner, "accumulation_steps", accumulation_steps, 1)
        * _int(owner, "n_devices", n_devices, 1)
    )


def accumulation_steps(target_batch_size: int, micro_batch_size: int, n_devices: int = 1) -> int:
    """The gradient-accumulation steps that make ``target_batch_size`` the effective batch.

    Args:
        target_batch_size: The effective batch size wanted (an int >= 1), a multiple of
            ``micro_batch_size * n_devices``.
        micro_batch_size: Examples per forward/backward pass on one device (an int >= 1).
        n_devices: Data-parallel devices (an int >= 1).

    Returns:
        ``target_batch_size // (micro_batch_size * n_devices)``.

    Raises:
        TrainingArgumentError: If an argument is not an int >= 1, or the target is not a
            multiple of ``micro_batch_size * n_devices`` (the message names the nearest
            targets that are).

    Example:
        >>> accumulation_steps(256, micro_batch_size=32, n_devices=2)
        4
    """
    owner = "accumulation_steps()"
    target = _int(owner, "target_batch_size", target_batch_size, 1)
    micro = _int(owner, "micro_batch_size", micro_batch_size, 1)
    devices = _int(owner, "n_devices", n_devices, 1)
    per_pass = micro * devices
    steps, remainder = divmod(target, per_pass)
    if remainder == 0:
        return steps
    options = [f"{k * per_pass} (accumulation_steps={k})" for k in (steps, steps + 1) if k >= 1]
    raise TrainingArgumentError(
        f"`target_batch_size` of {owner} must be a multiple of micro_batch_size * n_devices "
        f"= {micro} * {devices} = {per_pass}; got {target}. The nearest valid "
        f"{'targets are' if len(options) > 1 else 'target is'} {' and '.join(options)}; or "
        "pick a micro_batch_size that divides it."
    )


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
