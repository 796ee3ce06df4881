"""Append-only, named schema migrations for the DuckDB store.

A migration, once shipped, is never edited: a schema change is a new function appended to
`MIGRATIONS`. Applied names are recorded in the `_migrations` ledger table, so opening an old
file brings it forward and opening a current file does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb

__all__ = ["MIGRATIONS", "apply_migrations", "migration"]

Migration = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    """Register `fn` as the next migration, under its function name."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_initial(con: duckdb.DuckDBPyConnection) -> None:
    """Memories, their event history, runs, messages, summaries, the LLM ledger and cache."""
    con.execute(
        """
        CREATE SEQUENCE memory_seq;
        CREATE TABLE memories (
            memory_id VARCHAR PRIMARY KEY,
            user_id VARCHAR NOT NULL,
            memory VARCHAR NOT NULL,
            topics VARCHAR[] NOT NULL,
            input VARCHAR,
            source_message_ids VARCHAR[] NOT NULL,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            seq BIGINT NOT NULL DEFAULT nextval('memory_seq')
        );
        CREATE SEQUENCE event_seq;
        CREATE TABLE memory_events (
            event_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            memory_id VARCHAR,
            op VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            before VARCHAR,
            after VARCHAR,
            source_message_ids VARCHAR[] NOT NULL,
            cause VARCHAR,
            reason VARCHAR,
            created_at TIMESTAMP NOT NULL,
            seq BIGINT NOT NULL DEFAULT nextval('event_seq')
        );
        CREATE SEQUENCE run_seq;
        CREATE TABLE runs (
            run_id VARCHAR NOT NULL,
            session_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            seq BIGINT NOT NULL DEFAULT nextval('run_seq'),
            PRIMARY KEY (user_id, run_id)
        );
        CREATE TABLE messages (
            message_id VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            session_id VARCHAR NOT NULL,
            user_id VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            role VARCHAR NOT NULL,
            content VARCHAR NOT NULL,
            name VARCHAR,
            tool_call_id VARCHAR,
            tool_calls VARCHAR NOT NULL,
            from_history BOOLEAN NOT NULL,
            created_at TIMESTAMP NOT NULL,
            PRIMARY KEY (user_id, message_id)
        );
        CREATE TABLE summaries (
            user_id VARCHAR NOT NULL,
            session_id VARCHAR NOT NULL,
            summary VARCHAR NOT NULL,
            topics VARCHAR[] NOT NULL,
            run_ids VARCHAR[] NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            PRIMARY KEY (user_id, session_id)
        );
        CREATE TABLE llm_calls (
            call_id VARCHAR PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            purpose VARCHAR NOT NULL,
            model VARCHAR NOT NULL,
            prompt_name VARCHAR,
            prompt_version VARCHAR,
            request_hash VARCHAR NOT NULL,
            input_tokens BIGINT,
            output_tokens BIGINT,
            cost_usd DOUBLE,
            latency_ms DOUBLE NOT NULL,
            cached BOOLEAN NOT NULL,
            attempts INTEGER NOT NULL,
            error VARCHAR,
            user_id VARCHAR,
            session_id VARCHAR,
            run_id VARCHAR,
            memory_id VARCHAR
        );
        CREATE TABLE llm_cache (
            request_hash VARCHAR PRIMARY KEY,
            model VARCHAR NOT NULL,
            response VARCHAR NOT NULL,
            input_tokens BIGINT,
            output_tokens BIGINT,
            cost_usd DOUBLE,
            created_at TIMESTAMP NOT NULL
        );
        """
    )


@migration
def m002_embeddings(con: duckdb.DuckDBPyConnection) -> None:
    """Vectors of texts, one per (embedder, content hash), for semantic recall.

    `content_hash` is the hex SHA-256 of the UTF-8 text, so a text is embedded once per
    embedder whoever said it; `dim` is the vector's length, checked against the embedder that
    reads it, because one `FLOAT[]` column holds vectors of every embedder.
    """
    con.execute(
        """
        CREATE TABLE embeddings (
            embedder VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            dim INTEGER NOT NULL,
            vector FLOAT[] NOT NULL,
            created_at TIMESTAMP NOT NULL,
            PRIMARY KEY (embedder, content_hash)
        );
        """
    )


def apply_migrations(
    con: duckdb.DuckDBPyConnection,
    migrations: Sequence[tuple[str, Migration]] | None = None,
    *,
    ledger: str = "_migrations",
) -> list[str]:
    """Apply every migration not yet in the ledger, each in its own transaction.

    Args:
        con: The connection to migrate.
        migrations: The ordered (name, function) list; None for the store's `MIGRATIONS`.
            The replay lab passes its own list, for tables it keeps apart from the store's.
        ledger: The table recording the applied names (a code constant, never user input).

    Returns:
        The names applied by this call (empty when the file was current).
    """
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {ledger}"
        " (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute(f"SELECT name FROM {ledger}").fetchall()}
    applied: list[str] = []
    for name, fn in MIGRATIONS if migrations is None else migrations:
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            fn(con)
            con.execute(f"INSERT INTO {ledger} VALUES (?, now()::TIMESTAMP)", [name])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


@migration
def m003_llm_calls_lab(con: duckdb.DuckDBPyConnection) -> None:
    """Attribute ledger rows to the replay lab: experiment, variant, unit and stage.

    The replay runner fills these when it commits a unit, so tokens per stage come from the
    ledger; calls made outside a replay (or by a unit that was discarded) keep them NULL.
    """
    for column in ("experiment_id", "variant_id", "unit_id", "stage"):
        con.execute(f"ALTER TABLE llm_calls ADD COLUMN {column} VARCHAR")
