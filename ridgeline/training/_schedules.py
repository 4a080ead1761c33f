"""Learning-rate schedules as pure functions of the step, and lr_schedule to pick one by name."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from ridgeline.training._checks import (
    TrainingArgumentError,
    TrainingTypeError,
    _base_lr,
    _gamma,
    _int,
    _is_int,
    _min_lr,
    _real,
    _step,
)

__all__ = [
    "SCHEDULE_NAMES",
    "constant",
    "cosine_annealing",
    "exponential_decay",
    "linear_decay",
    "lr_schedule",
    "step_decay",
    "warmup_cosine",
    "warmup_linear",
]

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
