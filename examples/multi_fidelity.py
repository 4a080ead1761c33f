"""Multi-fidelity tuning: epochs are the resource, Hyperband stops poor trials early and
BOHBSampler learns from every budget.

The pattern: the objective trains step by step (here one epoch of a small neural network on
scikit-learn's digits), reports the validation error at each step with
``trial.report(value, step)`` and stops when ``trial.should_prune()`` says so. With
``HyperbandPruner`` most trials stop after 1, 3 or 9 epochs; ``BOHBSampler`` fits its model
on the trials' errors at the largest budget that enough of them reached, so the short trials
guide the search instead of being thrown away.

    python examples/multi_fidelity.py [--n-trials 60] [--storage sqlite:///runs/bohb.db]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

import ridgeline

MAX_EPOCHS = 27  # the resource of a full trial; Hyperband's rungs: 1, 3, 9 epochs


def load_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, y = load_digits(return_X_y=True)
    x_tr, x_va, y_tr, y_va = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(x_tr)
    return scaler.transform(x_tr), y_tr, scaler.transform(x_va), y_va


X_TRAIN, Y_TRAIN, X_VALID, Y_VALID = load_data()
CLASSES = np.unique(Y_TRAIN)


def objective(trial: ridgeline.Trial) -> float:
    model = MLPClassifier(
        hidden_layer_sizes=(trial.suggest_int("hidden", 8, 128, log=True),),
        learning_rate_init=trial.suggest_float("learning_rate_init", 1e-4, 1e-1, log=True),
        alpha=trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
        batch_size=trial.suggest_categorical("batch_size", [32, 64, 128]),
        random_state=0,
    )
    error = 1.0
    for epoch in range(1, MAX_EPOCHS + 1):  # step = epochs trained so far
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.partial_fit(X_TRAIN, Y_TRAIN, classes=CLASSES)
        error = 1.0 - model.score(X_VALID, Y_VALID)
        trial.report(error, epoch)
        if epoch < MAX_EPOCHS and trial.should_prune():
            raise ridgeline.TrialPruned()
    return error


def main(argv: list[str] | None = None) -> ridgeline.Study:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-trials", type=int, default=60)
    parser.add_argument("--storage", default="sqlite:///runs/bohb.db")
    parser.add_argument("--study-name", default="digits-mlp-bohb")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.storage.startswith("sqlite:///"):
        Path(args.storage[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    study = ridgeline.create_study(
        study_name=args.study_name,
        storage=args.storage,
        sampler=ridgeline.samplers.BOHBSampler(seed=args.seed),
        pruner=ridgeline.pruners.HyperbandPruner(
            min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3
        ),
        load_if_exists=True,
    )
    study.optimize(objective, n_trials=args.n_trials)

    epochs = sum(t.last_step or 0 for t in study.trials)
    complete = [t for t in study.trials if t.state == ridgeline.TrialState.COMPLETE]
    print(
        f"{len(study.trials)} trials, {len(complete)} trained to {MAX_EPOCHS} epochs; "
        f"{epochs} epochs in all, {epochs / (len(study.trials) * MAX_EPOCHS):.0%} of training "
        "every trial to the end"
    )
    print(f"Best validation error: {study.best_value:.4f} (trial #{study.best_trial.number})")
    for name, value in study.best_params.items():
        print(f"  {name}: {value}")
    return study


if __name__ == "__main__":
    main()
