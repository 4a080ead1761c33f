"""Small real studies for the report tests: one objective with pruned and failed trials, and
two named objectives with constraints."""

from __future__ import annotations

import ridgeline

XSS = "<script>alert(1)</script>"


def single_objective_study(n_trials: int = 30) -> ridgeline.Study:
    study = ridgeline.create_study(
        study_name=f"single {XSS}",
        direction="minimize",
        sampler=ridgeline.samplers.RandomSampler(seed=0),
        pruner=ridgeline.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1),
    )
    study.set_user_attr("note", XSS)

    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", -5.0, 5.0)
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        kind = trial.suggest_categorical("kind", ["plain", XSS])
        trial.set_user_attr("tag", XSS)
        if trial.number % 7 == 3:
            raise ValueError(f"diverged at x={x:.3f} {XSS}")
        if trial.number % 11 == 5:
            raise KeyError("missing")
        loss = (x - 1.0) ** 2 + 10 * lr + (0.5 if kind == "plain" else 0.0)
        for step in range(5):
            trial.report(loss * (1.0 + 1.0 / (step + 1)), step)
            if trial.should_prune():
                raise ridgeline.TrialPruned()
        return loss

    study.optimize(objective, n_trials=n_trials, catch=(ValueError, KeyError))
    return study


def multi_objective_study(n_trials: int = 30) -> ridgeline.Study:
    def constraints(trial: ridgeline.FrozenTrial) -> list[float]:
        return [trial.params["x"] - 0.8]

    study = ridgeline.create_study(
        study_name="two objectives",
        directions={"error": "minimize", "speed": "maximize"},
        sampler=ridgeline.samplers.NSGAIISampler(seed=0, constraints_func=constraints),
    )

    def objective(trial: ridgeline.Trial) -> dict[str, float]:
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        if trial.number == 4:
            raise RuntimeError("out of memory")
        return {"error": x**2 + 0.1 * y, "speed": 1.0 - (1.0 - x) ** 2 + 0.1 * y}

    study.optimize(objective, n_trials=n_trials, catch=(RuntimeError,))
    return study
