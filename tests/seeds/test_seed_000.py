# ruff: noqa: B007, E501, RUF059, UP015
"""Seed 000 ("Hyperparameter Optimization" for NeMo RL), code blocks run with ridgeline.

Each block between ``# fmt: off`` and ``# fmt: on`` is copied verbatim from
``/work/shared/seeds/000_d77dbc39b9ffb06c.txt`` (only ``import optuna`` would become
``import ridgeline as optuna``). The names the seed leaves undefined (``evaluate_config``,
``self.define_hyperparameters``, ``self.train_epoch``, ...) are bound to the real training
helpers of :mod:`_training` (an MLP trained on scikit-learn's digits).

Covered: key hyperparameters, ``HyperparameterOptimizer`` ("Continuous Parameters"),
``OptimizationObjective``, ``define_categorical_params``,
``define_conditional_params``, grid search (also against ``GridSampler``), random search,
``PopulationBasedTrainer``, ``EarlyPruningOptimizer``, experiment design, statistical
analysis, and the four troubleshooting snippets.

``BayesianOptimizer`` and ``TransferLearningOptimizer`` run verbatim with their
``TPESampler`` constructors, ``MultiObjectiveOptimizer`` with its ``NSGAIISampler(seed=42)``.

``HyperparameterAnalyzer`` runs verbatim (``optuna.importance.get_param_importances`` and
three ``optuna.visualization`` plots; its plot methods drop their figures, so the tests
record what each ``plot_*`` call returned). ``AutomatedOptimizer`` runs verbatim on the
seed's YAML config (``n_trials`` lowered to 12): ``yaml``, ``json`` and ``datetime``, which
the seed never imports, are imported at the top of this file, and the ``BayesianOptimizer``
it builds gets the plot methods its ``generate_report`` calls but the seed defines only on
``HyperparameterAnalyzer``.

Skipped: none for a missing ridgeline feature. ``DistributedOptimizer`` is left out: its
``worker_function`` calls ``self.define_hyperparameters``/``self.evaluate_params``, which the
seed never defines for that class.
"""

import json
import math
import random
from datetime import datetime

import numpy as np
import pytest
import yaml
from _training import (
    EpochTrainer,
    _fit,
    define_hyperparameters,
    evaluate,
    evaluate_config,
    evaluate_model,
    evaluate_params,
    generate_random_params,
    get_accuracy,
    get_training_loss,
    get_validation_loss,
    train_model,
)

import ridgeline as optuna
from ridgeline.samplers import TPESampler  # the seed's "from optuna.samplers import TPESampler"

TrialState = optuna.trial.TrialState


# --------------------------------------------------------------------------- seed blocks
# "### Optimization Objectives"
# fmt: off
class OptimizationObjective:
    def __init__(self, primary_metric, constraints=None):
        self.primary_metric = primary_metric  # e.g., 'validation_loss'
        self.constraints = constraints or {}

    def evaluate(self, trial_results):
        """Evaluate trial results against objectives."""
        primary_value = trial_results[self.primary_metric]

        # Check constraints
        for constraint_metric, (min_val, max_val) in self.constraints.items():
            constraint_value = trial_results[constraint_metric]
            if not (min_val <= constraint_value <= max_val):
                return float('inf')  # Invalid trial

        return primary_value
# fmt: on


# "### 1. Continuous Parameters" (its imports are at the top of this file)
# fmt: off
class HyperparameterOptimizer:
    def __init__(self):
        self.study = optuna.create_study(
            direction="minimize",
            sampler=TPESampler(seed=42)
        )

    def define_continuous_params(self, trial):
        """Define continuous hyperparameters."""
        params = {
            # Learning rate (log scale)
            'learning_rate': trial.suggest_float(
                'learning_rate', 1e-6, 1e-3, log=True
            ),

            # Batch size
            'batch_size': trial.suggest_int('batch_size', 1, 16),

            # Weight decay
            'weight_decay': trial.suggest_float(
                'weight_decay', 1e-5, 1e-2, log=True
            ),

            # Dropout rate
            'dropout': trial.suggest_float('dropout', 0.0, 0.5),

            # Warmup steps
            'warmup_steps': trial.suggest_int('warmup_steps', 100, 5000),

            # Gradient clipping
            'max_grad_norm': trial.suggest_float('max_grad_norm', 0.1, 5.0),
        }

        return params
# fmt: on


# "### 2. Categorical Parameters"
# fmt: off
def define_categorical_params(self, trial):
    """Define categorical hyperparameters."""
    params = {
        # Optimizer choice
        'optimizer': trial.suggest_categorical(
            'optimizer', ['adam', 'adamw', 'sgd']
        ),

        # Learning rate scheduler
        'scheduler': trial.suggest_categorical(
            'scheduler', ['cosine', 'linear', 'step', 'plateau']
        ),

        # Model architecture
        'model_type': trial.suggest_categorical(
            'model_type', ['llama', 'gpt', 'bert']
        ),

        # Loss function
        'loss_function': trial.suggest_categorical(
            'loss_function', ['cross_entropy', 'focal', 'label_smoothing']
        ),

        # Mixed precision
        'mixed_precision': trial.suggest_categorical(
            'mixed_precision', ['fp16', 'bf16', 'fp32']
        ),
    }

    return params
# fmt: on


# "### 3. Conditional Parameters"
# fmt: off
def define_conditional_params(self, trial, base_params):
    """Define conditional hyperparameters."""
    params = base_params.copy()

    # Conditional on optimizer choice
    if base_params['optimizer'] == 'sgd':
        params['momentum'] = trial.suggest_float('momentum', 0.8, 0.99)
        params['nesterov'] = trial.suggest_categorical('nesterov', [True, False])

    # Conditional on scheduler choice
    if base_params['scheduler'] == 'step':
        params['step_size'] = trial.suggest_int('step_size', 1000, 10000)
        params['gamma'] = trial.suggest_float('gamma', 0.1, 0.9)

    # Conditional on loss function
    if base_params['loss_function'] == 'focal':
        params['focal_alpha'] = trial.suggest_float('focal_alpha', 0.1, 1.0)
        params['focal_gamma'] = trial.suggest_float('focal_gamma', 1.0, 5.0)

    return params
# fmt: on


# "### 1. Grid Search"
# fmt: off
def grid_search_hyperparameters():
    """Perform grid search over hyperparameters."""
    param_grid = {
        'learning_rate': [1e-5, 5e-5, 1e-4, 5e-4],
        'batch_size': [8, 16, 32],
        'weight_decay': [0.0, 0.01, 0.1],
        'warmup_steps': [500, 1000, 2000]
    }

    best_config = None
    best_score = float('inf')

    for lr in param_grid['learning_rate']:
        for bs in param_grid['batch_size']:
            for wd in param_grid['weight_decay']:
                for ws in param_grid['warmup_steps']:
                    config = {
                        'learning_rate': lr,
                        'batch_size': bs,
                        'weight_decay': wd,
                        'warmup_steps': ws
                    }

                    score = evaluate_config(config)

                    if score < best_score:
                        best_score = score
                        best_config = config

    return best_config, best_score
# fmt: on


# "### 2. Random Search"
# fmt: off
def random_search_hyperparameters(n_trials=100):
    """Perform random search over hyperparameters."""
    best_config = None
    best_score = float('inf')

    for trial in range(n_trials):
        config = {
            'learning_rate': np.random.uniform(1e-6, 1e-3),
            'batch_size': np.random.choice([8, 16, 32]),
            'weight_decay': np.random.uniform(0.0, 0.1),
            'warmup_steps': np.random.randint(100, 5000)
        }

        score = evaluate_config(config)

        if score < best_score:
            best_score = score
            best_config = config

    return best_config, best_score
# fmt: on


# "### 1. Bayesian Optimization"
# fmt: off
class BayesianOptimizer:
    def __init__(self, n_trials=100):
        self.study = optuna.create_study(
            direction="minimize",
            sampler=TPESampler(seed=42),
            pruner=optuna.pruners.MedianPruner()
        )
        self.n_trials = n_trials

    def objective(self, trial):
        """Objective function for optimization."""
        # Define hyperparameters
        params = self.define_hyperparameters(trial)

        # Train model with these parameters
        model = self.train_model(params)

        # Evaluate model
        score = self.evaluate_model(model)

        return score

    def optimize(self):
        """Run hyperparameter optimization."""
        self.study.optimize(self.objective, n_trials=self.n_trials)

        # Get best parameters
        best_params = self.study.best_params
        best_score = self.study.best_value

        print(f"Best score: {best_score}")
        print(f"Best parameters: {best_params}")

        return best_params, best_score
# fmt: on


# "### 2. Multi-Objective Optimization"
# fmt: off
class MultiObjectiveOptimizer:
    def __init__(self):
        self.study = optuna.create_study(
            directions=["minimize", "minimize", "maximize"],
            sampler=optuna.samplers.NSGAIISampler(seed=42)
        )

    def objective(self, trial):
        """Multi-objective optimization."""
        params = self.define_hyperparameters(trial)

        # Train and evaluate model
        model = self.train_model(params)

        # Multiple objectives
        training_loss = self.get_training_loss(model)
        validation_loss = self.get_validation_loss(model)
        accuracy = self.get_accuracy(model)

        return training_loss, validation_loss, accuracy

    def optimize(self):
        """Run multi-objective optimization."""
        self.study.optimize(self.objective, n_trials=100)

        # Get Pareto front
        pareto_front = self.study.best_trials

        print(f"Pareto front size: {len(pareto_front)}")
        for trial in pareto_front:
            print(f"Trial {trial.number}: {trial.values}")

        return pareto_front
# fmt: on


# "### 3. Population-based Training"
# fmt: off
class PopulationBasedTrainer:
    def __init__(self, population_size=10):
        self.population_size = population_size
        self.population = []
        self.generations = []

    def initialize_population(self):
        """Initialize population with random hyperparameters."""
        for i in range(self.population_size):
            params = self.generate_random_params()
            self.population.append({
                'params': params,
                'fitness': None,
                'generation': 0
            })

    def evolve_population(self):
        """Evolve population using genetic algorithm."""
        # Evaluate current population
        for individual in self.population:
            if individual['fitness'] is None:
                individual['fitness'] = self.evaluate_params(individual['params'])

        # Sort by fitness
        self.population.sort(key=lambda x: x['fitness'])

        # Selection and crossover
        new_population = []
        for i in range(self.population_size):
            parent1 = self.tournament_selection()
            parent2 = self.tournament_selection()
            child_params = self.crossover(parent1['params'], parent2['params'])
            child_params = self.mutate(child_params)

            new_population.append({
                'params': child_params,
                'fitness': None,
                'generation': parent1['generation'] + 1
            })

        self.population = new_population
        self.generations.append(self.population.copy())

    def tournament_selection(self):
        """Tournament selection for genetic algorithm."""
        tournament_size = 3
        tournament = random.sample(self.population, tournament_size)
        return min(tournament, key=lambda x: x['fitness'])

    def crossover(self, params1, params2):
        """Crossover operation for genetic algorithm."""
        child_params = {}
        for key in params1:
            if random.random() < 0.5:
                child_params[key] = params1[key]
            else:
                child_params[key] = params2[key]
        return child_params

    def mutate(self, params):
        """Mutation operation for genetic algorithm."""
        mutation_rate = 0.1
        for key in params:
            if random.random() < mutation_rate:
                if isinstance(params[key], float):
                    params[key] *= random.uniform(0.8, 1.2)
                elif isinstance(params[key], int):
                    params[key] += random.randint(-1, 1)
        return params
# fmt: on


# "### 1. Early Pruning"
# fmt: off
class EarlyPruningOptimizer:
    def __init__(self):
        self.study = optuna.create_study(
            direction="minimize",
            pruner=optuna.pruners.MedianPruner(
                n_startup_trials=5,
                n_warmup_steps=10,
                interval_steps=1
            )
        )

    def objective(self, trial):
        """Objective function with early pruning."""
        params = self.define_hyperparameters(trial)

        # Train model with intermediate evaluations
        for epoch in range(100):
            loss = self.train_epoch(params, epoch)

            # Report intermediate value for pruning
            trial.report(loss, epoch)

            # Check if trial should be pruned
            if trial.should_prune():
                raise optuna.TrialPruned()

        return loss
# fmt: on


# "### 2. Transfer Learning for Hyperparameter Optimization"
# fmt: off
class TransferLearningOptimizer:
    def __init__(self, previous_studies=None):
        self.previous_studies = previous_studies or []

        # Create study with transfer learning
        sampler = optuna.samplers.TPESampler(
            seed=42,
            consider_prior=True,
            prior_weight=1.0,
            n_startup_trials=10
        )

        self.study = optuna.create_study(
            direction="minimize",
            sampler=sampler
        )

    def transfer_knowledge(self):
        """Transfer knowledge from previous studies."""
        for study in self.previous_studies:
            # Add best trials from previous studies
            for trial in study.trials:
                if trial.state == optuna.trial.TrialState.COMPLETE:
                    self.study.add_trial(trial)
# fmt: on


# "### 3. Hyperparameter Importance Analysis"
# fmt: off
class HyperparameterAnalyzer:
    def __init__(self, study):
        self.study = study

    def analyze_importance(self):
        """Analyze hyperparameter importance."""
        importance = optuna.importance.get_param_importances(self.study)

        # Sort by importance
        sorted_importance = sorted(
            importance.items(),
            key=lambda x: x[1],
            reverse=True
        )

        print("Hyperparameter Importance:")
        for param, imp in sorted_importance:
            print(f"  {param}: {imp:.4f}")

        return importance

    def plot_importance(self):
        """Plot hyperparameter importance."""
        optuna.visualization.plot_param_importances(self.study)

    def plot_optimization_history(self):
        """Plot optimization history."""
        optuna.visualization.plot_optimization_history(self.study)

    def plot_parallel_coordinate(self):
        """Plot parallel coordinate plot."""
        optuna.visualization.plot_parallel_coordinate(self.study)
# fmt: on


# "### 1. Experimental Design for Hyperparameter Optimization"
# fmt: off
class HyperparameterExperimentDesigner:
    def __init__(self):
        self.experiment_configs = []

    def design_comparison_experiment(self, algorithms, datasets):
        """Design experiment to compare hyperparameter optimization methods."""
        experiment_config = {
            'algorithms': algorithms,  # ['bayesian', 'random', 'grid']
            'datasets': datasets,      # ['preference', 'instruction', 'code']
            'metrics': ['validation_loss', 'training_time', 'convergence_rate'],
            'n_trials': 100,
            'repetitions': 5,  # For statistical significance
            'random_seeds': [42, 123, 456, 789, 101112]
        }

        return experiment_config

    def design_ablation_study(self, base_config, components_to_ablate):
        """Design ablation study for hyperparameter optimization components."""
        ablation_configs = []

        for component in components_to_ablate:
            # Create config without this component
            ablated_config = base_config.copy()
            ablated_config[component] = None  # or default value

            ablation_configs.append({
                'component_removed': component,
                'config': ablated_config
            })

        return ablation_configs
# fmt: on


# "### 2. Statistical Analysis"
# fmt: off
class HyperparameterStatisticalAnalyzer:
    def __init__(self):
        self.results = []

    def analyze_optimization_performance(self, results):
        """Analyze performance of different optimization methods."""
        import scipy.stats as stats

        # Compare methods using statistical tests
        methods = list(results.keys())

        for i in range(len(methods)):
            for j in range(i+1, len(methods)):
                method1, method2 = methods[i], methods[j]

                # Perform t-test
                t_stat, p_value = stats.ttest_ind(
                    results[method1]['scores'],
                    results[method2]['scores']
                )

                print(f"{method1} vs {method2}: p-value = {p_value:.4f}")

                # Calculate effect size
                effect_size = self.calculate_effect_size(
                    results[method1]['scores'],
                    results[method2]['scores']
                )

                print(f"Effect size: {effect_size:.4f}")

    def calculate_effect_size(self, group1, group2):
        """Calculate Cohen's d effect size."""
        import numpy as np

        n1, n2 = len(group1), len(group2)
        pooled_std = np.sqrt(((n1-1)*np.var(group1) + (n2-1)*np.var(group2)) / (n1+n2-2))

        return (np.mean(group1) - np.mean(group2)) / pooled_std
# fmt: on


# "### 2. Automated Optimization Pipeline" (the seed never imports ``yaml``, ``json`` and
# ``datetime``; they are imported at the top of this file)
# fmt: off
class AutomatedOptimizer:
    def __init__(self, config_path):
        self.config = self.load_config(config_path)
        self.optimizer = self.create_optimizer()

    def load_config(self, config_path):
        """Load optimization configuration."""
        with open(config_path, 'r') as f:
            return yaml.safe_load(f)

    def create_optimizer(self):
        """Create optimizer based on configuration."""
        method = self.config['optimization']['method']

        if method == 'bayesian':
            return BayesianOptimizer(
                n_trials=self.config['optimization']['n_trials']
            )
        elif method == 'multi_objective':
            return MultiObjectiveOptimizer()
        elif method == 'population_based':
            return PopulationBasedTrainer(
                population_size=self.config['optimization'].get('population_size', 10)
            )
        else:
            raise ValueError(f"Unknown optimization method: {method}")

    def run_optimization(self):
        """Run automated hyperparameter optimization."""
        print("Starting hyperparameter optimization...")

        # Run optimization
        best_params, best_score = self.optimizer.optimize()

        # Save results
        self.save_results(best_params, best_score)

        # Generate report
        self.generate_report()

        return best_params, best_score

    def save_results(self, best_params, best_score):
        """Save optimization results."""
        results = {
            'best_params': best_params,
            'best_score': best_score,
            'optimization_config': self.config,
            'timestamp': datetime.now().isoformat()
        }

        with open('optimization_results.json', 'w') as f:
            json.dump(results, f, indent=2)

    def generate_report(self):
        """Generate optimization report."""
        # Create visualization plots
        self.optimizer.plot_importance()
        self.optimizer.plot_optimization_history()
        self.optimizer.plot_parallel_coordinate()
# fmt: on


# --------------------------------------------------------------------------- the seed's undefined helpers
class _BayesianOptimizer(BayesianOptimizer):
    """The seed's class, its undefined helpers bound (its constructor runs verbatim)."""

    define_hyperparameters = staticmethod(define_hyperparameters)
    train_model = staticmethod(train_model)
    evaluate_model = staticmethod(evaluate_model)


class _MultiObjectiveOptimizer(MultiObjectiveOptimizer):
    """The seed's class (its constructor, with ``NSGAIISampler(seed=42)``, runs verbatim)."""

    define_hyperparameters = staticmethod(define_hyperparameters)
    train_model = staticmethod(train_model)
    get_training_loss = staticmethod(get_training_loss)
    get_validation_loss = staticmethod(get_validation_loss)
    get_accuracy = staticmethod(get_accuracy)


class _PopulationBasedTrainer(PopulationBasedTrainer):
    generate_random_params = staticmethod(generate_random_params)
    evaluate_params = staticmethod(evaluate_params)


class _EarlyPruningOptimizer(EarlyPruningOptimizer):
    def __init__(self):
        super().__init__()
        self.train_epoch = EpochTrainer()

    define_hyperparameters = staticmethod(define_hyperparameters)


class _ReportingBayesianOptimizer(_BayesianOptimizer):
    """What ``AutomatedOptimizer`` builds for ``method: "bayesian"``: the seed's
    ``generate_report`` calls ``plot_importance``, ``plot_optimization_history`` and
    ``plot_parallel_coordinate`` on it, which the seed defines only on its
    ``HyperparameterAnalyzer`` (they read ``self.study``, which this class has)."""

    plot_importance = HyperparameterAnalyzer.plot_importance
    plot_optimization_history = HyperparameterAnalyzer.plot_optimization_history
    plot_parallel_coordinate = HyperparameterAnalyzer.plot_parallel_coordinate


# The seed's "### 1. Configuration-based Optimization" YAML, verbatim (the test lowers
# ``n_trials: 100``).
_SEED_CONFIG_YAML = """\
# hyperparameter_optimization.yaml
optimization:
  method: "bayesian"
  n_trials: 100
  timeout: 3600  # 1 hour

  hyperparameters:
    learning_rate:
      type: "float"
      min: 1e-6
      max: 1e-3
      log: true

    batch_size:
      type: "int"
      min: 1
      max: 16

    optimizer:
      type: "categorical"
      choices: ["adam", "adamw", "sgd"]

    scheduler:
      type: "categorical"
      choices: ["cosine", "linear", "step"]

  objectives:
    - name: "validation_loss"
      direction: "minimize"
      weight: 1.0
    - name: "training_time"
      direction: "minimize"
      weight: 0.5
"""

_PLOTS = ("plot_param_importances", "plot_optimization_history", "plot_parallel_coordinate")


def _record_figures(monkeypatch):
    """The seed's plot methods drop their figures: keep each one a ``plot_*`` call returns."""
    figures = {}
    for name in _PLOTS:
        real = getattr(optuna.visualization, name)

        def recorder(*args, _real=real, _name=name, **kwargs):
            fig = _real(*args, **kwargs)
            figures.setdefault(_name, []).append(fig)
            return fig

        monkeypatch.setattr(optuna.visualization, name, recorder)
    return figures


def _check_figures(figures, study):
    assert set(figures) == set(_PLOTS) and all(len(f) == 1 for f in figures.values())
    importance = optuna.importance.get_param_importances(study)
    (bars,) = figures["plot_param_importances"][0].data
    assert bars.type == "bar"
    assert dict(zip(bars.y, bars.x, strict=True)) == pytest.approx(importance)
    history = figures["plot_optimization_history"][0].data
    assert [d.name for d in history] == ["Objective Value", "Best Value"]
    assert list(history[0].y) == [t.value for t in study.trials]
    assert list(history[1].y) == list(np.minimum.accumulate([t.value for t in study.trials]))
    (parcoords,) = figures["plot_parallel_coordinate"][0].data
    assert parcoords.type == "parcoords"
    labels = [d.label for d in parcoords.dimensions]
    assert labels[0] == "Objective Value" and set(labels[1:]) == set(study.best_params)


def _categorical_objective(trial):
    """Trains with the seed's categorical + conditional params (validation loss)."""
    params = define_conditional_params(None, trial, define_categorical_params(None, trial))
    config = {"learning_rate": 1e-2, "batch_size": 32, "hidden_dim": 64}
    config.update(params)
    return _fit(config, steps=10).val_loss


# --------------------------------------------------------------------------- tests
def test_key_hyperparameters_block():
    # fmt: off
    # Learning rate and optimization
    learning_rate = 1e-4
    weight_decay = 0.01
    warmup_steps = 1000

    # Training configuration
    batch_size = 16
    gradient_accumulation_steps = 4
    max_grad_norm = 1.0

    # Model-specific parameters
    dropout_rate = 0.1
    attention_dropout = 0.1
    hidden_dropout = 0.1
    # fmt: on
    assert batch_size * gradient_accumulation_steps == 64
    assert 0 < learning_rate < 1e-3 and warmup_steps == 1000
    assert dropout_rate == attention_dropout == hidden_dropout == 0.1
    assert (weight_decay, max_grad_norm) == (0.01, 1.0)


def test_optimization_objective_scores_real_runs_and_rejects_constraint_violations():
    good = _fit({"learning_rate": 1e-2, "batch_size": 64}, steps=40)
    bad = _fit({"learning_rate": 1e-6, "batch_size": 64}, steps=40)
    objective = OptimizationObjective("validation_loss", constraints={"accuracy": (0.5, 1.0)})
    good_results = {"validation_loss": good.val_loss, "accuracy": evaluate(good)}
    bad_results = {"validation_loss": bad.val_loss, "accuracy": evaluate(bad)}

    assert good_results["accuracy"] >= 0.5 > bad_results["accuracy"]
    assert objective.evaluate(good_results) == good_results["validation_loss"]
    assert objective.evaluate(bad_results) == float("inf")

    # As a study's objective: an infeasible trial still COMPLETEs, with value +inf.
    def study_objective(trial):
        lr = trial.suggest_float("learning_rate", 1e-6, 1e-1, log=True)
        model = _fit({"learning_rate": lr, "batch_size": 64}, steps=20)
        return objective.evaluate({"validation_loss": model.val_loss, "accuracy": evaluate(model)})

    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.RandomSampler(0))
    study.optimize(study_objective, n_trials=12)
    values = [t.value for t in study.trials]
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert math.inf in values, "some learning rates should miss the accuracy constraint"
    assert math.isfinite(study.best_value) and study.best_value == min(values)


def test_categorical_and_conditional_params_follow_their_conditions():
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.RandomSampler(1))
    study.optimize(_categorical_objective, n_trials=30)

    assert len(study.trials) == 30
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    seen = {"sgd": 0, "step": 0, "focal": 0}
    for t in study.trials:
        p = t.params
        assert p["optimizer"] in ["adam", "adamw", "sgd"]
        assert p["scheduler"] in ["cosine", "linear", "step", "plateau"]
        assert p["model_type"] in ["llama", "gpt", "bert"]
        assert p["mixed_precision"] in ["fp16", "bf16", "fp32"]
        is_sgd = p["optimizer"] == "sgd"
        assert ("momentum" in p) == ("nesterov" in p) == is_sgd
        if is_sgd:
            assert 0.8 <= p["momentum"] <= 0.99 and p["nesterov"] in (True, False)
        is_step = p["scheduler"] == "step"
        assert ("step_size" in p) == ("gamma" in p) == is_step
        if is_step:
            assert 1000 <= p["step_size"] <= 10000 and isinstance(p["step_size"], int)
            assert 0.1 <= p["gamma"] <= 0.9
        is_focal = p["loss_function"] == "focal"
        assert ("focal_alpha" in p) == ("focal_gamma" in p) == is_focal
        seen["sgd"] += is_sgd
        seen["step"] += is_step
        seen["focal"] += is_focal
    assert all(n > 0 for n in seen.values()), seen

    df = study.trials_dataframe()
    assert df["params_momentum"].isna().sum() == 30 - seen["sgd"]
    assert df["params_step_size"].notna().sum() == seen["step"]


def test_grid_search_block_agrees_with_grid_sampler():
    best_config, best_score = grid_search_hyperparameters()

    assert set(best_config) == {"learning_rate", "batch_size", "weight_decay", "warmup_steps"}
    assert 0.0 <= best_score < 0.9
    assert best_score == evaluate_config(best_config)  # training is deterministic

    # The same grid through ridgeline's GridSampler: every cell exactly once, same optimum.
    search_space = {
        "learning_rate": [1e-5, 5e-5, 1e-4, 5e-4],
        "batch_size": [8, 16, 32],
        "weight_decay": [0.0, 0.01, 0.1],
        "warmup_steps": [500, 1000, 2000],
    }
    study = optuna.create_study(sampler=optuna.samplers.GridSampler(search_space))

    def objective(trial):
        config = {
            "learning_rate": trial.suggest_categorical(
                "learning_rate", search_space["learning_rate"]
            ),
            "batch_size": trial.suggest_categorical("batch_size", search_space["batch_size"]),
            "weight_decay": trial.suggest_categorical("weight_decay", search_space["weight_decay"]),
            "warmup_steps": trial.suggest_categorical("warmup_steps", search_space["warmup_steps"]),
        }
        return evaluate_config(config)

    study.optimize(objective, n_trials=200)
    assert len(study.trials) == 108
    cells = {tuple(t.params[k] for k in search_space) for t in study.trials}
    assert len(cells) == 108
    assert study.best_value == best_score


def test_random_search_block():
    np.random.seed(0)
    best_config, best_score = random_search_hyperparameters(n_trials=5)

    assert 1e-6 <= best_config["learning_rate"] <= 1e-3
    assert best_config["batch_size"] in (8, 16, 32)
    assert 0.0 <= best_config["weight_decay"] <= 0.1
    assert 100 <= best_config["warmup_steps"] < 5000
    assert 0.0 <= best_score <= 1.0


def test_continuous_parameters_block_tunes_with_tpe():
    optimizer = HyperparameterOptimizer()
    assert isinstance(optimizer.study.sampler, TPESampler)

    def objective(trial):
        params = optimizer.define_continuous_params(trial)
        return evaluate_config(params)

    optimizer.study.optimize(objective, n_trials=15)
    best = optimizer.study.best_params
    assert 1e-6 <= best["learning_rate"] <= 1e-3 and 1 <= best["batch_size"] <= 16
    assert set(best) == {
        "learning_rate",
        "batch_size",
        "weight_decay",
        "dropout",
        "warmup_steps",
        "max_grad_norm",
    }
    again = HyperparameterOptimizer()  # seed=42: the same proposals again
    again.study.optimize(objective, n_trials=15)
    assert [t.params for t in again.study.trials] == [t.params for t in optimizer.study.trials]


def test_bayesian_optimizer_methods(capsys):
    optimizer = _BayesianOptimizer(n_trials=12)
    best_params, best_score = optimizer.optimize()

    study = optimizer.study
    assert len(study.trials) == 12
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert best_params == study.best_params
    assert best_score == min(t.value for t in study.trials)
    assert 1e-4 <= best_params["learning_rate"] <= 1e-1
    assert best_params["hidden_dim"] % 64 == 0 and best_params["batch_size"] in (16, 32, 64)
    out = capsys.readouterr().out
    assert f"Best score: {best_score}" in out
    assert f"Best parameters: {best_params}" in out


def test_multi_objective_optimizer_returns_the_pareto_front(capsys):
    optimizer = _MultiObjectiveOptimizer()
    pareto_front = optimizer.optimize()

    trials = optimizer.study.trials
    assert len(trials) == 100
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert len(complete) == 100

    def dominates(a, b):  # minimize, minimize, maximize
        a2 = (a[0], a[1], -a[2])
        b2 = (b[0], b[1], -b[2])
        return all(x <= y for x, y in zip(a2, b2, strict=True)) and a2 != b2

    front_numbers = {t.number for t in pareto_front}
    for t in complete:
        dominated = any(dominates(o.values, t.values) for o in complete)
        assert (t.number in front_numbers) == (not dominated)
    out = capsys.readouterr().out
    assert f"Pareto front size: {len(pareto_front)}" in out
    assert out.count("Trial ") == len(pareto_front)
    # NSGA-II ran: after the first generation (50), children were bred from parents.
    assert isinstance(optimizer.study.sampler, optuna.samplers.NSGAIISampler)
    generations = [t.system_attrs["nsga2:trial"]["generation"] for t in trials]
    assert generations[0] == 0 and max(generations) >= 1


def test_population_based_trainer_evolves():
    random.seed(0)
    trainer = _PopulationBasedTrainer(population_size=6)
    trainer.initialize_population()
    assert len(trainer.population) == 6
    assert all(ind["fitness"] is None and ind["generation"] == 0 for ind in trainer.population)

    trainer.evolve_population()
    trainer.evolve_population()

    assert len(trainer.generations) == 2
    assert [ind["generation"] for ind in trainer.generations[0]] == [1] * 6
    assert [ind["generation"] for ind in trainer.population] == [2] * 6
    for ind in trainer.population:
        assert set(ind["params"]) == {"learning_rate", "weight_decay", "hidden_dim", "batch_size"}
        assert isinstance(ind["params"]["hidden_dim"], int)
        assert ind["fitness"] is None  # the new generation is evaluated on the next call
    assert 0.0 <= evaluate_params(trainer.population[0]["params"]) <= 1.0


def test_early_pruning_optimizer_prunes_after_warmup():
    optimizer = _EarlyPruningOptimizer()
    optimizer.study.sampler = TPESampler(seed=0)  # the seed's study is unseeded
    optimizer.study.optimize(optimizer.objective, n_trials=16)

    trials = optimizer.study.trials
    assert len(trials) == 16
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    assert len(complete) + len(pruned) == 16
    assert all(t.state == TrialState.COMPLETE for t in trials[:5])  # n_startup_trials=5
    assert pruned, "MedianPruner should stop some of the weaker learning rates"
    for t in pruned:
        # n_warmup_steps=10; the seed checks should_prune after every report,
        # the last one (epoch 99) included.
        assert 10 <= t.last_step <= 99
        assert sorted(t.intermediate_values) == list(range(t.last_step + 1))
    for t in complete:
        assert sorted(t.intermediate_values) == list(range(100))
        assert t.value == t.intermediate_values[99]
    assert optimizer.study.best_value == min(t.value for t in complete)


def test_transfer_learning_copies_completed_trials():
    def objective(trial):
        lr = trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True)
        if lr > 2e-2:
            raise ValueError("diverged")
        return _fit({"learning_rate": lr, "batch_size": 32}, steps=10).val_loss

    previous = []
    for seed in (0, 1):
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed))
        study.optimize(objective, n_trials=12, catch=(ValueError,))
        previous.append(study)
    completed = [t for s in previous for t in s.trials if t.state == TrialState.COMPLETE]
    assert 0 < len(completed) < 24, "some trials should fail with a large learning rate"

    optimizer = TransferLearningOptimizer(previous_studies=previous)
    optimizer.transfer_knowledge()

    transferred = optimizer.study.trials
    assert [t.number for t in transferred] == list(range(len(completed)))
    assert [(t.params, t.value) for t in transferred] == [(t.params, t.value) for t in completed]
    assert all(t.state == TrialState.COMPLETE for t in transferred)
    assert optimizer.study.best_value == min(t.value for t in completed)

    optimizer.study.optimize(objective, n_trials=3, catch=(ValueError,))
    assert len(optimizer.study.trials) == len(completed) + 3


def test_hyperparameter_analyzer_importance_and_plots(capsys, monkeypatch):
    optimizer = _BayesianOptimizer(n_trials=12)
    optimizer.optimize()
    study = optimizer.study
    capsys.readouterr()
    figures = _record_figures(monkeypatch)

    analyzer = HyperparameterAnalyzer(study)
    importance = analyzer.analyze_importance()
    analyzer.plot_importance()
    analyzer.plot_optimization_history()
    analyzer.plot_parallel_coordinate()

    params = {"learning_rate", "batch_size", "hidden_dim", "dropout"}
    assert set(importance) == set(study.best_params) == params
    assert sum(importance.values()) == pytest.approx(1.0)
    assert all(v >= 0.0 for v in importance.values())
    lines = capsys.readouterr().out.splitlines()
    ranked = sorted(importance.items(), key=lambda x: x[1], reverse=True)
    assert lines == ["Hyperparameter Importance:"] + [f"  {p}: {v:.4f}" for p, v in ranked]
    _check_figures(figures, study)


def test_automated_optimizer_runs_the_yaml_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the seed writes optimization_results.json to the cwd
    # "method: bayesian" builds the module's BayesianOptimizer: the seed's class, its
    # undefined helpers and plot methods bound.
    monkeypatch.setitem(globals(), "BayesianOptimizer", _ReportingBayesianOptimizer)
    config_path = tmp_path / "hyperparameter_optimization.yaml"
    assert "  n_trials: 100\n" in _SEED_CONFIG_YAML
    config_path.write_text(_SEED_CONFIG_YAML.replace("n_trials: 100", "n_trials: 12"))
    figures = _record_figures(monkeypatch)

    automated = AutomatedOptimizer(str(config_path))
    assert isinstance(automated.optimizer, _ReportingBayesianOptimizer)
    assert automated.optimizer.n_trials == 12
    best_params, best_score = automated.run_optimization()

    study = automated.optimizer.study
    assert len(study.trials) == 12
    assert (best_params, best_score) == (study.best_params, study.best_value)
    out = capsys.readouterr().out
    assert out.startswith("Starting hyperparameter optimization...\n")
    assert f"Best score: {best_score}" in out
    results = json.loads((tmp_path / "optimization_results.json").read_text())
    assert results["best_params"] == best_params and results["best_score"] == best_score
    assert results["optimization_config"] == yaml.safe_load(config_path.read_text())
    assert results["optimization_config"]["optimization"]["objectives"][1]["weight"] == 0.5
    assert datetime.fromisoformat(results["timestamp"]) <= datetime.now()
    _check_figures(figures, study)  # generate_report drew the three plots

    bad = tmp_path / "bad.yaml"
    bad.write_text(_SEED_CONFIG_YAML.replace('method: "bayesian"', 'method: "annealing"'))
    with pytest.raises(ValueError, match="Unknown optimization method: annealing"):
        AutomatedOptimizer(str(bad))


def test_experiment_designer():
    designer = HyperparameterExperimentDesigner()
    config = designer.design_comparison_experiment(["bayesian", "random", "grid"], ["code"])
    assert config["repetitions"] == len(config["random_seeds"]) == 5
    base = {"learning_rate": 1e-4, "warmup_steps": 1000, "dropout": 0.1}
    ablations = designer.design_ablation_study(base, ["warmup_steps", "dropout"])
    assert [a["component_removed"] for a in ablations] == ["warmup_steps", "dropout"]
    assert ablations[0]["config"]["warmup_steps"] is None
    assert ablations[0]["config"]["dropout"] == 0.1
    assert base["warmup_steps"] == 1000  # the base config is copied, not changed


def test_statistical_analyzer_compares_two_samplers(capsys):
    def objective(trial):
        lr = trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True)
        return _fit({"learning_rate": lr, "batch_size": 32}, steps=10).val_loss

    random_study = optuna.create_study(sampler=optuna.samplers.RandomSampler(0))
    random_study.optimize(objective, n_trials=8)
    grid_study = optuna.create_study(
        sampler=optuna.samplers.GridSampler({"learning_rate": [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]})
    )
    grid_study.optimize(objective, n_trials=50)
    assert len(grid_study.trials) == 5  # a GridSampler study stops when the grid is done

    results = {
        "random": {"scores": [t.value for t in random_study.trials]},
        "grid": {"scores": [t.value for t in grid_study.trials]},
    }
    analyzer = HyperparameterStatisticalAnalyzer()
    analyzer.analyze_optimization_performance(results)

    out = capsys.readouterr().out
    assert "random vs grid: p-value = " in out
    assert "Effect size: " in out
    a, b = results["random"]["scores"], results["grid"]["scores"]
    d = analyzer.calculate_effect_size(a, b)
    pooled = math.sqrt(((8 - 1) * np.var(a) + (5 - 1) * np.var(b)) / (8 + 5 - 2))
    assert d == pytest.approx((np.mean(a) - np.mean(b)) / pooled)


def test_troubleshooting_snippets():
    # fmt: off
    # Increase number of trials
    n_trials = 200  # Increase from 100

    # Adjust search space
    learning_rate_range = (1e-7, 1e-2)  # Broader range
    # fmt: on
    assert (n_trials, learning_rate_range) == (200, (1e-7, 1e-2))
    # fmt: off
    # Increase number of trials for better analysis
    n_trials = 500  # More trials for reliable importance

    # Use more diverse search space
    broader_ranges = True
    # fmt: on
    assert n_trials == 500 and broader_ranges
    # fmt: off
    # Use nested cross-validation
    cv_folds = 5

    # Use separate test set
    holdout_test_set = True
    # fmt: on
    assert cv_folds == 5 and holdout_test_set


def test_troubleshooting_median_pruner_snippet_prunes():
    # fmt: off
    # Use early pruning
    pruner = optuna.pruners.MedianPruner(
        n_startup_trials=3,
        n_warmup_steps=5
    )

    # Reduce evaluation frequency
    eval_steps = 100  # Evaluate less frequently
    # fmt: on
    assert eval_steps == 100

    def objective(trial):
        params = define_hyperparameters(trial)
        train_epoch = EpochTrainer()
        for epoch in range(20):
            loss = train_epoch(params, epoch)
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return loss

    study = optuna.create_study(pruner=pruner, sampler=optuna.samplers.RandomSampler(3))
    study.optimize(objective, n_trials=14)
    states = [t.state for t in study.trials]
    assert states[:3] == [TrialState.COMPLETE] * 3  # n_startup_trials=3
    pruned = [t for t in study.trials if t.state == TrialState.PRUNED]
    assert pruned and all(t.last_step >= 5 for t in pruned)  # n_warmup_steps=5
