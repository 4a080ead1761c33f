from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import ridgeline
from ridgeline.storages import RDBStorage, RetryFailedTrialCallback
from ridgeline.trial import TrialState

DYING = textwrap.dedent(
    """
    import os
    import sys

    import ridgeline
    from ridgeline.storages import RDBStorage

    storage = RDBStorage(sys.argv[1], heartbeat_interval=0.1, grace_period=0.5)
    study = ridgeline.create_study(storage=storage, study_name="retry", load_if_exists=True)

    def objective(trial):
        trial.suggest_float("x", 0.0, 1.0)
        trial.report(0.5, 0)
        os._exit(3)  # killed mid-trial

    study.optimize(objective, n_trials=1)
    """
)


@pytest.mark.slow
def test_dead_workers_trial_is_retried_with_the_same_params(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'retry.db'}"
    script = tmp_path / "dying.py"
    script.write_text(DYING)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    assert subprocess.run([sys.executable, str(script), url], env=env, timeout=60).returncode == 3

    storage = RDBStorage(
        url,
        heartbeat_interval=0.1,
        grace_period=0.5,
        failed_trial_callback=RetryFailedTrialCallback(
            max_retry=1, inherit_intermediate_values=True
        ),
    )
    study = ridgeline.load_study(study_name="retry", storage=storage)
    time.sleep(0.6)
    study.optimize(lambda trial: trial.suggest_float("x", 0.0, 1.0), n_trials=1)
    dead, retry = study.trials
    assert dead.state == TrialState.FAIL and "heartbeat" in dead.system_attrs["fail_reason"]
    assert retry.state == TrialState.COMPLETE
    assert retry.params == dead.params
    assert retry.intermediate_values == {0: 0.5}
    assert RetryFailedTrialCallback.retried_trial_number(retry) == 0
    assert RetryFailedTrialCallback.retry_history(retry) == [0]


def test_retry_callback_arguments() -> None:
    with pytest.raises(
        ValueError,
        match=r"`max_retry` of RetryFailedTrialCallback must be a "
        r"non-negative int or None; got -1",
    ):
        RetryFailedTrialCallback(max_retry=-1)
    with pytest.raises(ValueError, match=r"`failed_trial_callback` of RDBStorage must be callable"):
        RDBStorage("sqlite://", heartbeat_interval=1, failed_trial_callback=3)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError,
        match=r"`failed_trial_callback` of RDBStorage needs "
        r"`heartbeat_interval`",
    ):
        RDBStorage("sqlite://", failed_trial_callback=RetryFailedTrialCallback())


def test_max_retry_limits_the_chain() -> None:
    study = ridgeline.create_study()
    cb = RetryFailedTrialCallback(max_retry=1)
    first = study.ask()
    first.suggest_float("x", 0, 1)
    frozen = study.tell(first, state=TrialState.FAIL)
    cb(study, frozen)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    retried = study.trials[1]
    assert retried.params == frozen.params
    cb(study, retried)  # a retry of a retry is refused: max_retry=1
    assert len(study.trials) == 2
