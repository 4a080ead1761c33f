"""Batch-size arithmetic: the learning-rate scaling rules and gradient accumulation."""

from __future__ import annotations

import math

from ridgeline.training._checks import TrainingArgumentError, _base_lr, _int

__all__ = ["accumulation_steps", "effective_batch_size", "scale_learning_rate"]

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
