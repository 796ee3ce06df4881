"""Memories of a user: single and batched writes, scoped reads, clear, and their frames."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import duckdb
import pandas as pd

from memlab.db.connection import registered
from memlab.db.frames import FRAME_QUERIES, frame
from memlab.db.rows import (
    EVENT_COLUMNS,
    MEMORY_COLUMNS,
    events_table,
    memories_table,
    memory_from_row,
    naive_utc,
)
from memlab.db.store_core import (
    NEWEST_CACHE_ROWS,
    StoreCore,
    check_limit,
    check_user,
    insert_arrow,
)
from memlab.db.text import check_memory, check_text
from memlab.errors import ConfigError
from memlab.schema import MemoryEvent, UserMemory, new_id, utcnow

__all__ = ["MemoriesMixin", "insert_events", "memory_row"]


class MemoriesMixin(StoreCore):
    """Memory rows and their `memory_events` history."""

    def add_memory(self, user_id: str, memory: UserMemory, *, cause: str = "api") -> UserMemory:
        """Store one memory for `user_id` and record an `add` event; return it with its id.

        A memory that already carries a `memory_id` is upserted (see `upsert_memories`).
        """
        check_user(user_id)
        check_memory(memory)
        if memory.memory_id is not None or not self._write_behind:
            return self.upsert_memories(user_id, [memory], cause=cause)[0]
        if self._conn.closed:
            self._conn.cursor()  # raises the closed-store error
        stored = memory.model_copy(update={"memory_id": new_id()})
        row = memory_row(user_id, stored)
        event = (
            new_id(),
            user_id,
            stored.memory_id,
            "add",
            "applied",
            None,
            stored.memory,
            list(stored.source_message_ids),
            cause,
            None,
            naive_utc(utcnow()),
        )
        with self._buffer_lock:
            self._pending_memories.append(row)
            self._pending_events.append(event)
            self._buffered()
            self.changed(user_id, exact=True, appended=[stored])
            self._memory_rows.put(user_id, [(row[0], row)])
        return stored

    def upsert_memories(
        self, user_id: str, memories: Sequence[UserMemory], *, cause: str = "api"
    ) -> list[UserMemory]:
        """Insert new memories and replace existing ones of `user_id`, in one transaction.

        Raises:
            ConfigError: a memory id belongs to another user, or appears twice; nothing is
                written.
        """
        check_user(user_id)
        for i, m in enumerate(memories):
            check_memory(m, where=f"memories[{i}]")
        stored = [
            m if m.memory_id else m.model_copy(update={"memory_id": new_id()}) for m in memories
        ]
        ids = [m.memory_id for m in stored]
        if len(set(ids)) != len(ids):
            raise ConfigError("upsert_memories got the same memory_id twice; give each memory once")
        self._flush_data()

        def write(cur: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
            """Write; return every row as now stored (a replaced row keeps its created_at)."""
            # The ownership check reads inside the transaction that writes, so a concurrent
            # delete either happened before (the id is new again) or conflicts and is retried.
            existing = {
                r[0]: (r[1], r[2], r[3])
                for r in cur.execute(
                    "SELECT memory_id, user_id, memory, created_at FROM memories"
                    " WHERE memory_id IN (SELECT unnest(?))",
                    [ids],
                ).fetchall()
            }
            foreign = [i for i, (owner, _, _) in existing.items() if owner != user_id]
            if foreign:
                raise ConfigError(
                    f"memory id {foreign[0]!r} belongs to another user, not {user_id!r}; "
                    "leave memory_id empty to add a new memory"
                )
            now = naive_utc(utcnow())
            new_rows: list[tuple[Any, ...]] = []
            changed_rows: list[tuple[Any, ...]] = []
            written: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            for m in stored:
                before = existing.get(m.memory_id or "")
                row = memory_row(user_id, m)
                if before:
                    row = (*row[:6], before[2], row[7])  # the UPDATE keeps created_at
                (changed_rows if before else new_rows).append(row)
                written.append(row)
                events.append(
                    (
                        new_id(),
                        user_id,
                        m.memory_id,
                        "update" if before else "add",
                        "applied",
                        before[1] if before else None,
                        m.memory,
                        list(m.source_message_ids),
                        cause,
                        None,
                        now,
                    )
                )
            if new_rows:
                insert_arrow(cur, "memories", MEMORY_COLUMNS, memories_table(new_rows))
            if changed_rows:
                with registered(cur, "_changed", memories_table(changed_rows)):
                    cur.execute(
                        "UPDATE memories SET memory = c.memory, topics = c.topics, input = c.input,"
                        " source_message_ids = c.source_message_ids, updated_at = c.updated_at"
                        " FROM _changed c WHERE memories.memory_id = c.memory_id"
                    )
            insert_arrow(cur, "memory_events", EVENT_COLUMNS, events_table(events))
            return written

        written = self._conn.atomic(
            write, what=f"upserting {len(stored)} memories of user {user_id!r}"
        )
        with self._buffer_lock:
            self.changed(
                user_id,
                exact=True,
                removed=[m.memory_id for m in stored if m.memory_id],
                # As stored: a replaced memory keeps its created_at, times come back in UTC.
                appended=sorted(map(memory_from_row, written), key=lambda m: m.updated_at),
            )
            self._memory_rows.put(user_id, [(r[0], r) for r in written])
        return stored

    def delete_memory(
        self, user_id: str, memory_id: str, *, cause: str = "api"
    ) -> UserMemory | None:
        """Delete one memory of `user_id`, record a `delete` event, and return what was deleted.

        Returns None when `user_id` has no memory with that id (another user's id included),
        as `get_memory` does; `Memory.delete_user_memory` turns that into `NotFoundError`.
        """
        check_user(user_id)
        check_text("memory_id", memory_id)
        self._flush_data()

        def delete(cur: duckdb.DuckDBPyConnection) -> UserMemory | None:
            rows = cur.execute(
                "DELETE FROM memories WHERE memory_id = ? AND user_id = ?"
                f" RETURNING {MEMORY_COLUMNS}",
                [memory_id, user_id],
            ).fetchall()
            if not rows:
                return None
            old = memory_from_row(rows[0])
            event = MemoryEvent(
                user_id=user_id, memory_id=memory_id, op="delete", before=old.memory, cause=cause
            )
            insert_events(cur, [event])
            return old

        old = self._conn.atomic(delete, what=f"deleting memory {memory_id!r} of user {user_id!r}")
        if old is not None:
            self.changed(user_id, exact=True, removed=[memory_id])
        return old

    def clear(self, user_id: str | None = None, *, all_users: bool = False) -> None:
        """Delete memories, runs, messages and summaries of one user (or all, with `all_users`).

        The event history and the LLM ledger stay: they are the audit trail. A cleared memory
        gets a `delete` event with cause "clear".
        """
        if user_id is None and not all_users:
            raise ConfigError("clear() needs user_id=..., or all_users=True to clear every user")
        where, params = (
            ("", []) if user_id is None else (" WHERE user_id = ?", [check_user(user_id)])
        )
        self._flush_data()

        def clear(cur: duckdb.DuckDBPyConnection) -> None:
            cur.execute(
                "INSERT INTO memory_events (" + EVENT_COLUMNS + ") SELECT uuid()::VARCHAR, user_id,"
                " memory_id, 'delete', 'applied', memory, NULL, source_message_ids, 'clear', NULL,"
                " now()::TIMESTAMP FROM memories" + where,
                params,
            )
            for table in ("memories", "messages", "runs", "summaries"):
                cur.execute(f"DELETE FROM {table}{where}", params)

        self._conn.atomic(clear, what=f"clearing {'every user' if user_id is None else user_id}")
        self.changed(user_id)

    def get_memory(self, user_id: str, memory_id: str) -> UserMemory | None:
        """Return one memory of `user_id`, or None when that user has no such id."""
        check_user(user_id)
        check_text("memory_id", memory_id)
        row = (
            self._data_cur()
            .execute(
                f"SELECT {MEMORY_COLUMNS} FROM memories WHERE memory_id = ? AND user_id = ?",
                [memory_id, user_id],
            )
            .fetchall()
        )
        return memory_from_row(row[0]) if row else None

    def list_memories(
        self,
        user_id: str,
        *,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[UserMemory]:
        """Memories of `user_id` by last update: the oldest first, or the `limit` newest.

        With `order="newest"` the newest `limit` memories are returned, still oldest first, as
        agno's `last_n` does. The sort and limit run in SQL; the newest few hundred of each
        user are also kept in process (`changed()` keeps them right), because DuckDB's top-N
        over 100k rows that arrive in time order costs ~7 ms.
        """
        check_user(user_id)
        check_limit(limit)
        if order == "newest" and limit is not None:
            return self._newest_memories(user_id, limit)
        direction = "DESC" if order == "newest" else "ASC"
        sql = (
            f"SELECT {MEMORY_COLUMNS} FROM memories WHERE user_id = ?"
            f" ORDER BY updated_at {direction}, seq {direction}"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = [memory_from_row(r) for r in self._data_cur().execute(sql, [user_id]).fetchall()]
        return rows[::-1] if order == "newest" else rows

    def _newest_memories(self, user_id: str, limit: int) -> list[UserMemory]:
        # The cache already holds buffered adds, so a hit needs no flush: an agent that adds
        # then recalls does not pay a commit per turn.
        if self.closed:
            self._conn.cursor()  # raises the closed-store error
        with self._buffer_lock:
            cached = self._newest.get(user_id)
            if cached is not None and (cached[1] or len(cached[0]) >= limit):
                return [m.model_copy() for m in cached[0][-limit:]]
        cur = self._data_cur()
        with self._buffer_lock:
            version = self._versions.get(user_id)
        # Fetch a little more than asked, so a few deletes do not send the next call to SQL.
        fetch = max(2 * limit, 32)
        rows = cur.execute(
            f"SELECT {MEMORY_COLUMNS} FROM memories WHERE user_id = ?"
            f" ORDER BY updated_at DESC, seq DESC LIMIT {int(fetch)}",
            [user_id],
        ).fetchall()
        newest = [memory_from_row(r) for r in reversed(rows)]
        with self._buffer_lock:
            # A write that raced the read leaves the cache empty rather than stale.
            if self._versions.get(user_id) == version and fetch <= NEWEST_CACHE_ROWS:
                self._newest[user_id] = (newest, len(rows) < fetch)
        return [m.model_copy() for m in newest[-limit:]]

    def count_memories(self, user_id: str) -> int:
        """How many memories `user_id` has."""
        check_user(user_id)
        row = (
            self._data_cur()
            .execute("SELECT count(*) FROM memories WHERE user_id = ?", [user_id])
            .fetchall()
        )
        return int(row[0][0]) if row else 0

    def memories_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Memories, one row each.

        Columns: memory_id, user_id, memory, topics, input, source_message_ids, created_at,
        updated_at (aware UTC).
        """
        return frame(self._cur(), FRAME_QUERIES["memories"], user_id)

    def events_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """The append-only memory history, oldest first.

        Columns: event_id, user_id, memory_id, op, status, before, after, source_message_ids,
        cause (an llm_calls id, "api", "import" or "clear"), reason, created_at.
        """
        return frame(self._cur(), FRAME_QUERIES["events"], user_id)


def memory_row(user_id: str, m: UserMemory) -> tuple[Any, ...]:
    """The `memories` row of `m`, in `MEMORY_COLUMNS` order."""
    return (
        m.memory_id,
        user_id,
        m.memory,
        list(m.topics),
        m.input,
        list(m.source_message_ids),
        naive_utc(m.created_at),
        naive_utc(m.updated_at),
    )


def insert_events(cur: duckdb.DuckDBPyConnection, events: Sequence[MemoryEvent]) -> None:
    """Append events to `memory_events` in one batch."""
    if not events:
        return
    rows = [
        (
            e.event_id,
            e.user_id,
            e.memory_id,
            e.op,
            e.status,
            e.before,
            e.after,
            list(e.source_message_ids),
            e.cause,
            e.reason,
            naive_utc(e.created_at),
        )
        for e in events
    ]
    insert_arrow(cur, "memory_events", EVENT_COLUMNS, events_table(rows))
