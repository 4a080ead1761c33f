"""The sampler contract: every sampler, built-in or written by a user, must pass this suite.

Each test names the parameters its objective suggests (``Spec``); the grid for GridSampler and
the fixed value for PartialFixedSampler are derived from them, so a new sampler only needs a
line in ``FACTORIES``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import ridgeline
from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.samplers import (
    AutoSampler,
    BaseSampler,
    CmaEsSampler,
    EvolutionarySampler,
    GPSampler,
    GridSampler,
    NSGAIIISampler,
    NSGAIISampler,
    PartialFixedSampler,
    QMCSampler,
    RandomSampler,
    TPESampler,
)
from ridgeline.samplers.nsgaii import SBXCrossover, UNDXCrossover
from ridgeline.trial import FrozenTrial, Trial, TrialState, create_trial


# ---------------------------------------------------------------------- a user's own sampler
class PerturbBestSampler(BaseSampler):
    """What a user might write: perturb the best value so far, or draw uniformly.

    Implements only the three abstract methods, through public API only.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)

    def infer_relative_search_space(
        self, study: ridgeline.Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: ridgeline.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: ridgeline.Study, trial: FrozenTrial, name: str, dist: BaseDistribution
    ) -> Any:
        done = [
            t
            for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if t.distributions.get(name) == dist
        ]
        if isinstance(dist, CategoricalDistribution):
            if done and self.rng.random() < 0.5:
                return min(done, key=lambda t: t.values[0]).params[name]  # type: ignore[index]
            return dist.choices[int(self.rng.integers(len(dist.choices)))]
        assert isinstance(dist, (FloatDistribution, IntDistribution))
        low, high = float(dist.low), float(dist.high)
        to = (lambda v: math.log(v)) if dist.log else (lambda v: v)
        back = (lambda v: math.exp(v)) if dist.log else (lambda v: v)
        if done and self.rng.random() < 0.7:
            best = float(min(done, key=lambda t: t.values[0]).params[name])  # type: ignore[index]
            x = back(to(best) + self.rng.normal() * 0.1 * (to(high) - to(low)))
        else:
            x = back(self.rng.uniform(to(low), to(high)))
        x = min(max(x, low), high)
        step = dist.step
        if step is not None:
            x = low + round((x - low) / step) * step
            x = min(x, high)
        return round(x) if isinstance(dist, IntDistribution) else float(x)


# ---------------------------------------------------------------------- parameter specs
@dataclass(frozen=True)
class Spec:
    name: str
    dist: BaseDistribution

    def suggest(self, trial: Trial) -> Any:
        d = self.dist
        if isinstance(d, FloatDistribution):
            return trial.suggest_float(self.name, d.low, d.high, log=d.log, step=d.step)
        if isinstance(d, IntDistribution):
            return trial.suggest_int(self.name, d.low, d.high, log=d.log, step=d.step)
        assert isinstance(d, CategoricalDistribution)
        return trial.suggest_categorical(self.name, list(d.choices))

    def grid_values(self) -> list[Any]:
        d = self.dist
        if isinstance(d, CategoricalDistribution):
            return list(d.choices)
        if isinstance(d, IntDistribution):
            return [d.low, d.high]
        assert isinstance(d, FloatDistribution)
        if d.step is not None:
            return [d.low, d.low + d.step]
        return [d.low, d.high, math.sqrt(d.low * d.high) if d.log else (d.low + d.high) / 2]


ALL_KINDS = [
    Spec("float", FloatDistribution(-2.0, 3.0)),
    Spec("float_log", FloatDistribution(1e-5, 1e-1, log=True)),
    Spec("float_step", FloatDistribution(0.0, 1.0, step=0.25)),
    Spec("int", IntDistribution(-3, 7)),
    Spec("int_log", IntDistribution(1, 1024, log=True)),
    Spec("int_step", IntDistribution(2, 20, step=3)),
    Spec("cat", CategoricalDistribution([None, True, 1, 2.5, "s"])),
]
KIND = Spec("kind", CategoricalDistribution(["a", "b"]))
A_X = Spec("a_x", FloatDistribution(0.0, 1.0))
B_N = Spec("b_n", IntDistribution(0, 9))
B_DEEP = Spec("b_deep", FloatDistribution(1.0, 100.0, log=True))
CONDITIONAL = [KIND, A_X, B_N, B_DEEP]
SIMPLE = [
    Spec("x", FloatDistribution(-1.0, 1.0)),
    Spec("k", IntDistribution(0, 4)),
    Spec("c", CategoricalDistribution(["p", "q"])),
]


def grid_of(specs: Sequence[Spec]) -> dict[str, list[Any]]:
    return {s.name: s.grid_values() for s in specs}


# ---------------------------------------------------------------------- the samplers
Factory = Callable[[int | None, Sequence[Spec]], BaseSampler]

FACTORIES: dict[str, Factory] = {
    "random": lambda seed, specs: RandomSampler(seed=seed),
    "grid": lambda seed, specs: GridSampler(grid_of(specs), seed=seed),
    "qmc-sobol": lambda seed, specs: QMCSampler(
        qmc_type="sobol", scramble=True, seed=seed, warn_independent_sampling=False
    ),
    "qmc-halton": lambda seed, specs: QMCSampler(
        qmc_type="halton", seed=seed, warn_independent_sampling=False
    ),
    "partial-fixed": lambda seed, specs: PartialFixedSampler(
        {specs[-1].name: specs[-1].grid_values()[0]}, RandomSampler(seed=seed)
    ),
    "partial-fixed-qmc": lambda seed, specs: PartialFixedSampler(
        {specs[0].name: specs[0].grid_values()[0]},
        QMCSampler(seed=seed, warn_independent_sampling=False),
    ),
    "user-written": lambda seed, specs: PerturbBestSampler(seed=seed),
    "tpe": lambda seed, specs: TPESampler(seed=seed, n_startup_trials=3),
    "tpe-univariate": lambda seed, specs: TPESampler(
        seed=seed, n_startup_trials=3, multivariate=False
    ),
    "tpe-group": lambda seed, specs: TPESampler(seed=seed, n_startup_trials=3, group=True),
    "cmaes": lambda seed, specs: CmaEsSampler(seed=seed, warn_independent_sampling=False),
    "gp": lambda seed, specs: GPSampler(
        seed=seed, n_startup_trials=3, warn_independent_sampling=False
    ),
    "auto": lambda seed, specs: AutoSampler(seed=seed, n_startup_trials=3),
    "nsga2": lambda seed, specs: NSGAIISampler(seed=seed, population_size=4),
    "nsga2-undx": lambda seed, specs: NSGAIISampler(
        seed=seed, population_size=4, crossover=UNDXCrossover()
    ),
    "nsga3": lambda seed, specs: NSGAIIISampler(seed=seed, population_size=4),
    "evolutionary": lambda seed, specs: EvolutionarySampler(
        seed=seed, population_size=4, crossover=SBXCrossover()
    ),
}


@pytest.fixture(params=sorted(FACTORIES))
def factory(request: pytest.FixtureRequest) -> Factory:
    return FACTORIES[request.param]


def objective_of(specs: Sequence[Spec]) -> Callable[[Trial], float]:
    def objective(trial: Trial) -> float:
        total = 0.0
        for spec in specs:
            value = spec.suggest(trial)
            total += hash(str(value)) % 7
        return total

    return objective


def assert_valid(trial: FrozenTrial) -> None:
    assert trial.state == TrialState.COMPLETE, trial.system_attrs.get("fail_reason")
    for name, value in trial.params.items():
        dist = trial.distributions[name]
        assert dist.contains(dist.to_internal_repr(value)), (name, value, dist)
        if isinstance(dist, IntDistribution):
            assert type(value) is int
        elif isinstance(dist, FloatDistribution):
            assert type(value) is float
        else:
            assert isinstance(dist, CategoricalDistribution)
            assert any(
                value is c or (type(value) is type(c) and value == c) for c in dist.choices
            ), (value, dist.choices)


# ---------------------------------------------------------------------- the contract
def test_values_lie_inside_every_kind_of_distribution(factory: Factory) -> None:
    study = ridgeline.create_study(sampler=factory(0, ALL_KINDS))
    study.optimize(objective_of(ALL_KINDS), n_trials=12)
    assert len(study.trials) == 12
    for trial in study.trials:
        assert_valid(trial)
        assert set(trial.params) == {s.name for s in ALL_KINDS}


def conditional_objective(trial: Trial) -> float:
    if KIND.suggest(trial) == "a":
        return float(A_X.suggest(trial))
    n = B_N.suggest(trial)
    if n > 4:
        return n + B_DEEP.suggest(trial)
    return float(n)


def test_conditional_parameters(factory: Factory) -> None:
    study = ridgeline.create_study(sampler=factory(1, CONDITIONAL))
    study.optimize(conditional_objective, n_trials=16)
    for trial in study.trials:
        assert_valid(trial)
        params = trial.params
        if params["kind"] == "a":
            assert set(params) == {"kind", "a_x"}
        else:
            assert set(params) in ({"kind", "b_n"}, {"kind", "b_n", "b_deep"})


def dynamic_objective(trial: Trial) -> float:
    # The choices (and a range) depend on the trial: e.g. model sizes allowed per hardware.
    choices = ["a", "b"] if trial.number % 2 else ["a", "b", "c"]
    c = trial.suggest_categorical("dyn", choices)
    high = 2 if trial.number % 3 else 4
    return len(c) + trial.suggest_int("width", 1, high)


# Samplers with a relative search space propose a value for the distribution they saw first;
# when the objective suggests the parameter with other choices or bounds, Trial samples it
# independently instead.
def test_dynamic_choices_across_trials(factory: Factory) -> None:
    specs = [Spec("dyn", CategoricalDistribution(["a", "b"])), Spec("width", IntDistribution(1, 2))]
    study = ridgeline.create_study(sampler=factory(2, specs))
    study.optimize(dynamic_objective, n_trials=10)
    for trial in study.trials:
        assert_valid(trial)


def test_parallel_threads(factory: Factory) -> None:
    study = ridgeline.create_study(sampler=factory(3, SIMPLE))
    study.optimize(objective_of(SIMPLE), n_trials=12, n_jobs=2)
    assert len(study.trials) >= 8  # a grid of 12 points may stop the study a trial early
    for trial in study.trials:
        assert_valid(trial)


def test_same_seed_same_trials(factory: Factory) -> None:
    runs = []
    for _ in range(2):
        study = ridgeline.create_study(sampler=factory(4, ALL_KINDS))
        study.optimize(objective_of(ALL_KINDS), n_trials=8)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def test_added_and_enqueued_trials(factory: Factory) -> None:
    sampler = factory(5, SIMPLE)
    study = ridgeline.create_study(sampler=sampler)
    dists = {s.name: s.dist for s in SIMPLE}
    for i, x in enumerate((-1.0, 1.0)):
        study.add_trial(
            create_trial(params={"x": x, "k": i, "c": "p"}, distributions=dists, value=float(i))
        )
    study.enqueue_trial({"x": 0.0, "k": 4, "c": "q"})
    study.enqueue_trial({"k": 0})
    study.optimize(objective_of(SIMPLE), n_trials=6)
    trials = study.trials
    assert trials[2].params == {"x": 0.0, "k": 4, "c": "q"}
    assert trials[3].params["k"] == 0
    for trial in trials:
        assert_valid(trial)
    assert len(trials) >= 6


def test_failed_and_pruned_trials_in_the_history(factory: Factory) -> None:
    def objective(trial: Trial) -> float:
        value = objective_of(SIMPLE)(trial)
        if trial.number % 3 == 0:
            raise ridgeline.TrialPruned()
        if trial.number % 3 == 1:
            raise RuntimeError("diverged")
        return value

    study = ridgeline.create_study(sampler=factory(6, SIMPLE))
    study.optimize(objective, n_trials=9, catch=(RuntimeError,))
    states = [t.state for t in study.trials]
    assert states[:3] == [TrialState.PRUNED, TrialState.FAIL, TrialState.COMPLETE]


def test_ask_and_tell(factory: Factory) -> None:
    study = ridgeline.create_study(sampler=factory(7, SIMPLE))
    for _ in range(5):
        trial = study.ask()
        study.tell(trial, objective_of(SIMPLE)(trial))
    for trial in study.trials:
        assert_valid(trial)


def test_multi_objective_study(factory: Factory) -> None:
    if factory in (FACTORIES["cmaes"], FACTORIES["evolutionary"]):
        pytest.skip("single-objective sampler: it raises a clear error instead")
    study = ridgeline.create_study(directions=["minimize", "maximize"], sampler=factory(8, SIMPLE))

    def objective(trial: Trial) -> tuple[float, float]:
        value = objective_of(SIMPLE)(trial)
        return value, -value

    study.optimize(objective, n_trials=5)
    for trial in study.trials:
        assert_valid(trial)


def test_sqlite_storage(factory: Factory, tmp_path: Any) -> None:
    storage = f"sqlite:///{tmp_path}/s.db"
    study = ridgeline.create_study(
        study_name="contract", storage=storage, sampler=factory(9, CONDITIONAL)
    )
    study.optimize(conditional_objective, n_trials=6, n_jobs=2)
    resumed = ridgeline.load_study(
        study_name="contract", storage=storage, sampler=factory(10, CONDITIONAL)
    )
    resumed.optimize(conditional_objective, n_trials=3)
    trials = resumed.trials
    assert len(trials) >= 8
    for trial in trials:
        assert_valid(trial)
