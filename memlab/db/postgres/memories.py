"""Memories of a user on PostgreSQL: adds, upserts, deletes, reads and clear, with their events.

Every write is one transaction that also appends to `memory_events`. Concurrent writers are
the normal case: ownership checks lock the rows they read (`FOR UPDATE`), so a memory another
process deletes meanwhile is either gone when read or waited for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import psycopg

from memlab.db.postgres.core import (
    BUMP_SQL,
    MEMORY_COLUMNS,
    MEMORY_INSERT_COLUMNS,
    PgCore,
    bumped,
    memory_from_row,
    memory_row,
    utc,
)
from memlab.db.store_core import check_limit, check_user
from memlab.db.text import check_memory, check_text
from memlab.errors import ConfigError
from memlab.schema import MemoryEvent, UserMemory, new_id, utcnow

__all__ = ["EVENT_COLUMNS", "PgMemoriesMixin", "copy_rows", "event_row"]

EVENT_COLUMNS = (
    "event_id, user_id, memory_id, op, status, before, after, source_message_ids, cause, reason,"
    " created_at"
)
Cursor = psycopg.Cursor[tuple[object, ...]]
# Above this many rows, COPY beats a multi-row INSERT.
_COPY_ROWS = 64


def event_row(e: MemoryEvent) -> tuple[Any, ...]:
    """The `memory_events` row of `e`, in `EVENT_COLUMNS` order."""
    return (
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
        utc(e.created_at),
    )


# Column types of the tables written in bulk, in their insert columns' order: with them COPY
# goes binary and psycopg picks each column's dumper once, not once per value (a third of a
# 10k-memory upsert's client time went to dumper lookups and text quoting).
_COPY_TYPES: dict[str, list[str]] = {
    MEMORY_INSERT_COLUMNS: [
        "text", "text", "text", "text[]", "text", "text[]", "timestamptz", "timestamptz", "text"
    ],
    EVENT_COLUMNS: [
        "text", "text", "text", "text", "text", "text", "text", "text[]", "text", "text",
        "timestamptz",
    ],
}  # fmt: skip


def copy_rows(cur: Cursor, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows in one statement: a multi-row INSERT for a few, COPY for many."""
    if not rows:
        return
    if len(rows) > _COPY_ROWS:
        stream_rows(cur, table, columns, rows)
        return
    width = len(rows[0])
    marks = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(rows))
    cur.execute(
        f"INSERT INTO {table} ({columns}) VALUES {marks}",
        [v for row in rows for v in row],
    )


def stream_rows(cur: Cursor, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows as `rows` yields them: the server indexes early rows while later ones are made."""
    types = _COPY_TYPES.get(columns)
    binary = " (FORMAT BINARY)" if types else ""
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN{binary}") as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


class PgMemoriesMixin(PgCore):
    """Memory rows and their `memory_events` history."""

    def add_memory(self, user_id: str, memory: UserMemory, *, cause: str = "api") -> UserMemory:
        """Store one memory for `user_id` with an `add` event; return it with its id.

        A memory that already carries a `memory_id` is upserted (see `upsert_memories`).
        """
        check_user(user_id)
        check_memory(memory)
        if memory.memory_id is not None:
            return self.upsert_memories(user_id, [memory], cause=cause)[0]
        stored = memory.model_copy(update={"memory_id": new_id()})
        row = memory_row(user_id, stored)
        event = MemoryEvent(
            user_id=user_id,
            memory_id=stored.memory_id,
            op="add",
            after=stored.memory,
            source_message_ids=stored.source_message_ids,
            cause=cause,
        )

        def write(cur: Cursor) -> int:
            # One round trip: an agent adds one fact per turn.
            cur.execute(
                f"WITH m AS (INSERT INTO memories ({MEMORY_INSERT_COLUMNS})"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)),"
                f" e AS (INSERT INTO memory_events ({EVENT_COLUMNS})"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s))"
                f" {BUMP_SQL}",
                [*row, *event_row(event), user_id],
            )
            return bumped(cur)

        version = self._pool.atomic(write, what=f"adding a memory of user {user_id!r}")
        self.note_change(user_id, version, appended=[stored])
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
        given = [m.memory_id for m in memories if m.memory_id]

        def write(cur: Cursor) -> tuple[list[UserMemory], int]:
            replaced.clear()  # a retried transaction starts again
            existing: dict[str, tuple[str, str, Any]] = {}
            if given:
                cur.execute(
                    "SELECT memory_id, user_id, memory, created_at FROM memories"
                    " WHERE memory_id = ANY(%s::text[]) FOR UPDATE",
                    [given],
                )
                existing = {str(r[0]): (str(r[1]), str(r[2]), r[3]) for r in cur.fetchall()}
            foreign = [i for i, (owner, _, _) in existing.items() if owner != user_id]
            if foreign:
                raise ConfigError(
                    f"memory id {foreign[0]!r} belongs to another user, not {user_id!r}; "
                    "leave memory_id empty to add a new memory"
                )
            now = utcnow()
            new: list[UserMemory] = []
            events, result = [], []
            for m in stored:
                before = existing.get(m.memory_id or "")
                if before:
                    m = m.model_copy(update={"created_at": utc(before[2])})
                    row = memory_row(user_id, m)
                    cur.execute(
                        "UPDATE memories SET memory = %s, topics = %s, input = %s,"
                        " source_message_ids = %s, updated_at = %s, content_hash = %s"
                        " WHERE memory_id = %s",
                        [*row[2:6], row[7], row[8], m.memory_id],
                    )
                else:
                    new.append(m)
                result.append(m)
                # A tuple in EVENT_COLUMNS order: a MemoryEvent per row costs more than the row.
                events.append(
                    (new_id(), user_id, m.memory_id, "update" if before else "add", "applied",
                     before[1] if before else None, m.memory, list(m.source_message_ids), cause,
                     None, now)
                )  # fmt: skip
            rows = (memory_row(user_id, m) for m in new)  # made while the COPY streams
            if len(new) > _COPY_ROWS:
                stream_rows(cur, "memories", MEMORY_INSERT_COLUMNS, rows)
            else:
                copy_rows(cur, "memories", MEMORY_INSERT_COLUMNS, list(rows))
            copy_rows(cur, "memory_events", EVENT_COLUMNS, events)
            cur.execute(BUMP_SQL, [user_id])
            replaced.extend(existing)
            return result, bumped(cur)

        replaced: list[str] = []
        result, version = self._pool.atomic(
            write, what=f"upserting {len(stored)} memories of user {user_id!r}"
        )
        self.note_change(user_id, version, removed=replaced, appended=result)
        return result

    def delete_memory(
        self, user_id: str, memory_id: str, *, cause: str = "api"
    ) -> UserMemory | None:
        """Delete one memory of `user_id` with a `delete` event; return it, or None."""
        check_user(user_id)
        check_text("memory_id", memory_id)

        def delete(cur: Cursor) -> tuple[UserMemory, int] | None:
            cur.execute(
                f"DELETE FROM memories WHERE memory_id = %s AND user_id = %s"
                f" RETURNING {MEMORY_COLUMNS}",
                [memory_id, user_id],
            )
            row = cur.fetchone()
            if row is None:
                return None
            old = memory_from_row(row)
            event = MemoryEvent(
                user_id=user_id, memory_id=memory_id, op="delete", before=old.memory, cause=cause
            )
            copy_rows(cur, "memory_events", EVENT_COLUMNS, [event_row(event)])
            cur.execute(BUMP_SQL, [user_id])
            return old, bumped(cur)

        done = self._pool.atomic(delete, what=f"deleting memory {memory_id!r} of {user_id!r}")
        if done is None:
            return None
        self.note_change(user_id, done[1], removed=[memory_id])
        return done[0]

    def clear(self, user_id: str | None = None, *, all_users: bool = False) -> None:
        """Delete memories, runs, messages and summaries of one user (or all, with `all_users`).

        The event history and the ledger stay; a cleared memory gets a `delete` event with
        cause "clear".
        """
        if user_id is None and not all_users:
            raise ConfigError("clear() needs user_id=..., or all_users=True to clear every user")
        where, params = (
            ("", []) if user_id is None else (" WHERE user_id = %s", [check_user(user_id)])
        )

        def clear(cur: Cursor) -> None:
            cur.execute(
                f"INSERT INTO memory_events ({EVENT_COLUMNS}) SELECT gen_random_uuid()::text,"
                " user_id, memory_id, 'delete', 'applied', memory, NULL, source_message_ids,"
                f" 'clear', NULL, now() FROM (SELECT * FROM memories{where} ORDER BY seq) m",
                params,
            )
            for table in ("memories", "messages", "runs", "summaries"):
                cur.execute(f"DELETE FROM {table}{where}", params)
            if user_id is None:
                cur.execute(
                    "UPDATE memory_versions SET version = version + 1,"
                    " data_version = data_version + 1"
                )
            else:
                cur.execute(BUMP_SQL, params)

        self._pool.atomic(clear, what=f"clearing {'every user' if user_id is None else user_id}")

    def get_memory(self, user_id: str, memory_id: str) -> UserMemory | None:
        """One memory of `user_id`, or None when that user has no such id."""
        check_user(user_id)
        check_text("memory_id", memory_id)

        def read(cur: Cursor) -> UserMemory | None:
            cur.execute(
                f"SELECT {MEMORY_COLUMNS} FROM memories WHERE memory_id = %s AND user_id = %s",
                [memory_id, user_id],
            )
            row = cur.fetchone()
            return memory_from_row(row) if row else None

        return self._pool.read(read)

    def list_memories(
        self,
        user_id: str,
        *,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[UserMemory]:
        """Memories of `user_id` by last update: the oldest first, or the `limit` newest.

        With `order="newest"` the newest `limit` come back still oldest first (agno's last_n).
        """
        check_user(user_id)
        check_limit(limit)
        direction = "DESC" if order == "newest" else "ASC"
        query = (
            f"SELECT {MEMORY_COLUMNS} FROM memories WHERE user_id = %s"
            f" ORDER BY updated_at {direction}, seq {direction}"
        )
        if limit is not None:
            query += f" LIMIT {int(limit)}"

        def read(cur: Cursor) -> list[UserMemory]:
            cur.execute(query, [user_id])
            return [memory_from_row(r) for r in cur.fetchall()]

        rows = self._pool.read(read)
        return rows[::-1] if order == "newest" else rows

    def count_memories(self, user_id: str) -> int:
        """How many memories `user_id` has."""
        check_user(user_id)

        def read(cur: Cursor) -> int:
            cur.execute("SELECT count(*) FROM memories WHERE user_id = %s", [user_id])
            row = cur.fetchone()
            return int(row[0]) if row else 0  # type: ignore[call-overload]

        return self._pool.read(read)
