"""Append-only, named schema migrations for the DuckDB store.

A migration, once shipped, is never edited: a schema change is a new function appended to
`MIGRATIONS`. Applied names are recorded in the `_migrations` ledger table, so opening an old
file brings it forward, opening a current file does nothing, and a file whose ledger names a
migration this memlab does not ship (a newer memlab wrote it) is refused before anything is
written (`memlab.db.versions`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb

from memlab.db.damage import damage_error, problem_of
from memlab.db.versions import applied_names, newer_schema_error, read_ledger, schema_version
from memlab.errors import StoreError

__all__ = ["LEDGER", "MIGRATIONS", "apply_migrations", "check_store_version", "migration"]

LEDGER = "_migrations"
"""The table recording the store migrations applied to a file."""

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
    ledger: str = LEDGER,
    tables: str = "store tables",
    path: str | None = None,
) -> list[str]:
    """Apply every migration not yet in the ledger, each in its own transaction.

    Args:
        con: The connection to migrate.
        migrations: The ordered (name, function) list; None for the store's `MIGRATIONS`.
            The replay lab passes its own list, for tables it keeps apart from the store's.
        ledger: The table recording the applied names (a code constant, never user input).
        tables: What the ledger versions, for the error about a newer file.
        path: The file, for that error; None asks DuckDB.

    Returns:
        The names applied by this call (empty when the file was current).

    Raises:
        StoreError: the ledger names a migration not in `migrations` (a newer memlab wrote the
            file), and nothing was written; or a migration failed (tables of the same names
            that memlab did not create, a damaged file), and that migration was rolled back.
    """
    steps = MIGRATIONS if migrations is None else migrations
    _check_not_newer(con, [name for name, _ in steps], ledger=ledger, tables=tables, path=path)
    done = set(applied_names(con, ledger=ledger) or ())
    applied: list[str] = []
    for name, fn in steps:
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            # In the migration's transaction: a file whose first migration fails keeps no
            # trace of memlab, not even an empty ledger.
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {ledger}"
                " (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
            )
            fn(con)
            con.execute(f"INSERT INTO {ledger} VALUES (?, now()::TIMESTAMP)", [name])
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise _failed(path or _file_of(con), name, tables, exc) from exc
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _failed(path: str, name: str, tables: str, exc: duckdb.Error) -> StoreError:
    problem = problem_of(exc)
    if problem is not None:
        return damage_error(path, problem, exc)
    return StoreError(
        f"{path}: migration {name} of its {tables} failed ({exc}); it was rolled back, so the "
        "file is as it was. A DuckDB file another application wrote may already hold tables "
        "of the same names: give memlab a file of its own."
    )


def check_store_version(con: duckdb.DuckDBPyConnection, *, path: str) -> int:
    """The store version of the file `con` reads, after checking this memlab can read it.

    Reads only; a file without the ledger (blank) is version 0, and an older one is brought
    forward by `apply_migrations`.

    Raises:
        StoreError: a newer memlab wrote the file; the message names both versions.
    """
    names = [name for name, _ in MIGRATIONS]
    return _check_not_newer(con, names, ledger=LEDGER, tables="store tables", path=path)


def _check_not_newer(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    *,
    ledger: str,
    tables: str,
    path: str | None,
) -> int:
    found = read_ledger(con, ledger=ledger, known=names)
    supported = schema_version(names)
    if found.unknown or found.version > supported:
        raise newer_schema_error(
            path or _file_of(con),
            tables=tables,
            found=found,
            supported=supported,
            action="open this file",
        )
    return found.version


def _file_of(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return str(row[0]) if row and row[0] else ":memory:"


@migration
def m003_llm_calls_lab(con: duckdb.DuckDBPyConnection) -> None:
    """Attribute ledger rows to the replay lab: experiment, variant, unit and stage.

    The replay runner fills these when it commits a unit, so tokens per stage come from the
    ledger; calls made outside a replay (or by a unit that was discarded) keep them NULL.
    """
    for column in ("experiment_id", "variant_id", "unit_id", "stage"):
        con.execute(f"ALTER TABLE llm_calls ADD COLUMN {column} VARCHAR")


@migration
def m004_llm_calls_tools(con: duckdb.DuckDBPyConnection) -> None:
    """Record per call whether tools were offered and whether the answer called one.

    A model served without tool support answers a tool request in text; these columns let a
    replay (and a reader) tell that apart from a model that chose to store nothing. Rows
    written before this migration keep NULL.
    """
    con.execute("ALTER TABLE llm_calls ADD COLUMN tools_requested BOOLEAN")
    con.execute("ALTER TABLE llm_calls ADD COLUMN tools_used BOOLEAN")
