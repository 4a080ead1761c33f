"""ridgeline: hyperparameter optimization with an Optuna-compatible API.

Example:
    >>> import ridgeline
    >>> study = ridgeline.create_study(direction="minimize")
    >>> study.optimize(lambda trial: (trial.suggest_float("x", -10, 10) - 2) ** 2, n_trials=20)
    >>> sorted(study.best_params)
    ['x']
"""

from ridgeline import (
    analysis,
    constraints,
    distributions,
    exceptions,
    importance,
    logging,
    multi_objective,
    pbt,
    pruners,
    report,
    samplers,
    search_space,
    storages,
    study,
    training,
    trial,
    visualization,
)
from ridgeline.exceptions import TrialPruned
from ridgeline.study import (
    Study,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from ridgeline.trial import FixedTrial, FrozenTrial, Trial, TrialState, create_trial
from ridgeline.version import __version__

__all__ = [
    "FixedTrial",
    "FrozenTrial",
    "Study",
    "Trial",
    "TrialPruned",
    "TrialState",
    "__version__",
    "analysis",
    "constraints",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "distributions",
    "exceptions",
    "get_all_study_names",
    "get_all_study_summaries",
    "importance",
    "load_study",
    "logging",
    "multi_objective",
    "pbt",
    "pruners",
    "report",
    "samplers",
    "search_space",
    "storages",
    "study",
    "training",
    "trial",
    "visualization",
]
