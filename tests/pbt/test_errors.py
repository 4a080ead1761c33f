"""Every bad argument and every bad training result gets a clear error; nothing stored breaks."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from _pbt_toy import MUTATIONS, train

import ridgeline
from ridgeline.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from ridgeline.exceptions import RidgelineError
from ridgeline.pbt import PBTError, PopulationBasedTraining, SegmentContext
from ridgeline.pbt._records import MEMBER_KEY, SEGMENT_KEY
from ridgeline.trial import TrialState

BASE: dict[str, Any] = {
    "population_size": 4,
    "perturbation_interval": 5,
    "hyperparam_mutations": MUTATIONS,
}


@pytest.mark.parametrize(
    ("override", "match", "is_type_error"),
    [
        (
            {"population_size": 1},
            r"`population_size` of PopulationBasedTraining must be an int >= 2; got 1\.",
            False,
        ),
        ({"population_size": 4.0}, r"`population_size` .* must be an int >= 2; got 4\.0", True),
        ({"population_size": True}, r"`population_size` .* got True", True),
        (
            {"perturbation_interval": 0},
            r"`perturbation_interval` .* must be an int >= 1; got 0\.",
            False,
        ),
        (
            {"quantile_fraction": 0.0},
            r"`quantile_fraction` .* must be in \(0, 0.5\]; got 0\.0\.",
            False,
        ),
        (
            {"quantile_fraction": 0.6},
            r"`quantile_fraction` .* got 0\.6\. The top and the bottom",
            False,
        ),
        ({"quantile_fraction": math.nan}, r"`quantile_fraction` .* got nan", False),
        ({"quantile_fraction": "0.25"}, r"`quantile_fraction` .* got '0\.25'", True),
        (
            {"resample_probability": -0.1},
            r"`resample_probability` .* must be in \[0, 1\]; got -0\.1",
            False,
        ),
        ({"resample_probability": 1.5}, r"`resample_probability` .* got 1\.5", False),
        (
            {"perturbation_factors": ()},
            r"`perturbation_factors` .* non-empty list of positive numbers .* got \(\)",
            True,
        ),
        ({"perturbation_factors": 1.2}, r"`perturbation_factors` .* got 1\.2", True),
        ({"perturbation_factors": "12"}, r"`perturbation_factors` .* got '12'", True),
        (
            {"perturbation_factors": (1.2, 0.0)},
            r"`perturbation_factors` .* got \(1\.2, 0\.0\): 0\.0 is not > 0",
            False,
        ),
        ({"perturbation_factors": (1.2, -0.8)}, r"-0\.8 is not > 0", False),
        ({"perturbation_factors": (1.2, math.inf)}, r"`perturbation_factors` .* got inf", False),
        ({"perturbation_factors": (1.2, None)}, r"`perturbation_factors` .* got None", True),
        ({"direction": "up"}, r"`direction` .* must be 'minimize' or 'maximize'; got 'up'", False),
        ({"metric": ""}, r"`metric` .* non-empty str\); got ''", True),
        ({"metric": 3}, r"`metric` .* got 3", True),
        ({"seed": -1}, r"`seed` .* must be an int >= 0; got -1", False),
        ({"seed": 1.5}, r"`seed` .* got 1\.5", True),
        (
            {"hyperparam_mutations": {"lr": lambda: 0.1}},
            r"hyperparam_mutations\['lr'\].*Functions",
            True,
        ),
        ({"hyperparam_mutations": {}}, r"must name at least one hyperparameter", False),
        (
            {"hyperparam_mutations": {"lr": {"type": "loguniform"}}},
            r"hyperparam_mutations\['lr'\]",
            True,
        ),
        ({"config": [("lr", 0.1)]}, r"`config` .* must be None or a dict with str keys", True),
        (
            {"config": {"learning_rate": 0.1, "width": 4, "opt": "sgd"}},
            r"names \['lr'\], which `config` does not hold \(config keys: \['learning_rate', "
            r"'opt', 'width'\]\)\. Add each one to `config`.*fix the spelling",
            False,
        ),
        (
            {"config": {"lr": 2.0, "width": 4, "opt": "sgd"}},
            r"`config\['lr'\]` .* must be a starting value inside .* got 2\.0",
            False,
        ),
        (
            {"config": {"lr": 0.1, "width": 4.5, "opt": "sgd"}},
            r"`config\['width'\]` .* got 4\.5",
            False,
        ),
        (
            {"config": {"lr": 0.1, "width": 4, "opt": "rmsprop"}},
            r"`config\['opt'\]` .* got 'rmsprop'",
            False,
        ),
        (
            {"config": {"lr": FloatDistribution(1e-5, 1.0), "width": 4, "opt": "sgd"}},
            r"`config\['lr'\]` .* must draw starting values inside",
            False,
        ),
        (
            {"config": {"lr": 0.1, "width": FloatDistribution(1, 4), "opt": "sgd"}},
            r"`config\['width'\]` .* distribution of the same kind",
            True,
        ),
        (
            {"config": {"lr": 0.1, "width": 4, "opt": CategoricalDistribution(["sgd", "x"])}},
            r"`config\['opt'\]` .* must draw starting values inside",
            False,
        ),
    ],
)
def test_bad_arguments(override: dict[str, Any], match: str, is_type_error: bool) -> None:
    with pytest.raises(PBTError, match=match) as info:
        PopulationBasedTraining(**{**BASE, **override})
    assert isinstance(info.value, RidgelineError) and isinstance(info.value, ValueError)
    assert isinstance(info.value, TypeError) == is_type_error


def test_good_config_starts() -> None:
    pbt = PopulationBasedTraining(
        **BASE, config={"lr": 0.1, "width": IntDistribution(2, 4), "opt": "sgd", "epochs": 3}
    )
    plan = pbt.initial_plan(seed=0)
    assert all(a.config["lr"] == 0.1 and 2 <= a.config["width"] <= 4 for a in plan)
    assert pbt.full_config(plan[0].config)["epochs"] == 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"n_segments": 0},
            r"`n_segments` of PopulationBasedTraining.run must be an int >= 1; got 0",
        ),
        (
            {"n_segments": 2, "n_jobs": 0},
            r"`n_jobs` of ThreadSegmentExecutor must be an int >= 1 or -1",
        ),
        (
            {"n_segments": 2, "executor": "ray"},
            r"`executor` .* must be 'threads', 'processes' or a BaseSegmentExecutor; got 'ray'",
        ),
        ({"n_segments": 2, "checkpoint_store": 5}, r"`checkpoint_store` must be None"),
    ],
)
def test_bad_run_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(PBTError, match=match):
        PopulationBasedTraining(**BASE).run(train, **kwargs)


def test_train_must_be_callable() -> None:
    with pytest.raises(
        PBTError, match=r"`train` of PopulationBasedTraining.run must be a function"
    ):
        PopulationBasedTraining(**BASE).run("train.py", n_segments=1)  # type: ignore[arg-type]


def _bad_at(bad: Any, segment: int = 1, member: int = 2) -> Any:
    """``train`` for every segment but (segment, member), which returns ``bad(ctx)``."""

    def fn(config: dict[str, Any], checkpoint: Any, ctx: SegmentContext) -> Any:
        if (ctx.segment, ctx.member) == (segment, member):
            return bad(ctx)
        return train(config, checkpoint, ctx)

    return fn


def _boom(ctx: SegmentContext) -> Any:
    raise RuntimeError("CUDA out of memory")


@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [
        (
            lambda ctx: ({"score": math.nan}, None),
            PBTError,
            r"non-finite metric 'score' \(nan\) for member 2, segment 1",
        ),
        (lambda ctx: ({"score": math.inf}, None), PBTError, r"non-finite metric 'score' \(inf\)"),
        (
            lambda ctx: ({"loss": 1.0}, None),
            PBTError,
            r"returned the metrics \['loss'\] for member 2, segment 1, without `metric`='score'",
        ),
        (
            lambda ctx: ({"score": "high"}, None),
            PBTError,
            r"metric 'score' = 'high' \(str\) for member 2, segment 1; metrics must be numbers",
        ),
        (
            lambda ctx: 0.5,
            PBTError,
            r"must return a tuple \(metrics, checkpoint\); got 0\.5 \(float\) for member 2, "
            r"segment 1",
        ),
        (
            lambda ctx: (1.0, lambda: 0),
            PBTError,
            r"checkpoint .* for member 2, segment 1 could not be saved",
        ),
        (_boom, RuntimeError, r"CUDA out of memory"),
    ],
)
def test_bad_training_results_fail_the_segment_and_keep_the_study_sound(
    tmp_path: Path, bad: Any, error: type[Exception], match: str
) -> None:
    storage = f"sqlite:///{tmp_path / 'pbt.db'}"
    pbt = PopulationBasedTraining(**BASE, direction="maximize", metric="score", seed=0)
    run = {"storage": storage, "study_name": "s", "checkpoint_store": tmp_path / "ckpt"}
    with pytest.raises(error, match=match):
        pbt.run(_bad_at(bad), n_segments=3, **run)  # type: ignore[arg-type]
    study = ridgeline.load_study(study_name="s", storage=storage)
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    failed = study.get_trials(states=(TrialState.FAIL,))
    # The other members of the failing generation were recorded; nothing of the next one.
    assert len(complete) == 7 and len(failed) == 1
    assert (failed[0].system_attrs[SEGMENT_KEY], failed[0].system_attrs[MEMBER_KEY]) == (1, 2)
    assert re.search(match, failed[0].system_attrs["fail_reason"])
    assert "Traceback" in failed[0].system_attrs["traceback"]
    # A resumed run with a sound training function finishes the run; the good segments are
    # not trained again.
    result = pbt.run(train, n_segments=3, **run)  # type: ignore[arg-type]
    keys = [(t.system_attrs[SEGMENT_KEY], t.system_attrs[MEMBER_KEY]) for t in result.history]
    assert sorted(keys) == [(s, m) for s in range(3) for m in range(4)]
    assert len(result.study.get_trials(states=(TrialState.COMPLETE,))) == 12
    assert result.history[:4] == complete[:4]


def test_several_metrics_need_a_metric_name() -> None:
    pbt = PopulationBasedTraining(**BASE, seed=0)
    with pytest.raises(PBTError, match=r"metrics \['score', 'steps'\] .* pass `metric=`"):
        pbt.run(train, n_segments=1)
    single = PopulationBasedTraining(**BASE, seed=0, direction="maximize")
    result = single.run(lambda c, k, x: ({"acc": 0.5 + x.member / 10}, None), n_segments=1)
    assert result.best_value == pytest.approx(0.8)


def test_resuming_with_other_settings_is_refused(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'pbt.db'}"
    run = {"storage": storage, "study_name": "s", "checkpoint_store": tmp_path / "ckpt"}
    pbt = PopulationBasedTraining(**BASE, direction="maximize", metric="score", seed=0)
    pbt.run(train, n_segments=1, **run)  # type: ignore[arg-type]
    other = PopulationBasedTraining(
        **{**BASE, "population_size": 6}, direction="maximize", metric="score", seed=0
    )
    with pytest.raises(PBTError, match=r"other settings \(population_size: stored 4, given 6\)"):
        other.run(train, n_segments=2, **run)  # type: ignore[arg-type]
    reseeded = PopulationBasedTraining(**BASE, direction="maximize", metric="score", seed=1)
    with pytest.raises(PBTError, match=r"seed: stored 0, given 1.*seed=None takes the stored"):
        reseeded.run(train, n_segments=2, **run)  # type: ignore[arg-type]
    flipped = PopulationBasedTraining(**BASE, direction="minimize", metric="score", seed=0)
    with pytest.raises(ValueError, match="exists with directions"):
        flipped.run(train, n_segments=2, **run)  # type: ignore[arg-type]
    # Nothing was changed by the refused runs; seed=None resumes with the stored seed.
    study = ridgeline.load_study(study_name="s", storage=storage)
    assert len(study.trials) == 4
    unseeded = PopulationBasedTraining(**BASE, direction="maximize", metric="score")
    assert len(unseeded.run(train, n_segments=2, **run).history) == 8  # type: ignore[arg-type]
