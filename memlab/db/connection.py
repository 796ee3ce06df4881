"""One DuckDB database per file per process, a cursor per thread, and honest errors.

`Database` is the open file, shared by every store object of the process that opens the same
path (re-running a notebook cell must not fail because the last run's object still holds the
file). `Connection` is one store object's handle on it: closing the handle makes later use of
that object raise, while other handles keep working. Writes run through `Connection.atomic`,
which retries DuckDB's write-write conflicts between threads a few times before raising a
`StoreError` that says what conflicted.
"""

from __future__ import annotations

import contextlib
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from memlab.db.damage import check_header, check_length, damage_error, problem_of, reported
from memlab.errors import ConfigError, StoreError

__all__ = ["CONFLICT_ATTEMPTS", "Connection", "Database", "registered"]

_PID = re.compile(r"PID (\d+)")
CONFLICT_ATTEMPTS = 8
"""How often a write that hits a conflict with another thread's write is tried in all."""
_T = TypeVar("_T")


class Database:
    """A DuckDB database opened once per process, handing each thread its own cursor.

    DuckDB allows one writing process per file and locks the whole file, even against
    read-only opens, so a second process gets a `StoreError` naming the holder's PID.
    Within a process, threads share the database through per-thread cursors. A file that is
    empty, not DuckDB's, truncated or corrupt is refused with a `StoreError` that says so
    (`memlab.db.damage`), before anything is written to it.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            check_header(self.path)
        try:
            self._root = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise _open_error(self.path, exc) from exc
        try:
            if self.path != ":memory:":
                with reported(self.path):
                    check_length(self._root, self.path)
            self._root.execute("SET TimeZone = 'UTC'")
        except BaseException:
            self._root.close()
            raise
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self.closed = False

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Return this thread's cursor, creating it on first use."""
        if self.closed:
            raise StoreError(
                f"the memory store {self.path!r} is closed; open a new DuckDbMemoryDb to continue"
            )
        cur: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._root.cursor()
            cur.execute("SET TimeZone = 'UTC'")
            self._local.cursor = cur
            with self._lock:
                self._cursors.append(cur)
        return cur

    @property
    def joined(self) -> bool:
        """True while this thread runs a `Connection.joined` block (one open transaction)."""
        return bool(getattr(self._local, "joined", False))

    @joined.setter
    def joined(self, value: bool) -> None:
        self._local.joined = value

    def close(self) -> None:
        """Close every cursor and the database."""
        if self.closed:
            return
        self.closed = True
        with self._lock:
            for cur in self._cursors:
                cur.close()
            self._cursors.clear()
        self._root.close()


class Connection:
    """One store object's handle on a shared `Database`."""

    def __init__(self, database: Database, *, path: str) -> None:
        self.database = database
        self.path = path
        self.closed = False

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Return this thread's cursor; raises `StoreError` once this handle is closed."""
        if self.closed:
            raise StoreError(
                f"this store object for {self.path!r} was closed; open a new "
                "DuckDbMemoryDb to continue (other open stores on the file keep working)"
            )
        return self.database.cursor()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run the block in one transaction on this thread's cursor; roll back on any error."""
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            _rollback(cur)
            raise
        try:
            cur.execute("COMMIT")
        except BaseException:
            _rollback(cur)  # a failed commit may leave the transaction open
            raise

    @contextmanager
    def joined(self, *, what: str) -> Iterator[None]:
        """Run every `atomic` write of the block (on this thread) in one transaction.

        A commit costs more than most writes (DuckDB syncs its log), so writes nothing reads
        in between (a session's runs and its verbatim memories) share one. The block must not
        yield to other work on this thread (no `await`): their writes would join it. A
        conflict is not retried here: the whole block is rolled back and the error raised.

        Raises:
            StoreError: DuckDB refused a write or the commit; nothing of the block is written.
            ConfigError: a key the block inserts is already stored.
        """
        if self.database.joined:  # already inside one: the outer block commits
            yield
            return
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        self.database.joined = True
        try:
            yield
        except BaseException as exc:
            self.database.joined = False
            _rollback(cur)
            if isinstance(exc, duckdb.Error):
                raise _write_error(self.path, what, exc) from exc
            raise
        self.database.joined = False
        try:
            cur.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(cur)
            raise _write_error(self.path, what, exc) from exc

    def atomic(
        self,
        work: Callable[[duckdb.DuckDBPyConnection], _T],
        *,
        what: str,
        raw_errors: bool = False,
    ) -> _T:
        """Run `work(cursor)` in one transaction, retrying write-write conflicts.

        Two threads changing the same row conflict in DuckDB ("Conflict on tuple deletion!");
        the loser's transaction is rolled back whole, so `work` runs again from the start,
        reads included, and sees the winner's write. `work` must only read and write through
        the cursor (its Python side effects may run more than once). With `raw_errors`, DuckDB
        errors other than a persisting conflict propagate as they are (the flush tells a bad
        row from a busy store by them).

        Raises:
            StoreError: the conflict persisted through `CONFLICT_ATTEMPTS` tries, or DuckDB
                refused the write for another reason; nothing of this call was written.
            ConfigError: a key the call inserts is already stored (a duplicate run id, ...).
        """
        if self.database.joined:
            return work(self.cursor())  # `joined` commits, and maps DuckDB's errors
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                with self.transaction() as cur:
                    return work(cur)
            except duckdb.TransactionException as exc:
                if not _is_conflict(exc):
                    if raw_errors:
                        raise
                    raise StoreError(f"{what} failed in {self.path!r}: {exc}") from exc
                if attempt == CONFLICT_ATTEMPTS:
                    raise StoreError(
                        f"{what} in {self.path!r} conflicted with another thread's write to the "
                        f"same rows {CONFLICT_ATTEMPTS} times in a row ({exc}); nothing of this "
                        "call was written. Retry it, or serialize writes to the same memory"
                    ) from exc
            except duckdb.ConstraintException as exc:
                # A key another thread inserted and committed after this transaction began
                # shows up here; the retry reads it. One that persists is really there.
                last = attempt == CONFLICT_ATTEMPTS
                if raw_errors and (last or "duplicate key" not in str(exc).lower()):
                    raise
                if "duplicate key" not in str(exc).lower():
                    raise StoreError(f"{what} failed in {self.path!r}: {exc}") from exc
                if last:
                    refused = str(exc).rstrip(".")
                    raise ConfigError(
                        f"{what} in {self.path!r}: {refused}; the store already holds a record "
                        "with that id. Give the new one another id; nothing of this call was "
                        "written"
                    ) from exc
            # Jittered exponential backoff (up to ~0.45 s in all): the winner must get the CPU
            # to commit, and two threads must stop colliding in lockstep.
            time.sleep(random.uniform(0.5, 1.0) * min(0.002 * 2**attempt, 0.2))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Mark this handle closed; the `Database` is closed by its owner when unused."""
        self.closed = True


@contextmanager
def registered(cur: duckdb.DuckDBPyConnection, name: str, data: object) -> Iterator[None]:
    """Register `data` (Arrow or pandas) as view `name` on `cur` for the block.

    When the block fails, DuckDB refuses the unregister too ("transaction is aborted"); that
    second error must not hide the first (a conflict `atomic` would retry), and a later
    `register` of the name replaces the leftover view anyway.
    """
    cur.register(name, data)
    try:
        yield
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            cur.unregister(name)
        raise
    cur.unregister(name)


def _write_error(path: str, what: str, exc: duckdb.Error) -> StoreError | ConfigError:
    if isinstance(exc, duckdb.ConstraintException) and "duplicate key" in str(exc).lower():
        refused = str(exc).rstrip(".")
        return ConfigError(
            f"{what} in {path!r}: {refused}; the store already holds a record with that id. "
            "Give the new one another id; nothing of this call was written"
        )
    return StoreError(f"{what} failed in {path!r}: {exc}; nothing of it was written")


def _is_conflict(exc: duckdb.TransactionException) -> bool:
    # A row inserted by a transaction that committed first fails this one's commit with a
    # constraint violation: a race like a conflict, and the retry sees the row.
    text = str(exc).lower()
    return "conflict" in text or ("failed to commit" in text and "constraint" in text)


def _rollback(cur: duckdb.DuckDBPyConnection) -> None:
    # DuckDB may have ended it already (a failed COMMIT rolls back by itself).
    with contextlib.suppress(duckdb.TransactionException):
        cur.execute("ROLLBACK")


def _open_error(path: str, exc: duckdb.Error) -> StoreError:
    text = str(exc)
    problem = problem_of(exc)
    if problem is not None:
        return damage_error(path, problem, exc)
    if not isinstance(exc, duckdb.IOException) or "lock" not in text.lower():
        return StoreError(f"could not open the memory store {path!r}: {text}")
    match = _PID.search(text)
    holder = f"process {match.group(1)}" if match else "another process"
    return StoreError(
        f"the memory store {path!r} is held by {holder}: DuckDB lets one process open a file "
        "at a time (read-only opens included). Close the other process's DuckDbMemoryDb "
        "(or stop that process), or give this process its own file, then retry."
    )
