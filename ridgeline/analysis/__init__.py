"""Analysis of finished studies: sensitivity, convergence, failures, optimizer comparison and
re-validation of the best configurations.

Every function returns a frozen dataclass with ``to_dict()`` and ``to_markdown()``.
"""

from ridgeline.analysis._checks import AnalysisError, AnalysisTypeError
from ridgeline.analysis._comparison import (
    ComparisonResult,
    OptimizerSummary,
    PairwiseComparison,
    compare_optimizers,
    run_comparison,
)
from ridgeline.analysis._convergence import ConvergenceResult, convergence
from ridgeline.analysis._failures import (
    FailureBin,
    FailureGroup,
    FailureReport,
    ParamFailures,
    failures,
)
from ridgeline.analysis._revalidation import (
    SEED_ATTR,
    ConfigRevalidation,
    RevalidationResult,
    revalidate,
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
    "ComparisonResult",
    "ConfigRevalidation",
    "ConvergenceResult",
    "FailureBin",
    "FailureGroup",
    "FailureReport",
    "OptimizerSummary",
    "PairwiseComparison",
    "ParamFailures",
    "ParamSensitivity",
    "RevalidationResult",
    "SEED_ATTR",
    "SensitivityResult",
    "compare_optimizers",
    "convergence",
    "failures",
    "revalidate",
    "run_comparison",
    "sensitivity",
]
