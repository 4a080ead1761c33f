"""Several OS processes optimizing one study through one database.

4 worker processes x 100 trials on a SQLite file (and on PostgreSQL), with 20 trials enqueued
before they start. Afterwards: exactly 400 trials numbered 0..399, each enqueued trial run
exactly once, nothing left RUNNING, no worker error.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import ridgeline
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial import TrialState

N_WORKERS = 4
N_TRIALS = 100
N_ENQUEUED = 20

WORKER = textwrap.dedent(
    """
    import sys

    import ridgeline

    url, name, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    study = ridgeline.create_study(
        storage=url,
        study_name=name,
        load_if_exists=True,
        sampler=ridgeline.samplers.RandomSampler(seed=seed),
    )

    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.report(x, 0)
        trial.set_user_attr("worker", seed)
        return x

    study.optimize(objective, n_trials=int(sys.argv[4]))
    """
)


def _run_workers(url: str, tmp_path: Path) -> None:
    study = ridgeline.create_study(storage=url, study_name="shared")
    # Enqueued values lie on a grid the random sampler will not hit exactly.
    for i in range(N_ENQUEUED):
        study.enqueue_trial({"x": (i + 0.5) / 1000.0}, user_attrs={"enqueued": i})
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), url, "shared", str(seed), str(N_TRIALS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for seed in range(N_WORKERS)
    ]
    failures = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        if worker.returncode != 0 or "Traceback" in err:
            failures.append(f"exit {worker.returncode}\n{out}\n{err}")
    assert failures == []

    trials = ridgeline.load_study(study_name="shared", storage=url).trials
    assert len(trials) == N_WORKERS * N_TRIALS
    assert [t.number for t in trials] == list(range(N_WORKERS * N_TRIALS))
    assert {t.state for t in trials} == {TrialState.COMPLETE}
    enqueued = [t for t in trials if "enqueued" in t.user_attrs]
    assert sorted(t.user_attrs["enqueued"] for t in enqueued) == list(range(N_ENQUEUED))
    for t in enqueued:
        assert t.params["x"] == (t.user_attrs["enqueued"] + 0.5) / 1000.0
    assert len({t.params["x"] for t in trials}) == len(trials)
    assert {t.user_attrs["worker"] for t in trials} == set(range(N_WORKERS))


@pytest.mark.slow
def test_processes_share_a_sqlite_study(tmp_path: Path) -> None:
    _run_workers(f"sqlite:///{tmp_path / 'shared.db'}", tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_processes_share_a_postgres_study(postgres_db_url: str, tmp_path: Path) -> None:
    _run_workers(postgres_db_url, tmp_path)


CREATOR = textwrap.dedent(
    """
    import sys

    from ridgeline.storages import RDBStorage
    from ridgeline.trial import TrialState

    storage = RDBStorage(sys.argv[1])
    study_id = storage.get_study_id_from_name("race")
    for _ in range(int(sys.argv[2])):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.0])
    """
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_trial_numbers_under_contention(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Processes doing nothing but create trials: the numbers still come out 0..N-1."""
    from ridgeline.storages import RDBStorage

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.db'}"
    else:
        url = request.getfixturevalue("postgres_db_url")
    storage = RDBStorage(url)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "race")
    script = tmp_path / "creator.py"
    script.write_text(CREATOR)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    n_procs, n_each = 4, 50
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), url, str(n_each)],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(n_procs)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * n_procs, errors
    trials = storage.get_all_trials(study_id)
    assert [t.number for t in trials] == list(range(n_procs * n_each))
    assert len({t._trial_id for t in trials}) == n_procs * n_each


DYING = textwrap.dedent(
    """
    import os
    import sys

    import ridgeline
    from ridgeline.storages import RDBStorage

    storage = RDBStorage(sys.argv[1], heartbeat_interval=0.1, grace_period=0.5)
    study = ridgeline.create_study(storage=storage, study_name="dying", load_if_exists=True)

    def objective(trial):
        trial.suggest_float("x", 0.0, 1.0)
        os._exit(3)  # The worker dies mid-trial: no tell, no cleanup.

    study.optimize(objective, n_trials=1)
    """
)


@pytest.mark.slow
def test_a_dead_workers_trial_fails_after_its_heartbeat_lapses(tmp_path: Path) -> None:
    from ridgeline.storages import RDBStorage

    url = f"sqlite:///{tmp_path / 'dying.db'}"
    script = tmp_path / "dying.py"
    script.write_text(DYING)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    died = subprocess.run([sys.executable, str(script), url], env=env, timeout=60)
    assert died.returncode == 3
    storage = RDBStorage(url, heartbeat_interval=0.1, grace_period=0.5)
    study = ridgeline.load_study(study_name="dying", storage=storage)
    assert [t.state for t in study.trials] == [TrialState.RUNNING]
    time.sleep(0.6)
    study.optimize(lambda trial: trial.suggest_float("x", 0.0, 1.0), n_trials=1)
    dead, survivor = study.trials
    assert dead.state == TrialState.FAIL and "heartbeat" in dead.system_attrs["fail_reason"]
    assert survivor.state == TrialState.COMPLETE
