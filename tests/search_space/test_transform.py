from __future__ import annotations

import decimal
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.search_space import SearchSpaceTransform

# ---------------------------------------------------------------------- strategies
_choice = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-5, 5, allow_nan=False).filter(lambda f: not f.is_integer()),
    st.text(max_size=3),
)


def _choice_key(value: Any) -> tuple[str, Any]:
    if value is None or isinstance(value, (bool, str)):
        return (type(value).__name__, value)
    return ("num", value)


def _decimal_value(low: str, step: str, k: int) -> float:
    return float(decimal.Decimal(low) + k * decimal.Decimal(step))


@st.composite
def distribution_and_value(draw: st.DrawFn) -> tuple[BaseDistribution, Any]:
    kind = draw(
        st.sampled_from(["float", "float_log", "float_step", "int", "int_log", "int_step", "cat"])
    )
    if kind == "float":
        low = draw(st.floats(-1e3, 1e3))
        high = low + draw(st.floats(0, 1e3))
        return FloatDistribution(low, high), draw(st.floats(low, high))
    if kind == "float_log":
        low = draw(st.floats(1e-6, 1e3))
        high = low * draw(st.floats(1, 1e6))
        return FloatDistribution(low, high, log=True), draw(st.floats(low, high))
    if kind == "float_step":
        low = f"{draw(st.integers(-1000, 1000))}e{draw(st.integers(-3, 1))}"
        step = f"{draw(st.integers(1, 50))}e{draw(st.integers(-3, 0))}"
        n = draw(st.integers(0, 40))
        dist = FloatDistribution(float(low), _decimal_value(low, step, n), step=float(step))
        return dist, _decimal_value(low, step, draw(st.integers(0, n)))
    if kind in ("int", "int_step"):
        step = 1 if kind == "int" else draw(st.integers(1, 7))
        low = draw(st.integers(-100, 100))
        n = draw(st.integers(0, 30))
        dist = IntDistribution(low, low + n * step, step=step)
        return dist, low + draw(st.integers(0, n)) * step
    if kind == "int_log":
        low = draw(st.integers(1, 100))
        high = low + draw(st.integers(0, 1000))
        return IntDistribution(low, high, log=True), draw(st.integers(low, high))
    choices = draw(st.lists(_choice, min_size=1, max_size=6, unique_by=_choice_key))
    return CategoricalDistribution(choices), draw(st.sampled_from(choices))


@st.composite
def space_and_params(
    draw: st.DrawFn,
) -> tuple[dict[str, BaseDistribution], dict[str, Any]]:
    items = draw(st.lists(distribution_and_value(), min_size=1, max_size=5))
    space = {f"p{i}": dist for i, (dist, _) in enumerate(items)}
    params = {f"p{i}": value for i, (_, value) in enumerate(items)}
    return space, params


flags = st.fixed_dictionaries(
    {
        "transform_log": st.booleans(),
        "transform_step": st.booleans(),
        "transform_0_1": st.booleans(),
        "categorical_encoding": st.sampled_from(["onehot", "index"]),
    }
)


def _same(dist: BaseDistribution, a: Any, b: Any) -> bool:
    if isinstance(dist, FloatDistribution) and dist.step is None:
        scale = max(1.0, abs(dist.low), abs(dist.high))
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12 * scale)
    return type(a) is type(b) and (a == b or (a != a and b != b))


# ---------------------------------------------------------------------- properties
@settings(max_examples=200, deadline=None)
@given(space_and_params(), flags)
def test_untransform_inverts_transform(
    sp: tuple[dict[str, BaseDistribution], dict[str, Any]], kw: dict[str, Any]
) -> None:
    space, params = sp
    t = SearchSpaceTransform(space, **kw)
    back = t.untransform(t.transform(params))
    assert list(back) == list(space)
    for name, dist in space.items():
        assert _same(dist, back[name], params[name]), (name, dist, back[name], params[name])


@settings(max_examples=200, deadline=None)
@given(space_and_params(), flags, st.data())
def test_any_point_of_the_box_untransforms_to_valid_values(
    sp: tuple[dict[str, BaseDistribution], dict[str, Any]], kw: dict[str, Any], data: st.DataObject
) -> None:
    space, _ = sp
    t = SearchSpaceTransform(space, **kw)
    bounds = t.bounds
    # Points of the box, its corners, and a little beyond it (clipped back in).
    u = np.array(
        data.draw(st.lists(st.floats(-0.1, 1.1), min_size=len(bounds), max_size=len(bounds)))
    )
    x = bounds[:, 0] + u * (bounds[:, 1] - bounds[:, 0])
    for params in (t.untransform(x), *t.untransform_many(bounds.T)):
        for name, dist in space.items():
            value = params[name]
            assert dist.contains(dist.to_internal_repr(value)), (name, dist, value)
            if isinstance(dist, IntDistribution):
                assert type(value) is int
            elif isinstance(dist, FloatDistribution):
                assert type(value) is float


@settings(max_examples=200, deadline=None)
@given(space_and_params(), flags)
def test_bounds_and_columns_are_consistent(
    sp: tuple[dict[str, BaseDistribution], dict[str, Any]], kw: dict[str, Any]
) -> None:
    space, params = sp
    t = SearchSpaceTransform(space, **kw)
    bounds = t.bounds
    n_encoded = len(bounds)
    assert bounds.shape == (n_encoded, 2)
    assert np.all(bounds[:, 0] <= bounds[:, 1])
    if kw["transform_0_1"]:
        assert np.all(bounds == [0.0, 1.0])
    columns = t.column_to_encoded_columns
    assert len(columns) == len(space)
    assert np.array_equal(np.concatenate(columns), np.arange(n_encoded))
    back = t.encoded_column_to_column
    for i, cols in enumerate(columns):
        assert np.all(back[cols] == i)
    x = t.transform(params)
    assert x.shape == (n_encoded,)
    scale = np.maximum(1.0, np.abs(bounds).max(axis=1))
    assert np.all(x >= bounds[:, 0] - 1e-9 * scale)
    assert np.all(x <= bounds[:, 1] + 1e-9 * scale)


@settings(max_examples=50, deadline=None)
@given(st.lists(space_and_params(), min_size=1, max_size=1), st.integers(1, 6), flags)
def test_batch_versions_match_single_ones(
    sps: list[tuple[dict[str, BaseDistribution], dict[str, Any]]], n: int, kw: dict[str, Any]
) -> None:
    space, params = sps[0]
    t = SearchSpaceTransform(space, **kw)
    rng = np.random.default_rng(n)
    xs = rng.uniform(t.bounds[:, 0], t.bounds[:, 1], size=(n, len(t.bounds)))
    assert t.untransform_many(xs) == [t.untransform(x) for x in xs]
    many = t.transform_many([params] * n)
    assert np.array_equal(many, np.tile(t.transform(params), (n, 1)))


# ---------------------------------------------------------------------- encodings
def test_every_integer_gets_an_equal_share_of_the_unit_axis() -> None:
    t = SearchSpaceTransform({"k": IntDistribution(2, 10, step=2)})
    u = (np.arange(500) + 0.5) / 500
    values = [p["k"] for p in t.untransform_many(u[:, None])]
    assert {v: values.count(v) for v in set(values)} == {2: 100, 4: 100, 6: 100, 8: 100, 10: 100}


@pytest.mark.parametrize("encoding", ["index", "onehot"])
def test_points_on_cell_edges_are_shared_out_evenly(encoding: str) -> None:
    # Dyadic points (as a Sobol' sequence makes) fall exactly on the edges between cells.
    space = {"k": IntDistribution(0, 3), "c": CategoricalDistribution(["a", "b"])}
    t = SearchSpaceTransform(space, categorical_encoding=encoding)  # type: ignore[arg-type]
    u = np.arange(8) / 8
    ks = [p["k"] for p in t.untransform_many(np.column_stack([u] * len(t.bounds)))]
    assert ks == [0, 0, 1, 1, 2, 2, 3, 3]
    if encoding == "index":
        cs = [p["c"] for p in t.untransform_many(np.column_stack([u, u]))]
        assert cs == ["a"] * 4 + ["b"] * 4


def test_stepped_float_gets_equal_shares_and_clean_values() -> None:
    t = SearchSpaceTransform({"x": FloatDistribution(0.1, 0.5, step=0.1)})
    u = (np.arange(500) + 0.5) / 500
    values = [p["x"] for p in t.untransform_many(u[:, None])]
    assert sorted(set(values)) == [0.1, 0.2, 0.3, 0.4, 0.5]
    assert all(values.count(v) == 100 for v in set(values))


def test_log_int_cells_are_equal_in_log_space() -> None:
    t = SearchSpaceTransform({"k": IntDistribution(1, 4, log=True)})
    bounds = SearchSpaceTransform({"k": IntDistribution(1, 4, log=True)}, transform_0_1=False)
    assert np.allclose(bounds.bounds, [[math.log(0.5), math.log(4.5)]])
    u = (np.arange(100_000) + 0.5) / 100_000
    values = np.array([p["k"] for p in t.untransform_many(u[:, None])])
    for k in range(1, 5):
        share = math.log((k + 0.5) / (k - 0.5)) / math.log(4.5 / 0.5)
        assert abs(np.mean(values == k) - share) < 1e-3


def test_onehot_and_index_encodings() -> None:
    dist = CategoricalDistribution(["a", None, 3])
    onehot = SearchSpaceTransform({"c": dist})
    assert onehot.transform({"c": None}).tolist() == [0.0, 1.0, 0.0]
    assert onehot.untransform([0.2, 0.1, 0.9]) == {"c": 3}
    index = SearchSpaceTransform({"c": dist}, categorical_encoding="index", transform_0_1=False)
    assert index.bounds.tolist() == [[-0.5, 2.5]]
    assert index.transform({"c": 3}).tolist() == [2.0]
    assert index.untransform([0.4]) == {"c": "a"}
    assert index.untransform([7.0]) == {"c": 3}


def test_log_float_is_encoded_by_its_logarithm() -> None:
    t = SearchSpaceTransform({"lr": FloatDistribution(1e-4, 1.0, log=True)}, transform_0_1=False)
    assert np.allclose(t.bounds, [[math.log(1e-4), 0.0]])
    assert np.isclose(t.transform({"lr": 1e-2})[0], math.log(1e-2))
    flat = SearchSpaceTransform(
        {"lr": FloatDistribution(1e-4, 1.0, log=True)}, transform_log=False, transform_0_1=False
    )
    assert flat.bounds.tolist() == [[1e-4, 1.0]]


def test_single_value_distributions() -> None:
    space = {
        "a": FloatDistribution(2.0, 2.0),
        "b": IntDistribution(3, 3),
        "c": CategoricalDistribution(["only"]),
    }
    t = SearchSpaceTransform(space)
    x = t.transform({"a": 2.0, "b": 3, "c": "only"})
    assert np.all((x >= 0) & (x <= 1))
    assert t.untransform(np.zeros(len(x))) == {"a": 2.0, "b": 3, "c": "only"}


def test_column_order_follows_the_search_space() -> None:
    space = {
        "z": FloatDistribution(0, 1),
        "a": CategoricalDistribution([1, 2]),
        "m": IntDistribution(0, 3),
    }
    t = SearchSpaceTransform(space)
    assert [c.tolist() for c in t.column_to_encoded_columns] == [[0], [1, 2], [3]]
    assert t.encoded_column_to_column.tolist() == [0, 1, 1, 2]
    assert list(t.untransform(t.transform({"z": 0.5, "a": 2, "m": 1}))) == ["z", "a", "m"]


def test_empty_search_space() -> None:
    t = SearchSpaceTransform({})
    assert t.bounds.shape == (0, 2)
    assert t.transform({}).shape == (0,)
    assert t.untransform(np.zeros(0)) == {}


# ---------------------------------------------------------------------- errors
def test_unknown_encoding_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"`categorical_encoding` of SearchSpaceTransform must be"):
        SearchSpaceTransform({}, categorical_encoding="ordinal")  # type: ignore[arg-type]


def test_non_mapping_search_space_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"`search_space` of SearchSpaceTransform must be a dict"):
        SearchSpaceTransform([FloatDistribution(0, 1)])  # type: ignore[arg-type]


def test_unknown_distribution_is_rejected() -> None:
    class Odd(BaseDistribution):
        def to_external_repr(self, v: float) -> Any:
            return v

        def to_internal_repr(self, v: Any) -> float:
            return float(v)

        def single(self) -> bool:
            return False

        def _contains(self, v: float) -> bool:
            return True

    with pytest.raises(ValueError, match=r"Float, Int or Categorical distributions; got 'x'"):
        SearchSpaceTransform({"x": Odd()})


def test_missing_parameter_is_named() -> None:
    t = SearchSpaceTransform({"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)})
    with pytest.raises(KeyError, match=r"'y' is missing from \{'x': 0.5\}"):
        t.transform({"x": 0.5})


def test_unknown_choice_is_named() -> None:
    t = SearchSpaceTransform({"c": CategoricalDistribution(["a", "b"])})
    with pytest.raises(ValueError, match=r"The value of 'c' must be one of \['a', 'b'\]; got 'z'"):
        t.transform({"c": "z"})


def test_untransform_checks_shape_and_finiteness() -> None:
    t = SearchSpaceTransform({"x": FloatDistribution(0, 1), "c": CategoricalDistribution([1, 2])})
    with pytest.raises(ValueError, match=r"must have 3 columns"):
        t.untransform_many(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"must be a 1-d array of 3 floats"):
        t.untransform(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"must be finite; got nan"):
        t.untransform([float("nan"), 0.0, 1.0])
