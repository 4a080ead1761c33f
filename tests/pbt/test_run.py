"""Running a population: exploit/explore in a real run, reproducibility, threads and processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _pbt_toy import MUTATIONS, train

import ridgeline
from ridgeline.pbt import (
    PBTError,
    PBTResult,
    PopulationBasedTraining,
    ProcessSegmentExecutor,
    SegmentContext,
    ThreadSegmentExecutor,
)
from ridgeline.pbt._records import (
    CHECKPOINT_KEY,
    DONOR_KEY,
    END_STEP_KEY,
    EXPLOITED_KEY,
    MEMBER_KEY,
    METRICS_KEY,
    PARENT_KEY,
    SEGMENT_KEY,
    START_STEP_KEY,
)


def make_pbt(**kwargs: Any) -> PopulationBasedTraining:
    options: dict[str, Any] = {
        "population_size": 4,
        "perturbation_interval": 5,
        "hyperparam_mutations": MUTATIONS,
        "direction": "maximize",
        "metric": "score",
        "seed": 0,
    }
    options.update(kwargs)
    return PopulationBasedTraining(**options)


def summary(result: PBTResult) -> list[tuple[Any, ...]]:
    """What a run decided and measured, per (segment, member), without trial numbers (which
    depend on the order in which parallel segments finished)."""
    by_number = {t.number: t for t in result.history}
    rows = []
    for t in result.history:
        a = t.system_attrs
        parent = by_number.get(a[PARENT_KEY])
        parent_id = (
            None
            if parent is None
            else (parent.system_attrs[SEGMENT_KEY], parent.system_attrs[MEMBER_KEY])
        )
        rows.append((a[SEGMENT_KEY], a[MEMBER_KEY], t.params, t.value, a[DONOR_KEY], parent_id))
    return rows


def test_segments_are_recorded_with_their_lineage_attributes() -> None:
    result = make_pbt().run(train, n_segments=6, keep_checkpoints=True)
    assert len(result.history) == 24
    assert [(t.system_attrs[SEGMENT_KEY], t.system_attrs[MEMBER_KEY]) for t in result.history] == [
        (s, m) for s in range(6) for m in range(4)
    ]
    for t in result.history:
        a = t.system_attrs
        s = a[SEGMENT_KEY]
        assert (a[START_STEP_KEY], a[END_STEP_KEY]) == (5 * s, 5 * s + 5)
        assert t.intermediate_values == {5 * s + 5: t.value}
        assert a[METRICS_KEY] == {"score": t.value, "steps": 5.0 * s + 5}
        assert set(t.params) == {"lr", "width", "opt"}
        assert t.distributions["opt"] == ridgeline.distributions.CategoricalDistribution(
            ["sgd", "momentum", "adam"]
        )
        assert (a[PARENT_KEY] is None) == (s == 0)
        assert a[EXPLOITED_KEY] == (a[DONOR_KEY] is not None)
        # The checkpoint this segment saved was trained by exactly its lineage.
        trace = result.checkpoint_store.load(a[CHECKPOINT_KEY])["trace"]
        lineage = ridgeline.pbt.get_lineage(result.study, t)
        assert trace == [(p.system_attrs[MEMBER_KEY], p.system_attrs[SEGMENT_KEY]) for p in lineage]
    # One member of four exploits per generation (quantile 0.25).
    assert sum(t.system_attrs[EXPLOITED_KEY] for t in result.history) == 5


def test_bottom_member_copies_top_checkpoint_and_config() -> None:
    # No resampling and a factor of 1: an exploiting member's numbers equal its donor's (a
    # choice would still move to a neighbour, so the mutations here are numbers only).
    numbers = {k: v for k, v in MUTATIONS.items() if k != "opt"}
    pbt = make_pbt(
        resample_probability=0.0,
        perturbation_factors=(1.0,),
        hyperparam_mutations=numbers,
        config={"lr": numbers["lr"], "width": numbers["width"], "opt": "momentum"},
    )
    result = pbt.run(train, n_segments=5)
    key = {(t.system_attrs[SEGMENT_KEY], t.system_attrs[MEMBER_KEY]): t for t in result.history}
    exploited = [t for t in result.history if t.system_attrs[EXPLOITED_KEY]]
    assert len(exploited) == 4
    for t in exploited:
        s, donor = t.system_attrs[SEGMENT_KEY], t.system_attrs[DONOR_KEY]
        previous = [key[(s - 1, m)] for m in range(4)]
        ranked = sorted(previous, key=lambda p: -p.value)  # type: ignore[operator]
        assert key[(s - 1, donor)] is ranked[0]  # the top quantile of 4 is the best member
        assert key[(s - 1, t.system_attrs[MEMBER_KEY])] is ranked[-1]  # and it was the worst
        assert t.system_attrs[PARENT_KEY] == key[(s - 1, donor)].number
        assert t.params == key[(s - 1, donor)].params
    not_exploited = [t for t in result.history if t.system_attrs[SEGMENT_KEY] > 0]
    for t in not_exploited:
        if not t.system_attrs[EXPLOITED_KEY]:
            own = key[(t.system_attrs[SEGMENT_KEY] - 1, t.system_attrs[MEMBER_KEY])]
            assert t.params == own.params and t.system_attrs[PARENT_KEY] == own.number


def test_explored_configs_stay_in_their_spaces_with_their_types() -> None:
    result = make_pbt(population_size=6, resample_probability=0.5).run(train, n_segments=8)
    for t in result.history:
        assert type(t.params["width"]) is int and 1 <= t.params["width"] <= 16
        assert 1e-4 <= t.params["lr"] <= 1.0
        assert t.params["opt"] in ("sgd", "momentum", "adam")


def test_pbt_follows_the_moving_optimum() -> None:
    result = make_pbt(population_size=8, seed=1).run(train, n_segments=8)
    schedule = result.schedule()
    assert [(e.start_step, e.end_step) for e in schedule] == [(5 * s, 5 * s + 5) for s in range(8)]
    assert schedule[-1].config["lr"] < schedule[0].config["lr"]  # the target falls
    final = [t.value for t in result.history if t.system_attrs[SEGMENT_KEY] == 7]
    assert result.best_value == max(final)  # type: ignore[type-var]
    assert result.best_member == result.best_trial.system_attrs[MEMBER_KEY]
    assert result.best_config == result.best_trial.params
    assert result.load_best_checkpoint()["score"] == result.best_value


def test_a_seeded_run_is_reproducible_and_seeds_differ() -> None:
    first = summary(make_pbt(seed=5).run(train, n_segments=5))
    assert summary(make_pbt(seed=5).run(train, n_segments=5)) == first
    assert summary(make_pbt(seed=6).run(train, n_segments=5)) != first


def test_the_context_gives_member_segment_steps_and_a_seed() -> None:
    seen: list[SegmentContext] = []

    def spy(config: dict[str, Any], checkpoint: Any, ctx: SegmentContext) -> Any:
        seen.append(ctx)
        return float(ctx.member), None

    make_pbt(population_size=2, perturbation_interval=3).run(spy, n_segments=2)
    assert [(c.member, c.segment, c.start_step, c.end_step, c.n_steps) for c in seen] == [
        (0, 0, 0, 3, 3),
        (1, 0, 0, 3, 3),
        (0, 1, 3, 6, 3),
        (1, 1, 3, 6, 3),
    ]
    assert len({c.seed for c in seen}) == 4
    assert seen[2].exploited and seen[2].parent == 1  # member 0 (worse) copied member 1
    assert not seen[3].exploited and seen[3].parent == 1


def test_constants_in_config_reach_the_training_function() -> None:
    configs: list[dict[str, Any]] = []

    def spy(config: dict[str, Any], checkpoint: Any, ctx: SegmentContext) -> Any:
        configs.append(config)
        return config["lr"], None

    pbt = PopulationBasedTraining(
        population_size=2,
        perturbation_interval=1,
        hyperparam_mutations={"lr": ridgeline.distributions.FloatDistribution(0.1, 1.0)},
        config={"lr": 0.5, "batch_size": 32},
        direction="maximize",
        seed=0,
    )
    result = pbt.run(spy, n_segments=2)
    assert configs[0] == {"batch_size": 32, "lr": 0.5} == configs[1]
    assert all(c["batch_size"] == 32 for c in configs)
    assert result.best_config["batch_size"] == 32
    assert set(result.best_trial.params) == {"lr"}  # constants are not parameters


@pytest.mark.parametrize(
    "executor",
    [ThreadSegmentExecutor(n_jobs=2), "threads"],
)
def test_threads_decide_as_a_serial_run(executor: Any) -> None:
    serial = summary(make_pbt(seed=2).run(train, n_segments=4))
    threaded = summary(make_pbt(seed=2).run(train, n_segments=4, n_jobs=3, executor=executor))
    assert threaded == serial


@pytest.mark.slow
def test_processes_decide_as_a_serial_run(tmp_path: Path) -> None:
    serial = summary(make_pbt(seed=3).run(train, n_segments=3))
    parallel = make_pbt(seed=3).run(
        train,
        n_segments=3,
        n_jobs=2,
        executor="processes",
        storage=f"sqlite:///{tmp_path / 'pbt.db'}",
        study_name="procs",
        checkpoint_store=tmp_path / "ckpt",
    )
    assert summary(parallel) == serial


def test_processes_need_a_picklable_training_function() -> None:
    with pytest.raises(
        PBTError, match=r"must be picklable to run in processes.*executor='threads'"
    ) as info:
        make_pbt().run(lambda c, k, x: (0.0, None), n_segments=1, executor="processes")
    assert isinstance(info.value, TypeError)
    with pytest.raises(PBTError, match="mp_context"):
        ProcessSegmentExecutor(n_jobs=2, mp_context="teleport")


def test_checkpoints_of_past_segments_are_deleted_unless_kept(tmp_path: Path) -> None:
    make_pbt().run(train, n_segments=3, checkpoint_store=tmp_path / "a")
    files = sorted(
        p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*.pkl")
    )
    assert len(files) == 4 and all(f.endswith("segment-0002.pkl") for f in files)
    make_pbt().run(train, n_segments=3, checkpoint_store=tmp_path / "b", keep_checkpoints=True)
    assert len(list((tmp_path / "b").rglob("*.pkl"))) == 12
