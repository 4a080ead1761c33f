"""The exported names are a contract: an accidental rename or removal fails here."""

from __future__ import annotations

import importlib

import pytest

EXPECTED = {
    "ridgeline": [
        "FixedTrial", "FrozenTrial", "Study", "Trial", "TrialPruned", "TrialState",
        "__version__", "analysis", "constraints", "copy_study", "create_study", "create_trial",
        "delete_study", "distributions", "exceptions", "get_all_study_names",
        "get_all_study_summaries", "importance", "load_study", "logging", "multi_objective",
        "pbt",
        "pruners", "report",
        "samplers", "search_space", "storages", "study", "training", "trial",
        "visualization",
    ],
    "ridgeline.analysis": [
        "AnalysisError", "AnalysisTypeError", "CategoryGroup", "ComparisonResult",
        "ConfigRevalidation", "ConvergenceResult", "FailureBin", "FailureGroup", "FailureReport",
        "OptimizerSummary", "PairwiseComparison", "ParamFailures", "ParamSensitivity",
        "RevalidationResult", "SEED_ATTR", "SensitivityResult", "compare_optimizers",
        "convergence", "failures", "revalidate", "run_comparison", "sensitivity",
    ],
    "ridgeline.constraints": [
        "CONSTRAINTS_KEY", "ConstraintsValueError", "feasible_trials", "is_feasible",
        "range_constraints",
    ],
    "ridgeline.distributions": [
        "BaseDistribution", "CategoricalChoiceType", "CategoricalDistribution",
        "FloatDistribution", "IntDistribution", "check_distribution_compatibility",
        "distribution_to_json", "json_to_distribution",
    ],
    "ridgeline.exceptions": [
        "DuplicatedStudyError", "RidgelineError", "StorageError", "StorageInternalError",
        "TrialPruned", "UnknownStudyError", "UpdateFinishedTrialError",
    ],
    "ridgeline.importance": [
        "BaseImportanceEvaluator", "FanovaImportanceEvaluator", "ImportanceError",
        "ImportanceTypeError", "MeanDecreaseImpurityImportanceEvaluator",
        "PedAnovaImportanceEvaluator", "get_param_importances",
    ],
    "ridgeline.logging": [
        "CRITICAL", "DEBUG", "ERROR", "FATAL", "INFO", "WARN", "WARNING",
        "disable_default_handler", "disable_propagation", "enable_default_handler",
        "enable_propagation", "get_logger", "get_verbosity", "set_verbosity",
    ],
    "ridgeline.multi_objective": [
        "HypervolumeHistory", "chebyshev", "hypervolume", "hypervolume_contributions",
        "hypervolume_history", "knee_point", "knee_trial", "nondominated_mask",
        "nondominated_ranks", "reference_point", "weighted_sum",
    ],
    "ridgeline.pbt": [
        "BaseSegmentExecutor", "CheckpointNotFoundError", "CheckpointStore",
        "InMemoryCheckpointStore", "LocalCheckpointStore", "PBTError", "PBTResult",
        "PopulationBasedTraining", "ProcessSegmentExecutor", "ScheduleEntry", "SegmentContext",
        "SegmentOutcome", "SegmentTask", "ThreadSegmentExecutor", "get_best_trial",
        "get_lineage", "get_schedule",
    ],
    "ridgeline.pruners": [
        "BasePruner", "HyperbandPruner", "MedianPruner", "NopPruner", "PatientPruner",
        "PercentilePruner", "SuccessiveHalvingPruner", "ThresholdPruner", "WilcoxonPruner",
    ],
    "ridgeline.report": ["ReportError", "write_html", "write_json_summary"],
    "ridgeline.samplers": [
        "AutoSampler", "BOHBSampler", "BaseSampler", "CmaEsSampler", "EvolutionarySampler",
        "GPSampler", "GridSampler", "NSGAIIISampler", "NSGAIISampler", "PartialFixedSampler",
        "QMCSampler", "RandomSampler", "TPESampler", "nsgaii",
    ],
    "ridgeline.samplers.nsgaii": [
        "BLXAlphaCrossover", "BaseCrossover", "BaseMutation", "PolynomialMutation",
        "SBXCrossover", "SPXCrossover", "UNDXCrossover", "UniformCrossover", "VSBXCrossover",
    ],
    "ridgeline.search_space": [
        "GroupDecomposedSearchSpace", "IntersectionSearchSpace", "SearchSpaceGroup",
        "SearchSpaceTransform", "intersection_search_space",
    ],
    "ridgeline.storages": [
        "BaseStorage", "FrozenStudy", "InMemoryStorage", "RDBStorage",
        "RetryFailedTrialCallback", "get_storage",
    ],
    "ridgeline.study": [
        "FrozenStudy", "MaxTrialsCallback", "ObjectiveFuncType", "Study", "StudyDirection",
        "StudySummary", "copy_study", "create_study", "delete_study", "get_all_study_names",
        "get_all_study_summaries", "load_study",
    ],
    "ridgeline.training": [
        "EarlyStopping", "SCHEDULE_NAMES", "TrainingArgumentError", "TrainingTypeError",
        "accumulation_steps", "constant", "cosine_annealing", "effective_batch_size",
        "exponential_decay", "linear_decay", "lr_schedule", "scale_learning_rate",
        "step_decay", "warmup_cosine", "warmup_linear",
    ],
    "ridgeline.trial": [
        "BaseTrial", "FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial",
    ],
    "ridgeline.visualization": [
        "VisualizationError", "is_available", "matplotlib", "plot_contour", "plot_edf",
        "plot_hypervolume_history", "plot_intermediate_values", "plot_optimization_history",
        "plot_parallel_coordinate", "plot_param_importances", "plot_pareto_front", "plot_rank",
        "plot_slice", "plot_timeline",
    ],
    "ridgeline.visualization.matplotlib": [
        "is_available", "plot_contour", "plot_edf", "plot_hypervolume_history",
        "plot_intermediate_values", "plot_optimization_history", "plot_parallel_coordinate",
        "plot_param_importances", "plot_pareto_front", "plot_rank", "plot_slice",
        "plot_timeline",
    ],
}  # fmt: skip


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_exported_names(module: str) -> None:
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(EXPECTED[module])
    assert list(mod.__all__) == sorted(mod.__all__, key=str), "keep __all__ sorted"
    for name in mod.__all__:
        assert hasattr(mod, name), name


def test_optuna_style_names_resolve() -> None:
    import ridgeline as optuna

    assert optuna.trial.TrialState.COMPLETE.name == "COMPLETE"
    assert optuna.samplers.RandomSampler and optuna.pruners.MedianPruner
    assert optuna.study.StudyDirection.MAXIMIZE.name == "MAXIMIZE"
    assert issubclass(optuna.TrialPruned, optuna.exceptions.RidgelineError)
    assert optuna.distributions.FloatDistribution(0, 1).contains(0.5)
