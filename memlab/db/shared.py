"""What one process keeps per open store file: the database, the write-behind buffer, caches.

Every `DuckDbMemoryDb` opened on the same file in one process shares one `SharedFile`, so the
objects see each other's writes, buffered ones included, and their caches (newest memories,
data versions, the change log, the response cache) stay right whichever object wrote. The file
is closed when the last object on it is closed or garbage-collected, and flushed at exit.

A flush never loses rows because of one bad row: the batch is written in one transaction; if
that fails for a reason other than a closed store or a thread conflict, each row is retried on
its own, the good ones are committed, and the ones DuckDB refuses are set aside in
`failed_writes` and reported in a `StoreError`.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import weakref
from collections import OrderedDict
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pyarrow as pa

from memlab.db.connection import Connection, Database, registered
from memlab.db.damage import damage_error, problem_of, reported
from memlab.db.migrations import apply_migrations, check_store_version
from memlab.db.mirror import RowMirror
from memlab.db.rows import (
    EVENT_COLUMNS,
    LLM_CACHE_SCHEMA,
    LLM_CALLS_SCHEMA,
    MEMORY_COLUMNS,
    events_table,
    memories_table,
)
from memlab.errors import StoreError
from memlab.schema import UserMemory

__all__ = ["FailedWrite", "MemoryChange", "SharedFile", "insert_arrow", "open_shared"]

_SMALL_BATCH_VALUES = 64
MIRROR_ROWS = 100_000
"""Rows of each of memories and messages kept in process for reads by id (see `RowMirror`)."""
_LOCK = threading.Lock()
_BY_FILE: dict[str, SharedFile] = {}
# Errors a row's content can cause (as opposed to a closed store or a thread conflict).
_ROW_ERRORS = (duckdb.Error, pa.ArrowException, UnicodeError, ValueError, TypeError)


class MemoryChange(NamedTuple):
    """One exactly known change to a user's memories: ids removed, then memories appended."""

    removed: tuple[str, ...]
    """Ids whose rows are gone (deleted, or replaced by a row in `appended`)."""
    appended: tuple[UserMemory, ...]
    """Memories written, newest last."""


class FailedWrite(NamedTuple):
    """A buffered row DuckDB refused at flush time; kept here instead of being dropped."""

    table: str
    """The table the row was for: memories (with its event), llm_calls or llm_cache."""
    row: tuple[Any, ...] | dict[str, Any]
    """The row as it was buffered."""
    error: str
    """What DuckDB or Arrow said."""


def insert_arrow(cur: duckdb.DuckDBPyConnection, table: str, columns: str, data: Any) -> None:
    """Insert an Arrow table (or DataFrame) into `table` in one statement."""
    names = [c.strip() for c in columns.split(",")]
    if isinstance(data, pa.Table) and data.num_rows * len(names) <= _SMALL_BATCH_VALUES:
        # Registering an Arrow table costs ~1.5-3 ms, a statement ~0.5 ms plus a little per
        # value: a few rows go in one multi-row VALUES statement (an agent's single add, the
        # events of a model's few memory ops).
        rows = data.select(names).to_pylist()
        if not rows:
            return
        marks = ", ".join([f"({', '.join('?' * len(names))})"] * len(rows))
        params = [value for row in rows for value in row.values()]
        cur.execute(f"INSERT INTO {table} ({columns}) VALUES {marks}", params)
        return
    name = f"_batch_{table}"
    with registered(cur, name, data):
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {name}")


class _Batch(NamedTuple):
    memories: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    calls: list[dict[str, Any]]
    cache: list[tuple[Any, ...]]


def _write(cur: duckdb.DuckDBPyConnection, batch: _Batch) -> None:
    if batch.memories:
        insert_arrow(cur, "memories", MEMORY_COLUMNS, memories_table(batch.memories))
        insert_arrow(cur, "memory_events", EVENT_COLUMNS, events_table(batch.events))
    if batch.calls:
        calls = pa.Table.from_pylist(batch.calls, schema=LLM_CALLS_SCHEMA)
        insert_arrow(cur, "llm_calls", ", ".join(LLM_CALLS_SCHEMA.names), calls)
    if batch.cache:
        cache = pa.Table.from_pylist(
            [dict(zip(LLM_CACHE_SCHEMA.names, row, strict=True)) for row in batch.cache],
            schema=LLM_CACHE_SCHEMA,
        )
        with registered(cur, "_batch_llm_cache", cache):
            cur.execute(
                "INSERT INTO llm_cache SELECT * FROM _batch_llm_cache ON CONFLICT DO NOTHING"
            )


class SharedFile:
    """The database of one file and the store state every object on that file shares."""

    def __init__(self, database: Database, key: str | None) -> None:
        self.database = database
        self.key = key
        self.refs = 0
        self.lock = threading.RLock()
        self.pending_memories: list[tuple[Any, ...]] = []
        self.pending_events: list[tuple[Any, ...]] = []
        # Ledger rows and cache entries ride the same buffer: a model call must not pay a
        # ~1.5 ms DuckDB insert on the event loop (see LedgerMixin).
        self.pending_calls: list[dict[str, Any]] = []
        self.pending_cache: list[tuple[Any, ...]] = []
        self.cache_memo: OrderedDict[str, Any] = OrderedDict()
        self.timer: threading.Timer | None = None
        # Per-user newest memories (newest last), so `last_n` does not re-sort 100k rows.
        self.newest: dict[str, tuple[list[UserMemory], bool]] = {}
        self.versions: dict[str | None, int] = {}
        # Per user: (data version the log starts after, one entry per later version).
        self.change_log: dict[str, tuple[int, list[MemoryChange]]] = {}
        self.failed_writes: list[FailedWrite] = []
        # Memory and message rows by id, as a SELECT returns them (see memlab.db.mirror).
        self.memory_rows = RowMirror(MIRROR_ROWS)
        self.message_rows = RowMirror(MIRROR_ROWS)
        self._conn = Connection(database, path=database.path)

    def pending_rows(self) -> int:
        """How many rows wait in the buffer."""
        return len(self.pending_memories) + len(self.pending_calls) + len(self.pending_cache)

    def schedule(self, interval_s: float) -> None:
        """Make sure a timer flushes the buffer within `interval_s` (caller holds the lock)."""
        if self.timer is None:
            self.timer = threading.Timer(interval_s, self.flush_quietly)
            self.timer.daemon = True
            self.timer.start()

    def flush(self) -> None:
        """Commit the buffer in one transaction; on a bad row, keep the others (see module)."""
        self._flush(quiet=False)

    def flush_quietly(self) -> None:
        """The timer's flush: no caller to raise to, so a failing batch stays buffered whole.

        The next foreground flush (any read, `flush()`, `close()`) retries it and reports.
        """
        with contextlib.suppress(StoreError, *_ROW_ERRORS):
            self._flush(quiet=True)

    def _flush(self, *, quiet: bool) -> None:
        if self.database.joined:
            return  # see StoreCore.joined: the rows stay buffered for the next flush
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if not self.pending_rows():
                return
            batch = _Batch(
                list(self.pending_memories),
                list(self.pending_events),
                list(self.pending_calls),
                list(self.pending_cache),
            )
            try:
                self._conn.atomic(
                    partial(_write, batch=batch), what="flushing buffered writes", raw_errors=True
                )
            except StoreError:
                raise  # closed, or a conflict that persisted: the batch stays buffered whole
            except _ROW_ERRORS as exc:
                problem = problem_of(exc)
                if problem is not None:
                    # The file is damaged, not the rows: they stay buffered whole.
                    raise damage_error(self.database.path, problem, exc) from exc
                if quiet:
                    raise
                self._clear()
                self._write_row_by_row(batch)
                return
            self._clear()

    def _clear(self) -> None:
        self.pending_memories.clear()
        self.pending_events.clear()
        self.pending_calls.clear()
        self.pending_cache.clear()

    def _write_row_by_row(self, batch: _Batch) -> None:
        failed: list[FailedWrite] = []
        parts: list[tuple[str, Any, _Batch]] = [
            ("memories", m, _Batch([m], [e], [], []))
            for m, e in zip(batch.memories, batch.events, strict=True)
        ]
        parts += [("llm_calls", c, _Batch([], [], [c], [])) for c in batch.calls]
        parts += [("llm_cache", c, _Batch([], [], [], [c])) for c in batch.cache]
        for i, (table, row, one) in enumerate(parts):
            try:
                self._conn.atomic(
                    partial(_write, batch=one), what="flushing a row", raw_errors=True
                )
            except _ROW_ERRORS as exc:
                failed.append(FailedWrite(table, row, f"{type(exc).__name__}: {exc}"))
                if table == "memories" and isinstance(row, tuple):
                    self.memory_rows.drop(row[1], [row[0]])  # never stored after all
            except StoreError:
                # Closed, or a conflict that persisted: this row and the rest stay buffered.
                for _, _, rest in parts[i:]:
                    self.pending_memories.extend(rest.memories)
                    self.pending_events.extend(rest.events)
                    self.pending_calls.extend(rest.calls)
                    self.pending_cache.extend(rest.cache)
                self.failed_writes.extend(failed)
                raise
        if not failed:
            return
        self.failed_writes.extend(failed)
        first = failed[0]
        raise StoreError(
            f"{len(failed)} of {len(parts)} buffered rows could not be written to "
            f"{self.database.path!r} and were set aside in db.failed_writes (the other rows "
            f"were stored); the first, for table {first.table!r}: {first.error}"
        )

    def close(self) -> None:
        """Flush and close the database (the last object on the file is gone)."""
        try:
            self.flush()
        finally:
            self.database.close()


def open_shared(path: str | Path, *, read_only: bool) -> SharedFile:
    """The `SharedFile` of `path` in this process, opening the file if no object holds it."""
    key = None if str(path) == ":memory:" else str(Path(path).resolve())
    with _LOCK:
        shared = _BY_FILE.get(key) if key else None
        if shared is not None and shared.database.read_only != read_only:
            mode = "read-only" if shared.database.read_only else "read-write"
            raise StoreError(
                f"{str(path)!r} is already open {mode} in this process; DuckDB opens a file one "
                f"way per process. Open it {mode} too (read_only={shared.database.read_only}), "
                "or close() every store on it first"
            )
        if shared is None:
            database = Database(path, read_only=read_only)
            try:
                _prepare(database)
            except BaseException:
                database.close()
                raise
            shared = SharedFile(database, key)
            if key:
                _BY_FILE[key] = shared
        shared.refs += 1
        return shared


def _prepare(database: Database) -> None:
    # A file a newer memlab wrote is refused before the migrations write anything; a read-only
    # open is checked too, as its reads could misread renamed columns.
    cur = database.cursor()
    with reported(database.path):
        if database.read_only:
            check_store_version(cur, path=database.path)
        else:
            apply_migrations(cur, path=database.path)


def release(shared: SharedFile) -> None:
    """Drop one object's hold on `shared`; the last one flushes and closes the file.

    Runs from `close()`, from garbage collection and at interpreter exit, where nobody can
    catch an error: then a failed flush is reported on stderr in one line, not a traceback.
    """
    with _LOCK:
        shared.refs -= 1
        last = shared.refs <= 0
        # Unlisted at once, so an open racing this close gets a fresh SharedFile, never one
        # that is about to close under it.
        if last and shared.key is not None and _BY_FILE.get(shared.key) is shared:
            del _BY_FILE[shared.key]
    if last:
        shared.close()


def release_quietly(shared: SharedFile) -> None:
    """`release` for garbage collection and exit: failures go to stderr as one line."""
    try:
        release(shared)
    except (StoreError, *_ROW_ERRORS) as exc:
        print(f"memlab: {shared.database.path!r}: {exc}", file=sys.stderr)


def finalizer(owner: object, shared: SharedFile) -> weakref.finalize[..., Any]:
    """Release `shared` when `owner` is garbage-collected or at exit, unless closed before."""
    return weakref.finalize(owner, release_quietly, shared)
