"""The main demo: tune a linear classifier on scikit-learn's bundled digits data set.

Each trial trains an SGD classifier epoch by epoch on 3 cross-validation folds in lockstep,
reports the mean validation accuracy after every epoch (so the pruner can stop bad trials
early), and returns the final mean accuracy. Trials are kept in ``runs/demo.db`` (SQLite):
run the script again and the same study continues where it stopped. At the end it writes an
HTML report of the study (``runs/demo_report.html``, open it in a browser; it works offline)
and a JSON summary of the result (``runs/demo_summary.json``).

    python examples/demo.py [--n-trials 40] [--storage sqlite:///runs/demo.db] [--report-dir runs]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

import ridgeline

N_EPOCHS = 15


def load_folds(seed: int = 0) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    x, y = load_digits(return_X_y=True)
    folds = []
    for train, valid in StratifiedKFold(n_splits=3, shuffle=True, random_state=seed).split(x, y):
        scaler = StandardScaler().fit(x[train])
        folds.append((scaler.transform(x[train]), y[train], scaler.transform(x[valid]), y[valid]))
    return folds


FOLDS = load_folds()
CLASSES = np.unique(FOLDS[0][1])


def objective(trial: ridgeline.Trial) -> float:
    loss = trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"])
    penalty = trial.suggest_categorical("penalty", ["l2", "l1", "elasticnet"])
    params = {
        "loss": loss,
        "penalty": penalty,
        "alpha": trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
        "learning_rate": trial.suggest_categorical(
            "learning_rate", ["optimal", "constant", "invscaling", "adaptive"]
        ),
        "eta0": trial.suggest_float("eta0", 1e-4, 1.0, log=True),
    }
    if penalty == "elasticnet":
        params["l1_ratio"] = trial.suggest_float("l1_ratio", 0.0, 1.0)

    models = [SGDClassifier(random_state=i, **params) for i in range(len(FOLDS))]
    accuracy = 0.0
    for epoch in range(N_EPOCHS):
        scores = []
        for model, (x_tr, y_tr, x_va, y_va) in zip(models, FOLDS, strict=False):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.partial_fit(x_tr, y_tr, classes=CLASSES)
            scores.append(model.score(x_va, y_va))
        accuracy = float(np.mean(scores))
        trial.report(accuracy, epoch)
        if trial.should_prune():
            raise ridgeline.TrialPruned()
    return accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-trials", type=int, default=40)
    parser.add_argument("--storage", default="sqlite:///runs/demo.db")
    parser.add_argument("--study-name", default="digits-sgd")
    parser.add_argument("--report-dir", default="runs", help="where the report files go")
    args = parser.parse_args()
    if args.storage.startswith("sqlite:///"):
        Path(args.storage[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)

    study = ridgeline.create_study(
        study_name=args.study_name,
        storage=args.storage,
        direction="maximize",
        # TPE (the default sampler, spelled out): after 10 random trials it models which
        # settings do well; the conditional l1_ratio gets its own model (group=True).
        sampler=ridgeline.samplers.TPESampler(),
        pruner=ridgeline.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=3),
        load_if_exists=True,
    )
    before = len(study.trials)
    study.optimize(objective, n_trials=args.n_trials, show_progress_bar=True)

    counts = {s.name: 0 for s in ridgeline.TrialState}
    for t in study.trials:
        counts[t.state.name] += 1
    print(
        f"\nStudy {study.study_name!r} in {args.storage}: {len(study.trials)} trials "
        f"({len(study.trials) - before} new) — "
        + ", ".join(f"{n} {k.lower()}" for k, n in counts.items() if n)
    )
    best = study.best_trial
    print(f"Sampler: {study.sampler!r}")
    print(f"Best trial: #{best.number}, mean 3-fold accuracy {best.value:.4f}")
    print("Best configuration:")
    for name, value in best.params.items():
        print(f"  {name}: {value}")

    report_dir = Path(args.report_dir)
    html = ridgeline.report.write_html(study, report_dir / "demo_report.html")
    summary = ridgeline.report.write_json_summary(study, report_dir / "demo_summary.json")
    print(f"Report: {html}")
    print(f"Summary: {summary}")


if __name__ == "__main__":
    main()
