"""The core of the DuckDB store: the file, per-thread cursors and the write-behind buffer.

Single adds are the hot path of an agent (one per extracted fact) and a DuckDB statement costs
far more than a buffered row (`benchmarks/store.py` measures both), so `add_memory` without a
caller-chosen id goes to a small write-behind buffer that is committed as one Arrow batch
before any read, when it holds `flush_rows` rows, after `flush_interval_s`, on
`flush()`/`close()` and at interpreter exit. Reads in the process always see every write. Pass
`write_behind=False` to commit each add at once.

Store objects opened on the same file in one process share the file, the buffer and the caches
(`memlab.db.shared`), so re-running `DuckDbMemoryDb("agent.duckdb")` in a notebook just works.
Every text is checked before it is buffered (`memlab.db.text`), and multi-row writes run in one
transaction that is retried when another thread's write conflicts (`Connection.atomic`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from memlab.db.connection import Connection
from memlab.db.damage import damage_error, problem_of
from memlab.db.shared import (
    FailedWrite,
    MemoryChange,
    finalizer,
    insert_arrow,
    open_shared,
    release,
)
from memlab.db.text import check_text
from memlab.errors import ConfigError, StoreError
from memlab.schema import UserMemory

__all__ = ["MemoryChange", "StoreCore", "check_count", "check_limit", "check_user", "insert_arrow"]

NEWEST_CACHE_ROWS = 256
_CHANGE_LOG_VERSIONS = 512
# The log holds every memory a change appended: a replay over thousands of namespaces must not
# keep all of them (LongMemEval-S has 500 users of ~800 memories each).
_CHANGE_LOG_USERS = 128
_NO_CHANGE = MemoryChange((), ())
_READS = {"SELECT", "WITH", "FROM", "DESCRIBE", "SHOW", "EXPLAIN", "SUMMARIZE", "PRAGMA", "VALUES"}
# DuckDB errors that mean the query itself is wrong, not the store.
_QUERY_ERRORS = (
    duckdb.ParserException,
    duckdb.BinderException,
    duckdb.CatalogException,
    duckdb.InvalidInputException,
    duckdb.ConversionException,
)


def check_user(user_id: object) -> str:
    """Return `user_id` if it is a non-empty, storable string, else raise `ConfigError`."""
    if not isinstance(user_id, str) or not user_id.strip():
        raise ConfigError(f"user_id must be a non-empty string, got {user_id!r}")
    check_text("user_id", user_id)
    return user_id


def check_count(name: str, value: object, *, optional: bool = True) -> None:
    """Raise `ConfigError` unless `value` is a positive int (or None when `optional`).

    `True` is an `int` to Python but never a count: `limit=True` is refused, not read as 1.
    """
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        allowed = "a positive integer or None" if optional else "a positive integer"
        raise ConfigError(f"{name} must be {allowed}, got {value!r}")


def check_limit(limit: int | None, name: str = "limit") -> None:
    """Raise `ConfigError` unless `limit` is None or a positive integer (not a bool)."""
    check_count(name, limit)


class StoreCore:
    """The file, its cursors and the write-behind buffer; the table mixins build on it.

    Args:
        path: A DuckDB file, or ":memory:" for a private throwaway store. Opening a file this
            process already has open shares it: both objects see each other's writes.
        read_only: Open without writing (a file shared in-process must be opened the same way).
        write_behind: Buffer single adds and ledger rows (see the module docstring).
        flush_rows: Flush once the buffer holds this many rows.
        flush_interval_s: Flush at most this long after a buffered write.
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        read_only: bool = False,
        write_behind: bool = True,
        flush_rows: int = 2000,
        flush_interval_s: float = 0.2,
    ) -> None:
        check_count("flush_rows", flush_rows, optional=False)
        if isinstance(flush_interval_s, bool) or not isinstance(flush_interval_s, int | float):
            raise ConfigError(f"flush_interval_s must be a number, got {flush_interval_s!r}")
        self._shared = open_shared(path, read_only=read_only)
        self._finalizer = finalizer(self, self._shared)
        self._conn = Connection(self._shared.database, path=str(path))
        self.path = self._conn.path
        self._write_behind = write_behind and not read_only
        self._flush_rows = flush_rows
        self._flush_interval_s = flush_interval_s
        shared = self._shared
        # The buffers and caches are the file's, not this object's (see memlab.db.shared).
        self._pending_memories = shared.pending_memories
        self._pending_events = shared.pending_events
        self._pending_calls = shared.pending_calls
        self._pending_cache = shared.pending_cache
        self._cache_memo = shared.cache_memo
        self._buffer_lock = shared.lock
        self._newest = shared.newest
        self._versions = shared.versions
        self._change_log = shared.change_log
        self._memory_rows = shared.memory_rows
        self._message_rows = shared.message_rows

    @property
    def failed_writes(self) -> list[FailedWrite]:
        """Buffered rows DuckDB refused at a flush, set aside rather than dropped (rare)."""
        return list(self._shared.failed_writes)

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
        to know when to rebuild, and the row mirror (`memlab.db.mirror`) forgets the rows
        `removed` names, or all of the user's when the change is not described exactly.
        `memories=False` says the memories did not change (a run or a summary was written).
        With `exact=True` the caller describes the whole change to the memories (`removed`
        ids, then `appended` memories, newest last), and the newest-memories cache is updated
        in place instead of dropped.
        """
        with self._buffer_lock:
            self._versions[user_id] = self._versions.get(user_id, 0) + 1
            if user_id is None:
                self._newest.clear()
                self._change_log.clear()
                self._memory_rows.drop_user(None)
                self._message_rows.drop_user(None)
                return
            if memories and not exact:
                # A clear, a bulk import: which rows changed is not known here.
                self._memory_rows.drop_user(user_id)
                self._message_rows.drop_user(user_id)
            elif removed:
                self._memory_rows.drop(user_id, removed)
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
        # Popped and put back: the users changed longest ago come first, and are forgotten
        # past `_CHANGE_LOG_USERS` (their readers rebuild from the table, as for a clear).
        start, entries = self._change_log.pop(user_id, (version - 1, []))
        if memories and not exact:
            start, entries = version, []
        else:
            entries.append(
                MemoryChange(tuple(removed), tuple(appended)) if memories else _NO_CHANGE
            )
            if len(entries) > _CHANGE_LOG_VERSIONS:
                drop = len(entries) - _CHANGE_LOG_VERSIONS
                start, entries = start + drop, entries[drop:]
        self._change_log[user_id] = (start, entries)
        while len(self._change_log) > _CHANGE_LOG_USERS:
            del self._change_log[next(iter(self._change_log))]

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
        """Commit buffered adds now (one transaction, one Arrow batch per table).

        Raises:
            StoreError: this object is closed; or some buffered rows could not be written
                (the others were, and the refused ones are in `failed_writes`).
        """
        self._conn.cursor()  # raises the closed-store error
        self._shared.flush()

    def _buffered(self) -> None:
        """Flush when the buffer is full, else make sure a timer will (caller holds the lock)."""
        if self._shared.pending_rows() >= self._flush_rows:
            self.flush()
        else:
            self._shared.schedule(self._flush_interval_s)

    def checkpoint(self) -> None:
        """Flush, then fold DuckDB's write-ahead log into the file.

        DuckDB does this by itself once the log passes 16 MB, inside whichever commit crosses
        the line; after a bulk import, calling it now keeps that pause out of later writes.
        """
        self.flush()
        self._conn.cursor().execute("CHECKPOINT")

    def close(self) -> None:
        """Flush buffered writes and let go of the file; later calls on this object raise.

        Other store objects on the same file keep working; the file closes with the last one.
        """
        if self._conn.closed:
            return
        try:
            self._shared.flush()
        finally:
            self._conn.close()
            if self._finalizer.detach() is not None:
                release(self._shared)

    def __enter__(self) -> StoreCore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cur(self) -> duckdb.DuckDBPyConnection:
        self.flush()
        return self._conn.cursor()

    @contextmanager
    def joined(self, what: str) -> Iterator[None]:
        """Commit the store's writes of the block (on this thread) in one transaction.

        For writes nothing reads in between, e.g. a session's runs and the memories made of
        them: one commit instead of one per call. The block must not `await` (another task's
        writes on this thread would join it). On any error nothing of the block is written
        and the in-process caches are dropped (they may describe rows rolled back).
        """
        self.flush()
        try:
            with self._conn.joined(what=what):
                yield
        except BaseException:
            self.changed(None)
            raise

    def _flush_data(self) -> None:
        """Commit the buffer if it holds memories: all a read or write of user data needs.

        Buffered ledger rows and cache entries do not change what the store's own reads of
        memories, runs, messages, summaries or vectors return, so they wait for the timer,
        a full buffer or a full `flush()` (every ledger read, `sql_df`, the lab's cursor): a
        replay that forwards its ledger between every two reads then commits it in batches
        instead of once per read.
        """
        self._conn.cursor()  # raises the closed-store error
        # Inside `joined` a flush would commit other threads' buffered rows in a transaction
        # that may roll back; they are not this block's to read, and wait for the next flush.
        if self._shared.pending_memories and not self._shared.database.joined:
            self._shared.flush()

    def _data_cur(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor for reading user data (see `_flush_data`)."""
        self._flush_data()
        return self._conn.cursor()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the file, after every buffered write is committed.

        For tables the store does not own (the replay lab's results live in the same file).
        """
        self.flush()
        return self._conn.cursor()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor in one transaction, committed when the block ends (rolled back on error)."""
        self.flush()
        with self._conn.transaction() as cur:
            yield cur

    @property
    def closed(self) -> bool:
        """True once `close()` ran."""
        return self._conn.closed

    def sql_df(self, query: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a query (parameterized) and return a DataFrame, for ad-hoc analysis.

        A statement that is not a read drops every cache, since the store cannot tell what
        it changed; one that returns no rows (a CREATE, an INSERT) gives an empty frame.

        Raises:
            ConfigError: the query is empty, or DuckDB refuses it (syntax, unknown table or
                column, wrong parameters); the message quotes DuckDB's.
            StoreError: DuckDB failed to run it (the store is closed, a constraint, ...).
        """
        if not isinstance(query, str) or not query.strip():
            raise ConfigError(
                f"sql_df needs a SQL statement, got {query!r}; for example "
                "db.sql_df('SELECT * FROM memories WHERE user_id = ?', ['ana'])"
            )
        check_text("query", query)
        cur = self._cur()
        try:
            result = cur.execute(query, list(params or []))
            df = result.df() if result.description else pd.DataFrame()
        except _QUERY_ERRORS as exc:
            raise ConfigError(f"sql_df could not run {_short(query)}: {exc}") from exc
        except duckdb.Error as exc:
            problem = problem_of(exc)
            if problem is not None:
                raise damage_error(self.path, problem, exc) from exc
            raise StoreError(f"sql_df failed on {_short(query)}: {exc}") from exc
        finally:
            if query.lstrip().split(None, 1)[0].upper() not in _READS:
                self.changed(None)
        return df


def _short(query: str) -> str:
    text = " ".join(query.split())
    return repr(text if len(text) <= 120 else text[:117] + "...")
