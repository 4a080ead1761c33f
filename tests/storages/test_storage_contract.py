"""The storage contract (see ``ridgeline/storages/_base.py``), run against every backend.

Backends: InMemoryStorage, RDBStorage on a SQLite file, RDBStorage on a PostgreSQL server.
A new storage gets this whole suite by adding itself to ``conftest.BACKENDS``.
"""

from __future__ import annotations

import datetime
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from ridgeline.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from ridgeline.exceptions import DuplicatedStudyError, UnknownStudyError, UpdateFinishedTrialError
from ridgeline.storages import BaseStorage
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial import FrozenTrial, TrialState, create_trial

MakeStorage = Callable[..., BaseStorage]  # The `make_storage` fixture (see conftest.py).

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE
X = FloatDistribution(-10.0, 10.0)
CHOICES = CategoricalDistribution([None, True, 1, 2.5, "a"])

DISTRIBUTIONS: dict[str, BaseDistribution] = {
    "float": FloatDistribution(-1.5, 2.5),
    "float_log": FloatDistribution(1e-5, 1.0, log=True),
    "float_step": FloatDistribution(0.0, 1.0, step=0.25),
    "int": IntDistribution(-3, 7),
    "int_log": IntDistribution(1, 1024, log=True),
    "int_step": IntDistribution(0, 10, step=5),
    "cat": CHOICES,
}
PARAMS: dict[str, Any] = {
    "float": 0.1234567890123,
    "float_log": 3.3e-4,
    "float_step": 0.75,
    "int": -2,
    "int_log": 512,
    "int_step": 10,
    "cat": None,
}


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _study(
    storage: BaseStorage, name: str = "s", directions: list[StudyDirection] | None = None
) -> int:
    return storage.create_new_study(directions or [MIN], name)


def _running(storage: BaseStorage, study_id: int, x: float = 1.0) -> int:
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", x, X)
    return trial_id


def _complete(storage: BaseStorage, study_id: int, value: float = 0.0) -> int:
    trial_id = _running(storage, study_id)
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [value])
    return trial_id


# ---------------------------------------------------------------------------- studies
def test_create_study_and_look_it_up(storage: BaseStorage) -> None:
    study_id = storage.create_new_study([MIN, MAX], "study-a")
    assert storage.get_study_id_from_name("study-a") == study_id
    assert storage.get_study_name_from_id(study_id) == "study-a"
    assert storage.get_study_directions(study_id) == [MIN, MAX]
    assert storage.get_study_user_attrs(study_id) == {}
    assert storage.get_study_system_attrs(study_id) == {}


def test_study_without_name_gets_a_unique_one(storage: BaseStorage) -> None:
    a = storage.create_new_study([MIN])
    b = storage.create_new_study([MIN])
    assert a != b
    assert storage.get_study_name_from_id(a) != storage.get_study_name_from_id(b)


def test_duplicate_study_name(storage: BaseStorage) -> None:
    _study(storage, "taken")
    with pytest.raises(DuplicatedStudyError, match=r"'taken' already exists.*load_if_exists=True"):
        _study(storage, "taken")
    assert len(storage.get_all_studies()) == 1


def test_unknown_study_name_lists_existing(storage: BaseStorage) -> None:
    _study(storage, "alpha")
    _study(storage, "beta")
    with pytest.raises(UnknownStudyError, match=r"No study named 'gamma'.*'alpha', 'beta'"):
        storage.get_study_id_from_name("gamma")
    with pytest.raises(KeyError):  # UnknownStudyError is also a KeyError.
        storage.get_study_id_from_name("gamma")


STUDY_ID_METHODS: list[tuple[str, Callable[[BaseStorage, int], Any]]] = [
    ("get_study_name_from_id", lambda s, i: s.get_study_name_from_id(i)),
    ("get_study_directions", lambda s, i: s.get_study_directions(i)),
    ("get_study_user_attrs", lambda s, i: s.get_study_user_attrs(i)),
    ("get_study_system_attrs", lambda s, i: s.get_study_system_attrs(i)),
    ("set_study_user_attr", lambda s, i: s.set_study_user_attr(i, "k", 1)),
    ("set_study_system_attr", lambda s, i: s.set_study_system_attr(i, "k", 1)),
    ("delete_study", lambda s, i: s.delete_study(i)),
    ("create_new_trial", lambda s, i: s.create_new_trial(i)),
    ("claim_waiting_trial", lambda s, i: s.claim_waiting_trial(i)),
    ("get_all_trials", lambda s, i: s.get_all_trials(i)),
    ("get_n_trials", lambda s, i: s.get_n_trials(i)),
    ("get_trial_id_from_number", lambda s, i: s.get_trial_id_from_study_id_trial_number(i, 0)),
]


@pytest.mark.parametrize(
    "method", [m for _, m in STUDY_ID_METHODS], ids=[n for n, _ in STUDY_ID_METHODS]
)
def test_unknown_study_id(storage: BaseStorage, method: Callable[[BaseStorage, int], Any]) -> None:
    study_id = _study(storage)
    with pytest.raises(UnknownStudyError, match=r"No study with id 999999"):
        method(storage, 999_999)
    assert storage.get_study_name_from_id(study_id) == "s"


def test_delete_study(storage: BaseStorage) -> None:
    keep = _study(storage, "keep")
    gone = _study(storage, "gone")
    kept_trial = _complete(storage, keep)
    gone_trial = _complete(storage, gone)
    storage.set_study_user_attr(gone, "k", 1)
    storage.get_all_trials(gone)  # Warm any cache, which must then forget the study.
    storage.delete_study(gone)
    with pytest.raises(UnknownStudyError):
        storage.get_study_name_from_id(gone)
    with pytest.raises(UnknownStudyError):
        storage.get_all_trials(gone)
    with pytest.raises(KeyError):
        storage.get_trial(gone_trial)
    assert [s.study_name for s in storage.get_all_studies()] == ["keep"]
    assert storage.get_trial(kept_trial).state == TrialState.COMPLETE
    again = _study(storage, "gone")  # The name is free again, with a fresh study.
    assert storage.get_all_trials(again) == []
    assert storage.get_study_user_attrs(again) == {}


@pytest.mark.parametrize("system", [False, True])
def test_study_attrs(storage: BaseStorage, system: bool) -> None:
    study_id = _study(storage)
    set_attr = storage.set_study_system_attr if system else storage.set_study_user_attr
    get_attrs = storage.get_study_system_attrs if system else storage.get_study_user_attrs
    value = {"nested": [1, 2.5, "x", None, True], "n": {"deep": [[]]}}
    set_attr(study_id, "a", value)
    set_attr(study_id, "b", "first")
    set_attr(study_id, "b", "second")
    got = get_attrs(study_id)
    assert got == {"a": value, "b": "second"}
    got["a"]["nested"].append("mutated")
    value["nested"].append("mutated too")
    assert get_attrs(study_id)["a"] == {"nested": [1, 2.5, "x", None, True], "n": {"deep": [[]]}}
    other = _study(storage, "other")
    assert get_attrs(other) == {}


def test_get_all_studies(storage: BaseStorage) -> None:
    a = _study(storage, "a", [MAX])
    b = _study(storage, "b", [MIN, MAX])
    storage.set_study_user_attr(b, "u", 1)
    storage.set_study_system_attr(b, "s", [2])
    before = datetime.datetime.now()
    _complete(storage, b)
    _running(storage, b)
    studies = storage.get_all_studies()
    assert [(s.study_id, s.study_name) for s in studies] == [(a, "a"), (b, "b")]
    sa, sb = studies
    assert sa.directions == [MAX] and sa.direction == MAX and sa.n_trials == 0
    assert sa.datetime_start is None
    assert sb.directions == [MIN, MAX]
    assert (sb.user_attrs, sb.system_attrs, sb.n_trials) == ({"u": 1}, {"s": [2]}, 2)
    assert sb.datetime_start is not None and sb.datetime_start >= before - datetime.timedelta(
        seconds=1
    )


# ---------------------------------------------------------------------------- trial creation
def test_new_trial_defaults(storage: BaseStorage) -> None:
    study_id = _study(storage)
    before = datetime.datetime.now()
    trial = storage.get_trial(storage.create_new_trial(study_id))
    assert trial.number == 0
    assert trial.state == TrialState.RUNNING
    assert trial.values is None
    assert trial.datetime_start is not None
    assert abs((trial.datetime_start - before).total_seconds()) < 5
    assert trial.datetime_complete is None
    assert (trial.params, trial.distributions, trial.intermediate_values) == ({}, {}, {})
    assert (trial.user_attrs, trial.system_attrs) == ({}, {})


def test_numbers_are_consecutive_per_study(storage: BaseStorage) -> None:
    a = _study(storage, "a")
    b = _study(storage, "b")
    ids_a = [storage.create_new_trial(a) for _ in range(3)]
    ids_b = [storage.create_new_trial(b) for _ in range(2)]
    ids_a.append(storage.create_new_trial(a, create_trial(value=1.0)))
    assert [storage.get_trial(i).number for i in ids_a] == [0, 1, 2, 3]
    assert [storage.get_trial(i).number for i in ids_b] == [0, 1]
    assert len(set(ids_a + ids_b)) == 6


def _full_template() -> FrozenTrial:
    return create_trial(
        state=TrialState.COMPLETE,
        values=[1.5, -math.inf],
        params=PARAMS,
        distributions=DISTRIBUTIONS,
        user_attrs={"u": {"list": [1, "two", None]}, "f": 0.1},
        system_attrs={"s": True},
        intermediate_values={0: 1.0, 1: math.inf, 2: -math.inf, 3: math.nan, 10: -0.5},
    )


def test_template_round_trips_every_field(storage: BaseStorage) -> None:
    study_id = _study(storage, directions=[MIN, MAX])
    template = _full_template()
    trial_id = storage.create_new_trial(study_id, template)
    for trial in (storage.get_trial(trial_id), storage.get_all_trials(study_id)[0]):
        assert trial.number == 0 and trial._trial_id == trial_id
        assert trial.state == TrialState.COMPLETE
        assert trial.values == [1.5, -math.inf]
        assert trial.params == PARAMS
        assert {k: type(v) for k, v in trial.params.items()} == {
            k: type(v) for k, v in PARAMS.items()
        }
        assert trial.distributions == DISTRIBUTIONS
        assert trial.user_attrs == template.user_attrs
        assert trial.system_attrs == template.system_attrs
        assert trial.intermediate_values.keys() == template.intermediate_values.keys()
        for step, value in template.intermediate_values.items():
            assert _same(trial.intermediate_values[step], value)
        assert trial.datetime_start == template.datetime_start
        assert trial.datetime_complete == template.datetime_complete


@pytest.mark.parametrize("choice", [None, True, False, 1, 0, 2.5, "a", ""])
def test_categorical_choices_keep_their_type(storage: BaseStorage, choice: Any) -> None:
    dist = CategoricalDistribution([None, True, False, 1, 0, 2.5, "a", ""])
    study_id = _study(storage)
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "c", dist.to_internal_repr(choice), dist)
    got = storage.get_trial(trial_id).params["c"]
    assert got == choice and type(got) is type(choice)
    assert storage.get_trial(trial_id).distributions["c"] == dist


@pytest.mark.parametrize("value", [math.inf, -math.inf, 0.0, -1e300, 5e-324])
def test_extreme_values_round_trip(storage: BaseStorage, value: float) -> None:
    study_id = _study(storage)
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_intermediate_value(trial_id, 0, value)
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [value])
    trial = storage.get_trial(trial_id)
    assert trial.values == [value]
    assert trial.intermediate_values == {0: value}


def test_waiting_template(storage: BaseStorage) -> None:
    study_id = _study(storage)
    template = create_trial(state=TrialState.WAITING, params={"x": 2.0}, distributions={"x": X})
    trial = storage.get_trial(storage.create_new_trial(study_id, template))
    assert trial.state == TrialState.WAITING
    assert trial.datetime_start is None and trial.datetime_complete is None
    assert trial.params == {"x": 2.0}


# ---------------------------------------------------------------------------- claiming
def _enqueue(storage: BaseStorage, study_id: int, x: float) -> int:
    template = create_trial(state=TrialState.WAITING, params={"x": x}, distributions={"x": X})
    return storage.create_new_trial(study_id, template)


def test_claim_waiting_trial_oldest_first(storage: BaseStorage) -> None:
    study_id = _study(storage)
    assert storage.claim_waiting_trial(study_id) is None
    first = _enqueue(storage, study_id, 1.0)
    storage.create_new_trial(study_id)  # A running trial is never claimed.
    second = _enqueue(storage, study_id, 2.0)
    before = datetime.datetime.now() - datetime.timedelta(seconds=1)
    assert storage.claim_waiting_trial(study_id) == first
    claimed = storage.get_trial(first)
    assert claimed.state == TrialState.RUNNING
    assert claimed.datetime_start is not None and claimed.datetime_start >= before
    assert claimed.params == {"x": 1.0}
    assert storage.claim_waiting_trial(study_id) == second
    assert storage.claim_waiting_trial(study_id) is None


def test_claim_has_exactly_one_winner(make_storage: MakeStorage) -> None:
    storages = [make_storage() for _ in range(4)]
    study_id = _study(storages[0])
    enqueued = {_enqueue(storages[0], study_id, float(i % 10)) for i in range(24)}
    claims: list[int] = []
    lock = threading.Lock()

    def worker(storage: BaseStorage) -> None:
        while (trial_id := storage.claim_waiting_trial(study_id)) is not None:
            with lock:
                claims.append(trial_id)

    threads = [threading.Thread(target=worker, args=(s,)) for s in storages for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claims) == sorted(enqueued)


def test_set_state_running_is_a_claim(storage: BaseStorage) -> None:
    study_id = _study(storage)
    waiting = _enqueue(storage, study_id, 0.0)
    assert storage.set_trial_state_values(waiting, TrialState.RUNNING)
    assert storage.get_trial(waiting).state == TrialState.RUNNING
    assert storage.get_trial(waiting).datetime_start is not None
    assert not storage.set_trial_state_values(waiting, TrialState.RUNNING)  # Lost the race.
    assert storage.claim_waiting_trial(study_id) is None


# ---------------------------------------------------------------------------- trial writes
def test_running_trial_writes(storage: BaseStorage) -> None:
    study_id = _study(storage)
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 1.5, X)
    storage.set_trial_params(trial_id, {"i": (3.0, IntDistribution(0, 5)), "c": (4.0, CHOICES)})
    storage.set_trial_intermediate_value(trial_id, 0, 0.5)
    storage.set_trial_intermediate_value(trial_id, 3, 0.25)
    storage.set_trial_intermediate_value(trial_id, 0, 0.125)  # Overwrites step 0.
    storage.set_trial_user_attr(trial_id, "u", [1, 2])
    storage.set_trial_user_attr(trial_id, "u", {"v": 3})
    storage.set_trial_system_attr(trial_id, "s", "x")
    trial = storage.get_trial(trial_id)
    assert trial.params == {"x": 1.5, "i": 3, "c": "a"}
    assert list(trial.params) == ["x", "i", "c"]
    assert trial.intermediate_values == {0: 0.125, 3: 0.25}
    assert trial.user_attrs == {"u": {"v": 3}} and trial.system_attrs == {"s": "x"}
    assert trial.state == TrialState.RUNNING
    before = datetime.datetime.now() - datetime.timedelta(seconds=1)
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.0])
    done = storage.get_trial(trial_id)
    assert done.state == TrialState.COMPLETE and done.values == [2.0]
    assert done.datetime_complete is not None and done.datetime_complete >= before
    assert done.params == trial.params and done.user_attrs == trial.user_attrs


@pytest.mark.parametrize("state", [TrialState.PRUNED, TrialState.FAIL])
def test_finish_without_values(storage: BaseStorage, state: TrialState) -> None:
    study_id = _study(storage)
    trial_id = _running(storage, study_id)
    assert storage.set_trial_state_values(trial_id, state)
    trial = storage.get_trial(trial_id)
    assert trial.state == state and trial.values is None
    assert trial.datetime_complete is not None


FINISHED_WRITES: list[tuple[str, Callable[[BaseStorage, int], Any]]] = [
    ("set_trial_param", lambda s, t: s.set_trial_param(t, "y", 0.0, X)),
    ("set_trial_param_existing", lambda s, t: s.set_trial_param(t, "x", 5.0, X)),
    ("set_trial_params", lambda s, t: s.set_trial_params(t, {"y": (0.0, X)})),
    ("complete", lambda s, t: s.set_trial_state_values(t, TrialState.COMPLETE, [9.0])),
    ("fail", lambda s, t: s.set_trial_state_values(t, TrialState.FAIL)),
    ("pruned", lambda s, t: s.set_trial_state_values(t, TrialState.PRUNED, [1.0])),
    ("waiting", lambda s, t: s.set_trial_state_values(t, TrialState.WAITING)),
    ("intermediate", lambda s, t: s.set_trial_intermediate_value(t, 0, 1.0)),
    ("user_attr", lambda s, t: s.set_trial_user_attr(t, "u", 2)),
    ("system_attr", lambda s, t: s.set_trial_system_attr(t, "s", 2)),
]


@pytest.mark.parametrize(
    "write", [w for _, w in FINISHED_WRITES], ids=[n for n, _ in FINISHED_WRITES]
)
def test_finished_trials_are_immutable(
    make_storage: MakeStorage, write: Callable[[BaseStorage, int], Any]
) -> None:
    storage = make_storage()
    fresh_view = make_storage()  # Another worker's view of the same database.
    study_id = _study(storage)
    for finished in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL):
        trial_id = _running(storage, study_id)
        storage.set_trial_intermediate_value(trial_id, 0, 0.5)
        storage.set_trial_user_attr(trial_id, "u", 1)
        values = [3.0] if finished == TrialState.COMPLETE else None
        storage.set_trial_state_values(trial_id, finished, values)
        before = storage.get_trial(trial_id)
        with pytest.raises(UpdateFinishedTrialError, match=rf"already {finished.name}"):
            write(storage, trial_id)
        # Unchanged, both for this process and in the database.
        assert storage.get_trial(trial_id) == before
        assert fresh_view.get_trial(trial_id) == before


def test_claiming_a_finished_trial_returns_false(storage: BaseStorage) -> None:
    study_id = _study(storage)
    trial_id = _complete(storage, study_id)
    before = storage.get_trial(trial_id)
    assert not storage.set_trial_state_values(trial_id, TrialState.RUNNING)
    assert storage.get_trial(trial_id) == before


UNKNOWN_TRIAL_CALLS: list[tuple[str, Callable[[BaseStorage, int], Any]]] = [
    ("get_trial", lambda s, t: s.get_trial(t)),
    *FINISHED_WRITES,
]


@pytest.mark.parametrize(
    "call", [c for _, c in UNKNOWN_TRIAL_CALLS], ids=[n for n, _ in UNKNOWN_TRIAL_CALLS]
)
def test_unknown_trial_id(storage: BaseStorage, call: Callable[[BaseStorage, int], Any]) -> None:
    _study(storage)
    with pytest.raises(KeyError, match="999999"):
        call(storage, 999_999)


def test_records_are_not_changed_by_later_writes(storage: BaseStorage) -> None:
    study_id = _study(storage)
    trial_id = _running(storage, study_id, x=1.0)
    record = storage.get_trial(trial_id)
    listed = storage.get_all_trials(study_id)
    storage.set_trial_param(trial_id, "y", 2.0, X)
    storage.set_trial_intermediate_value(trial_id, 1, 1.0)
    storage.set_trial_user_attr(trial_id, "u", 1)
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    for old in (record, listed[0]):
        assert old.state == TrialState.RUNNING
        assert old.params == {"x": 1.0}
        assert old.intermediate_values == {} and old.user_attrs == {} and old.values is None
    assert storage.get_trial(trial_id).params == {"x": 1.0, "y": 2.0}


def test_returned_mappings_are_copies(storage: BaseStorage) -> None:
    study_id = _study(storage)
    trial_id = _running(storage, study_id)
    storage.set_trial_user_attr(trial_id, "u", [1])
    trial = storage.get_trial(trial_id)
    trial.params["x"] = 99.0
    trial.user_attrs["new"] = 1
    assert storage.get_trial(trial_id).params == {"x": 1.0}
    assert storage.get_trial(trial_id).user_attrs == {"u": [1]}


def test_attribute_values_must_be_json(storage: BaseStorage) -> None:
    study_id = _study(storage)
    trial_id = storage.create_new_trial(study_id)
    with pytest.raises(TypeError, match=r"'bad'.*JSON"):
        storage.set_trial_user_attr(trial_id, "bad", object())
    with pytest.raises(TypeError, match=r"'bad'.*JSON"):
        storage.set_study_user_attr(study_id, "bad", {1, 2})
    assert storage.get_trial(trial_id).user_attrs == {}
    assert storage.get_study_user_attrs(study_id) == {}


# ---------------------------------------------------------------------------- reads
def test_get_all_trials_order_and_states(make_storage: MakeStorage) -> None:
    storage = make_storage()
    study_id = _study(storage)
    complete = _complete(storage, study_id)
    running = _running(storage, study_id)
    pruned = _running(storage, study_id)
    storage.set_trial_state_values(pruned, TrialState.PRUNED)
    waiting = _enqueue(storage, study_id, 3.0)
    failed = _running(storage, study_id)
    storage.set_trial_state_values(failed, TrialState.FAIL)
    ids = [complete, running, pruned, waiting, failed]
    for view in (storage, make_storage()):
        trials = view.get_all_trials(study_id)
        assert [t.number for t in trials] == [0, 1, 2, 3, 4]
        assert [t._trial_id for t in trials] == ids
        by_state = view.get_all_trials(study_id, states=(TrialState.COMPLETE, TrialState.FAIL))
        assert [t._trial_id for t in by_state] == [complete, failed]
        assert view.get_all_trials(study_id, deepcopy=False, states=()) == []
        assert view.get_n_trials(study_id) == 5
        assert view.get_n_trials(study_id, TrialState.WAITING) == 1
        assert view.get_n_trials(study_id, (TrialState.RUNNING, TrialState.PRUNED)) == 2
        for number, trial_id in enumerate(ids):
            assert view.get_trial_id_from_study_id_trial_number(study_id, number) == trial_id
        with pytest.raises(KeyError, match="no trial number 5"):
            view.get_trial_id_from_study_id_trial_number(study_id, 5)


def test_reads_see_writes_of_other_workers(make_storage: MakeStorage) -> None:
    """A second storage object (another worker) writes; the first one's reads follow."""
    reader, writer = make_storage(), make_storage()
    study_id = _study(writer)
    first = _running(writer, study_id)
    assert [t.state for t in reader.get_all_trials(study_id)] == [TrialState.RUNNING]
    writer.set_trial_intermediate_value(first, 0, 1.0)
    assert reader.get_all_trials(study_id)[0].intermediate_values == {0: 1.0}
    writer.set_trial_state_values(first, TrialState.COMPLETE, [4.0])
    second = _complete(writer, study_id, 5.0)
    third = _running(writer, study_id)
    trials = reader.get_all_trials(study_id)
    assert [(t._trial_id, t.state, t.values) for t in trials] == [
        (first, TrialState.COMPLETE, [4.0]),
        (second, TrialState.COMPLETE, [5.0]),
        (third, TrialState.RUNNING, None),
    ]
    assert reader.get_trial(third).state == TrialState.RUNNING
    writer.set_trial_state_values(third, TrialState.FAIL)
    assert reader.get_trial(third).state == TrialState.FAIL
    assert reader.get_all_trials(study_id)[2].state == TrialState.FAIL
    # Finished records are immutable, so repeated reads may (and on RDB do) share objects.
    assert reader.get_all_trials(study_id)[0] == trials[0]


def test_many_threads_at_once(storage: BaseStorage) -> None:
    study_id = _study(storage)
    n_threads, n_each = 6, 15
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(n_each):
                trial_id = storage.create_new_trial(study_id)
                storage.set_trial_param(trial_id, "x", float(k), X)
                storage.set_trial_intermediate_value(trial_id, 0, float(i))
                storage.get_all_trials(study_id)
                storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(k * 100 + i)])
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    trials = storage.get_all_trials(study_id)
    assert [t.number for t in trials] == list(range(n_threads * n_each))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert sorted(t.value for t in trials) == sorted(
        float(k * 100 + i) for k in range(n_threads) for i in range(n_each)
    )
    for t in trials:
        assert t.params == {"x": float(int(t.value) // 100)}  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- heartbeats
def test_heartbeats_disabled_by_default(storage: BaseStorage) -> None:
    study_id = _study(storage)
    trial_id = _running(storage, study_id)
    assert not storage.is_heartbeat_enabled()
    assert storage.get_heartbeat_interval() is None
    storage.record_heartbeat(trial_id)  # Harmless.
    assert storage.fail_stale_trials(study_id) == []
    assert storage.get_trial(trial_id).state == TrialState.RUNNING


# Heartbeats are a property of durable storages; an in-memory study dies with its process.
RDB_BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mysql", marks=pytest.mark.mysql),
]


@pytest.mark.parametrize("backend", RDB_BACKENDS)
def test_stale_trials_fail_once(make_storage: MakeStorage) -> None:
    # Grace periods leave room for a loaded machine: "alive" must stay alive across the
    # concurrent sweeps below.
    storages = [make_storage(heartbeat_interval=0.05, grace_period=0.6) for _ in range(3)]
    storage = storages[0]
    assert storage.is_heartbeat_enabled() and storage.get_heartbeat_interval() == 0.05
    study_id = _study(storage)
    stale = _running(storage, study_id)
    storage.record_heartbeat(stale)
    unbeaten = _running(storage, study_id)  # Its start counts as its first heartbeat.
    alive = _running(storage, study_id)
    done = _running(storage, study_id)
    foreign = _running(make_storage(), study_id)  # Started without heartbeats: not judged.
    storage.set_trial_state_values(done, TrialState.COMPLETE, [1.0])
    storage.record_heartbeat(done)  # A late beat of a finished trial is ignored.
    time.sleep(1.0)
    storage.record_heartbeat(alive)

    results: list[list[int]] = []
    threads = [
        threading.Thread(target=lambda s=s: results.append(s.fail_stale_trials(study_id)))
        for s in storages
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(i for r in results for i in r) == [stale, unbeaten]  # Each by one worker.
    for trial_id in (stale, unbeaten):
        failed = storage.get_trial(trial_id)
        assert failed.state == TrialState.FAIL and failed.datetime_complete is not None
        assert "heartbeat" in failed.system_attrs["fail_reason"]
    assert storage.get_trial(alive).state == TrialState.RUNNING
    assert storage.get_trial(foreign).state == TrialState.RUNNING
    assert storage.get_trial(done).state == TrialState.COMPLETE
    storage.record_heartbeat(alive)
    assert storage.fail_stale_trials(study_id) == []


@pytest.mark.parametrize("backend", RDB_BACKENDS)
def test_claimed_trials_are_judged_from_their_start(make_storage: MakeStorage) -> None:
    storage = make_storage(heartbeat_interval=0.05, grace_period=0.15)
    study_id = _study(storage)
    _enqueue(storage, study_id, 1.0)
    time.sleep(0.3)  # Waiting trials have no heartbeat to lapse.
    assert storage.fail_stale_trials(study_id) == []
    claimed = storage.claim_waiting_trial(study_id)
    assert storage.fail_stale_trials(study_id) == []  # Just started.
    time.sleep(0.3)
    assert storage.fail_stale_trials(study_id) == [claimed]


@pytest.mark.parametrize("backend", RDB_BACKENDS)
def test_default_grace_period_is_two_intervals(make_storage: MakeStorage) -> None:
    storage = make_storage(heartbeat_interval=0.1)
    study_id = _study(storage)
    trial_id = _running(storage, study_id)
    storage.record_heartbeat(trial_id)
    assert storage.fail_stale_trials(study_id) == []
    time.sleep(0.3)
    assert storage.fail_stale_trials(study_id) == [trial_id]


def test_remove_session_is_harmless(storage: BaseStorage) -> None:
    study_id = _study(storage)
    storage.remove_session()
    assert storage.get_study_name_from_id(study_id) == "s"
