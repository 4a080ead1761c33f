from ridgeline.storages._base import FrozenStudy
from ridgeline.study._callbacks import MaxTrialsCallback
from ridgeline.study._functions import (
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from ridgeline.study._study import ObjectiveFuncType, Study
from ridgeline.study._study_direction import StudyDirection

StudySummary = FrozenStudy

__all__ = [
    "FrozenStudy",
    "MaxTrialsCallback",
    "ObjectiveFuncType",
    "Study",
    "StudyDirection",
    "StudySummary",
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]
