from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from ridgeline.exceptions import RidgelineError
from ridgeline.pruners import ThresholdPruner

Decide = Callable[..., bool]


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
@pytest.mark.parametrize(
    ("kwargs", "value", "expected"),
    [
        ({"upper": 1.0}, 1.0, False),  # a value on the bound is kept
        ({"upper": 1.0}, 1.0001, True),
        ({"upper": 1.0}, -1e300, False),
        ({"lower": 0.0}, 0.0, False),
        ({"lower": 0.0}, -1e-9, True),
        ({"lower": 0.0}, math.inf, False),
        ({"lower": 0.0, "upper": 1.0}, 0.5, False),
        ({"lower": 0.0, "upper": 1.0}, 2.0, True),
        ({"lower": 0.0, "upper": 1.0}, -2.0, True),
        ({"lower": 1.0, "upper": 1.0}, 1.0, False),
        ({"upper": 1.0}, math.nan, True),
        ({"lower": -math.inf}, math.nan, True),
        ({"upper": math.inf}, math.inf, False),
    ],
)
def test_bounds(
    prune_decision: Decide, kwargs: dict[str, float], value: float, expected: bool, direction: str
) -> None:
    assert prune_decision(ThresholdPruner(**kwargs), [], {0: value}, direction) is expected


def test_only_the_latest_value_counts(prune_decision: Decide) -> None:
    pruner = ThresholdPruner(lower=0.0, upper=1.0)
    assert prune_decision(pruner, [], {0: 5.0, 1: math.nan, 2: 0.5}) is False
    assert prune_decision(pruner, [], {0: 0.5, 1: 0.5, 2: 5.0}) is True


def test_other_trials_do_not_matter(prune_decision: Decide) -> None:
    histories = [{0: 100.0}] * 5
    assert prune_decision(ThresholdPruner(upper=1.0), histories, {0: 0.5}) is False
    assert prune_decision(ThresholdPruner(upper=1.0), histories, {0: 2.0}) is True


@pytest.mark.parametrize(("last_step", "expected"), [(0, False), (1, False), (2, True)])
def test_n_warmup_steps(prune_decision: Decide, last_step: int, expected: bool) -> None:
    pruner = ThresholdPruner(upper=0.0, n_warmup_steps=2)
    current = {s: 1.0 for s in range(last_step + 1)}
    assert prune_decision(pruner, [], current) is expected


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([0], True),
        ([0, 1], False),
        ([0, 1, 2], True),
        ([0, 3], True),
        ([0, 2, 3], False),
        ([0, 3, 4], True),
    ],
)
def test_interval_steps(prune_decision: Decide, steps: list[int], expected: bool) -> None:
    pruner = ThresholdPruner(upper=0.0, interval_steps=2)
    assert prune_decision(pruner, [], {s: 1.0 for s in steps}) is expected


def test_no_report_no_pruning(prune_decision: Decide) -> None:
    assert prune_decision(ThresholdPruner(upper=0.0), [], {}) is False


def test_numbers_of_any_kind_are_accepted() -> None:
    pruner = ThresholdPruner(lower=np.float32(-1.5), upper=np.int64(3), n_warmup_steps=np.int8(1))
    assert repr(pruner) == (
        "ThresholdPruner(lower=-1.5, upper=3.0, n_warmup_steps=1, interval_steps=1)"
    )
    assert repr(ThresholdPruner(upper=2)) == (
        "ThresholdPruner(lower=None, upper=2.0, n_warmup_steps=0, interval_steps=1)"
    )


def test_a_bound_is_required() -> None:
    with pytest.raises(
        TypeError, match=r"`lower` or `upper` of ThresholdPruner must be given; got lower=None"
    ) as info:
        ThresholdPruner()
    assert isinstance(info.value, ValueError) and isinstance(info.value, RidgelineError)


@pytest.mark.parametrize("name", ["lower", "upper"])
@pytest.mark.parametrize("value", ["1.0", True, [1.0], 1j])
def test_bounds_must_be_numbers(name: str, value: Any) -> None:
    with pytest.raises(TypeError, match=rf"`{name}` of ThresholdPruner must be a number"):
        ThresholdPruner(**{name: value})


@pytest.mark.parametrize("name", ["lower", "upper"])
def test_bounds_must_not_be_nan(name: str) -> None:
    with pytest.raises(
        ValueError, match=rf"`{name}` of ThresholdPruner must be a number \(not NaN\); got nan\."
    ):
        ThresholdPruner(**{name: math.nan})


def test_lower_must_not_exceed_upper() -> None:
    with pytest.raises(
        ValueError, match=r"`lower` of ThresholdPruner must be <= `upper` \(1\.0\); got 2\.0\."
    ):
        ThresholdPruner(lower=2.0, upper=1.0)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("n_warmup_steps", -1, r"`n_warmup_steps` of ThresholdPruner must be an int >= 0; got -1"),
        ("interval_steps", 0, r"`interval_steps` of ThresholdPruner must be an int >= 1; got 0"),
        ("interval_steps", 1.0, r"`interval_steps` of ThresholdPruner must be an int >= 1; got"),
    ],
)
def test_step_arguments(name: str, value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ThresholdPruner(upper=1.0, **{name: value})
