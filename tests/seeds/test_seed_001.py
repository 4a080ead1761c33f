# ruff: noqa: B007, B023, E402, E501, F841, I001, UP006, UP035
"""Seed 001 ("Hyperparameter Optimization" with NeMo Run), code blocks run with ridgeline.

Each block between ``# fmt: off`` and ``# fmt: on`` is copied verbatim from
``/work/shared/seeds/001_525eabb968b10dae.txt`` (``import optuna`` became
``import ridgeline as optuna``). ``nemo_run`` is the stand-in of ``tests/seeds/nemo_run.py``,
which trains a scikit-learn ``MLPClassifier`` from each added config; the helpers the seed
leaves undefined (``generate_random_config``, ``generate_config_from_trial``,
``tournament_selection``, ``crossover``, ``mutate``, ``analyze_failure_patterns``) are
defined below.

Covered: Scenario 1's ``objective`` and ``run_architecture_search``, Scenario 3's
``CustomAcquisitionFunction`` and ``bayesian_optimization_with_custom_acquisition``, population-based
training, Hyperband, multi-fidelity, resource-aware and distributed optimization, search-space
design, early stopping, parallel trials, progress monitoring, debugging failed trials.

Scenario 2 (``NSGAIISampler``, an objective returning a dict of named values to a study
created with ``directions=[...]`` only) runs verbatim.

"Result Analysis and Visualization" runs verbatim on a study of Scenario 1's ``objective``
(its three ``optuna.visualization`` plots are dropped by the block, so the test records
what each call returned); its undefined ``calculate_improvement_rate`` and
``analyze_parameter_sensitivity`` (``optuna.importance.get_param_importances``) are defined
below.

Skipped, with the missing feature: "Caching and Pruning"
(``optuna.callbacks.CacheCallback``); MLflow and Weights & Biases integrations.
"""

import collections
import math
import random

import numpy as np
import pytest

import ridgeline as optuna

TrialState = optuna.trial.TrialState


# --------------------------------------------------------------------------- seed blocks
# "### Scenario 1: Neural Network Architecture Search"
# fmt: off
import nemo_run as run
from dataclasses import dataclass
from typing import Dict, Any, List
import ridgeline as optuna

@dataclass
class ArchitectureConfig:
    """Configuration for neural network architecture search."""
    num_layers: int
    hidden_sizes: List[int]
    activation: str
    dropout_rate: float
    learning_rate: float
    batch_size: int

def objective(trial: optuna.Trial) -> float:
    """Optuna objective function for architecture search."""

    # Define hyperparameter search space
    config = ArchitectureConfig(
        num_layers=trial.suggest_int("num_layers", 1, 5),
        hidden_sizes=[trial.suggest_int(f"hidden_size_{i}", 32, 512)
                     for i in range(trial.suggest_int("num_layers", 1, 5))],
        activation=trial.suggest_categorical("activation", ["relu", "tanh", "sigmoid"]),
        dropout_rate=trial.suggest_float("dropout_rate", 0.0, 0.5),
        learning_rate=trial.suggest_float("learning_rate", 1e-5, 1e-2, log=True),
        batch_size=trial.suggest_categorical("batch_size", [16, 32, 64, 128])
    )

    # Execute experiment with NeMo Run
    with run.Experiment(f"architecture_search_{trial.number}") as exp:
        exp.add(config, name="architecture_trial")
        results = exp.run()

        # Return validation accuracy as objective
        return results["validation_accuracy"]

def run_architecture_search():
    """Run neural network architecture search."""

    # Create Optuna study
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=42)
    )

    # Optimize with NeMo Run integration
    study.optimize(objective, n_trials=100, timeout=3600)

    # Get best configuration
    best_config = study.best_params
    best_value = study.best_value

    print(f"Best validation accuracy: {best_value:.4f}")
    print(f"Best configuration: {best_config}")

    return best_config, best_value
# fmt: on


# "### Scenario 2: Multi-Objective Optimization"
# fmt: off
@dataclass
class MultiObjectiveConfig:
    """Configuration for multi-objective optimization."""
    model_type: str
    hyperparameters: Dict[str, Any]
    objectives: List[str]

def multi_objective_function(trial: optuna.Trial) -> Dict[str, float]:
    """Multi-objective optimization function."""

    config = MultiObjectiveConfig(
        model_type=trial.suggest_categorical("model_type", ["transformer", "lstm", "cnn"]),
        hyperparameters={
            "learning_rate": trial.suggest_float("learning_rate", 1e-5, 1e-2, log=True),
            "batch_size": trial.suggest_categorical("batch_size", [16, 32, 64]),
            "dropout": trial.suggest_float("dropout", 0.0, 0.5),
            "hidden_size": trial.suggest_int("hidden_size", 64, 512)
        },
        objectives=["accuracy", "latency", "memory_usage"]
    )

    # Execute experiment
    with run.Experiment(f"multi_objective_{trial.number}") as exp:
        exp.add(config, name="multi_objective_trial")
        results = exp.run()

        # Return multiple objectives
        return {
            "accuracy": results["accuracy"],
            "latency": results["inference_latency"],
            "memory_usage": results["memory_usage"]
        }

def run_multi_objective_optimization():
    """Run multi-objective hyperparameter optimization."""

    # Create multi-objective study
    study = optuna.create_study(
        directions=["maximize", "minimize", "minimize"],
        sampler=optuna.samplers.NSGAIISampler(seed=42)
    )

    # Optimize
    study.optimize(multi_objective_function, n_trials=50)

    # Analyze Pareto frontier
    pareto_front = study.best_trials

    print(f"Pareto frontier size: {len(pareto_front)}")
    for i, trial in enumerate(pareto_front):
        print(f"Trial {i}: {trial.values}")

    return pareto_front
# fmt: on


# "### Scenario 3: Bayesian Optimization with Custom Acquisition"
# fmt: off
class CustomAcquisitionFunction:
    """Custom acquisition function for Bayesian optimization."""

    def __init__(self, exploration_weight: float = 0.1):
        self.exploration_weight = exploration_weight

    def __call__(self, mean: float, std: float) -> float:
        """Custom acquisition function combining EI and exploration."""
        # Expected Improvement
        ei = max(0, mean - self.best_observed)

        # Exploration term
        exploration = std * self.exploration_weight

        return ei + exploration

def bayesian_optimization_with_custom_acquisition():
    """Run Bayesian optimization with custom acquisition function."""

    # Create study with custom sampler
    sampler = optuna.samplers.TPESampler(
        seed=42,
        n_startup_trials=10
    )

    study = optuna.create_study(
        direction="maximize",
        sampler=sampler
    )

    # Run optimization
    study.optimize(objective, n_trials=100)

    return study
# fmt: on


# "### 1. Population-Based Training"
# fmt: off
def population_based_training():
    """Implement population-based training for hyperparameter optimization."""

    population_size = 10
    generations = 20

    # Initialize population
    population = []
    for i in range(population_size):
        config = generate_random_config()
        population.append(config)

    # Evolution loop
    for generation in range(generations):
        # Evaluate population
        fitness_scores = []
        for config in population:
            with run.Experiment(f"pbt_gen_{generation}_config_{len(fitness_scores)}") as exp:
                exp.add(config, name="pbt_trial")
                results = exp.run()
                fitness_scores.append(results["fitness"])

        # Selection and crossover
        new_population = []
        for _ in range(population_size):
            parent1 = tournament_selection(population, fitness_scores)
            parent2 = tournament_selection(population, fitness_scores)
            child = crossover(parent1, parent2)
            child = mutate(child)
            new_population.append(child)

        population = new_population

    return population
# fmt: on


# "### 2. Hyperband Optimization"
# fmt: off
def hyperband_optimization():
    """Implement Hyperband algorithm for resource-efficient optimization."""

    max_iter = 81  # Maximum iterations per configuration
    eta = 3        # Successive halving factor

    # Calculate number of brackets
    s_max = int(np.log(max_iter) / np.log(eta))
    B = (s_max + 1) * max_iter

    best_config = None
    best_score = float('-inf')

    for s in range(s_max, -1, -1):
        # Number of configurations in this bracket
        n = int(np.ceil(B / max_iter / (s + 1) * eta ** s))

        # Number of iterations per configuration
        r = max_iter * eta ** (-s)

        # Generate and evaluate configurations
        configs = [generate_random_config() for _ in range(n)]

        for i, config in enumerate(configs):
            with run.Experiment(f"hyperband_s{s}_i{i}") as exp:
                exp.add(config, name="hyperband_trial")
                results = exp.run(max_iterations=int(r))

                if results["score"] > best_score:
                    best_score = results["score"]
                    best_config = config

    return best_config, best_score
# fmt: on


# "### 3. Multi-Fidelity Optimization"
# fmt: off
def multi_fidelity_optimization():
    """Implement multi-fidelity optimization for efficient search."""

    # Define fidelity levels
    fidelity_levels = [0.1, 0.3, 0.5, 0.7, 1.0]  # Fraction of full training

    def low_fidelity_objective(trial: optuna.Trial, fidelity: float) -> float:
        """Objective function with fidelity control."""

        config = generate_config_from_trial(trial)

        with run.Experiment(f"multi_fidelity_{trial.number}") as exp:
            exp.add(config, name="multi_fidelity_trial")

            # Run with reduced fidelity
            results = exp.run(
                max_epochs=int(100 * fidelity),
                data_fraction=fidelity
            )

            return results["validation_accuracy"]

    # Create study
    study = optuna.create_study(direction="maximize")

    # Multi-fidelity optimization
    for fidelity in fidelity_levels:
        study.optimize(
            lambda trial: low_fidelity_objective(trial, fidelity),
            n_trials=20
        )

    return study
# fmt: on


# "### 1. Resource-Aware Optimization"
# fmt: off
def resource_aware_optimization():
    """Optimize hyperparameters with resource constraints."""

    # Define resource constraints
    resource_constraints = {
        "max_memory": "32GB",
        "max_gpu_memory": "24GB",
        "max_time": "2h",
        "max_cost": "$50"
    }

    def constrained_objective(trial: optuna.Trial) -> float:
        """Objective function with resource monitoring."""

        config = generate_config_from_trial(trial)

        with run.Experiment(f"constrained_{trial.number}") as exp:
            exp.add(config, name="constrained_trial")

            # Monitor resources during execution
            results = exp.run(
                resource_monitoring=True,
                max_time=7200,  # 2 hours
                memory_limit="32GB"
            )

            # Check resource constraints
            if results["memory_usage"] > 32e9:  # 32GB
                return float('-inf')  # Penalty for constraint violation

            return results["validation_accuracy"]

    study = optuna.create_study(direction="maximize")
    study.optimize(constrained_objective, n_trials=100)

    return study
# fmt: on


# "### 2. Distributed Optimization"
# fmt: off
def distributed_hyperparameter_optimization():
    """Run distributed hyperparameter optimization across multiple nodes."""

    # Configure distributed execution
    distributed_config = {
        "backend": "ray",
        "num_workers": 4,
        "resources_per_worker": {"CPU": 2, "GPU": 1}
    }

    def distributed_objective(trial: optuna.Trial) -> float:
        """Distributed objective function."""

        config = generate_config_from_trial(trial)

        with run.Experiment(f"distributed_{trial.number}") as exp:
            exp.add(config, name="distributed_trial")

            # Run on distributed cluster
            results = exp.run(
                backend="ray",
                cluster_config=distributed_config
            )

            return results["validation_accuracy"]

    study = optuna.create_study(direction="maximize")
    study.optimize(distributed_objective, n_trials=200)

    return study
# fmt: on


# "### 1. Search Space Design"
# fmt: off
def design_effective_search_space():
    """Design effective hyperparameter search spaces."""

    # Define search spaces based on domain knowledge
    search_spaces = {
        "learning_rate": {
            "type": "log_uniform",
            "min": 1e-5,
            "max": 1e-1
        },
        "batch_size": {
            "type": "categorical",
            "values": [16, 32, 64, 128, 256]
        },
        "architecture": {
            "type": "categorical",
            "values": ["resnet", "vgg", "inception", "efficientnet"]
        },
        "optimizer": {
            "type": "categorical",
            "values": ["adam", "sgd", "adamw", "rmsprop"]
        }
    }

    return search_spaces
# fmt: on


# "### 2. Early Stopping Strategies"
# fmt: off
def implement_early_stopping():
    """Implement effective early stopping strategies."""

    early_stopping_config = {
        "patience": 10,
        "min_delta": 0.001,
        "monitor": "validation_loss",
        "mode": "min"
    }

    def objective_with_early_stopping(trial: optuna.Trial) -> float:
        """Objective function with early stopping."""

        config = generate_config_from_trial(trial)

        with run.Experiment(f"early_stopping_{trial.number}") as exp:
            exp.add(config, name="early_stopping_trial")

            # Run with early stopping
            results = exp.run(
                early_stopping=early_stopping_config,
                max_epochs=100
            )

            return results["best_validation_accuracy"]

    return objective_with_early_stopping
# fmt: on


# "### 3. Result Analysis and Visualization"
# fmt: off
def analyze_optimization_results(study: optuna.Study):
    """Analyze and visualize optimization results."""

    # Plot optimization history
    optuna.visualization.plot_optimization_history(study)

    # Plot parameter importance
    optuna.visualization.plot_param_importances(study)

    # Plot parameter relationships
    optuna.visualization.plot_parallel_coordinate(study)

    # Get detailed statistics
    print(f"Number of trials: {len(study.trials)}")
    print(f"Best value: {study.best_value}")
    print(f"Best parameters: {study.best_params}")

    # Analyze convergence
    convergence_analysis = {
        "trials_to_best": study.best_trial.number,
        "improvement_rate": calculate_improvement_rate(study),
        "parameter_sensitivity": analyze_parameter_sensitivity(study)
    }

    return convergence_analysis
# fmt: on


# "### 1. Parallel Trial Execution"
# fmt: off
def parallel_optimization():
    """Execute optimization trials in parallel."""

    # Configure parallel execution
    parallel_config = {
        "n_jobs": 4,
        "timeout": 3600,
        "catch": (Exception,)
    }

    study = optuna.create_study(direction="maximize")

    # Run parallel optimization
    study.optimize(
        objective,
        n_trials=100,
        n_jobs=4,
        timeout=3600
    )

    return study
# fmt: on


# "### 1. Optimization Progress Monitoring"
# fmt: off
def monitor_optimization_progress(study: optuna.Study):
    """Monitor optimization progress in real-time."""

    def progress_callback(study: optuna.Study, trial: optuna.FrozenTrial):
        """Callback to monitor progress."""
        print(f"Trial {trial.number}: {trial.value}")
        print(f"Best so far: {study.best_value}")
        print(f"Parameters: {trial.params}")

    # Add callback to study
    study.optimize(
        objective,
        n_trials=100,
        callbacks=[progress_callback]
    )
# fmt: on


# "### 2. Debugging Failed Trials"
# fmt: off
def debug_failed_trials(study: optuna.Study):
    """Analyze and debug failed optimization trials."""

    failed_trials = [trial for trial in study.trials if trial.state == optuna.trial.TrialState.FAIL]

    print(f"Number of failed trials: {len(failed_trials)}")

    for trial in failed_trials:
        print(f"Trial {trial.number} failed:")
        print(f"  Parameters: {trial.params}")
        print(f"  Error: {trial.user_attrs.get('error', 'Unknown error')}")

    # Analyze failure patterns
    failure_patterns = analyze_failure_patterns(failed_trials)

    return failure_patterns
# fmt: on


# --------------------------------------------------------------------------- the seed's undefined helpers
BATCH_SIZES = [16, 32, 64, 128]
ACTIVATIONS = ["relu", "tanh", "sigmoid"]


def generate_random_config():
    """A random NeMo Run task config (uses the ``random`` module's state)."""
    return {
        "learning_rate": 10 ** random.uniform(-4.0, -1.5),
        "hidden_sizes": [random.randint(32, 256)] * random.randint(1, 3),
        "activation": random.choice(ACTIVATIONS),
        "dropout_rate": random.uniform(0.0, 0.5),
        "batch_size": random.choice(BATCH_SIZES),
    }


def generate_config_from_trial(trial):
    num_layers = trial.suggest_int("num_layers", 1, 3)
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True),
        "hidden_sizes": [trial.suggest_int("hidden_size", 32, 256, log=True)] * num_layers,
        "activation": trial.suggest_categorical("activation", ACTIVATIONS),
        "dropout_rate": trial.suggest_float("dropout_rate", 0.0, 0.5),
        "batch_size": trial.suggest_categorical("batch_size", BATCH_SIZES),
    }


def tournament_selection(population, fitness_scores, k=3):
    """The fittest (highest accuracy) of ``k`` random individuals."""
    contenders = random.sample(range(len(population)), k)
    return population[max(contenders, key=lambda i: fitness_scores[i])]


def crossover(parent1, parent2):
    return {key: random.choice([parent1[key], parent2[key]]) for key in parent1}


def mutate(config):
    child = dict(config)
    if random.random() < 0.3:
        child["learning_rate"] = min(1e-1, child["learning_rate"] * 10 ** random.uniform(-0.5, 0.5))
    if random.random() < 0.2:
        child["dropout_rate"] = min(0.5, max(0.0, child["dropout_rate"] + random.gauss(0, 0.1)))
    if random.random() < 0.2:
        child["batch_size"] = random.choice(BATCH_SIZES)
    return child


def analyze_failure_patterns(failed_trials):
    """How many trials failed, grouped by exception type (from ``user_attrs['error']``)."""
    by_error = collections.Counter(
        t.user_attrs.get("error", "Unknown error").split(":")[0] for t in failed_trials
    )
    return {"n_failed": len(failed_trials), "by_error": dict(by_error)}


def calculate_improvement_rate(study):
    """The fraction of completed trials that set a new best value."""
    values = [t.value for t in study.trials if t.state == TrialState.COMPLETE]
    sign = 1 if study.direction == optuna.study.StudyDirection.MAXIMIZE else -1
    best, improvements = -math.inf, 0
    for value in values:
        if sign * value > best:
            best, improvements = sign * value, improvements + 1
    return improvements / len(values)


def analyze_parameter_sensitivity(study):
    """Each parameter's share of the objective's variance (fANOVA importances)."""
    return optuna.importance.get_param_importances(study)


_PLOTS = ("plot_optimization_history", "plot_param_importances", "plot_parallel_coordinate")


def _record_figures(monkeypatch):
    """The block drops its figures: keep each one a ``plot_*`` call returns."""
    figures = {}
    for name in _PLOTS:
        real = getattr(optuna.visualization, name)

        def recorder(*args, _real=real, _name=name, **kwargs):
            fig = _real(*args, **kwargs)
            figures.setdefault(_name, []).append(fig)
            return fig

        monkeypatch.setattr(optuna.visualization, name, recorder)
    return figures


def _check_architecture_params(params):
    n = params["num_layers"]
    assert 1 <= n <= 5
    assert sorted(k for k in params if k.startswith("hidden_size_")) == [
        f"hidden_size_{i}" for i in range(n)
    ]
    assert all(32 <= params[f"hidden_size_{i}"] <= 512 for i in range(n))
    assert params["activation"] in ["relu", "tanh", "sigmoid"]
    assert params["batch_size"] in [16, 32, 64, 128]
    assert 1e-5 <= params["learning_rate"] <= 1e-2 and 0.0 <= params["dropout_rate"] <= 0.5


# --------------------------------------------------------------------------- tests
def test_architecture_search_objective():
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(42))
    study.optimize(objective, n_trials=12)

    assert len(study.trials) == 12
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    for t in study.trials:
        # "num_layers" is suggested twice: the second call returns the first value, so the
        # number of hidden sizes always matches it.
        _check_architecture_params(t.params)
        assert 0.0 <= t.value <= 1.0
    assert study.best_value == max(t.value for t in study.trials)
    assert len({t.value for t in study.trials}) > 1  # the configs really train differently


@pytest.mark.slow
def test_run_architecture_search_with_tpe(capsys):
    best_config, best_value = run_architecture_search()  # 100 trials, verbatim

    out = capsys.readouterr().out
    assert f"Best validation accuracy: {best_value:.4f}" in out
    _check_architecture_params(best_config)
    assert 0.5 < best_value <= 1.0


@pytest.mark.slow
def test_multi_objective_optimization_with_nsga2_and_named_values(capsys):
    pareto_front = run_multi_objective_optimization()

    out = capsys.readouterr().out
    assert f"Pareto frontier size: {len(pareto_front)}" in out
    assert len(pareto_front) >= 1
    # The dict's keys named the objectives of a study created with directions=[...] only.
    for trial in pareto_front:
        accuracy, latency, memory = trial.values
        assert 0.0 <= accuracy <= 1.0 and latency > 0 and memory > 0
        assert f"{trial.values}" in out

    # No front member is dominated by another (maximize, minimize, minimize).
    def dominates(a, b):
        a2, b2 = (-a[0], a[1], a[2]), (-b[0], b[1], b[2])
        return all(x <= y for x, y in zip(a2, b2, strict=True)) and a2 != b2

    assert not any(dominates(o.values, t.values) for o in pareto_front for t in pareto_front)


def test_multi_objective_function_names_the_study_s_objectives():
    study = optuna.create_study(
        directions=["maximize", "minimize", "minimize"],
        sampler=optuna.samplers.NSGAIISampler(seed=0),
    )
    study.optimize(multi_objective_function, n_trials=2)
    assert study.metric_names == ["accuracy", "latency", "memory_usage"]
    assert list(study.trials_dataframe().filter(like="values_").columns) == [
        "values_accuracy",
        "values_latency",
        "values_memory_usage",
    ]


def test_bayesian_optimization_with_custom_acquisition():
    study = bayesian_optimization_with_custom_acquisition()  # 100 TPE trials, verbatim

    assert isinstance(study.sampler, optuna.samplers.TPESampler)
    values = [t.value for t in study.trials]
    assert len(values) == 100 and all(t.state == TrialState.COMPLETE for t in study.trials)
    # TPE's trials after the 10 random ones are better on average than the random ones.
    assert np.mean(values[-30:]) > np.mean(values[:10])


def test_custom_acquisition_function():
    acquisition = CustomAcquisitionFunction(exploration_weight=0.1)
    with pytest.raises(AttributeError, match="best_observed"):
        acquisition(0.5, 0.1)  # the seed never sets best_observed; callers must
    acquisition.best_observed = 0.5
    assert acquisition(0.7, 0.2) == pytest.approx(0.2 + 0.02)
    assert acquisition(0.4, 0.2) == pytest.approx(0.02)


def test_custom_acquisition_function_drives_gp_sampler():
    # The seed's acquisition scores one (mean, std) pair of a maximisation and reads
    # `best_observed`; GPSampler's callable gets arrays on its minimisation scale and `best`.
    acquisition = CustomAcquisitionFunction(exploration_weight=0.1)
    calls = []

    def seed_acquisition(mean, std, best):
        acquisition.best_observed = -best  # the seed's view: larger is better
        calls.append(len(mean))
        return np.array([acquisition(-m, s) for m, s in zip(mean, std, strict=True)])

    sampler = optuna.samplers.GPSampler(seed=42, n_startup_trials=10, acquisition=seed_acquisition)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(
        lambda t: -((t.suggest_float("x", -3, 3) - 1) ** 2) - (t.suggest_float("y", -3, 3)) ** 2,
        n_trials=25,
    )
    assert calls  # the seed's function chose the last 15 trials
    values = [t.value for t in study.trials]
    assert max(values[10:]) > max(values[:10])
    assert study.best_value > -0.5


def test_population_based_training():
    random.seed(0)
    population = population_based_training()

    assert len(population) == 10
    for config in population:
        assert set(config) == {
            "learning_rate",
            "hidden_sizes",
            "activation",
            "dropout_rate",
            "batch_size",
        }
        assert 0.0 <= config["dropout_rate"] <= 0.5 and config["batch_size"] in BATCH_SIZES


def test_hyperband_optimization():
    random.seed(1)
    best_config, best_score = hyperband_optimization()

    assert best_config is not None and 0.1 < best_score <= 1.0
    with run.Experiment("recheck") as exp:
        exp.add(best_config, name="recheck")
        assert exp.run(max_iterations=1)["score"] <= 1.0


def test_multi_fidelity_optimization():
    study = multi_fidelity_optimization()

    assert len(study.trials) == 100  # 5 fidelity levels x 20 trials
    assert [t.number for t in study.trials] == list(range(100))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert study.best_value == max(t.value for t in study.trials)
    assert set(study.best_params) == {
        "num_layers",
        "learning_rate",
        "hidden_size",
        "activation",
        "dropout_rate",
        "batch_size",
    }


def test_resource_aware_optimization():
    study = resource_aware_optimization()

    assert len(study.trials) == 100
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert all(0.0 <= t.value <= 1.0 for t in study.trials)  # no -inf: far below 32 GB


def test_distributed_hyperparameter_optimization():
    study = distributed_hyperparameter_optimization()

    assert len(study.trials) == 200
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert 1e-4 <= study.best_params["learning_rate"] <= 1e-1


def test_effective_search_space_drives_a_study():
    search_spaces = design_effective_search_space()

    def objective_from_space(trial):
        params = {}
        for name, spec in search_spaces.items():
            if spec["type"] == "log_uniform":
                params[name] = trial.suggest_float(name, spec["min"], spec["max"], log=True)
            else:
                params[name] = trial.suggest_categorical(name, spec["values"])
        return params["learning_rate"]

    study = optuna.create_study(sampler=optuna.samplers.QMCSampler(seed=0))
    study.optimize(objective_from_space, n_trials=16)
    assert len(study.trials) == 16
    for t in study.trials:
        assert 1e-5 <= t.params["learning_rate"] <= 1e-1
        assert t.params["batch_size"] in search_spaces["batch_size"]["values"]
        assert t.params["architecture"] in search_spaces["architecture"]["values"]
        assert t.params["optimizer"] in search_spaces["optimizer"]["values"]
    assert study.best_params["learning_rate"] == min(t.value for t in study.trials)


def test_early_stopping_objective():
    objective_with_early_stopping = implement_early_stopping()

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    study.optimize(objective_with_early_stopping, n_trials=6)

    assert len(study.trials) == 6
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert all(0.0 <= t.value <= 1.0 for t in study.trials)
    assert len({t.value for t in study.trials}) > 1


def test_analyze_optimization_results(capsys, monkeypatch):
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(3))
    study.optimize(objective, n_trials=12)
    figures = _record_figures(monkeypatch)

    convergence_analysis = analyze_optimization_results(study)

    assert convergence_analysis["trials_to_best"] == study.best_trial.number
    values = [t.value for t in study.trials]
    assert values[study.best_trial.number] == max(values) == study.best_value
    n_new_best = sum(v > max(values[:i], default=-math.inf) for i, v in enumerate(values))
    assert convergence_analysis["improvement_rate"] == n_new_best / 12
    importance = convergence_analysis["parameter_sensitivity"]
    # Importances cover the parameters every trial has (hidden_size_i depends on num_layers).
    common = set.intersection(*(set(t.params) for t in study.trials))
    assert {"num_layers", "activation", "dropout_rate", "learning_rate"} <= common
    assert set(importance) == common
    assert sum(importance.values()) == pytest.approx(1.0)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "Number of trials: 12",
        f"Best value: {study.best_value}",
        f"Best parameters: {study.best_params}",
    ]

    assert set(figures) == set(_PLOTS) and all(len(f) == 1 for f in figures.values())
    history = figures["plot_optimization_history"][0].data
    assert [d.name for d in history] == ["Objective Value", "Best Value"]
    assert list(history[0].y) == values
    assert list(history[1].y) == list(np.maximum.accumulate(values))
    (bars,) = figures["plot_param_importances"][0].data
    assert dict(zip(bars.y, bars.x, strict=True)) == pytest.approx(importance)
    (parcoords,) = figures["plot_parallel_coordinate"][0].data
    labels = [d.label for d in parcoords.dimensions]
    assert labels[0] == "Objective Value" and common <= set(labels[1:])


def test_parallel_optimization():
    study = parallel_optimization()

    assert len(study.trials) == 100
    assert sorted(t.number for t in study.trials) == list(range(100))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    for t in study.trials:
        _check_architecture_params(t.params)
    assert study.best_value == max(t.value for t in study.trials)


def test_monitor_optimization_progress(capsys):
    study = optuna.create_study(direction="maximize")
    monitor_optimization_progress(study)

    assert len(study.trials) == 100
    lines = capsys.readouterr().out.splitlines()
    trial_lines = [line for line in lines if line.startswith("Trial ")]
    best_lines = [float(line.split(": ")[1]) for line in lines if line.startswith("Best so far")]
    assert len(trial_lines) == len(best_lines) == 100
    assert [int(line.split()[1].rstrip(":")) for line in trial_lines] == list(range(100))
    assert best_lines == sorted(best_lines)  # the best value never gets worse
    assert best_lines[-1] == study.best_value
    assert sum(line.startswith("Parameters: {") for line in lines) == 100


def test_debug_failed_trials(capsys):
    def objective_with_memory_budget(trial):
        config = generate_config_from_trial(trial)
        with run.Experiment(f"budget_{trial.number}") as exp:
            exp.add(config, name="budget_trial")
            return exp.run(memory_limit="16KB")["validation_accuracy"]

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    study.optimize(objective_with_memory_budget, n_trials=20, catch=(RuntimeError,))
    failed = [t for t in study.trials if t.state == TrialState.FAIL]
    assert 0 < len(failed) < 20, "the larger networks should exceed the 16 KB budget"

    failure_patterns = debug_failed_trials(study)

    assert failure_patterns == {"n_failed": len(failed), "by_error": {"RuntimeError": len(failed)}}
    out = capsys.readouterr().out
    assert f"Number of failed trials: {len(failed)}" in out
    for t in failed:
        assert t.user_attrs.get("error").startswith("RuntimeError: task 'budget_trial' used ")
        assert f"Trial {t.number} failed:" in out
        assert f"  Parameters: {t.params}" in out
    assert out.count("over memory_limit='16KB'") == len(failed)
    assert "Unknown error" not in out
