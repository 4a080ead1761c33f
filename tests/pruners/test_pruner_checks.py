from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from ridgeline.exceptions import RidgelineError
from ridgeline.pruners._checks import (
    PrunerArgumentError,
    PrunerTypeError,
    check_int,
    check_real,
    is_first_in_interval,
)


def test_error_classes() -> None:
    assert issubclass(PrunerArgumentError, RidgelineError)
    assert issubclass(PrunerArgumentError, ValueError)
    assert issubclass(PrunerTypeError, PrunerArgumentError)
    assert issubclass(PrunerTypeError, TypeError)


def test_check_int() -> None:
    assert check_int("P", "n", np.int64(3), 0) == 3
    assert type(check_int("P", "n", np.int64(3), 0)) is int
    with pytest.raises(PrunerArgumentError, match=r"^`n` of P must be an int >= 1; got 0\.$"):
        check_int("P", "n", 0, 1)
    with pytest.raises(PrunerTypeError, match=r"^`n` of P must be an int >= 0; got False\.$"):
        check_int("P", "n", False, 0)


@pytest.mark.parametrize(
    ("value", "minimum", "error", "message"),
    [
        (
            math.nan,
            None,
            PrunerArgumentError,
            r"^`x` of P must be a number \(not NaN\); got nan\.$",
        ),
        ("1", None, PrunerTypeError, r"^`x` of P must be a number \(not NaN\); got '1'\.$"),
        (-1, 0.0, PrunerArgumentError, r"^`x` of P must be a number >= 0; got -1\.$"),
        (math.nan, 0.0, PrunerArgumentError, r"^`x` of P must be a number >= 0; got nan\.$"),
    ],
)
def test_check_real_errors(
    value: Any, minimum: float | None, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        check_real("P", "x", value, minimum=minimum)


def test_check_real_values() -> None:
    assert check_real("P", "x", np.float16(0.5)) == 0.5
    assert check_real("P", "x", -math.inf) == -math.inf
    assert check_real("P", "x", 0, minimum=0.0) == 0.0


@pytest.mark.parametrize(
    ("step", "reported", "warmup", "interval", "expected"),
    [
        (7, [0, 3, 5, 7], 0, 1, True),
        (4, [0, 2, 4], 0, 2, True),
        (5, [0, 2, 4, 5], 0, 2, False),
        (5, [0, 2, 5], 0, 2, True),
        (6, [6, 5], 5, 3, False),
        (8, [5, 8], 5, 3, True),
        (8, [8], 5, 3, True),
        (10, {10: 0.0, 9: 0.0}, 2, 4, True),
    ],
)
def test_is_first_in_interval(
    step: int, reported: Any, warmup: int, interval: int, expected: bool
) -> None:
    assert is_first_in_interval(step, reported, warmup, interval) is expected
