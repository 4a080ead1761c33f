from ridgeline.trial._base import BaseTrial
from ridgeline.trial._fixed import FixedTrial
from ridgeline.trial._frozen import FrozenTrial, create_trial
from ridgeline.trial._state import TrialState
from ridgeline.trial._trial import Trial

__all__ = ["BaseTrial", "FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial"]
