"""Reading a run back from a SQLite study: lineage, schedule, best trial."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from _pbt_toy import MUTATIONS, train

import ridgeline
from ridgeline.pbt import (
    PBTError,
    PopulationBasedTraining,
    get_best_trial,
    get_lineage,
    get_schedule,
)
from ridgeline.pbt._records import (
    CHECKPOINT_KEY,
    DONOR_KEY,
    MEMBER_KEY,
    PARENT_KEY,
    SEGMENT_KEY,
    SETTINGS_KEY,
    plan_key,
)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    tmp = tmp_path_factory.mktemp("records")
    storage = f"sqlite:///{tmp / 'pbt.db'}"
    pbt = PopulationBasedTraining(
        population_size=5,
        perturbation_interval=4,
        hyperparam_mutations=MUTATIONS,
        direction="maximize",
        metric="score",
        quantile_fraction=0.4,
        seed=11,
    )
    pbt.run(
        train,
        n_segments=6,
        storage=storage,
        study_name="toy",
        checkpoint_store=tmp / "ckpt",
        keep_checkpoints=True,
    )
    return storage, tmp / "ckpt"


def test_lineage_follows_parents_back_to_segment_zero(stored: tuple[str, Path]) -> None:
    storage, ckpt = stored
    study = ridgeline.load_study(study_name="toy", storage=storage)  # a fresh reader
    store = ridgeline.pbt.LocalCheckpointStore(ckpt)
    segment_trials = [t for t in study.trials if SEGMENT_KEY in t.system_attrs]
    assert len(segment_trials) == 30
    crossed = 0
    for trial in segment_trials:
        lineage = get_lineage(study, trial.number)
        assert [t.system_attrs[SEGMENT_KEY] for t in lineage] == list(
            range(trial.system_attrs[SEGMENT_KEY] + 1)
        )
        assert lineage[-1].number == trial.number and lineage[0].system_attrs[PARENT_KEY] is None
        for parent, child in itertools.pairwise(lineage):
            assert child.system_attrs[PARENT_KEY] == parent.number
            donor = child.system_attrs[DONOR_KEY]
            expected = child.system_attrs[MEMBER_KEY] if donor is None else donor
            assert parent.system_attrs[MEMBER_KEY] == expected
            crossed += donor is not None
        # What the checkpoint remembers of its training equals the lineage read back.
        trace = store.load(trial.system_attrs[CHECKPOINT_KEY])["trace"]
        assert trace == [(t.system_attrs[MEMBER_KEY], t.system_attrs[SEGMENT_KEY]) for t in lineage]
    assert crossed > 0


def test_schedule_and_best_trial(stored: tuple[str, Path]) -> None:
    storage, _ = stored
    study = ridgeline.load_study(study_name="toy", storage=storage)
    best = get_best_trial(study)
    last = [t for t in study.trials if t.system_attrs.get(SEGMENT_KEY) == 5]
    assert best.value == max(t.value for t in last)  # type: ignore[type-var]
    schedule = get_schedule(study)
    assert schedule == get_schedule(study, best)
    assert [(e.start_step, e.end_step) for e in schedule] == [(4 * s, 4 * s + 4) for s in range(6)]
    lineage = get_lineage(study, best)
    for entry, trial in zip(schedule, lineage, strict=True):
        _, _, config, value = entry  # unpacks as a plain tuple
        assert config == trial.params and value == trial.value
    assert schedule[-1].value == best.value


def test_settings_and_plans_are_stored(stored: tuple[str, Path]) -> None:
    storage, _ = stored
    study = ridgeline.load_study(study_name="toy", storage=storage)
    attrs = study.system_attrs
    assert attrs[SETTINGS_KEY]["population_size"] == 5 and attrs[SETTINGS_KEY]["seed"] == 11
    assert all(plan_key(s) in attrs for s in range(6))
    assert [a["member"] for a in attrs[plan_key(3)]] == list(range(5))


def test_read_back_errors(tmp_path: Path) -> None:
    study = ridgeline.create_study()
    with pytest.raises(
        PBTError, match=r"holds no completed segment .* run PopulationBasedTraining"
    ):
        get_best_trial(study)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(PBTError, match=r"got trial 0, which is not a segment"):
        get_lineage(study, 0)
    with pytest.raises(PBTError, match=r"got trial 7, which is not in the study"):
        get_lineage(study, study.trials[0].number + 7)
    with pytest.raises(PBTError, match=r"`trial` must be a FrozenTrial or a trial number"):
        get_lineage(study, "0")  # type: ignore[arg-type]
