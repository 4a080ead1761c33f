"""RDBStorage behaviour beyond the shared contract: URLs, drivers, errors, SQLite setup,
pickling, the read cache, and how many statements a trial costs."""

from __future__ import annotations

import importlib.util
import pickle
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ridgeline
from ridgeline.distributions import FloatDistribution
from ridgeline.exceptions import DuplicatedStudyError, StorageError, UnknownStudyError
from ridgeline.storages import RDBStorage, get_storage
from ridgeline.storages._rdb import _engine
from ridgeline.storages._rdb._engine import normalize_url
from ridgeline.study._study_direction import StudyDirection
from ridgeline.trial import TrialState

MIN = StudyDirection.MINIMIZE
X = FloatDistribution(0.0, 1.0)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'study.db'}"


class StatementCounter:
    """Counts SQL statements (BEGIN/COMMIT apart) and commits on a storage's engine."""

    def __init__(self, storage: RDBStorage) -> None:
        from sqlalchemy import event

        self.statements: list[str] = []
        self.commits = 0
        engine = storage._db.engine
        event.listen(engine, "before_cursor_execute", self._on_execute)
        event.listen(engine, "commit", self._on_commit)

    def _on_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            self.statements.append(statement)

    def _on_commit(self, conn: Any) -> None:
        self.commits += 1

    def reset(self) -> None:
        self.statements.clear()
        self.commits = 0


# ---------------------------------------------------------------------------- URLs, drivers
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("mysql://u@h/db", "mysql+pymysql://u@h/db"),
        ("mysql+mysqldb://u@h/db", "mysql+mysqldb://u@h/db"),
        ("sqlite:///a.db", "sqlite:///a.db"),
    ],
)
def test_default_drivers(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_missing_mysql_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pymysql" else real(name, *a)
    )
    with pytest.raises(ImportError, match=r"`pymysql` driver.*pip install 'ridgeline\[mysql\]'"):
        RDBStorage("mysql://user:secret@localhost/db")


def test_missing_postgres_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a)
    )
    with pytest.raises(ImportError, match=r"pip install 'ridgeline\[postgres\]'") as info:
        RDBStorage("postgresql://user:secret@localhost/db")
    assert "secret" not in str(info.value)


def test_password_is_masked_in_errors_and_repr() -> None:
    url = "postgresql://bob:hunter2@127.0.0.1:1/db"  # Nothing listens on port 1.
    with pytest.raises(StorageError, match=r"could not open the database") as info:
        RDBStorage(url)
    assert "hunter2" not in str(info.value)
    assert "bob:***@127.0.0.1:1" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"url": 42}, r"`url` of RDBStorage must be a database URL string; got 42"),
        ({"url": "study.db"}, r"`url` of RDBStorage must be a database URL string; got 'study.db'"),
        ({"engine_kwargs": "x"}, r"`engine_kwargs` of RDBStorage must be a dict or None"),
        ({"heartbeat_interval": 0}, r"`heartbeat_interval` of RDBStorage must be a positive"),
        ({"heartbeat_interval": True}, r"`heartbeat_interval` of RDBStorage must be a positive"),
        ({"heartbeat_interval": float("inf")}, r"`heartbeat_interval` of RDBStorage must be"),
        ({"heartbeat_interval": 1, "grace_period": -1}, r"`grace_period` of RDBStorage must be"),
        ({"grace_period": 5}, r"`grace_period` of RDBStorage needs `heartbeat_interval`"),
    ],
)
def test_bad_arguments(sqlite_url: str, kwargs: dict[str, Any], match: str) -> None:
    kwargs.setdefault("url", sqlite_url)
    with pytest.raises(ValueError, match=match):
        RDBStorage(**kwargs)


def test_bad_study_name(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url)
    with pytest.raises(ValueError, match=r"`study_name` of RDBStorage must be a str of 1 to 512"):
        storage.create_new_study([MIN], "x" * 513)
    with pytest.raises(ValueError, match=r"`study_name` of RDBStorage must be a str"):
        storage.create_new_study([MIN], "")


def test_get_storage_builds_rdb(sqlite_url: str) -> None:
    assert isinstance(get_storage(sqlite_url), RDBStorage)


def test_import_does_not_load_sqlalchemy() -> None:
    code = (
        "import sys, ridgeline.storages._rdb.storage, ridgeline; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------- SQLite
def test_relative_sqlite_path_creates_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    RDBStorage("sqlite:///runs/2024/study.db").create_new_study([MIN], "s")
    assert (tmp_path / "runs" / "2024" / "study.db").exists()


def test_unwritable_sqlite_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StorageError, match=r"could not create the folder"):
        RDBStorage(f"sqlite:///{blocker / 'sub' / 'study.db'}")


def test_sqlite_uses_wal(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url)
    with storage._db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_in_memory_sqlite_is_shared_by_threads() -> None:
    storage = RDBStorage("sqlite://")
    study_id = storage.create_new_study([MIN], "mem")

    def work() -> None:
        for _ in range(10):
            trial_id = storage.create_new_trial(study_id)
            storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [t.number for t in storage.get_all_trials(study_id)] == list(range(40))


def _hold_lock(path: Path, seconds: float) -> threading.Thread:
    """Hold SQLite's write lock on ``path`` from another connection for ``seconds``."""
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        ready.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def test_locked_database_is_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "busy.db"
    # A tiny busy timeout, so that our own retries (not SQLite's wait) have to do the job.
    monkeypatch.setattr(_engine, "_SQLITE_BUSY_TIMEOUT_S", 0.01)
    storage = RDBStorage(f"sqlite:///{path}")
    study_id = storage.create_new_study([MIN], "s")
    holder = _hold_lock(path, 0.5)
    trial_id = storage.create_new_trial(study_id)  # Waits, then succeeds.
    holder.join()
    assert storage.get_trial(trial_id).number == 0


def test_a_lock_that_never_ends_gives_a_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stuck.db"
    monkeypatch.setattr(_engine, "_SQLITE_BUSY_TIMEOUT_S", 0.01)
    monkeypatch.setattr(_engine, "_RETRY_DEADLINE_S", 0.2)
    storage = RDBStorage(f"sqlite:///{path}")
    study_id = storage.create_new_study([MIN], "s")
    holder = _hold_lock(path, 1.0)
    try:
        with pytest.raises(StorageError, match=r"could not create a trial.*stayed busy") as info:
            storage.create_new_trial(study_id)
        assert not isinstance(info.value, sqlite3.Error)
    finally:
        holder.join()
    assert storage.get_n_trials(study_id) == 0


# ---------------------------------------------------------------------------- studies
def test_racing_creators_of_one_name_get_duplicated_study_error(sqlite_url: str) -> None:
    storages = [RDBStorage(sqlite_url) for _ in range(4)]
    outcomes: list[str] = []
    barrier = threading.Barrier(len(storages))

    def create(storage: RDBStorage) -> None:
        barrier.wait()
        try:
            storage.create_new_study([MIN], "same")
            outcomes.append("created")
        except DuplicatedStudyError:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=create, args=(s,)) for s in storages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created", "duplicate", "duplicate", "duplicate"]


def test_unknown_study_message_is_bounded(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url)
    for i in range(25):
        storage.create_new_study([MIN], f"s{i:02d}")
    with pytest.raises(UnknownStudyError, match=r"'s00', .*'s19'\] and 5 more\.$"):
        storage.get_study_id_from_name("nope")


# ---------------------------------------------------------------------------- pickling
def test_pickled_storage_reconnects(sqlite_url: str) -> None:
    storage = RDBStorage(sqlite_url, heartbeat_interval=5.0)
    study_id = storage.create_new_study([MIN], "s")
    trial_id = storage.create_new_trial(study_id)
    clone = pickle.loads(pickle.dumps(storage))
    assert clone is not storage and clone._db.engine is not storage._db.engine
    assert clone.get_heartbeat_interval() == 5.0 and clone.grace_period == 10.0
    clone.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    assert storage.get_trial(trial_id).state == TrialState.COMPLETE


# ---------------------------------------------------------------------------- cost
@pytest.fixture
def counted(sqlite_url: str) -> Iterator[tuple[RDBStorage, StatementCounter]]:
    storage = RDBStorage(sqlite_url)
    yield storage, StatementCounter(storage)
    storage._dispose()


def test_get_all_trials_reads_only_what_changed(
    counted: tuple[RDBStorage, StatementCounter],
) -> None:
    storage, counter = counted
    study_id = storage.create_new_study([MIN], "s")
    for i in range(50):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_param(trial_id, "x", i / 50, X)
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(i)])
    first = storage.get_all_trials(study_id)
    counter.reset()
    again = storage.get_all_trials(study_id)
    assert len(counter.statements) == 1  # Nothing new: one small query.
    assert all(a is b for a, b in zip(first, again, strict=True))  # The cached records, not copies.
    running = storage.create_new_trial(study_id)
    counter.reset()
    trials = storage.get_all_trials(study_id)
    assert len(counter.statements) == 2  # The new trial and its child rows.
    assert [t.number for t in trials] == list(range(51)) and trials[-1]._trial_id == running
    counter.reset()
    assert storage.get_trial(first[7]._trial_id) is first[7]  # Finished: from memory.
    assert counter.statements == []


def test_statements_per_trial(counted: tuple[RDBStorage, StatementCounter]) -> None:
    storage, counter = counted

    def objective(trial: ridgeline.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_int("y", 0, 10)
        trial.report(x, 0)
        trial.report(x / 2, 1)
        return x + y

    study = ridgeline.create_study(storage=storage, sampler=ridgeline.samplers.RandomSampler())
    study.optimize(objective, n_trials=5)
    counter.reset()
    n_trials = 20
    study.optimize(objective, n_trials=n_trials)
    per_trial = len(counter.statements) / n_trials
    commits = counter.commits / n_trials
    # Optuna needs about 33 statements and 15 commits for a trial like this one.
    assert per_trial <= 22, counter.statements[:40]
    assert commits <= 12
    print(f"{per_trial:.1f} statements and {commits:.1f} transactions per trial")
