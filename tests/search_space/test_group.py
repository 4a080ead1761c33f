from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

import ridgeline
from ridgeline.distributions import FloatDistribution, IntDistribution
from ridgeline.search_space import GroupDecomposedSearchSpace, SearchSpaceGroup
from ridgeline.trial import TrialState, create_trial

F = FloatDistribution(0, 1)
NAMES = "abcdef"


def test_groups_split_on_conditional_parameters() -> None:
    group = SearchSpaceGroup()
    group.add_distributions({"kind": F, "c": F, "gamma": F})
    group.add_distributions({"kind": F, "depth": F})
    group.add_distributions({"kind": F, "c": F, "gamma": F})
    assert group.search_spaces == [{"kind": F}, {"c": F, "gamma": F}, {"depth": F}]


def test_parameter_with_changing_distribution_leaves_every_group() -> None:
    group = SearchSpaceGroup()
    group.add_distributions({"x": F, "y": F})
    group.add_distributions({"x": FloatDistribution(0, 2), "y": F})
    group.add_distributions({"x": F, "y": F})
    assert group.search_spaces == [{"y": F}]


def test_search_spaces_are_copies() -> None:
    group = SearchSpaceGroup()
    group.add_distributions({"x": F})
    group.search_spaces[0].clear()
    assert group.search_spaces == [{"x": F}]
    other = group.copy()
    other.add_distributions({"y": F})
    assert group.search_spaces == [{"x": F}]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sets(st.sampled_from(NAMES), min_size=1), min_size=1, max_size=12))
def test_two_params_share_a_group_iff_they_always_appear_together(trials: list[set[str]]) -> None:
    group = SearchSpaceGroup()
    for names in trials:
        group.add_distributions({name: F for name in names})
    spaces = group.search_spaces
    seen = set().union(*trials)
    flat = [name for space in spaces for name in space]
    assert sorted(flat) == sorted(seen)  # disjoint, and covers every parameter
    where = {name: i for i, space in enumerate(spaces) for name in space}
    for a, b in itertools.combinations(sorted(seen), 2):
        together = all((a in t) == (b in t) for t in trials)
        assert (where[a] == where[b]) == together, (a, b, trials, spaces)


def test_decomposed_search_space_is_incremental_and_counts_finished_trials() -> None:
    study = ridgeline.create_study()
    calc = GroupDecomposedSearchSpace()
    calc_pruned = GroupDecomposedSearchSpace(include_pruned=True)
    study.add_trial(
        create_trial(value=0.0, params={"a": 0.5, "b": 0.5}, distributions={"a": F, "b": F})
    )
    assert calc.calculate(study).search_spaces == [{"a": F, "b": F}]
    running = study.ask()
    running.suggest_float("a", 0, 1)
    study.add_trial(
        create_trial(state=TrialState.PRUNED, params={"a": 0.5}, distributions={"a": F})
    )
    study.add_trial(
        create_trial(
            state=TrialState.FAIL, params={"z": 1}, distributions={"z": IntDistribution(0, 3)}
        )
    )
    assert calc.calculate(study).search_spaces == [{"a": F, "b": F}]
    assert calc_pruned.calculate(study).search_spaces == [{"a": F}, {"b": F}]
    running.suggest_float("c", 0, 1)
    study.tell(running, 1.0)
    assert calc.calculate(study).search_spaces == [{"a": F}, {"b": F}, {"c": F}]
    # A returned group is the caller's to keep.
    result = calc.calculate(study)
    result.add_distributions({"q": F})
    assert calc.calculate(study).search_spaces == [{"a": F}, {"b": F}, {"c": F}]
