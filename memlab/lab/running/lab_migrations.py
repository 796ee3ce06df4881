"""The lab's tables in a results file: numbered, append-only migrations and the file's version.

The lab keeps its own migrations, apart from the store's (no agent's store needs them), run by
the store's machinery (`memlab.db.migrations.apply_migrations`) with their own ledger,
`_lab_migrations`. A file's lab version is the number of its newest applied migration
(`lab_m002_…` is 2); a file the first memlab lab wrote has the tables but no ledger, and is
version 1. A shipped migration is never edited: a change is a new function appended below. The
row models (`memlab.lab.running.rows`, `memlab.lab.running.probe_rows`) are the one declaration
of each row; after migrating, `migrate_lab` checks that the file's columns are exactly theirs,
so a migration and a model cannot drift apart. A file a newer memlab wrote is refused as the
store's own tables are (`memlab.db.versions`), before anything is written.
"""

from __future__ import annotations

import duckdb

from memlab.db.damage import reported
from memlab.db.migrations import Migration, apply_migrations
from memlab.db.versions import LedgerState, newer_schema_error, read_ledger
from memlab.errors import StoreError
from memlab.lab.running.columns import LabRow, table_columns
from memlab.lab.running.probe_rows import ProbeRow
from memlab.lab.running.rows import ControlRow, ExperimentRow, UnitRow, VariantRow

__all__ = [
    "LAB_MIGRATIONS",
    "LAB_ROWS",
    "LAB_SCHEMA_VERSION",
    "LEDGER",
    "check_lab_version",
    "lab_schema_version",
    "migrate_lab",
]

LEDGER = "_lab_migrations"
"""The table recording the lab migrations applied to a file."""
LAB_MIGRATIONS: list[tuple[str, Migration]] = []
"""Every lab migration, in order; `lab_mNNN_…` is version NNN."""
LAB_ROWS: tuple[type[LabRow], ...] = (ExperimentRow, VariantRow, UnitRow, ProbeRow, ControlRow)
"""The row model of every lab table."""


def _lab_migration(fn: Migration) -> Migration:
    LAB_MIGRATIONS.append((fn.__name__, fn))
    return fn


@_lab_migration
def lab_m001_initial(con: duckdb.DuckDBPyConnection) -> None:
    """The tables as the first lab wrote them (scores as JSON text in `scores_json`).

    `IF NOT EXISTS`, as that lab created them without a ledger: on its files this migration
    changes nothing and is recorded as applied.
    """
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS lab_experiments (
            experiment_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            config_json VARCHAR NOT NULL,
            provenance_json VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE TABLE IF NOT EXISTS lab_variants (
            experiment_id VARCHAR NOT NULL,
            variant_id VARCHAR NOT NULL,
            ingest_id VARCHAR NOT NULL,
            recall_id VARCHAR NOT NULL,
            label VARCHAR NOT NULL,
            settings_json VARCHAR NOT NULL,
            PRIMARY KEY (experiment_id, variant_id)
        );
        CREATE TABLE IF NOT EXISTS lab_units (
            experiment_id VARCHAR NOT NULL,
            unit_id VARCHAR NOT NULL,
            ingest_id VARCHAR NOT NULL,
            conversation_id VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            health VARCHAR NOT NULL,
            n_probes INTEGER NOT NULL,
            n_memories INTEGER NOT NULL,
            n_summaries INTEGER NOT NULL,
            memory_tokens BIGINT NOT NULL,
            ingest_coverage DOUBLE,
            ingest_ms DOUBLE NOT NULL,
            finished_at TIMESTAMP NOT NULL,
            error VARCHAR,
            n_turns INTEGER,
            namespaces VARCHAR[],
            PRIMARY KEY (experiment_id, unit_id)
        );
        CREATE TABLE IF NOT EXISTS lab_probe_results (
            experiment_id VARCHAR NOT NULL,
            unit_id VARCHAR NOT NULL,
            variant_id VARCHAR NOT NULL,
            conversation_id VARCHAR NOT NULL,
            probe_id VARCHAR NOT NULL,
            repeat INTEGER NOT NULL,
            category VARCHAR,
            abstention BOOLEAN NOT NULL,
            status VARCHAR NOT NULL,
            error VARCHAR,
            error_call_id VARCHAR,
            k INTEGER NOT NULL,
            context_tokens INTEGER,
            recalled_ids VARCHAR[],
            recalled_turn_ids VARCHAR[],
            context VARCHAR,
            answer VARCHAR,
            answer_call_id VARCHAR,
            judge_call_id VARCHAR,
            judge_model VARCHAR,
            judge_prompt VARCHAR,
            recall_ms DOUBLE,
            answer_ms DOUBLE,
            judge_ms DOUBLE,
            scores_json VARCHAR NOT NULL,
            category_id VARCHAR,
            asked_after VARCHAR,
            probe_index INTEGER,
            PRIMARY KEY (experiment_id, variant_id, conversation_id, probe_id, repeat)
        );
        CREATE TABLE IF NOT EXISTS lab_judge_controls (
            experiment_id VARCHAR NOT NULL,
            unit_id VARCHAR NOT NULL,
            conversation_id VARCHAR NOT NULL,
            probe_id VARCHAR NOT NULL,
            repeat INTEGER NOT NULL,
            control VARCHAR NOT NULL,
            answer VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            accepted BOOLEAN,
            error VARCHAR,
            judge_call_id VARCHAR,
            judge_model VARCHAR,
            judge_prompt VARCHAR
        );
        """
    )


@_lab_migration
def lab_m002_score_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Scores as columns: one DOUBLE per built-in scorer, `scorers` and `extra_scores`.

    `scores_json` values move into them and the column goes. A JSON null (undefined) and a
    missing key (not computed) both become NULL; `scorers` keeps the keys, so the two stay
    apart. Keys of scorers registered outside memlab go to `extra_scores`.
    """
    builtin = (
        "evidence_recall_any",
        "evidence_recall_all",
        "answer_in_context",
        "stale_in_context",
        "exact_match",
        "token_f1",
        "judge",
    )
    table = "lab_probe_results"
    for name in builtin:
        con.execute(f"ALTER TABLE {table} ADD COLUMN {name} DOUBLE")
    con.execute(f"ALTER TABLE {table} ADD COLUMN scorers VARCHAR[] NOT NULL DEFAULT []")
    con.execute(
        f"ALTER TABLE {table} ADD COLUMN extra_scores MAP(VARCHAR, DOUBLE) NOT NULL"
        " DEFAULT MAP {}"
    )
    moved = ", ".join(f"{n} = CAST(scores_json ->> '$.{n}' AS DOUBLE)" for n in builtin)
    known = ", ".join(f"'{n}'" for n in builtin)
    con.execute(
        f"UPDATE {table} SET {moved}, scorers = list_sort(json_keys(scores_json)),"
        " extra_scores = map_from_entries(list_filter("
        "map_entries(CAST(scores_json::JSON AS MAP(VARCHAR, DOUBLE))),"
        f" lambda e: NOT list_contains([{known}], e.key)))"
    )
    con.execute(f"ALTER TABLE {table} DROP COLUMN scores_json")
    con.execute(f"ALTER TABLE {table} ALTER COLUMN scorers DROP DEFAULT")
    con.execute(f"ALTER TABLE {table} ALTER COLUMN extra_scores DROP DEFAULT")


LAB_SCHEMA_VERSION = len(LAB_MIGRATIONS)
"""The lab version this memlab writes and reads."""


def _recorded(cur: duckdb.DuckDBPyConnection) -> LedgerState:
    """The version the file's tables are at, and ledger names this memlab does not know."""
    tables = {
        r[0]
        for r in cur.execute(
            "SELECT table_name FROM duckdb_tables()"
            " WHERE database_name = current_database() AND schema_name = current_schema()"
        ).fetchall()
    }
    unversioned = 1 if ExperimentRow.TABLE in tables else 0  # the first lab kept no ledger
    known = [name for name, _ in LAB_MIGRATIONS]
    return read_ledger(cur, ledger=LEDGER, known=known, unversioned=unversioned)


def lab_schema_version(cur: duckdb.DuckDBPyConnection) -> int:
    """The lab version of the file `cur` reads: 0 when it has no lab tables."""
    return _recorded(cur).version


def check_lab_version(cur: duckdb.DuckDBPyConnection, *, path: str) -> int:
    """The file's lab version, after checking that this memlab can read it.

    Raises:
        StoreError: a newer memlab wrote the file (the message names both versions and says
            to upgrade), or the file is damaged (`memlab.db.damage`).
    """
    with reported(path):
        found = _recorded(cur)
    if found.version > LAB_SCHEMA_VERSION or found.unknown:
        raise newer_schema_error(
            path,
            tables="lab tables",
            found=found,
            supported=LAB_SCHEMA_VERSION,
            action="read this file, or replay into a new file",
        )
    return found.version


def migrate_lab(cur: duckdb.DuckDBPyConnection, *, path: str) -> list[str]:
    """Bring the file's lab tables to this memlab's version, creating them when missing.

    Returns:
        The migrations applied by this call (empty when the file was current).

    Raises:
        StoreError: a newer memlab wrote the file, the file is damaged, or the migrated
            tables do not match the row models (a bug in a migration).
    """
    check_lab_version(cur, path=path)
    with reported(path):
        applied = apply_migrations(
            cur, LAB_MIGRATIONS, ledger=LEDGER, tables="lab tables", path=path
        )
        _check_columns(cur, path=path)
    return applied


def _check_columns(cur: duckdb.DuckDBPyConnection, *, path: str) -> None:
    for row in LAB_ROWS:
        found = cur.execute(
            "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns"
            " WHERE table_catalog = current_database() AND table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position",
            [row.TABLE],
        ).fetchall()
        expected = [(c.name, c.sql, c.nullable) for c in table_columns(row)]
        if [tuple(f) for f in found] != expected:
            raise StoreError(
                f"{path}: table {row.TABLE} has columns {found}, not those of "
                f"{row.__name__} ({expected}); a lab migration is missing for the change"
            )
