"""NSGAIISampler, its crossover and mutation operators, and NSGA-II's survival rules."""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.distributions import CategoricalDistribution, FloatDistribution
from ridgeline.samplers import NSGAIISampler, RandomSampler
from ridgeline.samplers._nsga._ranking import (
    constrained_ranks,
    crowding_distance,
    nsga2_mating_order,
    nsga2_select,
)
from ridgeline.samplers.nsgaii import (
    BaseCrossover,
    BLXAlphaCrossover,
    PolynomialMutation,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from ridgeline.trial import FrozenTrial, Trial, TrialState

KEY = "nsga2:trial"


# ---------------------------------------------------------------------- crossovers
def multi_study() -> ridgeline.Study:
    return ridgeline.create_study(directions=["minimize", "minimize"])


def single_study() -> ridgeline.Study:
    return ridgeline.create_study()


OPERATORS: dict[str, Callable[[], BaseCrossover]] = {
    "uniform": UniformCrossover,
    "blx": BLXAlphaCrossover,
    "sbx": SBXCrossover,
    "vsbx": VSBXCrossover,
    "spx": SPXCrossover,
    "undx": UNDXCrossover,
}


def children(
    op: BaseCrossover, parents: np.ndarray, n: int, bounds: np.ndarray, seed: int = 0
) -> np.ndarray:
    rng = np.random.RandomState(seed)
    study = single_study()
    return np.array([op.crossover(parents, rng, study, bounds) for _ in range(n)])


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_children_lie_inside_the_bounds(name: str) -> None:
    op = OPERATORS[name]()
    rng = np.random.default_rng(1)
    bounds = np.tile([0.0, 1.0], (5, 1))
    for _ in range(200):
        # Parents near the edges push naive operators outside.
        parents = rng.choice([0.0, 0.02, 0.5, 0.98, 1.0], size=(op.n_parents, 5))
        child = op.crossover(parents, np.random.RandomState(int(rng.integers(1000))), None, bounds)  # type: ignore[arg-type]
        assert child.shape == (5,)
        assert np.all(child >= 0.0) and np.all(child <= 1.0)


@pytest.mark.parametrize("name", ["blx", "sbx", "spx", "undx", "uniform"])
def test_children_keep_the_parents_mean(name: str) -> None:
    # Wide bounds so no child is reflected: each paper promises E[child] = the parents' mean
    # (SBX: the midpoint of its two children; UNDX: the midpoint of the first two parents).
    op = SBXCrossover(use_child_gene_prob=1.0) if name == "sbx" else OPERATORS[name]()
    parents = np.array([[0.40, 0.2, 0.7], [0.60, 0.3, 0.1], [0.45, 0.35, 0.4]])[: op.n_parents]
    bounds = np.tile([-50.0, 50.0], (3, 1))
    kids = children(op, parents, 6000, bounds)
    expected = parents[:2].mean(axis=0) if name == "undx" else parents.mean(axis=0)
    np.testing.assert_allclose(kids.mean(axis=0), expected, atol=0.015)


def test_sbx_children_mean_is_the_midpoint_inside_symmetric_bounds() -> None:
    op = SBXCrossover(eta=2.0, use_child_gene_prob=1.0)
    kids = children(op, np.array([[0.3], [0.7]]), 8000, np.array([[0.0, 1.0]]))
    assert abs(kids.mean() - 0.5) < 0.01


def test_sbx_larger_eta_keeps_children_nearer_the_parents() -> None:
    parents = np.array([[0.3], [0.7]])
    bounds = np.array([[0.0, 1.0]])

    def spread(eta: float) -> float:
        op = SBXCrossover(eta=eta, use_child_gene_prob=1.0)
        kids = children(op, parents, 2000, bounds)[:, 0]
        return float(np.mean(np.minimum(np.abs(kids - 0.3), np.abs(kids - 0.7))))

    assert spread(20.0) < spread(2.0) / 2


def test_sbx_default_eta_depends_on_the_number_of_objectives() -> None:
    op = SBXCrossover(use_child_gene_prob=1.0)
    parents = np.array([[0.3], [0.7]])
    bounds = np.array([[0.0, 1.0]])
    dist = {}
    for label, study in (("single", single_study()), ("multi", multi_study())):
        rng = np.random.RandomState(0)
        kids = np.array([op.crossover(parents, rng, study, bounds)[0] for _ in range(2000)])
        dist[label] = np.mean(np.minimum(np.abs(kids - 0.3), np.abs(kids - 0.7)))
    assert dist["multi"] < dist["single"] / 2  # eta 20 for several objectives, 2 for one


def test_spx_keeps_the_parents_covariance() -> None:
    # Tsutsui et al. 1999: with epsilon = sqrt(k + 1), the children's covariance is the
    # parents' (population) covariance.
    parents = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    kids = children(SPXCrossover(), parents, 8000, np.tile([-50.0, 50.0], (2, 1)))
    np.testing.assert_allclose(np.cov(kids.T, bias=True), np.cov(parents.T, bias=True), atol=0.015)


def test_undx_spreads_along_and_across_the_parents_line() -> None:
    parents = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 1.0, 0.0]])
    kids = children(
        UNDXCrossover(sigma_xi=0.5, sigma_eta=0.2), parents, 6000, np.tile([-50.0, 50.0], (3, 1))
    )
    std = kids.std(axis=0)
    # Along d (|d| = 1): sigma_xi; across: D * sigma_eta with D = 1.
    np.testing.assert_allclose(std, [0.5, 0.2, 0.2], atol=0.015)


def test_undx_with_coinciding_primary_parents_still_spreads() -> None:
    parents = np.array([[0.5, 0.5], [0.5, 0.5], [0.6, 0.5]])
    kids = children(UNDXCrossover(), parents, 500, np.tile([0.0, 1.0], (2, 1)))
    assert kids.std(axis=0).min() > 0.0


def test_uniform_crossover_swaps_with_its_probability() -> None:
    parents = np.array([np.zeros(10), np.ones(10)])
    kids = children(UniformCrossover(0.2), parents, 2000, np.tile([0.0, 1.0], (10, 1)))
    assert abs(kids.mean() - 0.2) < 0.01


def test_blx_alpha_zero_stays_between_the_parents() -> None:
    kids = children(BLXAlphaCrossover(0.0), np.array([[0.2], [0.6]]), 500, np.array([[0.0, 1.0]]))
    assert kids.min() >= 0.2 and kids.max() <= 0.6


def test_vsbx_children_reach_both_sides_of_both_parents() -> None:
    kids = children(
        VSBXCrossover(eta=2.0, use_child_gene_prob=1.0),
        np.array([[0.4], [0.6]]),
        5000,
        np.array([[0.0, 1.0]]),
    )[:, 0]
    for low, high in ((0.0, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 1.0)):
        assert np.any((kids > low) & (kids < high)), (low, high)


def test_polynomial_mutation_stays_inside_and_moves() -> None:
    op = PolynomialMutation(eta=20.0)
    rng = np.random.RandomState(0)
    bounds = np.array([0.0, 1.0])
    for start in (0.0, 0.3, 1.0):
        out = np.array([op.mutation(start, rng, None, bounds) for _ in range(2000)])  # type: ignore[arg-type]
        assert out.min() >= 0.0 and out.max() <= 1.0
        # At a bound the half of the density beyond it is cut off (the gene stays put).
        assert np.mean(out != start) > (0.99 if 0.0 < start < 1.0 else 0.45)
        assert np.mean(np.abs(out - start)) < 0.05  # eta 20: small steps


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda: UniformCrossover(1.5),
            r"`swapping_prob` of UniformCrossover .* \[0, 1\]; got 1.5",
        ),
        (lambda: BLXAlphaCrossover(-0.1), r"`alpha` of BLXAlphaCrossover .*>= 0; got -0.1"),
        (lambda: SBXCrossover(eta=-1), r"`eta` of SBXCrossover .*>= 0; got -1"),
        (
            lambda: SBXCrossover(uniform_crossover_prob=2),
            r"`uniform_crossover_prob` of SBXCrossover .* \[0, 1\]; got 2",
        ),
        (
            lambda: VSBXCrossover(use_child_gene_prob=0.0),
            r"`use_child_gene_prob` of VSBXCrossover .* \(0, 1\]; got 0.0",
        ),
        (lambda: SPXCrossover(epsilon=0), r"`epsilon` of SPXCrossover .*> 0; got 0"),
        (lambda: UNDXCrossover(sigma_xi=-1), r"`sigma_xi` of UNDXCrossover .*> 0; got -1"),
        (lambda: UNDXCrossover(sigma_eta=math.inf), r"`sigma_eta` of UNDXCrossover .*; got inf"),
        (lambda: PolynomialMutation(eta=-2), r"`eta` of PolynomialMutation .*>= 0; got -2"),
    ],
)
def test_operator_arguments_are_checked(make: Callable[[], Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make()


def test_operator_argument_types_are_checked() -> None:
    with pytest.raises(TypeError, match=r"`alpha` of BLXAlphaCrossover .*; got 'big'"):
        BLXAlphaCrossover("big")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- survival rules
def test_crowding_distance_of_a_front() -> None:
    front = np.array([[0.0, 4.0], [1.0, 2.0], [2.0, 1.0], [4.0, 0.0]])
    d = crowding_distance(front)
    assert np.isinf(d[0]) and np.isinf(d[3])
    # (2 - 0)/4 + (4 - 1)/4 and (4 - 1)/4 + (2 - 0)/4
    np.testing.assert_allclose(d[1:3], [1.25, 1.25])


def test_constrained_ranks_put_feasible_first_and_order_violations() -> None:
    values = np.array([[1.0, 1.0], [0.0, 0.0], [5.0, 5.0], [2.0, 0.5], [0.0, 3.0]])
    violations = np.array([0.0, 2.0, 0.0, 0.5, 0.0])
    ranks = constrained_ranks(values, violations)
    # Feasible: rows 0, 4 non-dominated (rank 0), row 2 rank 1; infeasible after, by violation.
    assert ranks.tolist() == [0, 3, 1, 2, 0]


def test_nsga2_select_fills_with_the_least_crowded() -> None:
    values = np.array([[0.0, 4.0], [1.0, 2.0], [1.1, 1.9], [4.0, 0.0], [5.0, 5.0]])
    chosen = nsga2_select(values, None, 3)
    # Front 0 = rows 0-3; the extremes 0 and 3 are infinitely uncrowded; row 2's crowding is
    # 3/4 + 2/4 = 1.25 against row 1's 1.1/4 + 2.1/4 = 0.8.
    assert chosen.tolist() == [0, 2, 3]
    position = nsga2_mating_order(values, None)
    assert position[4] == 4  # the dominated row loses every tournament


# ---------------------------------------------------------------------- the sampler
def zdt1(trial: Trial) -> tuple[float, float]:
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(30)])
    f1 = float(x[0])
    g = 1.0 + 9.0 * float(x[1:].mean())
    return f1, g * (1.0 - math.sqrt(f1 / g))


def hypervolume_2d(points: list[tuple[float, ...]], ref: tuple[float, float]) -> float:
    """Area dominated by ``points`` (to minimise) and bounded by ``ref``, by a sweep."""
    inside = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    area, best = 0.0, ref[1]
    for f1, f2 in inside:
        if f2 < best:
            area += (ref[0] - f1) * (best - f2)
            best = f2
    return area


def test_hypervolume_helper() -> None:
    assert hypervolume_2d([(0.5, 0.5)], (1.0, 1.0)) == 0.25
    assert hypervolume_2d([(0.0, 0.5), (0.5, 0.0), (0.6, 0.6)], (1.0, 1.0)) == 0.75


def test_zdt1_front_beats_random_search() -> None:
    ref = (1.1, 11.0)
    hv = {}
    for name, sampler in (
        ("nsga2", NSGAIISampler(population_size=40, seed=0)),
        ("random", RandomSampler(seed=0)),
    ):
        study = ridgeline.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(zdt1, n_trials=400)
        hv[name] = hypervolume_2d([tuple(t.values) for t in study.best_trials], ref)
    assert hv["nsga2"] > hv["random"] + 0.5, hv


def test_generations_and_parents_are_stored_on_trials() -> None:
    study = ridgeline.create_study(
        directions=["minimize", "maximize"], sampler=NSGAIISampler(population_size=5, seed=1)
    )
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=17)
    records = [t.system_attrs[KEY] for t in study.trials]
    assert [r["generation"] for r in records] == [0] * 5 + [1] * 5 + [2] * 5 + [3] * 2
    assert all(r["parents"] == [] for r in records[:5])
    for trial, record in zip(study.trials[5:], records[5:], strict=True):
        assert len(record["parents"]) == 2 and len(set(record["parents"])) == 2
        assert all(p < 5 * record["generation"] for p in record["parents"])
        assert trial.number not in record["parents"]


def test_children_inherit_from_their_parents() -> None:
    # Without mutation and with uniform crossover, every child value is a parent's value.
    sampler = NSGAIISampler(population_size=6, mutation_prob=0.0, crossover_prob=1.0, seed=2)
    study = ridgeline.create_study(directions=["minimize", "minimize"], sampler=sampler)

    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 1e-3, 1.0, log=True)
        n = trial.suggest_int("n", 0, 10, step=2)
        c = trial.suggest_categorical("c", ["a", "b", "c"])
        return x + n, (1 - x) + len(c)

    study.optimize(objective, n_trials=24)
    by_number = {t.number: t for t in study.trials}
    for trial in study.trials[6:]:
        parents = [by_number[p] for p in trial.system_attrs[KEY]["parents"]]
        for name in ("x", "n", "c"):
            assert trial.params[name] in [p.params[name] for p in parents], (trial.number, name)


def test_single_objective_study_improves() -> None:
    def sphere(trial: Trial) -> float:
        return sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(5))

    study = ridgeline.create_study(
        sampler=NSGAIISampler(population_size=20, crossover=SBXCrossover(), seed=0)
    )
    study.optimize(sphere, n_trials=300)
    first = min(t.value for t in study.trials[:20])  # type: ignore[type-var]
    assert study.best_value < first / 5


def constrained_objective(trial: Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    trial.set_user_attr("c", 0.6 - x - y)  # feasible when x + y >= 0.6
    return x, y


def test_constraints_steer_towards_feasible_trials() -> None:
    sampler = NSGAIISampler(
        population_size=10, seed=3, constraints_func=lambda t: [t.user_attrs["c"]]
    )
    study = ridgeline.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(constrained_objective, n_trials=80)
    for trial in study.trials:
        assert trial.system_attrs["constraints"] == [pytest.approx(trial.user_attrs["c"])]
    feasible = [t.user_attrs["c"] <= 0 for t in study.trials]
    assert sum(feasible[-20:]) > sum(feasible[:10]) * 2 - 2
    assert sum(feasible[-20:]) >= 14
    # The unconstrained front (x, y -> 0) is infeasible; best_trials keeps to feasible ones.
    assert study.best_trials and all(t.user_attrs["c"] <= 0 for t in study.best_trials)
    pool = sampler._pool(study, 8)
    assert all(t.user_attrs["c"] <= 0 for t in pool.trials)


def test_seeded_runs_are_reproducible() -> None:
    runs = []
    for _ in range(2):
        study = ridgeline.create_study(
            directions=["minimize", "minimize"],
            sampler=NSGAIISampler(population_size=6, seed=7, crossover=SBXCrossover()),
        )
        study.optimize(
            lambda t: (t.suggest_float("x", 0, 1), t.suggest_int("k", 0, 9) / 9), n_trials=30
        )
        runs.append([(t.params, t.system_attrs[KEY]) for t in study.trials])
    assert runs[0] == runs[1]


def two_objectives(trial: Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    return x, (1 + y) * (1 - math.sqrt(x))


def test_resumed_study_continues_at_its_generation(tmp_path: Any) -> None:
    storage = f"sqlite:///{tmp_path}/nsga.db"
    first = NSGAIISampler(population_size=6, seed=0)
    study = ridgeline.create_study(
        study_name="s", storage=storage, directions=["minimize"] * 2, sampler=first
    )
    study.optimize(two_objectives, n_trials=20)  # generations 0-2 full, 3 has 2 trials
    second = NSGAIISampler(population_size=6, seed=1)
    resumed = ridgeline.load_study(study_name="s", storage=storage, sampler=second)
    resumed.optimize(two_objectives, n_trials=10)
    records = [t.system_attrs[KEY] for t in resumed.trials]
    assert [r["generation"] for r in records] == [0] * 6 + [1] * 6 + [2] * 6 + [3] * 6 + [4] * 6
    # The new instance derives the same parent pools from the stored trials.
    for generation in (1, 2, 3):
        old = [t.number for t in first._pool(study, generation).trials]
        new = [t.number for t in second._pool(resumed, generation).trials]
        assert old == new
    pool = {t.number for t in second._pool(resumed, 3).trials}
    for record in records[18:24]:
        assert set(record["parents"]) <= pool


def test_parallel_threads_share_one_evolution() -> None:
    sampler = NSGAIISampler(population_size=8, seed=0)
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.optimize(two_objectives, n_trials=60, n_jobs=2)
    trials = study.trials
    assert all(t.state == TrialState.COMPLETE for t in trials)
    generations = [t.system_attrs[KEY]["generation"] for t in trials]
    last = max(generations)
    assert last >= 5
    for g in range(last):  # every closed generation has at least population_size trials
        assert generations.count(g) >= 8
    numbers = {t.number for t in trials}
    for trial in trials:
        assert set(trial.system_attrs[KEY]["parents"]) <= numbers


def _worker(storage: str, seed: int) -> None:
    study = ridgeline.load_study(
        study_name="mp", storage=storage, sampler=NSGAIISampler(population_size=6, seed=seed)
    )
    study.optimize(two_objectives, n_trials=15)


def test_processes_sharing_an_sqlite_storage(tmp_path: Any) -> None:
    import multiprocessing

    storage = f"sqlite:///{tmp_path}/mp.db"
    ridgeline.create_study(study_name="mp", storage=storage, directions=["minimize"] * 2)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_worker, args=(storage, s)) for s in (0, 1)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    trials = ridgeline.load_study(study_name="mp", storage=storage).trials
    assert len(trials) == 30 and all(t.state == TrialState.COMPLETE for t in trials)
    generations = [t.system_attrs[KEY]["generation"] for t in trials]
    assert max(generations) >= 3
    assert generations.count(0) >= 6


def test_parameters_outside_the_parents_space_are_drawn_at_random() -> None:
    sampler = NSGAIISampler(population_size=6, seed=4, mutation_prob=0.0)
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)

    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number >= 12:  # a parameter no parent has
            trial.suggest_float("new", 0.0, 1.0)
        return x, 1 - x

    study.optimize(objective, n_trials=20)
    by_number = {t.number: t for t in study.trials}
    news = [t.params["new"] for t in study.trials[12:]]
    assert len(set(news)) == len(news)  # drawn, not inherited
    for trial in study.trials[12:18]:  # generation 2: no parent has "new" yet
        parents = [by_number[p] for p in trial.system_attrs[KEY]["parents"]]
        assert "new" not in parents[0].params
        assert trial.params["x"] in [p.params["x"] for p in parents]


def test_user_crossover_written_for_optunas_protocol() -> None:
    class Midpoint(BaseCrossover):
        n_parents = 2

        def crossover(
            self, parents_params: np.ndarray, rng: Any, study: Any, search_space_bounds: Any
        ) -> np.ndarray:
            jitter = rng.rand(parents_params.shape[1]) * 0.0  # RandomState API
            return parents_params.mean(axis=0) + jitter

    sampler = NSGAIISampler(
        population_size=4, crossover=Midpoint(), crossover_prob=1.0, mutation_prob=0.0, seed=0
    )
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.optimize(two_objectives, n_trials=8)
    by_number = {t.number: t for t in study.trials}
    for trial in study.trials[4:]:
        parents = [by_number[p] for p in trial.system_attrs[KEY]["parents"]]
        assert trial.params["x"] == pytest.approx(np.mean([p.params["x"] for p in parents]))


def test_polynomial_mutation_in_the_sampler() -> None:
    sampler = NSGAIISampler(population_size=6, mutation=PolynomialMutation(), seed=0)
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.optimize(two_objectives, n_trials=24)
    assert all(0 <= t.params["x"] <= 1 for t in study.trials)


def test_strategies_replace_the_steps() -> None:
    calls: dict[str, int] = {"elite": 0, "child": 0, "after": 0}

    def elite(study: ridgeline.Study, trials: list[FrozenTrial]) -> list[FrozenTrial]:
        calls["elite"] += 1
        return sorted(trials, key=lambda t: t.values[0])[:4]

    def child(
        study: ridgeline.Study, space: dict[str, Any], parents: list[FrozenTrial]
    ) -> dict[str, Any]:
        calls["child"] += 1
        assert len(parents) == 4
        return {"x": 0.25, "y": 0.75}

    def after(study: ridgeline.Study, trial: FrozenTrial, state: Any, values: Any) -> None:
        calls["after"] += 1

    sampler = NSGAIISampler(
        population_size=4,
        elite_population_selection_strategy=elite,
        child_generation_strategy=child,
        after_trial_strategy=after,
        seed=0,
    )
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.optimize(two_objectives, n_trials=10)
    assert calls["elite"] >= 1 and calls["child"] == 6 and calls["after"] == 10
    assert all(t.params == {"x": 0.25, "y": 0.75} for t in study.trials[4:])


def test_enqueued_trials_count_as_members() -> None:
    sampler = NSGAIISampler(population_size=3, seed=0)
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.enqueue_trial({"x": 0.0, "y": 0.0})
    study.optimize(two_objectives, n_trials=6)
    assert study.trials[0].params == {"x": 0.0, "y": 0.0}
    assert [t.system_attrs[KEY]["generation"] for t in study.trials] == [0, 0, 0, 1, 1, 1]


def test_failed_trials_do_not_fill_a_generation() -> None:
    def objective(trial: Trial) -> tuple[float, float]:
        if trial.number % 3 == 0:
            raise RuntimeError("diverged")
        return two_objectives(trial)

    study = ridgeline.create_study(
        directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=4, seed=0)
    )
    study.optimize(objective, n_trials=12, catch=(RuntimeError,))
    complete_gen0 = [
        t
        for t in study.trials
        if t.system_attrs[KEY]["generation"] == 0 and t.state == TrialState.COMPLETE
    ]
    assert len(complete_gen0) == 4


def test_sampler_pickles() -> None:
    sampler = NSGAIISampler(population_size=4, seed=0)
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    study.optimize(two_objectives, n_trials=6)
    clone = pickle.loads(pickle.dumps(sampler))
    study.sampler = clone
    study.optimize(two_objectives, n_trials=4)
    assert study.trials[-1].system_attrs[KEY]["generation"] == 2


def test_categorical_only_space() -> None:
    study = ridgeline.create_study(
        directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=4, seed=0)
    )
    choices = [1, 2, 3, 4]
    study.optimize(
        lambda t: (t.suggest_categorical("a", choices), -t.suggest_categorical("b", choices)),
        n_trials=16,
    )
    for trial in study.trials:
        assert trial.distributions["a"] == CategoricalDistribution(choices)
        assert trial.params["a"] in choices


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"population_size": 1}, ValueError, r"`population_size` of NSGAIISampler .*>= 2; got 1"),
        (
            {"population_size": 2, "crossover": UNDXCrossover()},
            ValueError,
            r"`population_size` of NSGAIISampler must be an int >= 3; got 2\. .*3 parents",
        ),
        ({"population_size": 10.5}, TypeError, r"`population_size` .* an int; got 10.5"),
        ({"mutation_prob": 1.5}, ValueError, r"`mutation_prob` .* \[0, 1\]; got 1.5\. Leave it"),
        ({"crossover_prob": -0.1}, ValueError, r"`crossover_prob` .* \[0, 1\]; got -0.1"),
        ({"swapping_prob": 2}, ValueError, r"`swapping_prob` of NSGAIISampler .*; got 2"),
        ({"crossover": "sbx"}, TypeError, r"`crossover` of NSGAIISampler must be a BaseCrossover"),
        ({"mutation": 0.1}, TypeError, r"`mutation` of NSGAIISampler must be a BaseMutation"),
        ({"seed": -1}, TypeError, r"`seed` of NSGAIISampler"),
        ({"constraints_func": 3}, TypeError, r"`constraints_func` of NSGAIISampler .*; got 3"),
        (
            {"elite_population_selection_strategy": "x"},
            TypeError,
            r"`elite_population_selection_strategy` of NSGAIISampler must be a function",
        ),
        (
            {"child_generation_strategy": 1},
            TypeError,
            r"`child_generation_strategy` of NSGAIISampler must be a function",
        ),
        (
            {"after_trial_strategy": 1},
            TypeError,
            r"`after_trial_strategy` of NSGAIISampler must be a function",
        ),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        NSGAIISampler(**kwargs)


def test_a_crossover_returning_garbage_fails_the_trial_clearly() -> None:
    class Broken(BaseCrossover):
        n_parents = 2

        def crossover(self, parents_params: Any, rng: Any, study: Any, bounds: Any) -> Any:
            return np.zeros(parents_params.shape[1] + 1)

    study = ridgeline.create_study(
        directions=["minimize"] * 2,
        sampler=NSGAIISampler(population_size=2, crossover=Broken(), crossover_prob=1.0, seed=0),
    )
    study.optimize(two_objectives, n_trials=2)
    with pytest.raises(ValueError, match=r"Broken of NSGAIISampler must return a 1-d array of 2"):
        study.optimize(two_objectives, n_trials=1)


def test_float_distribution_bounds_survive_crossover() -> None:
    # Children of parents at the very bounds stay at valid values (log scale, steps).
    sampler = NSGAIISampler(population_size=4, crossover=BLXAlphaCrossover(2.0), seed=5)
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    dist = FloatDistribution(1e-5, 1.0, log=True)

    def objective(trial: Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 1e-5, 1.0, log=True)
        s = trial.suggest_float("s", 0.0, 1.0, step=0.1)
        return x, s

    study.optimize(objective, n_trials=24)
    for trial in study.trials:
        assert dist.contains(trial.params["x"])
        assert round(trial.params["s"] * 10) == pytest.approx(trial.params["s"] * 10)


def test_stragglers_join_the_next_generation_that_closes_after_them() -> None:
    # Trials as parallel workers might leave them (population 3), in order of completion:
    # generation 0 closes at #2; #4 (generation 0) finishes while generation 1 is open, so it
    # joins the candidates of the pool built when generation 1 closes (#6); #7 finishes later.
    seen: list[list[int]] = []

    def elite(study: ridgeline.Study, trials: list[FrozenTrial]) -> list[FrozenTrial]:
        seen.append(sorted(t.number for t in trials))
        return trials[:3]

    sampler = NSGAIISampler(population_size=3, elite_population_selection_strategy=elite)
    study = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    dist = {"x": FloatDistribution(0, 1)}
    for number, generation in enumerate([0, 0, 0, 1, 0, 1, 1, 0]):
        study.add_trial(
            ridgeline.create_trial(
                params={"x": number / 10},
                distributions=dist,
                values=[number, -number],
                system_attrs={KEY: {"generation": generation, "parents": []}},
            )
        )
    sampler._sync(study)
    pool = sampler._pool(study, 2)
    assert seen == [[0, 1, 2], [0, 1, 2, 3, 4, 5, 6]]  # pool(1) = #0-2, then P(1) and #4
    assert len(pool.trials) == 3


def test_a_mutation_returning_nan_fails_the_trial_clearly() -> None:
    from ridgeline.samplers.nsgaii import BaseMutation

    class Broken(BaseMutation):
        def mutation(self, param: float, rng: Any, study: Any, bounds: Any) -> float:
            return float("nan")

    study = ridgeline.create_study(
        directions=["minimize"] * 2,
        sampler=NSGAIISampler(population_size=2, mutation=Broken(), mutation_prob=1.0, seed=0),
    )
    study.optimize(two_objectives, n_trials=2)
    with pytest.raises(ValueError, match=r"The mutation Broken of NSGAIISampler must return a "):
        study.optimize(two_objectives, n_trials=1)


def test_one_sampler_on_two_studies() -> None:
    sampler = NSGAIISampler(population_size=3, seed=0)
    first = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    first.optimize(two_objectives, n_trials=9)
    second = ridgeline.create_study(directions=["minimize"] * 2, sampler=sampler)
    second.optimize(two_objectives, n_trials=9)
    numbers = {t.number for t in second.trials}
    records = [t.system_attrs[KEY] for t in second.trials]
    assert [r["generation"] for r in records] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert all(set(r["parents"]) <= numbers for r in records)
    by_number = {t.number: t for t in second.trials}
    for generation in (1, 2):  # pools built from the second study's trials, not the first's
        for member in sampler._pool(second, generation).trials:
            assert member.values == by_number[member.number].values
