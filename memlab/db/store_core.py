"""The core of the DuckDB store: the file, per-thread cursors and the write-behind buffer.

Single adds are the hot path of an agent (one per extracted fact) and DuckDB spends ~0.6 ms per
statement, so `add_memory` without a caller-chosen id goes to a small write-behind buffer that
is committed as one Arrow batch before any read, when it holds `flush_rows` rows, after
`flush_interval_s`, on `flush()`/`close()` and at interpreter exit. Reads in the process always
see every write. Pass `write_behind=False` to commit each add at once (~500/s).
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd
import pyarrow as pa

from memlab.db.connection import Connection
from memlab.db.migrations import apply_migrations
from memlab.db.rows import (
    EVENT_COLUMNS,
    LLM_CACHE_SCHEMA,
    LLM_CALLS_SCHEMA,
    MEMORY_COLUMNS,
    events_table,
    memories_table,
)
from memlab.errors import ConfigError, StoreError
from memlab.schema import UserMemory

__all__ = ["StoreCore", "check_limit", "check_user", "insert_arrow"]

_OPEN: weakref.WeakSet[StoreCore] = weakref.WeakSet()
# Caches in one instance are kept right by its own writes, so one file has one instance per
# process (DuckDB would otherwise hand both the same database and the caches would diverge).
_BY_FILE: weakref.WeakValueDictionary[str, StoreCore] = weakref.WeakValueDictionary()
NEWEST_CACHE_ROWS = 256
_SMALL_BATCH = 2
_CHANGE_LOG_VERSIONS = 512


class MemoryChange(NamedTuple):
    """One exactly known change to a user's memories: ids removed, then memories appended."""

    removed: tuple[str, ...]
    """Ids whose rows are gone (deleted, or replaced by a row in `appended`)."""
    appended: tuple[UserMemory, ...]
    """Memories written, newest last."""


_NO_CHANGE = MemoryChange((), ())
_READS = {"SELECT", "WITH", "FROM", "DESCRIBE", "SHOW", "EXPLAIN", "SUMMARIZE", "PRAGMA", "VALUES"}


@atexit.register
def _flush_all_at_exit() -> None:
    for db in list(_OPEN):
        db.close()


def check_user(user_id: object) -> str:
    """Return `user_id` if it is a non-empty string, else raise `ConfigError`."""
    if not isinstance(user_id, str) or not user_id.strip():
        raise ConfigError(f"user_id must be a non-empty string, got {user_id!r}")
    return user_id


def check_limit(limit: int | None) -> None:
    """Raise `ConfigError` unless `limit` is None or a positive integer."""
    if limit is not None and (not isinstance(limit, int) or limit <= 0):
        raise ConfigError(f"limit must be a positive integer or None, got {limit!r}")


def insert_arrow(cur: duckdb.DuckDBPyConnection, table: str, columns: str, data: Any) -> None:
    """Insert an Arrow table (or DataFrame) into `table` in one statement."""
    if isinstance(data, pa.Table) and data.num_rows <= _SMALL_BATCH:
        # Registering an Arrow table costs ~1.5 ms, a parameterized insert ~0.5 ms a row: the
        # write-behind flush of an agent's single add is mostly this case.
        names = [c.strip() for c in columns.split(",")]
        marks = ", ".join("?" * len(names))
        for row in data.select(names).to_pylist():
            cur.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        return
    name = f"_batch_{table}"
    cur.register(name, data)
    try:
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {name}")
    finally:
        cur.unregister(name)


class StoreCore:
    """The file, its cursors and the write-behind buffer; the table mixins build on it."""

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        read_only: bool = False,
        write_behind: bool = True,
        flush_rows: int = 2000,
        flush_interval_s: float = 0.2,
    ) -> None:
        key = str(Path(path).resolve()) if str(path) != ":memory:" else None
        other = _BY_FILE.get(key) if key else None
        if other is not None and not other.closed:
            raise StoreError(
                f"{path!s} is already open in this process as {other!r}; reuse that store, "
                "or close() it before opening the file again"
            )
        self._conn = Connection(path, read_only=read_only)
        self.path = self._conn.path
        if key:
            _BY_FILE[key] = self
        if not read_only:
            apply_migrations(self._conn.cursor())
        self._write_behind = write_behind and not read_only
        self._flush_rows = flush_rows
        self._flush_interval_s = flush_interval_s
        self._pending_memories: list[tuple[Any, ...]] = []
        self._pending_events: list[tuple[Any, ...]] = []
        # Ledger rows and cache entries ride the same buffer: a model call must not pay a
        # ~1.5 ms DuckDB insert on the event loop (see LedgerMixin).
        self._pending_calls: list[dict[str, Any]] = []
        self._pending_cache: list[tuple[Any, ...]] = []
        self._cache_memo: OrderedDict[str, Any] = OrderedDict()
        self._buffer_lock = threading.RLock()
        self._timer: threading.Timer | None = None
        # Per-user newest memories (newest last), so `last_n` does not re-sort 100k rows.
        self._newest: dict[str, tuple[list[UserMemory], bool]] = {}
        self._versions: dict[str | None, int] = {}
        # Per user: (data version the log starts after, one entry per later version: the ids
        # that version removed and the memories it appended; empty for runs and summaries).
        self._change_log: dict[str, tuple[int, list[MemoryChange]]] = {}
        _OPEN.add(self)

    def changed(
        self,
        user_id: str | None,
        *,
        memories: bool = True,
        exact: bool = False,
        appended: Sequence[UserMemory] = (),
        removed: Sequence[str] = (),
    ) -> None:
        """Note that `user_id`'s data changed (None: any user's); bumps `data_version`.

        Every write path of the store calls this; derived indexes (recall) compare versions
        to know when to rebuild. `memories=False` says the memories did not change (a run or
        a summary was written). With `exact=True` the caller describes the whole change to
        the memories (`removed` ids, then `appended` memories, newest last), and the
        newest-memories cache is updated in place instead of dropped.
        """
        with self._buffer_lock:
            self._versions[user_id] = self._versions.get(user_id, 0) + 1
            if user_id is None:
                self._newest.clear()
                self._change_log.clear()
                return
            self._log_change(user_id, memories, exact, removed, appended)
            cached = self._newest.get(user_id)
            if cached is None or not memories:
                return
            rows, complete = cached
            if removed:
                gone = set(removed)
                rows = [m for m in rows if m.memory_id not in gone]
            for memory in appended:
                if rows and memory.updated_at < rows[-1].updated_at:
                    exact = False  # older than the newest: its place is not known here
                    break
                rows.append(memory)
            if not exact:
                del self._newest[user_id]
                return
            if len(rows) > NEWEST_CACHE_ROWS:
                rows = rows[-NEWEST_CACHE_ROWS:]
                complete = False
            self._newest[user_id] = (rows, complete)

    def _log_change(
        self,
        user_id: str,
        memories: bool,
        exact: bool,
        removed: Sequence[str],
        appended: Sequence[UserMemory],
    ) -> None:
        version = self.data_version(user_id)
        start, entries = self._change_log.get(user_id, (version - 1, []))
        if memories and not exact:
            self._change_log[user_id] = (version, [])
            return
        entries.append(MemoryChange(tuple(removed), tuple(appended)) if memories else _NO_CHANGE)
        if len(entries) > _CHANGE_LOG_VERSIONS:
            drop = len(entries) - _CHANGE_LOG_VERSIONS
            start, entries = start + drop, entries[drop:]
        self._change_log[user_id] = (start, entries)

    def memory_changes_since(self, user_id: str, version: int) -> list[MemoryChange] | None:
        """Every change to the user's memories since data version `version`, in order.

        None when one of them is not known exactly (a bulk import, a clear, a raw SQL write)
        or when `version` is older than the log keeps: then a reader must look at the table.
        Runs and summaries written in between do not count.
        """
        with self._buffer_lock:
            start, entries = self._change_log.get(user_id, (self.data_version(user_id), []))
            if version < start or version > start + len(entries):
                return None
            return [c for c in entries[version - start :] if c.removed or c.appended]

    def data_version(self, user_id: str) -> int:
        """A number that changes whenever `user_id`'s memories, runs or summaries change."""
        with self._buffer_lock:
            return self._versions.get(user_id, 0) + self._versions.get(None, 0)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"

    def flush(self) -> None:
        """Commit buffered adds now (one transaction, one Arrow batch per table)."""
        with self._buffer_lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not (self._pending_memories or self._pending_calls or self._pending_cache):
                return
            with self._conn.transaction() as cur:
                if self._pending_memories:
                    memories = memories_table(self._pending_memories)
                    insert_arrow(cur, "memories", MEMORY_COLUMNS, memories)
                    insert_arrow(
                        cur, "memory_events", EVENT_COLUMNS, events_table(self._pending_events)
                    )
                if self._pending_calls:
                    calls = pa.Table.from_pylist(self._pending_calls, schema=LLM_CALLS_SCHEMA)
                    insert_arrow(cur, "llm_calls", ", ".join(LLM_CALLS_SCHEMA.names), calls)
                if self._pending_cache:
                    cache = pa.Table.from_pylist(
                        [
                            dict(zip(LLM_CACHE_SCHEMA.names, row, strict=True))
                            for row in self._pending_cache
                        ],
                        schema=LLM_CACHE_SCHEMA,
                    )
                    name = "_batch_llm_cache"
                    cur.register(name, cache)
                    try:
                        cur.execute(
                            f"INSERT INTO llm_cache SELECT * FROM {name} ON CONFLICT DO NOTHING"
                        )
                    finally:
                        cur.unregister(name)
            self._pending_memories.clear()
            self._pending_events.clear()
            self._pending_calls.clear()
            self._pending_cache.clear()

    def _buffered(self) -> None:
        """Flush when the buffer is full, else make sure a timer will (caller holds the lock)."""
        size = len(self._pending_memories) + len(self._pending_calls) + len(self._pending_cache)
        if size >= self._flush_rows:
            self.flush()
        elif self._timer is None:
            self._timer = threading.Timer(self._flush_interval_s, self._flush_quietly)
            self._timer.daemon = True
            self._timer.start()

    def checkpoint(self) -> None:
        """Flush, then fold DuckDB's write-ahead log into the file.

        DuckDB does this by itself once the log passes 16 MB, inside whichever commit crosses
        the line; after a bulk import, calling it now keeps that pause out of later writes.
        """
        self.flush()
        self._conn.cursor().execute("CHECKPOINT")

    def close(self) -> None:
        """Flush buffered writes and close the file; later calls raise `StoreError`."""
        if self._conn.closed:
            return
        try:
            self.flush()
        finally:
            self._conn.close()
            _OPEN.discard(self)

    def __enter__(self) -> StoreCore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cur(self) -> duckdb.DuckDBPyConnection:
        self.flush()
        return self._conn.cursor()

    @property
    def closed(self) -> bool:
        """True once `close()` ran."""
        return self._conn.closed

    def _flush_quietly(self) -> None:
        # A timer thread has no caller to raise to; the next foreground flush retries and raises.
        with contextlib.suppress(StoreError, duckdb.Error):
            self.flush()

    def sql_df(self, query: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a query (parameterized) and return a DataFrame, for ad-hoc analysis.

        A statement that is not a read drops every cache, since the store cannot tell what
        it changed.
        """
        df = self._cur().execute(query, list(params or [])).df()
        if query.lstrip().split(None, 1)[0].upper() not in _READS:
            self.changed(None)
        return df
