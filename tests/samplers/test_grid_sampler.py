from __future__ import annotations

import itertools
import threading
from collections import Counter
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.distributions import FloatDistribution, IntDistribution
from ridgeline.samplers import GridSampler
from ridgeline.storages import InMemoryStorage
from ridgeline.trial import Trial, TrialState, create_trial

# The grid of seed 000 (a user's fine-tuning sweep, written there as four nested loops).
SEED_000 = {
    "learning_rate": [1e-5, 5e-5, 1e-4, 5e-4],
    "batch_size": [8, 16, 32],
    "weight_decay": [0.0, 0.01, 0.1],
    "warmup_steps": [500, 1000, 2000],
}
N_SEED_000 = 108


def seed_000_objective(trial: Trial) -> float:
    lr = trial.suggest_float("learning_rate", 1e-6, 1e-3, log=True)
    bs = trial.suggest_int("batch_size", 8, 64, log=True)
    wd = trial.suggest_float("weight_decay", 0.0, 0.1)
    warmup = trial.suggest_int("warmup_steps", 500, 2000, step=500)
    return lr * bs + wd + warmup / 1e4


def points(study: ridgeline.Study) -> list[tuple[Any, ...]]:
    return [tuple(t.params[k] for k in sorted(t.params)) for t in study.trials]


def all_points(grid: dict[str, list[Any]]) -> set[tuple[Any, ...]]:
    return set(itertools.product(*(grid[k] for k in sorted(grid))))


# ---------------------------------------------------------------------- running the grid
def test_seed_000_grid_runs_every_combination_once_and_stops_by_itself() -> None:
    study = ridgeline.create_study(sampler=GridSampler(SEED_000, seed=0))
    study.optimize(seed_000_objective)  # n_trials=None: the grid decides
    assert len(study.trials) == N_SEED_000
    assert Counter(points(study)) == Counter(all_points(SEED_000))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert all(isinstance(t.params["batch_size"], int) for t in study.trials)
    assert all(isinstance(t.params["weight_decay"], float) for t in study.trials)


def test_categorical_grid_with_mixed_choice_types() -> None:
    grid = {"optimizer": ["adamw", "sgd"], "schedule": [None, "cosine"], "amp": [True, False]}
    study = ridgeline.create_study(sampler=GridSampler(grid, seed=0))
    study.optimize(
        lambda t: (
            len(t.suggest_categorical("optimizer", ["adamw", "sgd", "adam"]))
            + (t.suggest_categorical("schedule", [None, "linear", "cosine"]) is None)
            + t.suggest_categorical("amp", [True, False])
        )
    )
    assert Counter(points(study)) == Counter(all_points(grid))


def test_n_trials_larger_than_the_grid_stops_at_the_grid() -> None:
    study = ridgeline.create_study(sampler=GridSampler({"x": [1, 2, 3]}))
    study.optimize(lambda t: t.suggest_int("x", 0, 5), n_trials=100)
    assert sorted(t.params["x"] for t in study.trials) == [1, 2, 3]


def test_grid_id_and_grid_are_recorded_on_each_trial() -> None:
    study = ridgeline.create_study(sampler=GridSampler({"x": [1.5, 2.5], "c": ["a", None]}))
    study.optimize(
        lambda t: t.suggest_float("x", 0, 3) + (t.suggest_categorical("c", ["a", None]) is None)
    )
    ids = sorted(t.system_attrs["grid_id"] for t in study.trials)
    assert ids == [0, 1, 2, 3]
    assert all(
        t.system_attrs["search_space"] == {"c": ["a", None], "x": [1.5, 2.5]} for t in study.trials
    )


def test_same_seed_gives_the_same_order() -> None:
    orders = []
    for _ in range(2):
        study = ridgeline.create_study(sampler=GridSampler(SEED_000, seed=42))
        study.optimize(seed_000_objective)
        orders.append(points(study))
    assert orders[0] == orders[1]
    other = ridgeline.create_study(sampler=GridSampler(SEED_000, seed=43))
    other.optimize(seed_000_objective)
    assert points(other) != orders[0]


def test_threads_do_not_repeat_points() -> None:
    grid = {"x": list(range(6)), "y": [0.0, 0.5, 1.0]}
    study = ridgeline.create_study(sampler=GridSampler(grid, seed=0))
    study.optimize(lambda t: t.suggest_int("x", 0, 5) + t.suggest_float("y", 0, 1), n_jobs=4)
    counts = Counter(points(study))
    assert set(counts) == all_points(grid)
    # A worker that already passed the budget check when the last point was handed out
    # repeats a running point; that is the only way to see a repeat.
    assert len(study.trials) - len(counts) <= 3


def test_two_study_objects_on_one_storage_share_the_grid() -> None:
    grid = {"x": list(range(10)), "y": ["a", "b"]}
    storage = InMemoryStorage()
    ridgeline.create_study(study_name="g", storage=storage)
    barrier = threading.Barrier(2)

    def objective(trial: Trial) -> float:
        return trial.suggest_int("x", 0, 9) + len(trial.suggest_categorical("y", ["a", "b"]))

    def worker(seed: int) -> None:
        study = ridgeline.load_study(
            study_name="g", storage=storage, sampler=GridSampler(grid, seed=seed)
        )
        barrier.wait()
        study.optimize(objective)

    threads = [threading.Thread(target=worker, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    study = ridgeline.load_study(study_name="g", storage=storage)
    counts = Counter(points(study))
    assert set(counts) == all_points(grid)
    assert len(study.trials) - len(counts) <= 2


def test_resumed_study_continues_the_grid(tmp_path: Any) -> None:
    grid = {k: v for k, v in SEED_000.items() if k in ("learning_rate", "batch_size")}

    def objective(trial: Trial) -> float:
        lr = trial.suggest_float("learning_rate", 1e-6, 1e-3, log=True)
        return lr * trial.suggest_int("batch_size", 8, 64, log=True)

    storage = f"sqlite:///{tmp_path}/grid.db"
    study = ridgeline.create_study(
        study_name="g", storage=storage, sampler=GridSampler(grid, seed=0)
    )
    study.optimize(objective, n_trials=5)
    resumed = ridgeline.load_study(
        study_name="g", storage=storage, sampler=GridSampler(grid, seed=1)
    )
    resumed.optimize(objective)
    assert Counter(points(resumed)) == Counter(all_points(grid))
    assert resumed.sampler.is_exhausted(resumed)  # type: ignore[attr-defined]


def test_trials_of_another_grid_do_not_count_by_id() -> None:
    storage = InMemoryStorage()
    study = ridgeline.create_study(storage=storage, sampler=GridSampler({"x": [0, 1]}))
    study.optimize(lambda t: t.suggest_int("x", 0, 9))
    # A grid of other values: ids 0 and 1 of the old grid mean other points.
    study.sampler = GridSampler({"x": [5, 6]})
    study.optimize(lambda t: t.suggest_int("x", 0, 9))
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 5, 6]
    # A larger grid that holds the old values: they are matched by value, not run again.
    study.sampler = GridSampler({"x": [0, 1, 5, 6, 7]})
    study.optimize(lambda t: t.suggest_int("x", 0, 9))
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 5, 6, 7]


def test_rerunning_a_finished_grid_runs_one_repeat_and_stops() -> None:
    study = ridgeline.create_study(sampler=GridSampler({"x": [0, 1]}))
    study.optimize(lambda t: t.suggest_int("x", 0, 1))
    assert study.sampler.is_exhausted(study)  # type: ignore[attr-defined]
    study.optimize(lambda t: t.suggest_int("x", 0, 1))
    assert len(study.trials) == 3


# ---------------------------------------------------------------------- enqueue / add_trial
def test_enqueued_grid_point_counts_and_is_not_run_again() -> None:
    grid = {"x": [0, 1, 2], "y": ["a", "b"]}
    study = ridgeline.create_study(sampler=GridSampler(grid, seed=0))
    study.enqueue_trial({"x": 2, "y": "b"})
    study.optimize(lambda t: t.suggest_int("x", 0, 2) + len(t.suggest_categorical("y", ["a", "b"])))
    assert study.trials[0].params == {"x": 2, "y": "b"}
    assert Counter(points(study)) == Counter(all_points(grid))


def test_partly_enqueued_trial_gets_a_matching_unvisited_point() -> None:
    grid = {"x": [0, 1, 2], "y": ["a", "b"]}
    study = ridgeline.create_study(sampler=GridSampler(grid, seed=0))
    study.enqueue_trial({"x": 1})
    study.optimize(lambda t: t.suggest_int("x", 0, 2) + len(t.suggest_categorical("y", ["a", "b"])))
    assert study.trials[0].params["x"] == 1
    assert Counter(points(study)) == Counter(all_points(grid))


def test_enqueued_value_off_the_grid_runs_once_besides_the_grid() -> None:
    grid = {"x": [0, 1], "y": ["a", "b"]}
    study = ridgeline.create_study(sampler=GridSampler(grid, seed=0))
    study.enqueue_trial({"x": 7})
    study.optimize(lambda t: t.suggest_int("x", 0, 9) + len(t.suggest_categorical("y", ["a", "b"])))
    first = study.trials[0].params
    assert first["x"] == 7 and first["y"] in ("a", "b")
    assert set(points(study)[1:]) == all_points(grid)
    assert len(study.trials) == 5


def test_added_trials_count_as_run() -> None:
    study = ridgeline.create_study(sampler=GridSampler({"x": [0.0, 0.5, 1.0]}))
    study.add_trial(
        create_trial(params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)}, value=1.0)
    )
    study.optimize(lambda t: t.suggest_float("x", 0, 1))
    assert sorted(t.params["x"] for t in study.trials) == [0.0, 0.5, 1.0]


def test_ask_and_tell() -> None:
    sampler = GridSampler({"x": [1, 2]}, seed=0)
    study = ridgeline.create_study(sampler=sampler)
    seen = []
    while not sampler.is_exhausted(study):
        trial = study.ask()
        seen.append(trial.suggest_int("x", 0, 3))
        study.tell(trial, 0.0)
    assert sorted(seen) == [1, 2]


# ---------------------------------------------------------------------- objective mismatch
def test_parameter_missing_from_the_grid_is_named() -> None:
    study = ridgeline.create_study(sampler=GridSampler({"x": [0, 1]}))
    with pytest.raises(
        ValueError,
        match=r"suggested 'y', which is not in the `search_space` of "
        r"GridSampler \(parameters: \['x'\]\)",
    ):
        study.optimize(lambda t: t.suggest_int("x", 0, 1) + t.suggest_float("y", 0, 1))
    assert study.trials[0].state == TrialState.FAIL


@pytest.mark.parametrize(
    ("value", "suggest"),
    [
        (5, lambda t: t.suggest_int("x", 0, 3)),
        (0.5, lambda t: t.suggest_int("x", 0, 3)),
        (2.0, lambda t: t.suggest_float("x", 0, 1)),
        (0.25, lambda t: t.suggest_float("x", 0, 1, step=0.1)),
        ("z", lambda t: t.suggest_categorical("x", ["a", "b"])),
        ("a", lambda t: t.suggest_float("x", 0, 1)),
    ],
)
def test_grid_value_outside_the_suggested_distribution_is_named(value: Any, suggest: Any) -> None:
    study = ridgeline.create_study(sampler=GridSampler({"x": [value]}))
    with pytest.raises(
        ValueError,
        match=rf"grid value {value!r} of 'x' lies outside the "
        r"distribution the objective suggested, \w+Distribution",
    ):
        study.optimize(suggest)


def test_int_grid_values_serve_float_and_int_suggestions() -> None:
    study = ridgeline.create_study(sampler=GridSampler({"x": [1, 2], "n": [4.0]}))
    study.optimize(lambda t: t.suggest_float("x", 0, 3) + t.suggest_int("n", 0, 9))
    assert sorted(t.params["x"] for t in study.trials) == [1.0, 2.0]
    assert {t.params["n"] for t in study.trials} == {4}
    assert all(t.distributions["n"] == IntDistribution(0, 9) for t in study.trials)


# ---------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("search_space", "error", "match"),
    [
        (
            [1, 2],
            TypeError,
            r"`search_space` of GridSampler must be a dict mapping parameter "
            r"names to lists of values; got \[1, 2\]",
        ),
        (
            {},
            ValueError,
            r"`search_space` of GridSampler must hold at least one parameter; got "
            r"\{\}",
        ),
        ({"x": []}, ValueError, r"must give at least one value per parameter; got 'x': \[\]"),
        (
            {"x": 3},
            TypeError,
            r"must map each name to a list of values; got 'x': 3\. Wrap a "
            r"single value in a list: \[3\]",
        ),
        ({"x": "abc"}, TypeError, r"must map each name to a list of values; got 'x': 'abc'"),
        ({"x": {1, 2}}, TypeError, r"must map each name to a list of values; got 'x': \{1, 2\}"),
        ({"x": {"a": 1}}, TypeError, r"must map each name to a list of values"),
        (
            {"x": [[1, 2]]},
            TypeError,
            r"must hold None, bool, int, float or str values; got "
            r"\[1, 2\] \(list\) for 'x'",
        ),
        ({"x": [object]}, TypeError, r"must hold None, bool, int, float or str values"),
        ({"x": [1.0, float("nan")]}, ValueError, r"must not hold NaN; got 'x'"),
        ({1: [1, 2]}, TypeError, r"must use str parameter names; got 1"),
    ],
)
def test_invalid_search_space_is_rejected(search_space: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        GridSampler(search_space)


def test_errors_derive_from_ridgeline_error() -> None:
    with pytest.raises(ridgeline.exceptions.RidgelineError):
        GridSampler({"x": []})
    with pytest.raises(ridgeline.exceptions.RidgelineError):
        GridSampler({"x": 1})  # type: ignore[dict-item]


def test_invalid_seed_is_rejected() -> None:
    with pytest.raises(TypeError, match=r"`seed` of GridSampler must be a non-negative int"):
        GridSampler({"x": [1]}, seed=-1)


def test_duplicate_values_are_dropped_with_a_warning_at_the_callers_line() -> None:
    with pytest.warns(UserWarning, match=r"lists 1.0 more than once for 'x'") as record:
        sampler = GridSampler({"x": [1, 2, 1.0], "b": [True, 1]})
    assert record[0].filename == __file__
    assert sampler.n_grids == 4


def test_tuples_ranges_arrays_and_numpy_scalars_are_accepted() -> None:
    sampler = GridSampler(
        {
            "a": (1, 2),
            "b": range(3),
            "c": np.array([0.5, 1.5]),
            "d": [np.int64(3), np.float32(0.5), np.bool_(True)],
        }
    )
    assert sampler.n_grids == 2 * 3 * 2 * 3
    study = ridgeline.create_study(sampler=GridSampler({"c": np.array([0.5, 1.5])}))
    study.optimize(lambda t: t.suggest_float("c", 0, 2))
    assert sorted(type(t.params["c"]).__name__ for t in study.trials) == ["float", "float"]
