"""The in-objective training helpers: early stopping, schedules, batch-size arithmetic."""

from __future__ import annotations

import copy
import itertools
import math
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ridgeline
from ridgeline.study import StudyDirection
from ridgeline.training import (
    SCHEDULE_NAMES,
    EarlyStopping,
    TrainingArgumentError,
    TrainingTypeError,
    accumulation_steps,
    constant,
    cosine_annealing,
    effective_batch_size,
    exponential_decay,
    linear_decay,
    lr_schedule,
    scale_learning_rate,
    step_decay,
    warmup_cosine,
    warmup_linear,
)

SETTINGS = settings(max_examples=150, deadline=None)

# ---------------------------------------------------------------------------- strategies
lr_st = st.floats(1e-8, 10.0, allow_nan=False, allow_infinity=False)
steps_st = st.integers(1, 10_000)


@st.composite
def lr_pair(draw: st.DrawFn) -> tuple[float, float]:
    """``(base_lr, min_lr)`` with ``0 <= min_lr <= base_lr`` (often 0, sometimes equal)."""
    base = draw(lr_st)
    kind = draw(st.sampled_from(["zero", "equal", "between"]))
    if kind == "zero":
        return base, 0.0
    if kind == "equal":
        return base, base
    return base, draw(st.floats(0.0, base))


@st.composite
def decay_case(
    draw: st.DrawFn, names: tuple[str, ...] = SCHEDULE_NAMES
) -> tuple[str, dict[str, Any]]:
    """A named schedule and its arguments (the warm-up schedules included)."""
    base, low = draw(lr_pair())
    total = draw(steps_st)
    name = draw(st.sampled_from(names))
    if name == "constant":
        return name, {"base_lr": base}
    if name == "step":
        return name, {
            "base_lr": base,
            "step_size": draw(st.integers(1, 50)),
            "gamma": draw(st.floats(0.01, 1.0)),
            "min_lr": low,
        }
    if name == "exponential":
        # Gammas within a rounding error of 1 could make pow() wobble by one ulp.
        return name, {"base_lr": base, "gamma": draw(st.floats(0.5, 0.9999)), "min_lr": low}
    kwargs: dict[str, Any] = {"base_lr": base, "total_steps": total, "min_lr": low}
    if name.startswith("warmup_"):
        kwargs["warmup_steps"] = draw(st.integers(0, total - 1))
        kwargs["warmup_start_factor"] = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5, 1.0]))
    return name, kwargs


def _warmup(kwargs: dict[str, Any]) -> int:
    return int(kwargs.get("warmup_steps", 0))


def _end(name: str, kwargs: dict[str, Any]) -> int:
    """A step well past the end of the schedule's interesting part."""
    if "total_steps" in kwargs:
        return int(kwargs["total_steps"])
    if name == "step":
        return 20 * int(kwargs["step_size"])
    return 200


# ---------------------------------------------------------------------------- properties
@SETTINGS
@given(case=decay_case(), data=st.data())
def test_rates_stay_within_bounds(case: tuple[str, dict[str, Any]], data: st.DataObject) -> None:
    name, kwargs = case
    schedule = lr_schedule(name, **kwargs)
    base, low = kwargs["base_lr"], kwargs.get("min_lr", 0.0)
    warmup = _warmup(kwargs)
    for step in data.draw(st.lists(st.integers(0, 3 * _end(name, kwargs)), max_size=20)):
        lr = schedule(step)
        assert isinstance(lr, float)
        if step < warmup:
            assert kwargs["warmup_start_factor"] * base * (1 - 1e-12) <= lr <= base
        else:
            assert low <= lr <= base


@SETTINGS
@given(case=decay_case())
def test_monotone_after_warmup_and_exact_endpoints(case: tuple[str, dict[str, Any]]) -> None:
    name, kwargs = case
    schedule = lr_schedule(name, **kwargs)
    base, low = kwargs["base_lr"], kwargs.get("min_lr", 0.0)
    warmup, end = _warmup(kwargs), _end(name, kwargs)
    steps = np.unique(np.linspace(warmup, end + 5, num=300).astype(int))
    rates = [schedule(int(s)) for s in steps]
    assert rates[0] == base  # the decay starts exactly at base_lr
    assert all(a >= b for a, b in itertools.pairwise(rates)), "non-increasing after the warm-up"
    if "total_steps" in kwargs:
        total = kwargs["total_steps"]
        assert schedule(total) == low  # exactly min_lr at total_steps ...
        assert schedule(total + 1) == low  # ... and after
        assert schedule(10 * total + 7) == low


@SETTINGS
@given(case=decay_case(("warmup_cosine", "warmup_linear")))
def test_warmup_rises_to_base_lr_continuously(case: tuple[str, dict[str, Any]]) -> None:
    name, kwargs = case
    schedule = lr_schedule(name, **kwargs)
    base, warmup = kwargs["base_lr"], kwargs["warmup_steps"]
    start = kwargs["warmup_start_factor"]
    steps = np.unique(np.linspace(0, warmup, num=200).astype(int))
    rates = [schedule(int(s)) for s in steps]
    assert all(a <= b for a, b in itertools.pairwise(rates)), "non-decreasing during the warm-up"
    assert schedule(warmup) == base
    if warmup > 0:
        assert schedule(0) == pytest.approx(start * base, rel=1e-12, abs=0.0)
        # Continuity at the boundary: the last warm-up step is one increment below base_lr,
        # and the first decay step is no further from base_lr than one step of the decay.
        increment = (1 - start) * base / warmup
        assert base - schedule(warmup - 1) == pytest.approx(increment, rel=1e-9, abs=1e-15)
        room = kwargs["total_steps"] - warmup
        share = math.pi**2 / 4 / room**2 if name == "warmup_cosine" else 1 / room
        drop = base - schedule(warmup + 1)
        assert drop <= (base - kwargs["min_lr"]) * share * 1.0001 + 4 * math.ulp(base)


@SETTINGS
@given(case=decay_case())
def test_lr_schedule_matches_the_named_function(case: tuple[str, dict[str, Any]]) -> None:
    name, kwargs = case
    function: Callable[..., float] = {
        "constant": constant,
        "step": step_decay,
        "exponential": exponential_decay,
        "cosine": cosine_annealing,
        "linear": linear_decay,
        "warmup_cosine": warmup_cosine,
        "warmup_linear": warmup_linear,
    }[name]
    schedule = lr_schedule(name, **kwargs)
    for step in (0, 1, 7, _end(name, kwargs) // 2, _end(name, kwargs) + 3):
        assert schedule(step) == function(step, **kwargs)


# ---------------------------------------------------------------------------- known values
def test_known_values() -> None:
    assert constant(5, base_lr=0.3) == 0.3
    assert [step_decay(s, base_lr=1.0, step_size=2, gamma=0.5) for s in range(6)] == [
        1.0, 1.0, 0.5, 0.5, 0.25, 0.25,
    ]  # fmt: skip
    assert step_decay(100, base_lr=1.0, step_size=1, gamma=0.5, min_lr=0.1) == 0.1
    assert exponential_decay(3, base_lr=2.0, gamma=0.5) == 0.25
    assert exponential_decay(10**9, base_lr=1.0, gamma=0.5) == 0.0  # underflows quietly
    assert cosine_annealing(50, base_lr=1.0, total_steps=100, min_lr=0.2) == pytest.approx(0.6)
    # The seed's formula: min + 0.5 * (max - min) * (1 + cos(pi * epoch / max_epochs)).
    for epoch in range(0, 31, 3):
        expected = 0.01 + 0.5 * (0.1 - 0.01) * (1 + math.cos(math.pi * epoch / 30))
        got = cosine_annealing(epoch, base_lr=0.1, total_steps=30, min_lr=0.01)
        assert got == pytest.approx(expected, rel=1e-12)
    assert linear_decay(25, base_lr=1.0, total_steps=100) == 0.75
    # The seed's warm-up: initial_lr * epoch / warmup_epochs.
    assert [warmup_linear(e, base_lr=0.4, warmup_steps=4, total_steps=8) for e in range(5)] == [
        0.0, 0.1, 0.2, 0.30000000000000004, 0.4,
    ]  # fmt: skip
    half = {"base_lr": 1.0, "warmup_steps": 4, "total_steps": 8, "warmup_start_factor": 0.5}
    assert warmup_cosine(0, **half) == 0.5
    assert warmup_cosine(
        2, base_lr=1.0, warmup_steps=4, total_steps=8, warmup_start_factor=0.5
    ) == pytest.approx(0.75)
    # No warm-up: the plain decay.
    assert warmup_cosine(3, base_lr=1.0, warmup_steps=0, total_steps=8) == cosine_annealing(
        3, base_lr=1.0, total_steps=8
    )


def test_numpy_ints_are_steps() -> None:
    assert cosine_annealing(np.int64(2), base_lr=1.0, total_steps=np.int32(4)) == 0.5
    assert lr_schedule("linear", base_lr=1.0, total_steps=4)(np.int64(1)) == 0.75


def test_warmup_ratio() -> None:
    schedule = lr_schedule("warmup_cosine", base_lr=1.0, warmup_ratio=0.05, total_steps=100)
    assert schedule(5) == 1.0 and schedule(4) == pytest.approx(0.8)
    assert lr_schedule("warmup_linear", base_lr=1.0, warmup_ratio=0.0, total_steps=10)(0) == 1.0
    # ceil: a small ratio still gives one warm-up step.
    assert lr_schedule("warmup_linear", base_lr=1.0, warmup_ratio=0.01, total_steps=10)(0) == 0.0


def test_schedule_pickles_copies_and_shows_its_arguments() -> None:
    schedule = lr_schedule("warmup_cosine", base_lr=0.1, warmup_ratio=0.1, total_steps=50)
    text = "lr_schedule('warmup_cosine', base_lr=0.1, warmup_ratio=0.1, total_steps=50)"
    assert repr(schedule) == text
    for clone in (pickle.loads(pickle.dumps(schedule)), copy.deepcopy(schedule)):
        assert repr(clone) == text
        assert [clone(s) for s in range(60)] == [schedule(s) for s in range(60)]


# ---------------------------------------------------------------------------- schedule errors
BAD_SCHEDULES: list[tuple[Callable[..., float], dict[str, Any], type[Exception], str]] = [
    (constant, {"step": -1, "base_lr": 0.1}, ValueError, r"`step` of constant\(\) .* >= 0; got -1"),
    (constant, {"step": 1.5, "base_lr": 0.1}, TypeError, r"`step` .* an int >= 0; got 1.5"),
    (constant, {"step": True, "base_lr": 0.1}, TypeError, r"`step` .* got True"),
    (constant, {"step": 0, "base_lr": 0.0}, ValueError, r"`base_lr` .* > 0; got 0.0"),
    (constant, {"step": 0, "base_lr": -1}, ValueError, r"`base_lr` .* > 0; got -1"),
    (constant, {"step": 0, "base_lr": math.inf}, ValueError, r"`base_lr` .* finite .* got inf"),
    (constant, {"step": 0, "base_lr": math.nan}, ValueError, r"`base_lr` .* got nan"),
    (constant, {"step": 0, "base_lr": "0.1"}, TypeError, r"`base_lr` .* got '0.1'"),
    (step_decay, {"step": 0, "base_lr": 1, "step_size": 0}, ValueError, r"`step_size` .* >= 1"),
    (
        step_decay,
        {"step": 0, "base_lr": 1, "step_size": 2, "gamma": 0.0},
        ValueError,
        r"`gamma` of step_decay\(\) must be a number in \(0, 1\] .*; got 0.0",
    ),
    (
        exponential_decay,
        {"step": 0, "base_lr": 1, "gamma": 1.5},
        ValueError,
        r"`gamma` of exponential_decay\(\) .* got 1.5",
    ),
    (
        exponential_decay,
        {"step": 0, "base_lr": 1, "gamma": 0.5, "min_lr": -0.1},
        ValueError,
        r"`min_lr` .* \[0, base_lr\] = \[0, 1.0\].*; got -0.1",
    ),
    (
        cosine_annealing,
        {"step": 0, "base_lr": 0.1, "total_steps": 0},
        ValueError,
        r"`total_steps` of cosine_annealing\(\) must be an int >= 1; got 0",
    ),
    (
        cosine_annealing,
        {"step": 0, "base_lr": 0.1, "total_steps": 10, "min_lr": 0.2},
        ValueError,
        r"`min_lr` of cosine_annealing\(\) must be a number in \[0, base_lr\] = \[0, 0.1\]",
    ),
    (
        linear_decay,
        {"step": -3, "base_lr": 0.1, "total_steps": 10},
        ValueError,
        r"`step` of linear_decay\(\)",
    ),
    (
        warmup_cosine,
        {"step": 0, "base_lr": 0.1, "warmup_steps": 11, "total_steps": 10},
        ValueError,
        r"`warmup_steps` of warmup_cosine\(\) must be an int in \[0, total_steps\) = \[0, 10\)"
        r" .*; got 11",
    ),
    (
        warmup_linear,
        {"step": 0, "base_lr": 0.1, "warmup_steps": 10, "total_steps": 10},
        ValueError,
        r"at least one step\); got 10",
    ),
    (
        warmup_linear,
        {"step": 0, "base_lr": 0.1, "warmup_steps": -1, "total_steps": 10},
        ValueError,
        r"`warmup_steps` .* got -1",
    ),
    (
        warmup_linear,
        {"step": 0, "base_lr": 0.1, "warmup_steps": 2.0, "total_steps": 10},
        TypeError,
        r"`warmup_steps` .* got 2.0",
    ),
    (
        warmup_linear,
        {"step": 0, "base_lr": 0.1, "warmup_steps": 2, "total_steps": 10, "min_lr": 1.0},
        ValueError,
        r"`min_lr` of warmup_linear\(\)",
    ),
    (
        warmup_cosine,
        {
            "step": 0,
            "base_lr": 0.1,
            "warmup_steps": 2,
            "total_steps": 10,
            "warmup_start_factor": 1.5,
        },
        ValueError,
        r"`warmup_start_factor` of warmup_cosine\(\) must be a number in \[0, 1\] .*; got 1.5",
    ),
]


@pytest.mark.parametrize(("function", "kwargs", "kind", "match"), BAD_SCHEDULES)
def test_schedule_errors(
    function: Callable[..., float], kwargs: dict[str, Any], kind: type[Exception], match: str
) -> None:
    with pytest.raises(kind, match=match) as info:
        function(**kwargs)
    assert isinstance(info.value, TrainingArgumentError)
    assert isinstance(info.value, ridgeline.exceptions.RidgelineError)


@pytest.mark.parametrize(
    ("name", "kwargs", "match"),
    [
        ("cosinus", {}, r"`name` of lr_schedule\(\) must be one of 'constant', 'step', .*"),
        (None, {}, r"`name` of lr_schedule\(\) .* got None"),
        ("plateau", {}, r"got 'plateau'\. 'plateau' lowers .* ReduceLROnPlateau"),
        (
            "cosine",
            {"base_lr": 0.1, "total_steps": 10, "warmup_steps": 2},
            r"lr_schedule\('cosine'\) got unknown argument\(s\) 'warmup_steps'; "
            r"cosine_annealing\(\) accepts base_lr, total_steps, min_lr\. "
            r"For a warm-up, use 'warmup_cosine'\.",
        ),
        ("step", {"base_lr": 0.1, "step_sise": 3}, r"unknown argument\(s\) 'step_sise'"),
        ("cosine", {"base_lr": 0.1}, r"lr_schedule\('cosine'\) needs the argument\(s\) total"),
        (
            "exponential",
            {"base_lr": 0.1, "gamma": 2.0},
            r"`gamma` of lr_schedule\('exponential'\) must be a number in \(0, 1\]",
        ),
        (
            "warmup_cosine",
            {"base_lr": 0.1, "total_steps": 10, "warmup_steps": 1, "warmup_ratio": 0.1},
            r"both `warmup_steps` and `warmup_ratio`",
        ),
        (
            "warmup_cosine",
            {"base_lr": 0.1, "warmup_ratio": 0.1},
            r"needs `total_steps` to apply `warmup_ratio`",
        ),
        (
            "warmup_linear",
            {"base_lr": 0.1, "total_steps": 10, "warmup_ratio": 1.0},
            r"`warmup_ratio` .* must be a number in \[0, 1\); got 1.0",
        ),
        (
            "warmup_linear",
            {"base_lr": 0.1, "total_steps": 3, "warmup_ratio": 0.9},
            r"`warmup_ratio` .* leaves no step for the decay: ceil\(0.9 \* 3\) = 3",
        ),
    ],
)
def test_lr_schedule_errors(name: Any, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(TrainingArgumentError, match=match):
        lr_schedule(name, **kwargs)


def test_schedule_checks_each_step() -> None:
    schedule = lr_schedule("cosine", base_lr=0.1, total_steps=10)
    with pytest.raises(TrainingArgumentError, match=r"`step` of lr_schedule\('cosine'\)"):
        schedule(-1)
    with pytest.raises(TypeError, match=r"`step` .* got 0.5"):
        schedule(0.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- early stopping
def test_early_stopping_min_mode_like_the_seed_loop() -> None:
    """Agrees with the hand-written loop: ``if v < best: reset; else: counter += 1``."""
    rng = np.random.default_rng(0)
    for _ in range(50):
        losses = list(np.round(rng.random(30), 1))
        stopper, best, counter = EarlyStopping(patience=3), math.inf, 0
        for v in losses:
            if v < best:
                best, counter = v, 0
            else:
                counter += 1
            assert stopper.step(v) == (counter >= 3)
            assert stopper.best == best
            assert stopper.n_bad_steps == counter


def test_early_stopping_max_mode_and_aliases() -> None:
    for mode in ("max", "maximize", StudyDirection.MAXIMIZE):
        stopper = EarlyStopping(patience=2, mode=mode)  # type: ignore[arg-type]
        assert stopper.mode == "max"
        assert [stopper.step(v) for v in (0.5, 0.7, 0.7, 0.6, 0.9, 0.8)] == [
            False, False, False, True, False, False,
        ]  # fmt: skip
        assert stopper.best == 0.9 and stopper.best_step == 4
        assert stopper.n_steps == 6 and stopper.n_bad_steps == 1
    for mode in ("min", "minimize", StudyDirection.MINIMIZE):
        assert EarlyStopping(1, mode=mode).mode == "min"  # type: ignore[arg-type]


def test_early_stopping_min_delta() -> None:
    stopper = EarlyStopping(patience=2, min_delta=0.1)
    assert stopper.step(1.0) is False
    assert stopper.step(0.95) is False  # not by more than 0.1: a bad step
    assert stopper.step(0.9) is True  # exactly 0.1 better is not enough either
    assert stopper.best == 1.0 and stopper.should_stop
    assert stopper.step(0.85) is False  # more than 0.1 better: resets
    assert stopper.best == 0.85 and stopper.best_step == 3 and stopper.n_bad_steps == 0
    maximizer = EarlyStopping(patience=1, min_delta=0.5, mode="max")
    assert [maximizer.step(v) for v in (1.0, 1.5, 1.6)] == [False, True, False]


def test_early_stopping_nan_counts_as_no_improvement() -> None:
    stopper = EarlyStopping(patience=2)
    assert stopper.step(math.nan) is False
    assert stopper.best is None and stopper.best_step is None and stopper.n_bad_steps == 1
    assert stopper.step(1.0) is False and stopper.best == 1.0 and stopper.best_step == 1
    assert stopper.step(math.nan) is False
    assert stopper.step(math.nan) is True
    assert stopper.best == 1.0


def test_early_stopping_infinities_numpy_and_reset() -> None:
    stopper = EarlyStopping(patience=1)
    assert stopper.step(math.inf) is False and stopper.best == math.inf
    assert stopper.step(np.float32(2.0)) is False and stopper.best == 2.0
    assert stopper.step(np.array(3.0)) is True  # a 0-d array (as a tensor's .item() would be)
    assert stopper.step(-math.inf) is False
    assert stopper.step(-1e308) is True  # nothing beats -inf
    stopper.reset()
    assert (stopper.best, stopper.best_step, stopper.n_steps, stopper.n_bad_steps) == (
        None, None, 0, 0,
    )  # fmt: skip
    assert not stopper.should_stop
    assert repr(stopper) == "EarlyStopping(patience=1, min_delta=0.0, mode='min')"
    assert stopper.patience == 1 and stopper.min_delta == 0.0


@SETTINGS
@given(
    values=st.lists(st.one_of(st.floats(-5, 5), st.just(math.nan)), max_size=40),
    patience=st.integers(1, 5),
    min_delta=st.sampled_from([0.0, 0.1, 1.0]),
    maximize=st.booleans(),
)
def test_early_stopping_invariants(
    values: list[float], patience: int, min_delta: float, maximize: bool
) -> None:
    stopper = EarlyStopping(patience, min_delta, "max" if maximize else "min")
    mirrored = EarlyStopping(patience, min_delta, "min")
    for i, v in enumerate(values):
        stop = stopper.step(v)
        assert stop == mirrored.step(-v if maximize else v)  # max mode is min mode, negated
        assert stop == (stopper.n_bad_steps >= patience) == stopper.should_stop
        assert stopper.n_steps == i + 1
        finite = [x for x in values[: i + 1] if not math.isnan(x)]
        if not finite:
            assert stopper.best is None
        else:
            best = stopper.best
            assert best is not None and stopper.best_step is not None
            assert values[stopper.best_step] == best
            assert stopper.n_bad_steps == i - stopper.best_step
            # Everything seen is within min_delta of the best (in the right direction).
            assert all((x <= best + min_delta) if maximize else (x >= best - min_delta)
                       for x in finite)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "kind", "match"),
    [
        ((0,), ValueError, r"`patience` of EarlyStopping must be an int >= 1; got 0"),
        ((2.5,), TypeError, r"`patience` of EarlyStopping must be an int >= 1; got 2.5"),
        ((True,), TypeError, r"`patience` .* got True"),
        ((3, -0.1), ValueError, r"`min_delta` of EarlyStopping must be a finite number >= 0"),
        ((3, math.nan), ValueError, r"`min_delta` .* got nan"),
        ((3, math.inf), ValueError, r"`min_delta` .* got inf"),
        ((3, "0.1"), TypeError, r"`min_delta` .* got '0.1'"),
        ((3, 0.0, "down"), ValueError, r"`mode` of EarlyStopping must be 'min' or 'max' .*"),
        ((3, 0.0, 1), ValueError, r"`mode` .* got 1"),
        ((3, 0.0, StudyDirection.NOT_SET), ValueError, r"`mode` .* got StudyDirection.NOT_SET"),
        ((3, 0.0, ["min"]), ValueError, r"`mode` .* got \['min'\]"),
    ],
)
def test_early_stopping_errors(args: tuple[Any, ...], kind: type[Exception], match: str) -> None:
    with pytest.raises(kind, match=match) as info:
        EarlyStopping(*args)
    assert isinstance(info.value, TrainingArgumentError)


@pytest.mark.parametrize("value", ["1.0", None, True, [1.0]])
def test_early_stopping_step_rejects_non_numbers(value: Any) -> None:
    stopper = EarlyStopping(3)
    with pytest.raises(TrainingTypeError, match=r"`value` of EarlyStopping.step\(\) must be"):
        stopper.step(value)
    assert stopper.n_steps == 0


def test_early_stopping_in_an_objective() -> None:
    def objective(trial: ridgeline.Trial) -> float:
        plateau = trial.suggest_int("plateau", 3, 10)
        stopper = EarlyStopping(patience=2)
        epoch = 0
        for epoch in range(100):
            loss = max(plateau - epoch, 0) + 1.0
            if stopper.step(loss):
                break
        trial.set_user_attr("epochs", epoch + 1)
        return float(stopper.best or 0.0)

    study = ridgeline.create_study()
    study.optimize(objective, n_trials=4)
    for t in study.trials:
        assert t.value == 1.0
        assert t.user_attrs["epochs"] == t.params["plateau"] + 3  # best at epoch p, 2 more


# ---------------------------------------------------------------------------- batch size
def test_scaling_rules() -> None:
    # The seed's example: batch 32 at 1e-4, batch 256 (8x) at 8e-4.
    assert scale_learning_rate(1e-4, 32, 256) == pytest.approx(8e-4)
    assert scale_learning_rate(0.1, 256, 8192) == pytest.approx(3.2)  # Goyal et al.'s ImageNet
    assert scale_learning_rate(0.1, 256, 128) == pytest.approx(0.05)
    assert scale_learning_rate(1e-3, 64, 256, rule="sqrt") == pytest.approx(2e-3)
    assert scale_learning_rate(1e-3, 64, 16, "sqrt") == pytest.approx(5e-4)
    assert scale_learning_rate(0.3, 64, 64) == 0.3 == scale_learning_rate(0.3, 64, 64, "sqrt")


@SETTINGS
@given(lr=lr_st, base=st.integers(1, 4096), a=st.integers(1, 4096), b=st.integers(1, 4096))
def test_scaling_rules_compose(lr: float, base: int, a: int, b: int) -> None:
    """Scaling base -> a -> b is scaling base -> b; sqrt is the geometric mean of none/linear."""
    for rule in ("linear", "sqrt"):
        via = scale_learning_rate(scale_learning_rate(lr, base, a, rule), a, b, rule)
        assert via == pytest.approx(scale_learning_rate(lr, base, b, rule), rel=1e-9)
    linear, sqrt = scale_learning_rate(lr, base, b), scale_learning_rate(lr, base, b, "sqrt")
    assert sqrt == pytest.approx(math.sqrt(lr * linear), rel=1e-9)


def test_gradient_accumulation() -> None:
    assert effective_batch_size(32) == 32
    assert effective_batch_size(8, 4) == 32
    assert effective_batch_size(8, accumulation_steps=4, n_devices=8) == 256
    assert accumulation_steps(256, 32) == 8
    assert accumulation_steps(256, micro_batch_size=16, n_devices=4) == 4
    assert accumulation_steps(32, 32) == 1
    for micro, k, devices in [(1, 1, 1), (3, 5, 2), (16, 4, 8)]:
        target = effective_batch_size(micro, k, devices)
        assert accumulation_steps(target, micro, devices) == k


@pytest.mark.parametrize(
    ("call", "kind", "match"),
    [
        (lambda: scale_learning_rate(0.0, 32, 64), ValueError, r"`base_lr` of scale_learning"),
        (lambda: scale_learning_rate(0.1, 0, 64), ValueError, r"`base_batch_size` .* got 0"),
        (lambda: scale_learning_rate(0.1, 32, 64.0), TypeError, r"`batch_size` .* got 64.0"),
        (
            lambda: scale_learning_rate(0.1, 32, 64, rule="log"),
            ValueError,
            r"`rule` of scale_learning_rate\(\) must be one of 'linear', 'sqrt'; got 'log'",
        ),
        (lambda: effective_batch_size(0), ValueError, r"`micro_batch_size` .* >= 1; got 0"),
        (lambda: effective_batch_size(8, 0), ValueError, r"`accumulation_steps` .* got 0"),
        (lambda: effective_batch_size(8, 2, -1), ValueError, r"`n_devices` .* got -1"),
        (
            lambda: accumulation_steps(100, 32),
            ValueError,
            r"`target_batch_size` of accumulation_steps\(\) must be a multiple of "
            r"micro_batch_size \* n_devices = 32 \* 1 = 32; got 100\. The nearest valid targets "
            r"are 96 \(accumulation_steps=3\) and 128 \(accumulation_steps=4\)",
        ),
        (
            lambda: accumulation_steps(20, 16, n_devices=2),
            ValueError,
            r"= 16 \* 2 = 32; got 20\. The nearest valid target is 32 \(accumulation_steps=1\)",
        ),
        (lambda: accumulation_steps(0, 16), ValueError, r"`target_batch_size` .* >= 1; got 0"),
        (lambda: accumulation_steps(64, "16"), TypeError, r"`micro_batch_size` .* got '16'"),
    ],
)
def test_batch_size_errors(call: Callable[[], object], kind: type[Exception], match: str) -> None:
    with pytest.raises(kind, match=match) as info:
        call()
    assert isinstance(info.value, TrainingArgumentError)


def test_exposed_on_the_package() -> None:
    assert ridgeline.training.EarlyStopping is EarlyStopping
    assert set(SCHEDULE_NAMES) == {
        "constant", "step", "exponential", "cosine", "linear", "warmup_cosine", "warmup_linear",
    }  # fmt: skip
