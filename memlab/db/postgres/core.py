"""The core of the PostgreSQL store: the pool, the migrations at open, and row conversions.

Timestamps are `TIMESTAMPTZ` read back in UTC; lists are `TEXT[]`; tool calls are JSON text,
as in the DuckDB store. A text PostgreSQL cannot hold (a lone surrogate, a NUL character) is
refused with a `ConfigError` naming the field before anything is sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg

from memlab.db.postgres.connection import Pool
from memlab.db.postgres.migrations import apply_pg_migrations
from memlab.schema import UserMemory

__all__ = [
    "BUMP_SQL",
    "MEMORY_COLUMNS",
    "PgCore",
    "content_hash",
    "memory_from_row",
    "memory_row",
    "utc",
]

MEMORY_COLUMNS = (
    "memory_id, user_id, memory, topics, input, source_message_ids, created_at, updated_at"
)
MEMORY_INSERT_COLUMNS = MEMORY_COLUMNS + ", content_hash"


def utc(value: datetime) -> datetime:
    """`value` as an aware UTC datetime (naive values are taken as UTC, as memlab's are)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def content_hash(text: str) -> str:
    """Hex SHA-256 of the UTF-8 text: the key of a text's vector, as in the DuckDB store."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def memory_row(user_id: str, m: UserMemory) -> tuple[Any, ...]:
    """The `memories` row of `m`, in `MEMORY_INSERT_COLUMNS` order."""
    return (
        m.memory_id,
        user_id,
        m.memory,
        list(m.topics),
        m.input,
        list(m.source_message_ids),
        utc(m.created_at),
        utc(m.updated_at),
        content_hash(m.memory),
    )


def memory_from_row(row: Sequence[Any]) -> UserMemory:
    """Build a `UserMemory` from a row selected with `MEMORY_COLUMNS` (user_id is dropped)."""
    memory_id, _user, text, topics, input_, sources, created, updated = row[:8]
    return UserMemory.model_construct(
        memory_id=memory_id,
        memory=text,
        topics=list(topics),
        input=input_,
        source_message_ids=list(sources),
        created_at=utc(created),
        updated_at=utc(updated),
    )


BUMP_SQL = (
    "INSERT INTO memory_versions (user_id, version) VALUES (%s, 1) ON CONFLICT (user_id)"
    " DO UPDATE SET version = memory_versions.version + 1"
)
"""Bumps a user's memory version; run in every transaction that writes the user's memories."""


class PgCore:
    """The pool on one schema, migrated when the store opens.

    Args:
        dsn: A libpq URL (`postgresql://user:password@host:5432/db`) or key=value string.
        schema: The schema of the store's tables, created if missing.
        max_connections: Pool size: how many threads can be inside a call at once.
        timeout_s: How long to wait for the server at open, or for a free connection.
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "memlab",
        max_connections: int = 8,
        timeout_s: float = 30.0,
    ) -> None:
        self._pool = Pool(dsn, schema=schema, max_size=max_connections, timeout_s=timeout_s)
        self.schema = schema
        try:
            with self._pool.connection() as conn:
                self.migrations_applied = apply_pg_migrations(conn, schema)
        except BaseException:
            self._pool.close()
            raise

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._pool.where!r}, schema={self.schema!r})"

    @property
    def closed(self) -> bool:
        """True once `close()` ran."""
        return self._pool.closed

    def memory_version(self, user_id: str) -> int:
        """A number that changes whenever `user_id`'s memories change, in any process."""

        def read(cur: psycopg.Cursor[tuple[object, ...]]) -> int:
            cur.execute("SELECT version FROM memory_versions WHERE user_id = %s", [user_id])
            row = cur.fetchone()
            return int(row[0]) if row else 0  # type: ignore[call-overload]

        return self._pool.read(read)

    def flush(self) -> None:
        """Every write is committed when its call returns: only check the store is open."""
        self._pool.check_open()

    def close(self) -> None:
        """Close the pool; a second close does nothing, any other call raises `StoreError`."""
        self._pool.close()

    def __enter__(self) -> PgCore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
