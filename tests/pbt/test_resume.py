"""An interrupted run resumes from its study and checkpoints and ends as an uninterrupted one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from _pbt_toy import MUTATIONS, train

import ridgeline
from ridgeline.pbt import CheckpointNotFoundError, PopulationBasedTraining, SegmentContext
from ridgeline.pbt._records import DONOR_KEY, MEMBER_KEY, PARENT_KEY, SEGMENT_KEY, read_segments
from ridgeline.study import Study
from ridgeline.trial import TrialState

HERE = Path(__file__).parent


def make_pbt(seed: int | None = 7) -> PopulationBasedTraining:
    return PopulationBasedTraining(
        population_size=4,
        perturbation_interval=5,
        hyperparam_mutations=MUTATIONS,
        direction="maximize",
        metric="score",
        seed=seed,
    )


def summary(study: Study) -> dict[tuple[int, int], tuple[Any, ...]]:
    """Per (segment, member): config, value, donor and the (segment, member) of the parent."""
    segments = read_segments(study)
    by_number = {t.number: key for key, t in segments.items()}
    return {
        key: (
            t.params,
            t.value,
            t.system_attrs[DONOR_KEY],
            by_number.get(t.system_attrs[PARENT_KEY]),
        )
        for key, t in segments.items()
    }


def test_resume_after_an_exception_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    reference = make_pbt().run(train, n_segments=5)

    def crashing(config: dict[str, Any], checkpoint: Any, ctx: SegmentContext) -> Any:
        if (ctx.segment, ctx.member) == (3, 1):
            raise KeyError("the data loader lost a shard")
        return train(config, checkpoint, ctx)

    run: dict[str, Any] = {
        "storage": f"sqlite:///{tmp_path / 'pbt.db'}",
        "study_name": "resume",
        "checkpoint_store": tmp_path / "ckpt",
    }
    with pytest.raises(KeyError, match="lost a shard"):
        make_pbt().run(crashing, n_segments=5, n_jobs=2, **run)
    recorded = set(read_segments(ridgeline.load_study(study_name="resume", storage=run["storage"])))
    assert (3, 1) not in recorded and {(2, m) for m in range(4)} <= recorded
    # A fresh object, seed=None: the stored seed and plans decide.
    resumed = make_pbt(seed=None).run(train, n_segments=5, **run)
    assert summary(resumed.study) == summary(reference.study)
    assert resumed.best_value == reference.best_value
    assert resumed.schedule() == reference.schedule()
    failed = resumed.study.get_trials(states=(TrialState.FAIL,))
    assert [(t.system_attrs[SEGMENT_KEY], t.system_attrs[MEMBER_KEY]) for t in failed] == [(3, 1)]


def test_a_run_extends_to_more_segments(tmp_path: Path) -> None:
    run: dict[str, Any] = {
        "storage": f"sqlite:///{tmp_path / 'pbt.db'}",
        "study_name": "extend",
        "checkpoint_store": tmp_path / "ckpt",
    }
    make_pbt().run(train, n_segments=2, **run)
    extended = make_pbt().run(train, n_segments=5, **run)
    assert summary(extended.study) == summary(make_pbt().run(train, n_segments=5).study)
    again = make_pbt().run(train, n_segments=5, **run)  # nothing left to do
    assert len(again.study.trials) == 20


def test_resume_needs_the_checkpoints(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'pbt.db'}"
    make_pbt().run(train, n_segments=2, storage=storage, study_name="mem")
    with pytest.raises(CheckpointNotFoundError, match="needs a LocalCheckpointStore"):
        make_pbt().run(train, n_segments=3, storage=storage, study_name="mem")
    assert len(ridgeline.load_study(study_name="mem", storage=storage).trials) == 8


SCRIPT = textwrap.dedent(
    """
    import sys
    from _pbt_toy import MUTATIONS, train_dying
    from ridgeline.pbt import PopulationBasedTraining

    pbt = PopulationBasedTraining(
        population_size=4, perturbation_interval=5, hyperparam_mutations=MUTATIONS,
        direction="maximize", metric="score", seed=7,
    )
    pbt.run(train_dying, n_segments=5, storage=sys.argv[1], study_name="killed",
            checkpoint_store=sys.argv[2], n_jobs=int(sys.argv[3]))
    """
)


def _run_script(tmp_path: Path, db: str, n_jobs: int, **env: str) -> int:
    script = tmp_path / "run_pbt.py"
    script.write_text(SCRIPT)
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path]), **env}
    return subprocess.run(
        [
            sys.executable,
            str(script),
            f"sqlite:///{tmp_path / db}",
            str(tmp_path / f"{db}.ckpt"),
            str(n_jobs),
        ],
        env=environ,
        timeout=120,
    ).returncode


@pytest.mark.slow
def test_a_killed_process_resumes_in_a_fresh_one(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    # Killed (os._exit, as by SIGKILL) in segment 2 while two members train in threads.
    assert _run_script(tmp_path, "pbt.db", 2, PBT_DIE_AT="2,2", PBT_LOG=str(log)) == 3
    storage = f"sqlite:///{tmp_path / 'pbt.db'}"
    before = set(read_segments(ridgeline.load_study(study_name="killed", storage=storage)))
    assert {(s, m) for s in range(2) for m in range(4)} <= before
    assert (2, 2) not in before and not any(s > 2 for s, _ in before)
    log.write_text("")
    assert _run_script(tmp_path, "pbt.db", 1, PBT_LOG=str(log)) == 0
    rerun = {tuple(map(int, line.split(","))) for line in log.read_text().split()}
    assert not rerun & before  # recorded segments were not trained again
    assert rerun | before == {(s, m) for s in range(5) for m in range(4)}
    assert _run_script(tmp_path, "ref.db", 1) == 0
    resumed = ridgeline.load_study(study_name="killed", storage=storage)
    reference = ridgeline.load_study(
        study_name="killed", storage=f"sqlite:///{tmp_path / 'ref.db'}"
    )
    assert summary(resumed) == summary(reference)
    assert len(resumed.get_trials(states=(TrialState.COMPLETE,))) == 20
    assert not resumed.get_trials(states=(TrialState.FAIL,))
