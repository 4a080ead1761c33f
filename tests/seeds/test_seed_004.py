# ruff: noqa: B007, I001, RUF003
"""Seed 004 ("Day 54: Hyperparameter Optimization"), code blocks run with ridgeline.

Each block between ``# fmt: off`` and ``# fmt: on`` is copied verbatim from
``/work/shared/seeds/004_81c72ec44c9ce7e2.txt`` (``import optuna`` became
``import ridgeline as optuna``). The names the snippets leave free (``initial_lr``,
``validate``, ``train``, ...) are bound just before each block; ``train`` is the real
training helper of :mod:`_training`.

Covered: the grid example (also run through ``GridSampler``), the four learning-rate
schedules, early stopping, and the "Optuna" AutoML example.

Skipped, with the missing feature: the "Ray Tune" example (Ray Tune).
"""

import itertools
import math

import numpy as np
import pytest

from _training import create_model, create_optimizer, train, train_one_epoch

import ridgeline as optuna

TrialState = optuna.trial.TrialState


def test_grid_example_runs_through_grid_sampler():
    # fmt: off
    learning_rates = [1e-5, 1e-4, 1e-3]
    batch_sizes = [16, 32, 64]
    # Total: 3 × 3 = 9 combinations
    # fmt: on
    assert len(list(itertools.product(learning_rates, batch_sizes))) == 9

    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.GridSampler({"lr": learning_rates, "batch_size": batch_sizes}),
    )
    study.optimize(
        lambda trial: (
            train(
                trial.suggest_categorical("lr", learning_rates),
                trial.suggest_categorical("batch_size", batch_sizes),
            ).val_accuracy
        ),
        n_trials=20,
    )
    assert len(study.trials) == 9  # every combination once, then the study stops
    assert {(t.params["lr"], t.params["batch_size"]) for t in study.trials} == set(
        itertools.product(learning_rates, batch_sizes)
    )
    assert study.best_params["lr"] == 1e-3  # 30 steps at 1e-5 barely move the weights


def test_learning_rate_schedules():
    # fmt: off
    lr = 1e-4  # Fixed throughout training
    # fmt: on
    assert lr == 1e-4

    initial_lr, decay_rate, step_size = 1e-3, 0.5, 10
    step_lrs = []
    for epoch in range(30):
        # fmt: off
        lr = initial_lr * (decay_rate ** (epoch // step_size))
        # fmt: on
        step_lrs.append(lr)
    assert step_lrs[:10] == [1e-3] * 10 and step_lrs[10] == 5e-4 and step_lrs[29] == 2.5e-4

    cos, π = math.cos, math.pi
    min_lr, max_lr, max_epochs = 1e-5, 1e-3, 50
    cosine_lrs = []
    for epoch in range(max_epochs + 1):
        # fmt: off
        lr = min_lr + 0.5 * (max_lr - min_lr) * (1 + cos(π * epoch / max_epochs))
        # fmt: on
        cosine_lrs.append(lr)
    assert cosine_lrs[0] == pytest.approx(max_lr) and cosine_lrs[-1] == pytest.approx(min_lr)
    assert cosine_lrs[25] == pytest.approx((max_lr + min_lr) / 2)
    assert all(a >= b for a, b in itertools.pairwise(cosine_lrs))

    warmup_epochs = 5

    def decay_schedule(step):
        return 0.9**step

    warmup_lrs = []
    for epoch in range(20):
        # fmt: off
        if epoch < warmup_epochs:
            lr = initial_lr * (epoch / warmup_epochs)
        else:
            lr = initial_lr * decay_schedule(epoch - warmup_epochs)
        # fmt: on
        warmup_lrs.append(lr)
    assert warmup_lrs[:6] == pytest.approx([0.0, 2e-4, 4e-4, 6e-4, 8e-4, 1e-3])
    assert warmup_lrs[6] == pytest.approx(9e-4) and max(warmup_lrs) == pytest.approx(1e-3)


def test_early_stopping_block_on_real_training():
    model = create_model({"learning_rate": 3e-2, "batch_size": 32, "hidden_dim": 128})
    optimizer = create_optimizer(model, model.config)
    history, checkpoints = [], []

    def validate():
        train_one_epoch(model, optimizer=optimizer)
        history.append(model.val_loss)
        return history[-1]

    def save_checkpoint():
        checkpoints.append((len(history) - 1, model.net.theta.copy()))

    max_epochs = 200
    # fmt: off
    patience = 5  # Wait 5 epochs
    best_loss = float('inf')
    counter = 0

    for epoch in range(max_epochs):
        val_loss = validate()

        if val_loss < best_loss:
            best_loss = val_loss
            counter = 0
            save_checkpoint()
        else:
            counter += 1
            if counter >= patience:
                break  # Early stop
    # fmt: on

    assert len(history) < max_epochs, "the validation loss should plateau within 200 steps"
    assert counter == patience == 5
    assert best_loss == min(history)
    best_epoch, best_theta = checkpoints[-1]
    assert history[best_epoch] == best_loss and best_epoch == len(history) - 1 - patience
    assert not np.array_equal(best_theta, model.net.theta)  # training went on after it


def test_optuna_automl_example():
    # fmt: off
    import ridgeline as optuna

    def objective(trial):
        lr = trial.suggest_float('lr', 1e-5, 1e-3, log=True)
        batch_size = trial.suggest_categorical('batch_size', [16, 32, 64])

        model = train(lr, batch_size)
        return model.val_accuracy

    study = optuna.create_study(direction='maximize')
    study.optimize(objective, n_trials=100)
    # fmt: on

    assert len(study.trials) == 100
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert study.best_value == max(t.value for t in study.trials)
    assert 1e-5 <= study.best_params["lr"] <= 1e-3
    assert study.best_params["batch_size"] in [16, 32, 64]
    best = study.best_params
    assert train(best["lr"], best["batch_size"]).val_accuracy == study.best_value
