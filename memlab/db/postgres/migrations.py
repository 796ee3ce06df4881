"""Append-only, numbered migrations of the PostgreSQL store, in a schema of their own.

As for DuckDB (`memlab.db.migrations`): a shipped migration is never edited, a change is a new
function appended to `PG_MIGRATIONS`, and the applied names are recorded in the schema's
`_migrations` table. Several processes may open a store at once: each migration runs in one
transaction under an advisory lock, so exactly one of them applies it. A schema whose ledger
names a migration this memlab does not ship (a newer memlab wrote it) is refused before
anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import psycopg
from psycopg import sql

from memlab.db.versions import migration_number, schema_version
from memlab.errors import StoreError

__all__ = ["PG_MIGRATIONS", "apply_pg_migrations", "pg_migration"]

PgMigration = Callable[[psycopg.Cursor[tuple[object, ...]]], None]
PG_MIGRATIONS: list[tuple[str, PgMigration]] = []
# Any fixed number: serializes migrations of every memlab schema of one database.
_LOCK_KEY = 0x6D656D6C6162


def pg_migration(fn: PgMigration) -> PgMigration:
    """Register `fn` as the next migration, under its function name."""
    PG_MIGRATIONS.append((fn.__name__, fn))
    return fn


@pg_migration
def m001_initial(cur: psycopg.Cursor[tuple[object, ...]]) -> None:
    """Memories, their event history, runs, messages, summaries, the LLM ledger and cache.

    `seq` columns keep the order rows were first stored, the tie-breaker of every ordering;
    `content_hash` (hex SHA-256 of the text, written by the store) keys a memory's vector.
    """
    cur.execute(
        """
        CREATE TABLE memories (
            memory_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            memory TEXT NOT NULL,
            topics TEXT[] NOT NULL,
            input TEXT,
            source_message_ids TEXT[] NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            content_hash TEXT NOT NULL,
            seq BIGSERIAL NOT NULL
        );
        CREATE INDEX memories_by_user ON memories (user_id, updated_at, seq);
        CREATE TABLE memory_events (
            event_id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            memory_id TEXT,
            op TEXT NOT NULL,
            status TEXT NOT NULL,
            before TEXT,
            after TEXT,
            source_message_ids TEXT[] NOT NULL,
            cause TEXT,
            reason TEXT,
            created_at TIMESTAMPTZ NOT NULL,
            seq BIGSERIAL NOT NULL
        );
        CREATE INDEX memory_events_by_user ON memory_events (user_id, seq);
        CREATE TABLE runs (
            run_id TEXT NOT NULL,
            session_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            seq BIGSERIAL NOT NULL,
            PRIMARY KEY (user_id, run_id)
        );
        CREATE INDEX runs_by_user ON runs (user_id, seq);
        CREATE TABLE messages (
            message_id TEXT NOT NULL,
            run_id TEXT NOT NULL,
            session_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            name TEXT,
            tool_call_id TEXT,
            tool_calls TEXT NOT NULL,
            from_history BOOLEAN NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (user_id, message_id)
        );
        CREATE INDEX messages_by_run ON messages (user_id, run_id, position);
        CREATE TABLE summaries (
            user_id TEXT NOT NULL,
            session_id TEXT NOT NULL,
            summary TEXT NOT NULL,
            topics TEXT[] NOT NULL,
            run_ids TEXT[] NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (user_id, session_id)
        );
        CREATE TABLE llm_calls (
            call_id TEXT PRIMARY KEY,
            created_at TIMESTAMPTZ NOT NULL,
            purpose TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_name TEXT,
            prompt_version TEXT,
            request_hash TEXT NOT NULL,
            input_tokens BIGINT,
            output_tokens BIGINT,
            cost_usd DOUBLE PRECISION,
            latency_ms DOUBLE PRECISION NOT NULL,
            cached BOOLEAN NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT,
            user_id TEXT,
            session_id TEXT,
            run_id TEXT,
            memory_id TEXT,
            tools_requested BOOLEAN,
            tools_used BOOLEAN,
            seq BIGSERIAL NOT NULL
        );
        CREATE TABLE llm_cache (
            request_hash TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            response TEXT NOT NULL,
            input_tokens BIGINT,
            output_tokens BIGINT,
            cost_usd DOUBLE PRECISION,
            created_at TIMESTAMPTZ NOT NULL
        );
        """
    )


@pg_migration
def m002_full_text(cur: psycopg.Cursor[tuple[object, ...]]) -> None:
    """Keyword recall in the server: an English `tsvector` of each memory, GIN-indexed."""
    cur.execute(
        """
        ALTER TABLE memories ADD COLUMN tsv TSVECTOR
            GENERATED ALWAYS AS (to_tsvector('english'::regconfig, memory)) STORED;
        CREATE INDEX memories_tsv ON memories USING GIN (tsv);
        """
    )


@pg_migration
def m003_embeddings(cur: psycopg.Cursor[tuple[object, ...]]) -> None:
    """Vectors by (embedder, content hash) as `real[]`: semantic recall without pgvector."""
    cur.execute(
        """
        CREATE TABLE embeddings (
            embedder TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector REAL[] NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (embedder, content_hash)
        );
        """
    )


@pg_migration
def m004_memory_versions(cur: psycopg.Cursor[tuple[object, ...]]) -> None:
    """A counter per user, bumped in every transaction that writes the user's memories.

    One small read tells a process whether its cached view of a user's memories (the
    vectors semantic search ranks) is still current, without reading the memories.
    """
    cur.execute("CREATE TABLE memory_versions (user_id TEXT PRIMARY KEY, version BIGINT NOT NULL)")


@pg_migration
def m005_data_versions(cur: psycopg.Cursor[tuple[object, ...]]) -> None:
    """A second counter per user, bumped by every write of its memories, runs or summaries.

    Recall keeps a user's corpus in process and reads nothing while this number stands still.
    """
    cur.execute(
        """
        ALTER TABLE memory_versions ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;
        INSERT INTO memory_versions (user_id, version, data_version)
            SELECT user_id, 0, 0 FROM runs UNION SELECT user_id, 0, 0 FROM summaries
            ON CONFLICT (user_id) DO NOTHING;
        """
    )


@pg_migration
def m006_keyword_lengths(cur: psycopg.Cursor[tuple[object, ...]]) -> None:
    """Memories by user and lexeme count, for keyword search's second step.

    It ranks only the memories short enough to enter a top k (`memlab.db.postgres.keyword`).
    """
    cur.execute("CREATE INDEX memories_by_length ON memories (user_id, length(tsv))")


def _applied(cur: psycopg.Cursor[tuple[object, ...]], schema: str) -> list[str]:
    cur.execute("SELECT to_regclass(%s)", [f"{schema}._migrations"])
    row = cur.fetchone()
    if row is None or row[0] is None:
        return []
    cur.execute(sql.SQL("SELECT name FROM {}._migrations").format(sql.Identifier(schema)))
    return [str(r[0]) for r in cur.fetchall()]


def apply_pg_migrations(
    conn: psycopg.Connection[tuple[object, ...]],
    schema: str,
    migrations: Sequence[tuple[str, PgMigration]] | None = None,
) -> list[str]:
    """Create `schema` if needed and apply every migration it lacks; return the names applied.

    Args:
        conn: An autocommit connection (each migration runs in a transaction of its own).
        schema: The schema holding the store's tables (a checked SQL name).
        migrations: The ordered list; None for `PG_MIGRATIONS` (tests pass a prefix of it to
            build an older schema).

    Raises:
        StoreError: the schema was written by a newer memlab (nothing is changed), or a
            migration failed (it was rolled back).
    """
    steps = PG_MIGRATIONS if migrations is None else migrations
    names = [name for name, _ in steps]
    ident = sql.Identifier(schema)
    applied: list[str] = []
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        done = _applied(cur, schema)
        unknown = [n for n in done if n not in names]
        newest = max((migration_number(n) or 0 for n in done), default=0)
        if unknown or newest > schema_version(names):
            raise StoreError(
                f"schema {schema!r} was written by a newer memlab (migrations {unknown or done}, "
                f"this memlab knows up to {names[-1]}); upgrade memlab to open it"
            )
        for name, fn in steps:
            if name in done:
                continue
            try:
                with conn.transaction():
                    cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(ident))
                    cur.execute(
                        sql.SQL(
                            "CREATE TABLE IF NOT EXISTS {}._migrations"
                            " (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
                        ).format(ident)
                    )
                    cur.execute(sql.SQL("SET LOCAL search_path = {}").format(ident))
                    fn(cur)
                    cur.execute(
                        sql.SQL("INSERT INTO {}._migrations VALUES (%s, now())").format(ident),
                        [name],
                    )
            except psycopg.Error as exc:
                raise StoreError(
                    f"migration {name} of PostgreSQL schema {schema!r} failed ({exc}); it was "
                    "rolled back. A schema another application made may hold tables of the "
                    "same names: give memlab a schema of its own (schema=...)"
                ) from exc
            applied.append(name)
    return applied
