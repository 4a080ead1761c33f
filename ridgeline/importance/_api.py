"""``get_param_importances``: the one entry point, whatever the evaluator."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from ridgeline.importance._base import BaseImportanceEvaluator
from ridgeline.importance._data import ImportanceError, ImportanceTypeError, check_request
from ridgeline.importance._ped_anova import PedAnovaImportanceEvaluator

if TYPE_CHECKING:
    from ridgeline.study import Study
    from ridgeline.trial import FrozenTrial

__all__ = ["get_param_importances"]


def get_param_importances(
    study: Study,
    *,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    target: Callable[[FrozenTrial], float] | None = None,
    normalize: bool = True,
) -> dict[str, float]:
    """How much each parameter matters to the objective, most important first.

    Only COMPLETE trials are used. Conditional parameters: by default the parameters are
    those present (with the same distribution) in every COMPLETE trial, so a parameter that
    only some trials have is left out; name it in ``params`` to include it, and then only the
    trials that have every parameter in ``params`` are used. A parameter that took one value in
    every used trial has importance 0.

    The default evaluator is :class:`PedAnovaImportanceEvaluator`, chosen by measurement
    (``benchmarks/importance.py``; figures in ``benchmarks/RESULTS.md``). On three functions
    with known main-effect variances (additive, with an interaction, and mixed categorical /
    log / int parameters), at 1,000 and 10,000 random trials, :class:`FanovaImportanceEvaluator`
    ranked every parameter right (Spearman 1.00) and PED-ANOVA ranked the most important one
    first everywhere, erring only in the order of the nearly irrelevant ones (Spearman 0.88 to
    1.00); but at 10,000 trials PED-ANOVA took 0.05-0.1 s against 2.4-6.2 s for fitting and
    decomposing a forest, and it needs no scikit-learn. Pass
    ``FanovaImportanceEvaluator()`` for the variance decomposition over the whole search space
    (where the trials did not concentrate), at the forest's cost.

    Args:
        study: The study to explain.
        evaluator: How importances are computed; :class:`PedAnovaImportanceEvaluator` when
            None.
        params: The parameters to score (a subset, or conditional ones); by default every
            parameter present in all COMPLETE trials.
        target: What to explain instead of the objective value, e.g.
            ``lambda t: t.values[1]``; required for a multi-objective study.
        normalize: Scale the importances to sum to 1 (all zeros stay zeros).

    Returns:
        ``{param: importance}``, ordered from the most to the least important.

    Raises:
        ImportanceError: (a ``ValueError``) for a multi-objective study without ``target``,
            a name in ``params`` that no COMPLETE trial has, or fewer than 2 usable trials.
        ImportanceTypeError: (a ``TypeError``) for an argument of the wrong type.

    Example:
        >>> import ridgeline
        >>> study = ridgeline.create_study(sampler=ridgeline.samplers.RandomSampler(seed=0))
        >>> study.optimize(lambda t: 10 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1),
        ...                n_trials=200)
        >>> importances = ridgeline.importance.get_param_importances(study)
        >>> list(importances), round(sum(importances.values()), 6)
        (['x', 'y'], 1.0)
    """
    owner = "get_param_importances"
    if evaluator is None:
        evaluator = PedAnovaImportanceEvaluator()
    elif not isinstance(evaluator, BaseImportanceEvaluator):
        raise ImportanceTypeError(
            f"`evaluator` of {owner} must be a BaseImportanceEvaluator, e.g. "
            f"ridgeline.importance.FanovaImportanceEvaluator(); got {evaluator!r}."
        )
    check_request(study, params, target, owner)
    if not isinstance(normalize, bool):
        raise ImportanceTypeError(f"`normalize` of {owner} must be a bool; got {normalize!r}.")
    raw = evaluator.evaluate(study, params=params, target=target)
    scores = {str(name): float(value) for name, value in raw.items()}
    bad = {k: v for k, v in scores.items() if not (math.isfinite(v) and v >= 0)}
    if bad:
        raise ImportanceError(
            f"{type(evaluator).__name__}.evaluate must return finite non-negative "
            f"importances; got {bad!r}."
        )
    if normalize:
        total = sum(scores.values())
        if total > 0:
            scores = {k: v / total for k, v in scores.items()}
    return dict(sorted(scores.items(), key=lambda kv: -kv[1]))
