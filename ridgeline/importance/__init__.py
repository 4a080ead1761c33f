"""Parameter importance: which parameters explain the objective of a study.

``get_param_importances(study)`` works like Optuna's; the evaluators are PED-ANOVA (the
default, numpy only), functional ANOVA and mean decrease in impurity (both on a scikit-learn
random forest, imported on first use).
"""

from ridgeline.importance._api import get_param_importances
from ridgeline.importance._base import BaseImportanceEvaluator
from ridgeline.importance._data import ImportanceError, ImportanceTypeError
from ridgeline.importance._fanova import FanovaImportanceEvaluator
from ridgeline.importance._mdi import MeanDecreaseImpurityImportanceEvaluator
from ridgeline.importance._ped_anova import PedAnovaImportanceEvaluator

__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "ImportanceError",
    "ImportanceTypeError",
    "MeanDecreaseImpurityImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "get_param_importances",
]
