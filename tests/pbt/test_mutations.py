"""Explore (resample / perturb) and exploit (truncation selection) as pure functions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ridgeline.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from ridgeline.pbt import PBTError
from ridgeline.pbt._exploit import explore, quantile_size, truncation_selection
from ridgeline.pbt._mutations import contains, parse_mutations, perturb, sample

# ---------------------------------------------------------------- parsing the spec


def test_lists_become_categorical_distributions_in_order() -> None:
    spaces = parse_mutations({"opt": ["sgd", "adam"], "bs": (16, 32, 64)})
    assert spaces["opt"] == CategoricalDistribution(["sgd", "adam"])
    assert spaces["bs"].choices == (16, 32, 64)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        (lambda: 0.1, r"hyperparam_mutations\['lr'\].*Functions are not accepted"),
        ("adam", r"hyperparam_mutations\['lr'\].*got 'adam'"),
        ({"low": 0, "high": 1}, r"hyperparam_mutations\['lr'\].*FloatDistribution"),
        (0.1, r"hyperparam_mutations\['lr'\].*got 0.1"),
        ([[1, 2], [3]], r"must hold None, bool, int, float or str choices.*\[1, 2\]"),
        ([object], r"must hold None, bool, int, float or str choices"),
    ],
)
def test_invalid_specs_are_type_errors(spec: object, match: str) -> None:
    with pytest.raises(PBTError, match=match) as info:
        parse_mutations({"lr": spec})
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    ("mutations", "match"),
    [
        ({}, r"must name at least one hyperparameter; got \{\}"),
        ({"opt": []}, r"hyperparam_mutations\['opt'\].*at least one choice; got \[\]"),
        ({"opt": ["a", "b", "a"]}, r"distinct choices; got \['a', 'b', 'a'\]"),
    ],
)
def test_empty_or_duplicated_specs(mutations: dict[str, object], match: str) -> None:
    with pytest.raises(PBTError, match=match):
        parse_mutations(mutations)


@pytest.mark.parametrize("mutations", [[("lr", [1, 2])], {1: [1, 2]}])
def test_mutations_must_be_a_dict_with_str_names(mutations: object) -> None:
    with pytest.raises(PBTError, match=r"hyperparam_mutations") as info:
        parse_mutations(mutations)
    assert isinstance(info.value, TypeError)


# ---------------------------------------------------------------- perturbation


def test_float_perturbation_multiplies_and_clips() -> None:
    rng = np.random.default_rng(0)
    space = FloatDistribution(0.0, 1.0)
    assert perturb(space, 0.5, 1.2, rng) == pytest.approx(0.6)
    assert perturb(space, 0.5, 0.8, rng) == pytest.approx(0.4)
    assert perturb(space, 0.9, 1.2, rng) == 1.0
    assert perturb(space, 0.0, 1.2, rng) == 0.0  # only resampling moves a float at 0


def test_float_perturbation_respects_log_bounds_and_step() -> None:
    rng = np.random.default_rng(0)
    log_space = FloatDistribution(1e-4, 1e-1, log=True)
    assert perturb(log_space, 1e-4, 0.8, rng) == 1e-4
    stepped = FloatDistribution(0.0, 1.0, step=0.1)
    assert perturb(stepped, 0.5, 1.2, rng) == 0.6
    assert perturb(stepped, 0.3, 1.2, rng) == 0.4  # 0.36 -> nearest grid point
    assert isinstance(perturb(stepped, 0.3, 1.2, rng), float)


def test_int_perturbation_rounds_and_always_moves() -> None:
    rng = np.random.default_rng(0)
    space = IntDistribution(0, 10)
    assert perturb(space, 5, 1.2, rng) == 6
    assert perturb(space, 1, 1.2, rng) == 2  # 1.2 rounds back to 1: one step up instead
    assert perturb(space, 1, 0.8, rng) == 0
    assert perturb(space, 0, 1.2, rng) == 1
    assert perturb(space, 10, 1.2, rng) == 10
    assert isinstance(perturb(space, 5, 1.2, rng), int)
    stepped = IntDistribution(2, 20, step=3)
    assert perturb(stepped, 8, 1.2, rng) == 11  # 9.6 -> the nearest grid point (2, 5, 8, 11, ...)


def test_int_perturbation_of_negative_values_moves_in_magnitude() -> None:
    rng = np.random.default_rng(0)
    space = IntDistribution(-10, 10)
    assert perturb(space, -1, 1.2, rng) == -2
    assert perturb(space, -5, 0.8, rng) == -4


def test_choice_perturbation_moves_to_a_neighbour() -> None:
    rng = np.random.default_rng(0)
    space = CategoricalDistribution(["a", "b", "c", "d"])
    seen = {perturb(space, "b", 1.2, rng) for _ in range(50)}
    assert seen == {"a", "c"}
    assert {perturb(space, "a", 0.8, rng) for _ in range(10)} == {"b"}
    assert {perturb(space, "d", 1.2, rng) for _ in range(10)} == {"c"}
    assert perturb(CategoricalDistribution([1]), 1, 1.2, rng) == 1


numeric_spaces = st.one_of(
    st.tuples(st.floats(-100, 100), st.floats(0, 100)).map(
        lambda t: FloatDistribution(t[0], t[0] + t[1])
    ),
    st.tuples(st.floats(1e-6, 10), st.floats(1, 1e4)).map(
        lambda t: FloatDistribution(t[0], t[0] * t[1], log=True)
    ),
    st.tuples(st.integers(-50, 50), st.integers(0, 100), st.integers(1, 7)).map(
        lambda t: IntDistribution(t[0], t[0] + t[1] - t[1] % t[2], step=t[2])
    ),
    st.tuples(st.integers(1, 50), st.integers(0, 1000)).map(
        lambda t: IntDistribution(t[0], t[0] + t[1], log=True)
    ),
    st.tuples(st.integers(-20, 20), st.integers(0, 40), st.sampled_from([0.25, 0.5, 0.125])).map(
        lambda t: FloatDistribution(t[0], t[0] + t[1] * t[2], step=t[2])
    ),
)


@settings(max_examples=150, deadline=None)
@given(numeric_spaces, st.floats(0.05, 5.0), st.integers(0, 2**32 - 1))
def test_sampled_and_perturbed_values_stay_in_the_space_with_their_type(
    space: FloatDistribution | IntDistribution, factor: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    value = sample(space, rng)
    assert contains(space, value), (space, value)
    moved = perturb(space, value, factor, rng)
    assert contains(space, moved), (space, value, factor, moved)
    kind = int if isinstance(space, IntDistribution) else float
    assert type(value) is kind and type(moved) is kind


def test_sample_covers_log_and_int_spaces() -> None:
    rng = np.random.default_rng(1)
    logs = [sample(FloatDistribution(1e-4, 1.0, log=True), rng) for _ in range(400)]
    assert 0.2 < np.mean(np.log10(logs) < -2) < 0.8  # log-uniform: half below 1e-2
    ints = {sample(IntDistribution(1, 4), rng) for _ in range(100)}
    assert ints == {1, 2, 3, 4}
    assert sample(FloatDistribution(2.0, 2.0), rng) == 2.0


# ---------------------------------------------------------------- explore


SPACES = {
    "lr": FloatDistribution(1e-4, 1.0, log=True),
    "width": IntDistribution(0, 100),
    "opt": CategoricalDistribution(["a", "b", "c"]),
}


def test_resample_probability_zero_only_perturbs() -> None:
    rng = np.random.default_rng(0)
    config = {"lr": 0.01, "width": 50, "opt": "b", "constant": "kept"}
    for _ in range(20):
        new = explore(
            config, SPACES, resample_probability=0.0, perturbation_factors=(1.2, 0.8), rng=rng
        )
        assert new["lr"] in (pytest.approx(0.012), pytest.approx(0.008))
        assert new["width"] in (60, 40)
        assert new["opt"] in ("a", "c")
        assert new["constant"] == "kept"


def test_resample_probability_one_always_resamples() -> None:
    rng = np.random.default_rng(0)
    config = {"lr": 0.01, "width": 50, "opt": "b"}
    # With a factor of 1 a perturbed number would not move: every change is a resample.
    news = [
        explore(config, SPACES, resample_probability=1.0, perturbation_factors=(1.0,), rng=rng)
        for _ in range(30)
    ]
    assert len({n["lr"] for n in news}) == 30
    assert len({n["width"] for n in news}) > 10
    assert {n["opt"] for n in news} == {"a", "b", "c"}
    same = explore(config, SPACES, resample_probability=0.0, perturbation_factors=(1.0,), rng=rng)
    assert same["lr"] == 0.01 and same["width"] == 50


def test_explore_is_reproducible_with_a_seed() -> None:
    config = {"lr": 0.01, "width": 50, "opt": "b"}

    def run(seed: int) -> list[dict[str, object]]:
        rng = np.random.default_rng(seed)
        kwargs = {"resample_probability": 0.25, "perturbation_factors": (1.2, 0.8)}
        return [explore(config, SPACES, rng=rng, **kwargs) for _ in range(10)]  # type: ignore[arg-type]

    assert run(3) == run(3)
    assert run(3) != run(4)


# ---------------------------------------------------------------- exploit


@pytest.mark.parametrize(
    ("n", "q", "expected"), [(2, 0.25, 1), (4, 0.25, 1), (8, 0.25, 2), (10, 0.2, 2), (5, 0.5, 2)]
)
def test_quantile_size(n: int, q: float, expected: int) -> None:
    assert quantile_size(n, q) == expected


@pytest.mark.parametrize("maximize", [True, False])
def test_bottom_members_copy_top_members(maximize: bool) -> None:
    values = [5.0, 1.0, 7.0, 3.0, 8.0, 2.0, 6.0, 4.0]
    signed = values if maximize else [-v for v in values]
    rng = np.random.default_rng(0)
    donors_seen: set[int] = set()
    for _ in range(30):
        donors = truncation_selection(signed, maximize=maximize, quantile_fraction=0.25, rng=rng)
        assert sorted(donors) == [1, 5]  # the two worst (1.0 and 2.0)
        assert set(donors.values()) <= {2, 4}  # copy one of the two best (7.0 and 8.0)
        donors_seen |= set(donors.values())
    assert donors_seen == {2, 4}


def test_ties_break_by_member_id() -> None:
    rng = np.random.default_rng(0)
    donors = truncation_selection([1.0] * 4, maximize=True, quantile_fraction=0.25, rng=rng)
    assert donors == {3: 0}
