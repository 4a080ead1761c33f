"""Analysis of finished studies: sensitivity, convergence, failures, optimizer comparison and
re-validation of the best configurations.

Every function returns a frozen dataclass with ``to_dict()`` and ``to_markdown()``.
"""

from ridgeline.analysis._checks import AnalysisError, AnalysisTypeError
from ridgeline.analysis._convergence import ConvergenceResult, convergence
from ridgeline.analysis._failures import (
    FailureBin,
    FailureGroup,
    FailureReport,
    ParamFailures,
    failures,
)
from ridgeline.analysis._sensitivity import (
    CategoryGroup,
    ParamSensitivity,
    SensitivityResult,
    sensitivity,
)

__all__ = [
    "AnalysisError",
    "AnalysisTypeError",
    "CategoryGroup",
    "ConvergenceResult",
    "FailureBin",
    "FailureGroup",
    "FailureReport",
    "ParamFailures",
    "ParamSensitivity",
    "SensitivityResult",
    "convergence",
    "failures",
    "sensitivity",
]
