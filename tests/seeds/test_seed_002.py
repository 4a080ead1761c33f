# ruff: noqa: E402, F401, F841, I001, RUF013, UP006, UP035
"""Seed 002 ("hyperparameter-optimization" skill), code blocks run with ridgeline.

Each block between ``# fmt: off`` and ``# fmt: on`` is copied verbatim from
``/work/shared/seeds/002_5ef338a01e9a23e9.txt`` (``import optuna`` became
``import ridgeline as optuna``). ``create_model``, ``create_optimizer``, ``get_dataloaders``,
``train_one_epoch`` and ``evaluate`` are the real training helpers of :mod:`_training`.

Covered: "Parameter Types and Ranges" (``create_search_space``), "Search Space Best
Practices" (with ``trial`` bound to ``study.ask()``), "Basic Study Setup" (its
``create_study`` with ``HyperbandPruner`` on a SQLite file, 12 trials instead of 100),
"Distributed Optimization" (two OS processes on one SQLite file, and on PostgreSQL, by
binding the seed's ``storage`` variable), "Custom Analysis", "Compute Budget Planning",
"Early Stopping Integration", "Multi-Objective Optimization" (``NSGAIISampler``; the model's
``parameters()`` are the training helpers' layers, with ``numel()``).

"Optuna Visualization" runs verbatim (``import optuna.visualization as vis`` became
``import ridgeline.visualization as vis``) on a study over the seed's search space with
COMPLETE and PRUNED trials, writing its html files into ``tmp_path``; the test records the
figures the block does not return.

Skipped, with the missing feature: "Ray Tune Integration" and "Population Based Training"
(Ray Tune); "Reproducible HPO" (PyTorch).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from _training import (
    create_model,
    create_optimizer,
    evaluate,
    get_dataloaders,
    train_one_epoch,
    _fit,
)

import ridgeline as optuna

TrialState = optuna.trial.TrialState
SEEDS_DIR = Path(__file__).resolve().parent


# --------------------------------------------------------------------------- seed blocks
# "### Parameter Types and Ranges"
# fmt: off
import ridgeline as optuna
from typing import Dict, Any

def create_search_space(trial: optuna.Trial) -> Dict[str, Any]:
    """Well-designed search space with appropriate ranges."""

    config = {}

    # Learning rate: log-uniform is almost always correct
    config["learning_rate"] = trial.suggest_float("lr", 1e-5, 1e-2, log=True)

    # Batch size: powers of 2, categorical
    config["batch_size"] = trial.suggest_categorical("batch_size", [16, 32, 64, 128, 256])

    # Weight decay: log-uniform, include 0 option
    use_weight_decay = trial.suggest_categorical("use_weight_decay", [True, False])
    if use_weight_decay:
        config["weight_decay"] = trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True)
    else:
        config["weight_decay"] = 0.0

    # Dropout: uniform between 0 and 0.5
    config["dropout"] = trial.suggest_float("dropout", 0.0, 0.5)

    # Hidden dimensions: discrete steps
    config["hidden_dim"] = trial.suggest_int("hidden_dim", 64, 512, step=64)

    # Number of layers: small integer range
    config["n_layers"] = trial.suggest_int("n_layers", 2, 6)

    # Activation: categorical
    config["activation"] = trial.suggest_categorical(
        "activation", ["relu", "gelu", "silu", "tanh"]
    )

    # Optimizer-specific parameters
    config["optimizer"] = trial.suggest_categorical("optimizer", ["adam", "adamw", "sgd"])

    if config["optimizer"] in ["adam", "adamw"]:
        config["beta1"] = trial.suggest_float("beta1", 0.85, 0.95)
        config["beta2"] = trial.suggest_float("beta2", 0.99, 0.999)
    elif config["optimizer"] == "sgd":
        config["momentum"] = trial.suggest_float("momentum", 0.8, 0.99)
        config["nesterov"] = trial.suggest_categorical("nesterov", [True, False])

    # Scheduler
    config["scheduler"] = trial.suggest_categorical(
        "scheduler", ["cosine", "linear", "constant", "warmup_cosine"]
    )

    if config["scheduler"] == "warmup_cosine":
        config["warmup_ratio"] = trial.suggest_float("warmup_ratio", 0.01, 0.1)

    return config
# fmt: on


# "### Basic Study Setup" (``from optuna.pruners``/``optuna.samplers`` became ``ridgeline.``)
# fmt: off
from ridgeline.pruners import MedianPruner, HyperbandPruner
from ridgeline.samplers import TPESampler

def create_study(
    study_name: str,
    storage: str = None,
    direction: str = "maximize",
    n_startup_trials: int = 10,
) -> optuna.Study:
    """Create Optuna study with best practices."""

    # TPE sampler with startup random trials
    sampler = TPESampler(
        n_startup_trials=n_startup_trials,
        seed=42,
        multivariate=True,  # Model parameter interactions
        group=True,  # Group conditional parameters
    )

    # Hyperband pruner for early stopping
    pruner = HyperbandPruner(
        min_resource=1,       # Minimum epochs
        max_resource=100,     # Maximum epochs
        reduction_factor=3,
    )

    study = optuna.create_study(
        study_name=study_name,
        storage=storage,
        sampler=sampler,
        pruner=pruner,
        direction=direction,
        load_if_exists=True,
    )

    return study


def objective(trial: optuna.Trial) -> float:
    """Objective function with pruning support."""

    config = create_search_space(trial)

    # Create model and training components
    model = create_model(config)
    optimizer = create_optimizer(model, config)
    train_loader, val_loader = get_dataloaders(config["batch_size"])

    # Training loop with pruning
    for epoch in range(100):
        train_one_epoch(model, train_loader, optimizer)
        val_metric = evaluate(model, val_loader)

        # Report intermediate value
        trial.report(val_metric, epoch)

        # Check if trial should be pruned
        if trial.should_prune():
            raise optuna.TrialPruned()

    return val_metric
# fmt: on


# "### Optuna Visualization" (``import optuna.visualization as vis`` became
# ``import ridgeline.visualization as vis``)
# fmt: off
import ridgeline.visualization as vis

def analyze_study(study: optuna.Study):
    """Comprehensive study analysis."""

    # Parameter importance
    importance = optuna.importance.get_param_importances(study)
    print("\nParameter Importance:")
    for param, imp in sorted(importance.items(), key=lambda x: -x[1]):
        print(f"  {param}: {imp:.3f}")

    # Visualizations
    fig_history = vis.plot_optimization_history(study)
    fig_importance = vis.plot_param_importances(study)
    fig_parallel = vis.plot_parallel_coordinate(study)
    fig_slice = vis.plot_slice(study)
    fig_contour = vis.plot_contour(study, params=["lr", "weight_decay"])

    # Save figures
    fig_history.write_html("optimization_history.html")
    fig_importance.write_html("param_importance.html")
    fig_parallel.write_html("parallel_coordinate.html")

    # Get statistics
    trials_df = study.trials_dataframe()
    print(f"\nCompleted trials: {len(trials_df)}")
    print(f"Best value: {study.best_value:.4f}")
    print(f"Best params: {study.best_params}")

    # Top 5 configurations
    print("\nTop 5 configurations:")
    top5 = trials_df.nlargest(5, 'value')[['number', 'value', 'params_lr', 'params_batch_size']]
    print(top5.to_string())

    return importance
# fmt: on


# "### Custom Analysis"
# fmt: off
def analyze_hyperparameter_sensitivity(study: optuna.Study):
    """Analyze how sensitive performance is to each hyperparameter."""

    df = study.trials_dataframe()

    # Filter completed trials
    df = df[df['state'] == 'COMPLETE']

    sensitivities = {}

    for param_col in [c for c in df.columns if c.startswith('params_')]:
        param_name = param_col.replace('params_', '')
        param_values = df[param_col]

        if param_values.dtype in ['float64', 'int64']:
            # Correlation for numeric parameters
            correlation = param_values.corr(df['value'])
            sensitivities[param_name] = abs(correlation)
        else:
            # For categorical, compute variance of means
            group_means = df.groupby(param_col)['value'].mean()
            sensitivities[param_name] = group_means.std()

    # Sort by sensitivity
    sorted_sens = sorted(sensitivities.items(), key=lambda x: -x[1])

    print("Hyperparameter Sensitivity:")
    for param, sens in sorted_sens:
        print(f"  {param}: {sens:.4f}")

    return sensitivities
# fmt: on


# "### Compute Budget Planning"
# fmt: off
def plan_optimization(
    gpu_hours_budget: float,
    single_trial_hours: float,
    search_space_size: int,
) -> Dict[str, Any]:
    """Plan optimization strategy given budget."""

    max_trials = int(gpu_hours_budget / single_trial_hours)

    if max_trials < 20:
        strategy = "random"
        recommendation = "Limited budget: Use random search on most important params"
    elif max_trials < 50:
        strategy = "tpe"
        recommendation = "Use TPE with aggressive pruning"
    elif max_trials < 200:
        strategy = "tpe_multivariate"
        recommendation = "Use TPE with parameter interactions"
    else:
        strategy = "hyperband"
        recommendation = "Large budget: Use Hyperband with full exploration"

    return {
        "max_trials": max_trials,
        "strategy": strategy,
        "recommendation": recommendation,
        "estimated_hours": max_trials * single_trial_hours,
    }
# fmt: on


# "### Early Stopping Integration"
# fmt: off
def objective_with_early_stopping(trial: optuna.Trial) -> float:
    """Objective with patience-based early stopping."""

    config = create_search_space(trial)
    model = create_model(config)

    best_val = float('-inf')
    patience = 10
    no_improve = 0

    for epoch in range(100):
        train_one_epoch(model)
        val_metric = evaluate(model)

        # Report to Optuna
        trial.report(val_metric, epoch)

        if trial.should_prune():
            raise optuna.TrialPruned()

        # Patience-based early stopping
        if val_metric > best_val:
            best_val = val_metric
            no_improve = 0
        else:
            no_improve += 1

        if no_improve >= patience:
            break

    return best_val
# fmt: on


# "### Distributed Optimization", run by each worker process. The seed's
# ``storage = "mysql://..."`` line is bound to the test's database when the script is written.
_WORKER_SOURCE = """\
import os
import sys

sys.path.insert(0, os.environ["SEEDS_DIR"])
from test_seed_002 import objective  # the seed's objective, from "Basic Study Setup"

# fmt: off
# Worker 1, 2, 3, ... all run the same code
import ridgeline as optuna

storage = "mysql://user:pass@host/db"  # Shared storage

study = optuna.create_study(
    study_name="distributed_study",
    storage=storage,
    load_if_exists=True,
)

# Each worker optimizes independently, sharing results via storage
study.optimize(objective, n_trials=100)
# fmt: on
"""
_SEED_STORAGE_LINE = 'storage = "mysql://user:pass@host/db"  # Shared storage'


# --------------------------------------------------------------------------- helpers
def _check_search_space(params):
    assert 1e-5 <= params["lr"] <= 1e-2
    assert params["batch_size"] in [16, 32, 64, 128, 256]
    assert ("weight_decay" in params) == params["use_weight_decay"]
    assert 0.0 <= params["dropout"] <= 0.5
    assert params["hidden_dim"] in range(64, 513, 64)
    assert 2 <= params["n_layers"] <= 6
    assert params["activation"] in ["relu", "gelu", "silu", "tanh"]
    adam = params["optimizer"] in ["adam", "adamw"]
    assert ("beta1" in params) == ("beta2" in params) == adam
    assert ("momentum" in params) == ("nesterov" in params) == (params["optimizer"] == "sgd")
    assert ("warmup_ratio" in params) == (params["scheduler"] == "warmup_cosine")


def _sensitivity_study(sampler=None, n_trials=48):
    """A study over the seed's search space with COMPLETE and PRUNED trials (short runs)."""

    def short_objective(trial):
        config = create_search_space(trial)
        model = create_model(config)
        optimizer = create_optimizer(model, {**config, "epochs": 12})
        train_loader, val_loader = get_dataloaders(config["batch_size"])
        for epoch in range(12):
            train_one_epoch(model, train_loader, optimizer)
            val_metric = evaluate(model, val_loader)
            trial.report(val_metric, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return val_metric

    study = optuna.create_study(
        direction="maximize",
        sampler=sampler or optuna.samplers.RandomSampler(seed=7),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=4),
    )
    study.optimize(short_objective, n_trials=n_trials)
    return study


_PLOTS = (
    "plot_optimization_history",
    "plot_param_importances",
    "plot_parallel_coordinate",
    "plot_slice",
    "plot_contour",
)


def _record_figures(monkeypatch):
    """Keep each figure a ``vis.plot_*`` call returns (the block keeps only its html files)."""
    figures = {}
    for name in _PLOTS:
        real = getattr(vis, name)

        def recorder(*args, _real=real, _name=name, **kwargs):
            fig = _real(*args, **kwargs)
            figures[_name] = fig
            return fig

        monkeypatch.setattr(vis, name, recorder)
    return figures


# The names "Multi-Objective Optimization" leaves undefined, bound to the real training
# helpers: a few mini-batch steps and validation accuracy.
def train(model, config):
    optimizer = create_optimizer(model, config)
    train_loader, _ = get_dataloaders(config["batch_size"])
    for _ in range(20):
        train_one_epoch(model, train_loader, optimizer)


def evaluate_accuracy(model):
    return evaluate(model)


# "### Multi-Objective Optimization": the objective (the study and its report run in the test)
# fmt: off
def multi_objective(trial: optuna.Trial) -> tuple:
    """Optimize for accuracy AND efficiency."""

    config = create_search_space(trial)
    model = create_model(config)

    # Count parameters
    n_params = sum(p.numel() for p in model.parameters())

    # Train and evaluate
    train(model, config)
    accuracy = evaluate_accuracy(model)

    # Return both objectives
    return accuracy, -n_params  # Maximize accuracy, minimize params (negate)

# fmt: on


def _run_multi_objective_block():
    """The block's module-level statements, verbatim."""
    # fmt: off
    study = optuna.create_study(
        directions=["maximize", "maximize"],  # Both maximized (params negated)
        sampler=optuna.samplers.NSGAIISampler(),
    )

    study.optimize(multi_objective, n_trials=100)

    # Get Pareto front
    print(f"Number of Pareto-optimal solutions: {len(study.best_trials)}")
    for trial in study.best_trials:
        print(f"  Accuracy: {trial.values[0]:.4f}, Params: {-trial.values[1]:,}")
    # fmt: on
    return study


# --------------------------------------------------------------------------- tests
def test_create_search_space_conditional_params():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    configs = []
    for _ in range(40):
        trial = study.ask()
        configs.append(create_search_space(trial))
        study.tell(trial, 0.0)

    for trial, config in zip(study.trials, configs, strict=True):
        params = trial.params
        _check_search_space(params)
        assert config["learning_rate"] == params["lr"]
        assert config["weight_decay"] == (
            params["weight_decay"] if params["use_weight_decay"] else 0.0
        )
        if config["optimizer"] == "sgd":
            assert "beta1" not in config and config["momentum"] == params["momentum"]
    optimizers = {t.params["optimizer"] for t in study.trials}
    schedulers = {t.params["scheduler"] for t in study.trials}
    assert optimizers == {"adam", "adamw", "sgd"}
    assert "warmup_cosine" in schedulers


def test_search_space_best_practices_block():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    for _ in range(20):
        trial = study.ask()
        # fmt: off
        # DO: Use log-uniform for learning rate and weight decay
        lr = trial.suggest_float("lr", 1e-5, 1e-2, log=True)

        # DON'T: Use linear scale for values spanning orders of magnitude
        # lr = trial.suggest_float("lr", 0.00001, 0.01)  # Bad!

        # DO: Use categorical for discrete choices
        batch_size = trial.suggest_categorical("batch_size", [32, 64, 128])

        # DON'T: Use int with step=1 for powers of 2
        # batch_size = trial.suggest_int("batch_size", 32, 128)  # Tries 33, 34, etc.

        # DO: Define conditional parameters
        use_dropout = trial.suggest_categorical("use_dropout", [True, False])
        if use_dropout:
            dropout = trial.suggest_float("dropout", 0.1, 0.5)

        # DO: Constrain dependent parameters
        n_heads = trial.suggest_categorical("n_heads", [4, 8, 16])
        # Hidden dim must be divisible by n_heads
        hidden_dim = trial.suggest_categorical(
            "hidden_dim",
            [d for d in [256, 512, 768, 1024] if d % n_heads == 0]
        )
        # fmt: on
        model = _fit(
            {
                "learning_rate": lr,
                "batch_size": batch_size,
                "dropout": dropout if use_dropout else 0.0,
                "hidden_dim": hidden_dim,
            },
            steps=5,
        )
        study.tell(trial, evaluate(model))

    assert len(study.trials) == 20
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    for t in study.trials:
        p = t.params
        assert ("dropout" in p) == p["use_dropout"]
        assert p["hidden_dim"] % p["n_heads"] == 0
        assert p["batch_size"] in [32, 64, 128] and 1e-5 <= p["lr"] <= 1e-2
    assert {t.params["use_dropout"] for t in study.trials} == {True, False}


def test_basic_study_objective_with_median_pruner():
    from ridgeline.samplers import TPESampler  # the block's "from optuna.samplers import ..."

    n_startup_trials = 10  # create_study's default
    # The block's sampler, verbatim.
    # fmt: off
    sampler = TPESampler(
        n_startup_trials=n_startup_trials,
        seed=42,
        multivariate=True,  # Model parameter interactions
        group=True,  # Group conditional parameters
    )
    # fmt: on
    study = optuna.create_study(
        direction="maximize",
        sampler=sampler,
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=10),
    )
    study.optimize(objective, n_trials=20, timeout=3600)

    trials = study.trials
    assert len(trials) == 20
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    assert len(complete) + len(pruned) == 20
    assert pruned and all(10 <= t.last_step < 99 for t in pruned)
    for t in complete:
        assert sorted(t.intermediate_values) == list(range(100))
        assert t.value == t.intermediate_values[99]
    for t in trials:
        _check_search_space(t.params)
    assert study.best_trial.number in {t.number for t in complete}
    assert study.best_value == max(t.value for t in complete) > 0.5


def test_basic_study_setup_block_with_hyperband(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the block's "sqlite:///optuna.db" is relative
    # fmt: off
    # Run optimization
    study = create_study("my_experiment", storage="sqlite:///optuna.db")
    study.optimize(objective, n_trials=12, timeout=3600)

    print(f"Best trial: {study.best_trial.number}")
    print(f"Best value: {study.best_value:.4f}")
    print(f"Best params: {study.best_params}")
    # fmt: on
    # (n_trials=100 in the seed; 12 trials of up to 100 epochs keep the test short.)
    out = capsys.readouterr().out
    assert f"Best trial: {study.best_trial.number}" in out
    assert (tmp_path / "optuna.db").exists()
    pruner = study.pruner
    assert isinstance(pruner, HyperbandPruner) and pruner.n_brackets == 5
    trials = study.trials
    assert len(trials) == 12
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    assert pruned
    for t in pruned:  # pruned at a rung of its bracket: steps 1, 3, 9, 27 or 81
        bracket = t.system_attrs["hyperband:bracket"]
        assert t.last_step in {3**k for k in range(bracket, 5)}
    for t in trials:
        _check_search_space(t.params)
    # A second worker's create_study loads the same study from the file.
    again = create_study("my_experiment", storage="sqlite:///optuna.db")
    assert len(again.trials) == 12


def test_custom_analysis_reads_the_trials_dataframe(capsys):
    study = _sensitivity_study()
    df = study.trials_dataframe()
    states = set(df["state"])
    assert states <= {"COMPLETE", "PRUNED"} and "PRUNED" in states
    assert df["value"].dtype == "float64"
    assert df["params_lr"].dtype == "float64"
    assert df["params_hidden_dim"].dtype == "int64"
    assert df["params_n_layers"].dtype == "int64"
    assert df["params_momentum"].dtype == "float64"  # conditional: NaN where absent
    assert df["params_momentum"].isna().sum() == sum(
        "momentum" not in t.params for t in study.trials
    )

    sensitivities = analyze_hyperparameter_sensitivity(study)

    param_names = {c.replace("params_", "") for c in df.columns if c.startswith("params_")}
    assert set(sensitivities) == param_names
    for name in ("lr", "dropout", "hidden_dim", "n_layers"):
        assert 0.0 <= sensitivities[name] <= 1.0  # |Pearson correlation| with the value
    out = capsys.readouterr().out
    assert out.startswith("Hyperparameter Sensitivity:")
    assert out.count("\n  ") == len(param_names)


def test_analyze_study_block(tmp_path, monkeypatch, capsys, caplog):
    study = _sensitivity_study()
    monkeypatch.chdir(tmp_path)  # the block writes its html files to the cwd
    figures = _record_figures(monkeypatch)

    importance = analyze_study(study)

    complete = [t for t in study.trials if t.state == TrialState.COMPLETE]
    pruned = [t for t in study.trials if t.state == TrialState.PRUNED]
    assert complete and pruned
    # Importances cover the parameters every completed trial has (the rest are conditional).
    common = set.intersection(*(set(t.params) for t in complete))
    assert {"lr", "batch_size", "dropout", "optimizer", "use_weight_decay"} <= common
    assert set(importance) == common
    assert sum(importance.values()) == pytest.approx(1.0)
    assert all(v >= 0.0 for v in importance.values())

    out = capsys.readouterr().out
    ranked = sorted(importance.items(), key=lambda x: -x[1])
    expected_importance = "\n".join(f"  {p}: {v:.3f}" for p, v in ranked)
    assert out.startswith("\nParameter Importance:\n" + expected_importance + "\n")
    assert f"\nCompleted trials: {len(study.trials)}\n" in out  # the dataframe's rows: all
    assert f"Best value: {study.best_value:.4f}\n" in out
    assert f"Best params: {study.best_params}\n" in out
    df = study.trials_dataframe()
    top5 = df.nlargest(5, "value")[["number", "value", "params_lr", "params_batch_size"]]
    # A pruned trial's value is its last intermediate value (as in Optuna): ranked too.
    assert list(top5["value"]) == sorted((t.value for t in study.trials), reverse=True)[:5]
    assert out.endswith("\nTop 5 configurations:\n" + top5.to_string() + "\n")

    for name, title in (
        ("optimization_history", "Optimization History Plot"),
        ("param_importance", "Hyperparameter Importances"),
        ("parallel_coordinate", "Parallel Coordinate Plot"),
    ):
        html = (tmp_path / f"{name}.html").read_text()
        assert 'class="plotly-graph-div"' in html and title in html

    assert set(figures) == set(_PLOTS)
    history = figures["plot_optimization_history"].data
    assert [d.name for d in history] == ["Objective Value", "Best Value"]
    assert list(history[0].y) == [t.value for t in complete]
    (bars,) = figures["plot_param_importances"].data
    assert dict(zip(bars.y, bars.x, strict=True)) == pytest.approx(importance)
    # The seed's search space has exclusive branches (beta1/beta2 for Adam, momentum/nesterov
    # for SGD): no trial has every parameter, so the parallel coordinate plot over all of them
    # is empty, with a warning, as Optuna's is (see the next test for one with data).
    assert figures["plot_parallel_coordinate"].data == ()
    assert "No completed feasible trial has all of the parameters" in caplog.text
    # One slice panel per parameter any completed trial has, conditional ones included.
    slice_names = {d.name for d in figures["plot_slice"].data}
    assert slice_names == set().union(*(t.params for t in complete))
    contour = figures["plot_contour"]
    assert [d.type for d in contour.data] == ["contour", "scatter"]
    with_wd = [t for t in complete if "weight_decay" in t.params]
    assert len(contour.data[1].x) == len(with_wd)  # the trials that have both params


def test_analyze_study_block_parallel_coordinate(tmp_path, monkeypatch, capsys):
    # The branches fixed (Adam, weight decay on, no warmup_cosine): every trial has the same
    # parameters, and the parallel coordinate plot draws them all.
    fixed = {"optimizer": "adam", "use_weight_decay": True, "scheduler": "cosine"}
    sampler = optuna.samplers.PartialFixedSampler(fixed, optuna.samplers.RandomSampler(seed=2))
    study = _sensitivity_study(sampler=sampler, n_trials=12)
    monkeypatch.chdir(tmp_path)
    figures = _record_figures(monkeypatch)

    importance = analyze_study(study)

    complete = [t for t in study.trials if t.state == TrialState.COMPLETE]
    params = set(complete[0].params)
    assert all(set(t.params) == params for t in complete) and "beta1" in params
    assert set(importance) == params and sum(importance.values()) == pytest.approx(1.0)
    assert "Completed trials: 12" in capsys.readouterr().out
    (parcoords,) = figures["plot_parallel_coordinate"].data
    labels = [d.label for d in parcoords.dimensions]
    assert labels[0] == "Objective Value" and set(labels[1:]) == params
    assert list(parcoords.dimensions[0].values) == [t.value for t in complete]
    html = (tmp_path / "parallel_coordinate.html").read_text()
    assert 'class="plotly-graph-div"' in html and '"type":"parcoords"' in html


def test_plan_optimization_budgets():
    plans = [plan_optimization(b, 1.0, 10) for b in (10, 30, 100, 500)]
    assert [p["strategy"] for p in plans] == ["random", "tpe", "tpe_multivariate", "hyperband"]
    assert [p["max_trials"] for p in plans] == [10, 30, 100, 500]
    assert plan_optimization(7.5, 0.5, 3)["estimated_hours"] == 7.5


def test_objective_with_early_stopping():
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=3),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=10),
    )
    study.optimize(objective_with_early_stopping, n_trials=14)

    assert len(study.trials) == 14
    complete = [t for t in study.trials if t.state == TrialState.COMPLETE]
    assert len(complete) >= 5
    for t in complete:
        assert t.value == max(t.intermediate_values.values())  # returns best_val
        assert len(t.intermediate_values) <= 100
    stopped_early = [t for t in complete if len(t.intermediate_values) < 100]
    assert stopped_early, "patience=10 should end some runs before epoch 100"
    for t in stopped_early:
        values = [t.intermediate_values[s] for s in sorted(t.intermediate_values)]
        assert max(values[-10:]) <= max(values[:-10])  # no improvement in the last 10 epochs


def _run_workers(storage_url, tmp_path, n_workers=2):
    assert _SEED_STORAGE_LINE in _WORKER_SOURCE
    script = tmp_path / "worker.py"
    script.write_text(
        _WORKER_SOURCE.replace(
            _SEED_STORAGE_LINE, 'storage = os.environ["SEED_STORAGE"]  # Shared storage'
        )
    )
    env = {**os.environ, "SEED_STORAGE": storage_url, "SEEDS_DIR": str(SEEDS_DIR)}
    workers = [
        subprocess.Popen(
            [sys.executable, str(script)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n_workers)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-3000:]
        assert "Warning" not in err, err[-3000:]

    study = optuna.load_study(study_name="distributed_study", storage=storage_url)
    trials = study.trials
    assert len(trials) == 100 * n_workers
    assert sorted(t.number for t in trials) == list(range(100 * n_workers))
    assert len({t._trial_id for t in trials}) == 100 * n_workers
    assert all(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
    assert any(t.state == TrialState.PRUNED for t in trials)  # the default MedianPruner
    assert study.direction == optuna.study.StudyDirection.MINIMIZE  # the seed gives none
    return study


@pytest.mark.slow
def test_distributed_optimization_two_processes_sqlite(tmp_path):
    _run_workers(f"sqlite:///{tmp_path / 'distributed.db'}", tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_distributed_optimization_two_processes_postgres(tmp_path, postgres_db_url):
    _run_workers(postgres_db_url, tmp_path)


def test_multi_objective_block_with_nsga2(capsys):
    study = _run_multi_objective_block()

    assert isinstance(study.sampler, optuna.samplers.NSGAIISampler)
    complete = [t for t in study.trials if t.state == TrialState.COMPLETE]
    assert len(complete) == 100
    front = study.best_trials
    out = capsys.readouterr().out
    assert f"Number of Pareto-optimal solutions: {len(front)}" in out
    for t in front:
        accuracy, neg_params = t.values
        assert 0.0 <= accuracy <= 1.0 and neg_params < 0
        assert f"Accuracy: {accuracy:.4f}, Params: {-neg_params:,}" in out
    # Bigger networks have more parameters: the count is the layers' sizes.
    model = create_model({"hidden_dim": 256, "n_layers": 2})
    assert sum(p.numel() for p in model.parameters()) == len(model.net.theta)
