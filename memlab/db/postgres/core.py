"""The core of the PostgreSQL store: the pool, the migrations at open, and row conversions.

Timestamps are `TIMESTAMPTZ` read back in UTC; lists are `TEXT[]`; tool calls are JSON text,
as in the DuckDB store. A text PostgreSQL cannot hold (a lone surrogate, a NUL character) is
refused with a `ConfigError` naming the field before anything is sent.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg

from memlab.db.postgres.connection import Pool
from memlab.db.postgres.migrations import apply_pg_migrations
from memlab.db.postgres.pgvector import enable_pgvector
from memlab.db.shared import MemoryChange
from memlab.schema import UserMemory

__all__ = [
    "BUMP_SQL",
    "DATA_BUMP_SQL",
    "MEMORY_COLUMNS",
    "PgCore",
    "bumped",
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


def bumped(cur: psycopg.Cursor[tuple[object, ...]]) -> int:
    """The data version a `BUMP_SQL` or `DATA_BUMP_SQL` just executed on `cur` returned."""
    row = cur.fetchone()
    if row is None:  # pragma: no cover - an upsert with RETURNING always returns its row
        raise AssertionError("the version bump returned no row")
    return int(str(row[0]))


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
    "INSERT INTO memory_versions (user_id, version, data_version) VALUES (%s, 1, 1)"
    " ON CONFLICT (user_id) DO UPDATE SET version = memory_versions.version + 1,"
    " data_version = memory_versions.data_version + 1 RETURNING data_version"
)
"""Bumps a user's memory and data versions; run in every transaction that writes the user's
memories. Returns the new data version (the row lock orders concurrent writers)."""

DATA_BUMP_SQL = (
    "INSERT INTO memory_versions (user_id, version, data_version) VALUES (%s, 0, 1)"
    " ON CONFLICT (user_id) DO UPDATE SET data_version = memory_versions.data_version + 1"
    " RETURNING data_version"
)
"""Bumps a user's data version only: a run or a summary was written, the memories were not."""

# Versions of exactly known memory changes kept per user (older ones: the mirror diffs).
_CHANGE_LOG_VERSIONS = 1024


class PgCore:
    """The pool on one schema, migrated when the store opens.

    Args:
        dsn: A libpq URL (`postgresql://user:password@host:5432/db`) or key=value string.
        schema: The schema of the store's tables, created if missing.
        max_connections: Pool size: how many threads can be inside a call at once.
        timeout_s: How long to wait for the server at open, or for a free connection.
        use_pgvector: Rank vectors in the server with pgvector when it offers the extension
            (`memlab.db.postgres.pgvector`); False ranks them in the client always.
    """

    pgvector_schema: str | None
    """The schema of pgvector's types when the server ranks vectors; None: the client does."""

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "memlab",
        max_connections: int = 8,
        timeout_s: float = 30.0,
        use_pgvector: bool = True,
    ) -> None:
        self._pool = Pool(dsn, schema=schema, max_size=max_connections, timeout_s=timeout_s)
        self.schema = schema
        # user -> data version -> the memory change this process's write of it made.
        self._changes: dict[str, OrderedDict[int, MemoryChange]] = {}
        self._changes_lock = threading.Lock()
        try:
            with self._pool.connection() as conn:
                self.migrations_applied = apply_pg_migrations(conn, schema)
                self.pgvector_schema = enable_pgvector(conn, schema) if use_pgvector else None
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

    def data_version(self, user_id: str) -> int:
        """A number that changes whenever `user_id`'s memories, runs or summaries change.

        Kept in the server (`memory_versions`), so writes of other processes count too.
        """

        def read(cur: psycopg.Cursor[tuple[object, ...]]) -> int:
            cur.execute("SELECT data_version FROM memory_versions WHERE user_id = %s", [user_id])
            row = cur.fetchone()
            return int(row[0]) if row else 0  # type: ignore[call-overload]

        return self._pool.read(read)

    def note_change(
        self,
        user_id: str,
        version: int,
        *,
        removed: Sequence[str] = (),
        appended: Sequence[UserMemory] = (),
    ) -> None:
        """Record what this process's write, committed as data version `version`, did.

        `removed` ids, then `appended` memories (none of either: a run or a summary was
        written). Recall replays these instead of reading a snapshot of the table; a version
        missing here (another process wrote it, or a clear or bulk load did) makes
        `memory_changes_since` answer None.
        """
        with self._changes_lock:
            log = self._changes.setdefault(user_id, OrderedDict())
            log[version] = MemoryChange(tuple(removed), tuple(appended))
            while len(log) > _CHANGE_LOG_VERSIONS:
                log.popitem(last=False)

    def memory_changes_since(self, user_id: str, version: int) -> list[MemoryChange] | None:
        """Every change to the user's memories since data version `version`, in order.

        None when a version in between was not written by this process through a call that
        describes its change exactly: then recall reads a snapshot of the table.
        """
        current = self.data_version(user_id)
        with self._changes_lock:
            log = self._changes.get(user_id, OrderedDict())
            wanted = range(version + 1, current + 1)
            if any(v not in log for v in wanted):
                return None
            return [c for v in wanted if (c := log[v]).removed or c.appended]

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
