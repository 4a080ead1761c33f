from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ridgeline.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
    distribution_to_json,
    json_to_distribution,
)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"low": 2.0, "high": 1.0}, r"`low` of FloatDistribution must be <= `high`; got low=2.0"),
        ({"low": 0.0, "high": 1.0, "log": True}, r"`low` of FloatDistribution must be > 0"),
        ({"low": -1.0, "high": 1.0, "log": True}, r"got low=-1.0"),
        ({"low": 1e-3, "high": 1.0, "log": True, "step": 0.1}, r"`step` of FloatDistribution"),
        ({"low": 0.0, "high": 1.0, "step": 0.0}, r"`step` of FloatDistribution must be > 0"),
        ({"low": 0.0, "high": 1.0, "step": -0.5}, r"must be > 0; got step=-0.5"),
        ({"low": float("nan"), "high": 1.0}, r"`low` of FloatDistribution must be finite"),
        ({"low": 0.0, "high": float("inf")}, r"`high` of FloatDistribution must be finite"),
        ({"low": "a", "high": 1.0}, r"`low` of FloatDistribution must be a number; got 'a'"),
    ],
)
def test_float_distribution_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        FloatDistribution(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"low": 5, "high": 1}, r"`low` of IntDistribution must be <= `high`; got low=5, high=1"),
        ({"low": 0, "high": 10, "log": True}, r"`low` of IntDistribution must be >= 1"),
        ({"low": 1, "high": 10, "log": True, "step": 2}, r"`step` of IntDistribution must be 1"),
        ({"low": 1, "high": 10, "step": 0}, r"`step` of IntDistribution must be >= 1; got step=0"),
        ({"low": 1.5, "high": 10}, r"`low` of IntDistribution must be an integer; got 1.5"),
    ],
)
def test_int_distribution_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        IntDistribution(**kwargs)


def test_categorical_errors() -> None:
    with pytest.raises(ValueError, match=r"`choices` of CategoricalDistribution must contain"):
        CategoricalDistribution([])
    with pytest.raises(TypeError, match=r"must hold None, bool, int, float or str values; got \["):
        CategoricalDistribution([[1, 2], [3]])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"got \{'a': 1\} \(dict\)"):
        CategoricalDistribution([{"a": 1}])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"must be a list or tuple; got 'abc'"):
        CategoricalDistribution("abc")  # type: ignore[arg-type]


def test_step_adjusts_high_with_warning() -> None:
    with pytest.warns(UserWarning, match="not divisible by `step`"):
        d = FloatDistribution(0.0, 1.0, step=0.3)
    assert d.high == pytest.approx(0.9)
    with pytest.warns(UserWarning, match="`high` is replaced by 9"):
        i = IntDistribution(1, 10, step=2)
    assert i.high == 9


def test_contains_and_reprs() -> None:
    f = FloatDistribution(0.0, 1.0, step=0.25)
    assert f.contains(0.5) and not f.contains(0.3) and not f.contains(1.25)
    i = IntDistribution(2, 10, step=2)
    assert i.contains(4) and not i.contains(5) and not i.contains(12)
    assert i.to_external_repr(4.0) == 4 and isinstance(i.to_external_repr(4.0), int)
    c = CategoricalDistribution([None, True, 1, 1.5, "a"])
    assert [c.to_internal_repr(v) for v in (None, True, 1, 1.5, "a")] == [0, 1, 2, 3, 4]
    assert c.to_external_repr(1) is True
    assert c.contains(4) and not c.contains(5) and not c.contains(0.5)
    with pytest.raises(ValueError, match=r"'b' is not one of the choices"):
        c.to_internal_repr("b")


def test_categorical_bool_and_int_are_distinct() -> None:
    c = CategoricalDistribution([1, True, 0, False])
    assert c.to_internal_repr(True) == 1
    assert c.to_internal_repr(1) == 0
    assert c.to_internal_repr(False) == 3
    assert CategoricalDistribution([1, 2]) != CategoricalDistribution([True, 2])


def test_single() -> None:
    assert FloatDistribution(1.0, 1.0).single()
    assert FloatDistribution(0.5, 0.5, step=0.1).single()
    assert not FloatDistribution(0.0, 1.0).single()
    assert IntDistribution(3, 3).single()
    assert CategoricalDistribution(["x"]).single()


def test_equality_and_hash() -> None:
    assert FloatDistribution(0, 1) == FloatDistribution(0.0, 1.0)
    assert hash(FloatDistribution(0, 1)) == hash(FloatDistribution(0.0, 1.0))
    assert FloatDistribution(0, 1) != FloatDistribution(0, 1, log=False, step=0.5)
    assert len({IntDistribution(1, 3), IntDistribution(1, 3)}) == 1


def test_compatibility() -> None:
    check_distribution_compatibility(FloatDistribution(0, 1), FloatDistribution(0, 2))
    with pytest.raises(ValueError, match="as IntDistribution after FloatDistribution"):
        check_distribution_compatibility(FloatDistribution(0, 1), IntDistribution(0, 1))
    with pytest.raises(ValueError, match="Cannot change `log`"):
        check_distribution_compatibility(
            FloatDistribution(0.1, 1), FloatDistribution(0.1, 1, log=True)
        )
    with pytest.raises(ValueError, match="Cannot change the choices"):
        check_distribution_compatibility(
            CategoricalDistribution(["a"]), CategoricalDistribution(["a", "b"])
        )


def test_json_errors() -> None:
    with pytest.raises(ValueError, match="must be a distribution written by"):
        json_to_distribution("not json")
    with pytest.raises(ValueError, match="Unknown distribution name 'Foo'"):
        json_to_distribution('{"name": "Foo", "attributes": {}}')


floats = st.floats(-1e6, 1e6, allow_nan=False)


@given(floats, floats, st.booleans())
def test_float_json_round_trip(a: float, b: float, log: bool) -> None:
    low, high = min(a, b), max(a, b)
    if log:
        low, high = abs(low) + 1e-3, abs(low) + abs(high) + 1e-3
    d = FloatDistribution(low, high, log=log)
    assert json_to_distribution(distribution_to_json(d)) == d


@given(st.integers(-1000, 1000), st.integers(0, 1000), st.integers(1, 7))
def test_int_json_round_trip(low: int, width: int, step: int) -> None:
    d = IntDistribution(low, low + width - width % step, step=step)
    assert json_to_distribution(distribution_to_json(d)) == d


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(max_size=5),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_categorical_json_round_trip(choices: list) -> None:
    d = CategoricalDistribution(choices)
    back = json_to_distribution(distribution_to_json(d))
    assert back == d
    for i, c in enumerate(choices):
        idx = d.to_internal_repr(c)
        assert d.to_external_repr(idx) == c or (isinstance(c, float) and math.isnan(c))
        assert d.contains(idx)
        del i
