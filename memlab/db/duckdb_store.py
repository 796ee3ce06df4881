"""`DuckDbMemoryDb`: memories, their history, runs, summaries and the LLM ledger in one file.

Single adds are the hot path of an agent (one per extracted fact) and DuckDB spends ~0.6 ms per
statement, so `add_memory` without a caller-chosen id goes to a small write-behind buffer that
is committed as one Arrow batch before any read, when it holds `flush_rows` rows, after
`flush_interval_s`, on `flush()`/`close()` and at interpreter exit. Reads in the process always
see every write. Pass `write_behind=False` to commit each add at once (~500/s).
"""

from __future__ import annotations

import atexit
import threading
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from memlab.db.connection import Connection
from memlab.db.frames import FRAME_QUERIES, frame
from memlab.db.migrations import apply_migrations
from memlab.db.rows import (
    EVENT_COLUMNS,
    MEMORY_COLUMNS,
    MESSAGE_COLUMNS,
    events_table,
    memories_table,
    memory_from_row,
    message_from_row,
    messages_table,
    naive_utc,
    summary_from_row,
)
from memlab.errors import ConfigError, NotFoundError, StoreError
from memlab.schema import (
    LlmCall,
    MemoryEvent,
    MemoryOp,
    Message,
    Run,
    SessionSummary,
    UserMemory,
    new_id,
    utcnow,
)

__all__ = ["CachedResponse", "DuckDbMemoryDb"]

_OPEN: weakref.WeakSet[DuckDbMemoryDb] = weakref.WeakSet()


@atexit.register
def _flush_all_at_exit() -> None:
    for db in list(_OPEN):
        db.close()


class CachedResponse(tuple[str, int | None, int | None, float | None]):
    """(response JSON, input tokens, output tokens, original cost USD) of a cached model call."""

    __slots__ = ()

    @property
    def response(self) -> str:
        """The cached response, JSON text."""
        return self[0]

    @property
    def input_tokens(self) -> int | None:
        """Input tokens of the original call."""
        return self[1]

    @property
    def output_tokens(self) -> int | None:
        """Output tokens of the original call."""
        return self[2]

    @property
    def cost_usd(self) -> float | None:
        """Cost of the original call (kept so cost tables stay honest on a cache hit)."""
        return self[3]


def _check_user(user_id: object) -> str:
    if not isinstance(user_id, str) or not user_id.strip():
        raise ConfigError(f"user_id must be a non-empty string, got {user_id!r}")
    return user_id


def _check_limit(limit: int | None) -> None:
    if limit is not None and (not isinstance(limit, int) or limit <= 0):
        raise ConfigError(f"limit must be a positive integer or None, got {limit!r}")


class DuckDbMemoryDb:
    """The memlab store on DuckDB: a file path, or `":memory:"` for a throwaway store.

    Every read and write is scoped to one `user_id`; multi-row changes run in one transaction.
    Threads may share one instance (each gets its own cursor); a second process opening the same
    file gets a `StoreError` naming the process that holds it.
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
        self._conn = Connection(path, read_only=read_only)
        self.path = self._conn.path
        if not read_only:
            apply_migrations(self._conn.cursor())
        self._write_behind = write_behind and not read_only
        self._flush_rows = flush_rows
        self._flush_interval_s = flush_interval_s
        self._pending_memories: list[tuple[Any, ...]] = []
        self._pending_events: list[tuple[Any, ...]] = []
        self._buffer_lock = threading.RLock()
        self._timer: threading.Timer | None = None
        _OPEN.add(self)

    def __repr__(self) -> str:
        return f"DuckDbMemoryDb({self.path!r})"

    # ----------------------------------------------------------------- lifecycle
    def flush(self) -> None:
        """Commit buffered adds now (one transaction, one Arrow batch per table)."""
        with self._buffer_lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._pending_memories:
                return
            memories = memories_table(self._pending_memories)
            events = events_table(self._pending_events)
            with self._conn.transaction() as cur:
                _insert_arrow(cur, "memories", MEMORY_COLUMNS, memories)
                _insert_arrow(cur, "memory_events", EVENT_COLUMNS, events)
            self._pending_memories.clear()
            self._pending_events.clear()

    def close(self) -> None:
        """Flush buffered writes and close the file; later calls raise `StoreError`."""
        if self._conn.closed:
            return
        try:
            self.flush()
        finally:
            self._conn.close()
            _OPEN.discard(self)

    def __enter__(self) -> DuckDbMemoryDb:
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

    # ----------------------------------------------------------------- memories: writes
    def add_memory(self, user_id: str, memory: UserMemory, *, cause: str = "api") -> UserMemory:
        """Store one memory for `user_id` and record an `add` event; return it with its id.

        A memory that already carries a `memory_id` is upserted (see `upsert_memories`).
        """
        _check_user(user_id)
        if memory.memory_id is not None or not self._write_behind:
            return self.upsert_memories(user_id, [memory], cause=cause)[0]
        if self._conn.closed:
            self._conn.cursor()  # raises the closed-store error
        stored = memory.model_copy(update={"memory_id": new_id()})
        row = _memory_row(user_id, stored)
        event = (new_id(), user_id, stored.memory_id, "add", "applied", None, stored.memory,
                 list(stored.source_message_ids), cause, None, naive_utc(utcnow()))
        with self._buffer_lock:
            self._pending_memories.append(row)
            self._pending_events.append(event)
            if len(self._pending_memories) >= self._flush_rows:
                self.flush()
            elif self._timer is None:
                self._timer = threading.Timer(self._flush_interval_s, self._flush_quietly)
                self._timer.daemon = True
                self._timer.start()
        return stored

    def _flush_quietly(self) -> None:
        # A timer thread has no caller to raise to; the next foreground flush retries and raises.
        try:
            self.flush()
        except (StoreError, duckdb.Error):
            pass

    def upsert_memories(
        self, user_id: str, memories: Sequence[UserMemory], *, cause: str = "api"
    ) -> list[UserMemory]:
        """Insert new memories and replace existing ones of `user_id`, in one transaction.

        Raises:
            ConfigError: a memory id belongs to another user, or appears twice; nothing is
                written.
        """
        _check_user(user_id)
        stored = [m if m.memory_id else m.model_copy(update={"memory_id": new_id()}) for m in memories]
        ids = [m.memory_id for m in stored]
        if len(set(ids)) != len(ids):
            raise ConfigError("upsert_memories got the same memory_id twice; give each memory once")
        cur = self._cur()
        existing = {
            r[0]: (r[1], r[2])
            for r in cur.execute(
                "SELECT memory_id, user_id, memory FROM memories WHERE memory_id IN (SELECT unnest(?))",
                [ids],
            ).fetchall()
        }
        foreign = [i for i, (owner, _) in existing.items() if owner != user_id]
        if foreign:
            raise ConfigError(
                f"memory id {foreign[0]!r} belongs to another user, not {user_id!r}; "
                "leave memory_id empty to add a new memory"
            )
        now = naive_utc(utcnow())
        new_rows, changed_rows, events = [], [], []
        for m in stored:
            before = existing.get(m.memory_id or "")
            op = "update" if before else "add"
            (changed_rows if before else new_rows).append(_memory_row(user_id, m))
            events.append((new_id(), user_id, m.memory_id, op, "applied", before[1] if before else None,
                           m.memory, list(m.source_message_ids), cause, None, now))
        with self._conn.transaction() as cur:
            if new_rows:
                _insert_arrow(cur, "memories", MEMORY_COLUMNS, memories_table(new_rows))
            if changed_rows:
                cur.register("_changed", memories_table(changed_rows))
                try:
                    cur.execute(
                        "UPDATE memories SET memory = c.memory, topics = c.topics, input = c.input,"
                        " source_message_ids = c.source_message_ids, updated_at = c.updated_at"
                        " FROM _changed c WHERE memories.memory_id = c.memory_id"
                    )
                finally:
                    cur.unregister("_changed")
            _insert_arrow(cur, "memory_events", EVENT_COLUMNS, events_table(events))
        return stored

    def import_memories_df(self, df: pd.DataFrame, *, user_id: str | None = None, cause: str = "import") -> int:
        """Bulk-add memories from a DataFrame in one transaction; return how many were added.

        Columns: `memory` (required), `user_id` (required unless given as argument), and
        optionally `topics`, `input`, `source_message_ids`, `created_at`, `updated_at`.
        """
        if "memory" not in df.columns:
            raise ConfigError(f"import_memories_df needs a 'memory' column; the frame has {list(df.columns)}")
        if user_id is None and "user_id" not in df.columns:
            raise ConfigError("import_memories_df needs a 'user_id' column or the user_id= argument")
        texts = df["memory"].tolist()
        bad = [i for i, t in zip(df.index, texts, strict=True) if not isinstance(t, str) or not t.strip()]
        if bad:
            raise ConfigError(f"rows {bad[:10]} of the frame have an empty or non-text 'memory'; nothing was imported")
        users = [user_id] if user_id is not None else df["user_id"].unique().tolist()
        for u in users:
            _check_user(u)
        batch = pd.DataFrame({"memory": df["memory"].to_numpy()})
        batch["user_id"] = user_id if user_id is not None else df["user_id"].to_numpy()
        for name in ("topics", "source_message_ids", "input"):
            if name in df.columns:
                batch[name] = df[name].to_numpy()
        for name in ("created_at", "updated_at"):
            if name in df.columns:
                try:
                    stamps = pd.to_datetime(df[name], utc=True, format="ISO8601").dt.tz_localize(None)
                except (ValueError, TypeError) as exc:
                    raise ConfigError(
                        f"column {name!r} holds a value that is not an ISO 8601 time: {exc}; "
                        "nothing was imported"
                    ) from exc
                batch[name] = stamps.to_numpy()

        def pick(name: str, default: str, cast: str) -> str:
            return f"{name}::{cast} AS {name}" if name in batch.columns else f"{default} AS {name}"

        # Ids are made in SQL: uuid4() in Python costs more than the whole insert.
        select = ", ".join([
            "uuid()::VARCHAR AS memory_id", "user_id::VARCHAR AS user_id", "memory::VARCHAR AS memory",
            pick("topics", "[]::VARCHAR[]", "VARCHAR[]"), pick("input", "NULL", "VARCHAR"),
            pick("source_message_ids", "[]::VARCHAR[]", "VARCHAR[]"),
            pick("created_at", "$now", "TIMESTAMP"), pick("updated_at", "$now", "TIMESTAMP"),
        ])
        self.flush()
        now = naive_utc(utcnow())
        with self._conn.transaction() as cur:
            cur.register("_import_src", batch)
            try:
                cur.execute(
                    f"CREATE TEMP TABLE _import AS SELECT {select} FROM _import_src", {"now": now}
                )
            finally:
                cur.unregister("_import_src")
            cur.execute(f"INSERT INTO memories ({MEMORY_COLUMNS}) SELECT {MEMORY_COLUMNS} FROM _import")
            cur.execute(
                f"INSERT INTO memory_events ({EVENT_COLUMNS}) SELECT uuid()::VARCHAR, user_id,"
                " memory_id, 'add', 'applied', NULL, memory, coalesce(source_message_ids, []),"
                " $cause, NULL, $now FROM _import",
                {"cause": cause, "now": now},
            )
            cur.execute("DROP TABLE _import")
        return len(batch)

    def delete_memory(self, user_id: str, memory_id: str, *, cause: str = "api") -> UserMemory:
        """Delete one memory of `user_id`, record a `delete` event, and return what was deleted.

        Raises:
            NotFoundError: `user_id` has no memory with that id (another user's id included).
        """
        _check_user(user_id)
        old = self.get_memory(user_id, memory_id)
        if old is None:
            raise _not_found(memory_id, user_id)
        with self._conn.transaction() as cur:
            cur.execute("DELETE FROM memories WHERE memory_id = ? AND user_id = ?", [memory_id, user_id])
            _insert_events(cur, [MemoryEvent(user_id=user_id, memory_id=memory_id, op="delete",
                                             before=old.memory, cause=cause)])
        return old

    def apply_ops(self, user_id: str, ops: Sequence[MemoryOp], *, cause: str) -> list[MemoryEvent]:
        """Apply a model's memory ops for `user_id` in one transaction; return one event per op.

        An op naming an unknown id, another user's id, or carrying empty text is rejected:
        it is recorded in `memory_events` with `status="rejected"` and the reason, and the valid
        ops of the same batch still apply.
        """
        _check_user(user_id)
        cur = self._cur()
        named = [op.memory_id for op in ops if op.memory_id]
        found = {
            r[0]: (r[1], r[2])
            for r in cur.execute(
                "SELECT memory_id, user_id, memory FROM memories WHERE memory_id IN (SELECT unnest(?))",
                [named],
            ).fetchall()
        }
        events: list[MemoryEvent] = []
        now = utcnow()
        deleted: set[str] = set()
        with self._conn.transaction() as cur:
            for op in ops:
                event = _check_op(op, user_id, found, deleted)
                event = event.model_copy(update={"cause": cause, "created_at": now})
                if event.status == "applied":
                    _apply(cur, user_id, op, event, now)
                    if op.op == "delete" and op.memory_id:
                        deleted.add(op.memory_id)
                events.append(event)
            _insert_events(cur, events)
        return events

    def clear(self, user_id: str | None = None, *, all_users: bool = False) -> None:
        """Delete memories, runs, messages and summaries of one user, or of all with `all_users=True`.

        The event history and the LLM ledger stay: they are the audit trail. A cleared memory
        gets a `delete` event with cause "clear".
        """
        if user_id is None and not all_users:
            raise ConfigError("clear() needs user_id=..., or all_users=True to clear every user")
        where, params = ("", []) if user_id is None else (" WHERE user_id = ?", [_check_user(user_id)])
        self.flush()
        with self._conn.transaction() as cur:
            cur.execute(
                "INSERT INTO memory_events (" + EVENT_COLUMNS + ") SELECT uuid()::VARCHAR, user_id,"
                " memory_id, 'delete', 'applied', memory, NULL, source_message_ids, 'clear', NULL,"
                " now()::TIMESTAMP FROM memories" + where,
                params,
            )
            for table in ("memories", "messages", "runs", "summaries"):
                cur.execute(f"DELETE FROM {table}{where}", params)

    # ----------------------------------------------------------------- memories: reads
    def get_memory(self, user_id: str, memory_id: str) -> UserMemory | None:
        """Return one memory of `user_id`, or None when that user has no such id."""
        _check_user(user_id)
        row = self._cur().execute(
            f"SELECT {MEMORY_COLUMNS} FROM memories WHERE memory_id = ? AND user_id = ?",
            [memory_id, user_id],
        ).fetchone()
        return memory_from_row(row) if row else None

    def list_memories(
        self,
        user_id: str,
        *,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[UserMemory]:
        """Memories of `user_id` by last update: the oldest first, or the `limit` newest.

        With `order="newest"` the newest `limit` memories are returned, still oldest first, as
        agno's `last_n` does. The sort and limit run in SQL.
        """
        _check_user(user_id)
        _check_limit(limit)
        direction = "DESC" if order == "newest" else "ASC"
        sql = (f"SELECT {MEMORY_COLUMNS} FROM memories WHERE user_id = ?"
               f" ORDER BY updated_at {direction}, seq {direction}")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = [memory_from_row(r) for r in self._cur().execute(sql, [user_id]).fetchall()]
        return rows[::-1] if order == "newest" else rows

    def count_memories(self, user_id: str) -> int:
        """How many memories `user_id` has."""
        _check_user(user_id)
        row = self._cur().execute("SELECT count(*) FROM memories WHERE user_id = ?", [user_id]).fetchone()
        return int(row[0]) if row else 0

    # ----------------------------------------------------------------- runs and messages
    def add_runs(self, runs: Iterable[Run]) -> None:
        """Store runs with their messages, all in one transaction."""
        runs = list(runs)
        for run in runs:
            _check_user(run.user_id)
        self.flush()
        with self._conn.transaction() as cur:
            for run in runs:
                cur.execute(
                    "INSERT INTO runs (run_id, session_id, user_id, status, created_at) VALUES (?, ?, ?, ?, ?)",
                    [run.run_id, run.session_id, run.user_id, run.status, naive_utc(run.created_at)],
                )
                if run.messages:
                    cur.register("_msgs", messages_table(run.user_id, run.run_id, run.session_id, run.messages))
                    try:
                        cur.execute("INSERT INTO messages SELECT * FROM _msgs")
                    finally:
                        cur.unregister("_msgs")

    def get_runs(self, user_id: str, session_id: str | None = None, *, last_n: int | None = None) -> list[Run]:
        """Runs of `user_id` (optionally one session) in order, with their messages."""
        _check_user(user_id)
        _check_limit(last_n)
        where, params = "user_id = ?", [user_id]
        if session_id is not None:
            where, params = where + " AND session_id = ?", [*params, session_id]
        sql = f"SELECT run_id, session_id, status, created_at FROM runs WHERE {where} ORDER BY seq DESC"
        if last_n is not None:
            sql += f" LIMIT {int(last_n)}"
        cur = self._cur()
        heads = cur.execute(sql, params).fetchall()[::-1]
        if not heads:
            return []
        by_run: dict[str, list[Message]] = {h[0]: [] for h in heads}
        for row in cur.execute(
            f"SELECT run_id, {MESSAGE_COLUMNS} FROM messages WHERE user_id = ? AND run_id IN (SELECT unnest(?))"
            " ORDER BY position",
            [user_id, list(by_run)],
        ).fetchall():
            by_run[row[0]].append(message_from_row(row[1:]))
        return [
            Run(run_id=r, session_id=s, user_id=user_id, status=st, created_at=c, messages=by_run[r])
            for r, s, st, c in heads
        ]

    # ----------------------------------------------------------------- summaries
    def upsert_summary(self, summary: SessionSummary) -> None:
        """Store (or replace) the summary of one session."""
        _check_user(summary.user_id)
        with self._conn.transaction() as cur:
            cur.execute("DELETE FROM summaries WHERE user_id = ? AND session_id = ?",
                        [summary.user_id, summary.session_id])
            cur.execute(
                "INSERT INTO summaries VALUES (?, ?, ?, ?, ?, ?)",
                [summary.user_id, summary.session_id, summary.summary, summary.topics,
                 summary.run_ids, naive_utc(summary.updated_at)],
            )

    def get_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """The summary of one session of `user_id`, or None."""
        _check_user(user_id)
        row = self._cur().execute(
            "SELECT user_id, session_id, summary, topics, run_ids, updated_at FROM summaries"
            " WHERE user_id = ? AND session_id = ?",
            [user_id, session_id],
        ).fetchone()
        return summary_from_row(row) if row else None

    def list_summaries(self, user_id: str) -> list[SessionSummary]:
        """Every session summary of `user_id`, oldest update first."""
        _check_user(user_id)
        rows = self._cur().execute(
            "SELECT user_id, session_id, summary, topics, run_ids, updated_at FROM summaries"
            " WHERE user_id = ? ORDER BY updated_at",
            [user_id],
        ).fetchall()
        return [summary_from_row(r) for r in rows]

    def delete_summary(self, user_id: str, session_id: str) -> bool:
        """Delete one session summary; return whether one existed."""
        _check_user(user_id)
        with self._conn.transaction() as cur:
            row = cur.execute(
                "DELETE FROM summaries WHERE user_id = ? AND session_id = ? RETURNING session_id",
                [user_id, session_id],
            ).fetchall()
        return bool(row)

    # ----------------------------------------------------------------- LLM ledger and cache
    def record_llm_call(self, call: LlmCall) -> None:
        """Append one row to the `llm_calls` ledger."""
        data = call.model_dump()
        data["created_at"] = naive_utc(call.created_at)
        cols = list(data)
        self._cur().execute(
            f"INSERT INTO llm_calls ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            list(data.values()),
        )

    def cache_get(self, request_hash: str) -> CachedResponse | None:
        """The cached response for a request hash, or None."""
        row = self._cur().execute(
            "SELECT response, input_tokens, output_tokens, cost_usd FROM llm_cache WHERE request_hash = ?",
            [request_hash],
        ).fetchone()
        return CachedResponse(row) if row else None

    def cache_put(
        self,
        request_hash: str,
        *,
        model: str,
        response: str,
        input_tokens: int | None,
        output_tokens: int | None,
        cost_usd: float | None,
    ) -> None:
        """Store a response under its request hash (the first answer wins)."""
        self._cur().execute(
            "INSERT INTO llm_cache VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [request_hash, model, response, input_tokens, output_tokens, cost_usd, naive_utc(utcnow())],
        )

    # ----------------------------------------------------------------- analysis frames
    def sql_df(self, query: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a read query (parameterized) and return a DataFrame, for ad-hoc analysis."""
        return self._cur().execute(query, list(params or [])).df()

    def memories_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Memories: memory_id, user_id, memory, topics, input, source_message_ids, created_at, updated_at."""
        return frame(self._cur(), FRAME_QUERIES["memories"], user_id)

    def events_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Memory history: event_id, user_id, memory_id, op, status, before, after, source_message_ids, cause, reason, created_at."""
        return frame(self._cur(), FRAME_QUERIES["events"], user_id)

    def runs_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Runs: run_id, session_id, user_id, status, created_at, n_messages."""
        return frame(self._cur(), FRAME_QUERIES["runs"], user_id)

    def messages_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Messages: message_id, run_id, session_id, user_id, position, role, content, name, created_at."""
        return frame(self._cur(), FRAME_QUERIES["messages"], user_id)

    def summaries_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Summaries: user_id, session_id, summary, topics, run_ids, updated_at."""
        return frame(self._cur(), FRAME_QUERIES["summaries"], user_id)

    def llm_calls_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """The LLM ledger: one row per call, columns as in `LlmCall`, plus `is_baseline`."""
        return frame(self._cur(), FRAME_QUERIES["llm_calls"], user_id)


# --------------------------------------------------------------------- helpers
def _memory_row(user_id: str, m: UserMemory) -> tuple[Any, ...]:
    return (m.memory_id, user_id, m.memory, list(m.topics), m.input, list(m.source_message_ids),
            naive_utc(m.created_at), naive_utc(m.updated_at))


def _insert_arrow(cur: duckdb.DuckDBPyConnection, table: str, columns: str, data: Any) -> None:
    name = f"_batch_{table}"
    cur.register(name, data)
    try:
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {name}")
    finally:
        cur.unregister(name)


def _insert_events(cur: duckdb.DuckDBPyConnection, events: Sequence[MemoryEvent]) -> None:
    if not events:
        return
    rows = [(e.event_id, e.user_id, e.memory_id, e.op, e.status, e.before, e.after,
             list(e.source_message_ids), e.cause, e.reason, naive_utc(e.created_at)) for e in events]
    _insert_arrow(cur, "memory_events", EVENT_COLUMNS, events_table(rows))


def _not_found(memory_id: str, user_id: str) -> NotFoundError:
    return NotFoundError(
        f"user {user_id!r} has no memory with id {memory_id!r}; "
        "list the user's ids with get_user_memories(user_id=...)"
    )


def _check_op(
    op: MemoryOp, user_id: str, found: dict[str, tuple[str, str]], deleted: set[str]
) -> MemoryEvent:
    def rejected(reason: str) -> MemoryEvent:
        return MemoryEvent(user_id=user_id, memory_id=op.memory_id, op=op.op, after=op.memory,
                           source_message_ids=op.source_message_ids, status="rejected", reason=reason)

    if op.op in ("add", "update") and not (op.memory or "").strip():
        return rejected(f"{op.op} with empty memory text")
    before: str | None = None
    if op.op in ("update", "delete") or (op.op == "noop" and op.memory_id):
        if not op.memory_id:
            return rejected(f"{op.op} without a memory_id")
        owner = found.get(op.memory_id)
        if owner is None:
            return rejected(f"unknown memory id {op.memory_id!r}")
        if owner[0] != user_id:
            return rejected(f"memory id {op.memory_id!r} belongs to another user")
        if op.memory_id in deleted:
            return rejected(f"memory id {op.memory_id!r} was deleted earlier in the same batch")
        before = owner[1]
    memory_id = new_id() if op.op == "add" else op.memory_id
    after = None if op.op == "delete" else (op.memory if op.op != "noop" else before)
    return MemoryEvent(user_id=user_id, memory_id=memory_id, op=op.op, before=before, after=after,
                       source_message_ids=op.source_message_ids)


def _apply(cur: duckdb.DuckDBPyConnection, user_id: str, op: MemoryOp, event: MemoryEvent, now: Any) -> None:
    ts = naive_utc(now)
    if op.op == "add":
        cur.execute(
            f"INSERT INTO memories ({MEMORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [event.memory_id, user_id, op.memory, op.topics, None, op.source_message_ids, ts, ts],
        )
    elif op.op == "update":
        cur.execute(
            # An op that names no topics or sources keeps the memory's own.
            "UPDATE memories SET memory = ?, topics = coalesce(?, topics),"
            " source_message_ids = coalesce(?, source_message_ids), updated_at = ?"
            " WHERE memory_id = ? AND user_id = ?",
            [op.memory, op.topics or None, op.source_message_ids or None, ts, op.memory_id, user_id],
        )
    elif op.op == "delete":
        cur.execute("DELETE FROM memories WHERE memory_id = ? AND user_id = ?", [op.memory_id, user_id])

