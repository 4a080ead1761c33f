"""EvolutionarySampler: a single-objective genetic algorithm."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.samplers import EvolutionarySampler, RandomSampler
from ridgeline.samplers.nsgaii import SBXCrossover, SPXCrossover, UniformCrossover
from ridgeline.trial import Trial

KEY = "ga:trial"


def sphere(trial: Trial) -> float:
    return float(sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(10)))


def rosenbrock(trial: Trial) -> float:
    x = np.array([trial.suggest_float(f"x{i}", -2.0, 2.0) for i in range(10)])
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


@pytest.mark.parametrize("objective", [sphere, rosenbrock])
def test_beats_random_search_in_ten_dimensions(objective: Any) -> None:
    best: dict[str, list[float]] = {"ga": [], "random": []}
    for seed in range(3):
        for name, sampler in (
            ("ga", EvolutionarySampler(seed=seed)),
            ("random", RandomSampler(seed=seed)),
        ):
            study = ridgeline.create_study(sampler=sampler)
            study.optimize(objective, n_trials=300)
            best[name].append(study.best_value)
    assert np.median(best["ga"]) < np.median(best["random"]) / 4, best
    assert max(best["ga"]) < min(best["random"]), best


@pytest.mark.parametrize("crossover", [SBXCrossover(), SPXCrossover(), UniformCrossover()])
def test_any_crossover(crossover: Any) -> None:
    study = ridgeline.create_study(
        sampler=EvolutionarySampler(population_size=10, crossover=crossover, seed=0)
    )
    study.optimize(sphere, n_trials=60)
    first = min(t.value for t in study.trials[:10])  # type: ignore[type-var]
    assert study.best_value < first


def test_elites_stay_in_the_pool() -> None:
    sampler = EvolutionarySampler(population_size=6, elite_size=2, seed=0)
    study = ridgeline.create_study(direction="maximize", sampler=sampler)
    study.optimize(lambda t: -((t.suggest_float("x", -1, 1) - 0.3) ** 2), n_trials=36)
    for generation in range(1, 6):
        pool = sampler._pool(study, generation)
        assert len(pool.trials) == 6
        done = [t for t in study.trials if t.system_attrs[KEY]["generation"] < generation]
        best = sorted(done, key=lambda t: -t.value)[:2]  # type: ignore[operator]
        assert {t.number for t in best} <= {t.number for t in pool.trials}


def test_tournament_size_one_is_random_selection() -> None:
    sampler = EvolutionarySampler(population_size=10, tournament_size=1, seed=0)
    study = ridgeline.create_study(sampler=sampler)
    study.optimize(sphere, n_trials=30)
    parents = [p for t in study.trials[10:] for p in t.system_attrs[KEY]["parents"]]
    assert len(set(parents)) > 5


def test_constraints_steer_towards_feasible_trials() -> None:
    sampler = EvolutionarySampler(
        population_size=10, seed=1, constraints_func=lambda t: [t.params["x"] - 0.5]
    )
    study = ridgeline.create_study(direction="maximize", sampler=sampler)
    study.optimize(
        lambda t: t.suggest_float("x", 0.0, 1.0) + 0.1 * t.suggest_float("y", 0, 1), n_trials=60
    )
    assert all(t.system_attrs["constraints"] for t in study.trials)
    late = [t.params["x"] <= 0.5 for t in study.trials[-10:]]
    assert sum(late) >= 7
    assert study.best_trial.params["x"] <= 0.5


def test_seeded_runs_are_reproducible_and_resume(tmp_path: Any) -> None:
    runs = []
    for _ in range(2):
        study = ridgeline.create_study(sampler=EvolutionarySampler(population_size=5, seed=3))
        study.optimize(sphere, n_trials=15)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]

    storage = f"sqlite:///{tmp_path}/ga.db"
    study = ridgeline.create_study(
        study_name="ga", storage=storage, sampler=EvolutionarySampler(population_size=4, seed=0)
    )
    study.optimize(sphere, n_trials=10)
    resumed = ridgeline.load_study(
        study_name="ga", storage=storage, sampler=EvolutionarySampler(population_size=4, seed=1)
    )
    resumed.optimize(sphere, n_trials=6)
    generations = [t.system_attrs[KEY]["generation"] for t in resumed.trials]
    assert generations == [0] * 4 + [1] * 4 + [2] * 4 + [3] * 4


def test_parallel_threads() -> None:
    study = ridgeline.create_study(sampler=EvolutionarySampler(population_size=6, seed=0))
    study.optimize(sphere, n_trials=40, n_jobs=2)
    generations = [t.system_attrs[KEY]["generation"] for t in study.trials]
    assert max(generations) >= 4
    for g in range(max(generations)):
        assert generations.count(g) >= 6


def test_categorical_and_integer_parameters() -> None:
    def objective(trial: Trial) -> float:
        k = trial.suggest_int("k", 1, 100, log=True)
        c = trial.suggest_categorical("c", ["a", "bb", "ccc"])
        return abs(k - 30) + len(c)

    study = ridgeline.create_study(sampler=EvolutionarySampler(population_size=8, seed=0))
    study.optimize(objective, n_trials=80)
    assert study.best_value <= 4
    assert all(isinstance(t.params["k"], int) for t in study.trials)


def test_several_objectives_are_refused() -> None:
    study = ridgeline.create_study(
        directions=["minimize", "minimize"], sampler=EvolutionarySampler(seed=0)
    )
    with pytest.raises(ValueError, match=r"`study` of EvolutionarySampler must have a single"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"population_size": 1}, ValueError, r"`population_size` of EvolutionarySampler"),
        ({"tournament_size": 0}, ValueError, r"`tournament_size` .* >= 1; got 0"),
        ({"elite_size": -1}, ValueError, r"`elite_size` .* >= 0; got -1"),
        (
            {"population_size": 5, "elite_size": 5},
            ValueError,
            r"`elite_size` of EvolutionarySampler must be smaller than `population_size` \(5\); "
            r"got 5\. Keep room",
        ),
        ({"mutation_scale": 0}, ValueError, r"`mutation_scale` .* > 0; got 0\. It is a fraction"),
        ({"mutation_prob": 2}, ValueError, r"`mutation_prob` of EvolutionarySampler"),
        ({"crossover": object()}, TypeError, r"`crossover` of EvolutionarySampler"),
        ({"constraints_func": "no"}, TypeError, r"`constraints_func` of EvolutionarySampler"),
        ({"seed": 1.5}, TypeError, r"`seed` of EvolutionarySampler"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        EvolutionarySampler(**kwargs)
