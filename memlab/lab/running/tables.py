"""The lab's tables in the store's DuckDB file, and the one transaction that commits a unit.

Per decision 12 these tables are not part of the `MemoryDb` protocol: the lab writes them
through the DuckDB store's connection (`CREATE TABLE IF NOT EXISTS`, so any memlab file can
take them). A unit's rows, and the attribution of its ledger rows, land in one transaction:
a unit is either wholly in the file or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.db.store_core import insert_arrow
from memlab.lab.running.ledger import CallNote

__all__ = [
    "CONTROL_SCHEMA",
    "PROBE_SCHEMA",
    "UNIT_SCHEMA",
    "commit_unit",
    "create_tables",
    "finished_units",
    "lab_cursor",
]

_DDL = """
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

UNIT_SCHEMA = pa.schema(
    [
        ("experiment_id", pa.string()),
        ("unit_id", pa.string()),
        ("ingest_id", pa.string()),
        ("conversation_id", pa.string()),
        ("status", pa.string()),
        ("health", pa.string()),
        ("n_probes", pa.int32()),
        ("n_memories", pa.int32()),
        ("n_summaries", pa.int32()),
        ("memory_tokens", pa.int64()),
        ("ingest_coverage", pa.float64()),
        ("ingest_ms", pa.float64()),
        ("finished_at", pa.timestamp("us")),
        ("error", pa.string()),
        ("n_turns", pa.int32()),
        ("namespaces", pa.list_(pa.string())),
    ]
)
PROBE_SCHEMA = pa.schema(
    [
        ("experiment_id", pa.string()),
        ("unit_id", pa.string()),
        ("variant_id", pa.string()),
        ("conversation_id", pa.string()),
        ("probe_id", pa.string()),
        ("repeat", pa.int32()),
        ("category", pa.string()),
        ("abstention", pa.bool_()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("error_call_id", pa.string()),
        ("k", pa.int32()),
        ("context_tokens", pa.int32()),
        ("recalled_ids", pa.list_(pa.string())),
        ("recalled_turn_ids", pa.list_(pa.string())),
        ("context", pa.string()),
        ("answer", pa.string()),
        ("answer_call_id", pa.string()),
        ("judge_call_id", pa.string()),
        ("judge_model", pa.string()),
        ("judge_prompt", pa.string()),
        ("recall_ms", pa.float64()),
        ("answer_ms", pa.float64()),
        ("judge_ms", pa.float64()),
        ("scores_json", pa.string()),
        ("category_id", pa.string()),
        ("asked_after", pa.string()),
        ("probe_index", pa.int32()),
    ]
)
CONTROL_SCHEMA = pa.schema(
    [
        ("experiment_id", pa.string()),
        ("unit_id", pa.string()),
        ("conversation_id", pa.string()),
        ("probe_id", pa.string()),
        ("repeat", pa.int32()),
        ("control", pa.string()),
        ("answer", pa.string()),
        ("status", pa.string()),
        ("accepted", pa.bool_()),
        ("error", pa.string()),
        ("judge_call_id", pa.string()),
        ("judge_model", pa.string()),
        ("judge_prompt", pa.string()),
    ]
)
_NOTE_SCHEMA = pa.schema(
    [("call_id", pa.string()), ("variant_id", pa.string()), ("stage", pa.string())]
)


def lab_cursor(db: DuckDbMemoryDb) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the store's file, after its buffered writes are committed."""
    db.flush()
    return db._conn.cursor()  # the lab writes through the store's connection (decision 12)


def create_tables(db: DuckDbMemoryDb) -> None:
    """Create the lab tables if the file does not have them yet."""
    lab_cursor(db).execute(_DDL)


@contextmanager
def _transaction(db: DuckDbMemoryDb) -> Iterator[duckdb.DuckDBPyConnection]:
    db.flush()  # ledger rows of the unit must be in the table before they are attributed
    with db._conn.transaction() as cur:
        yield cur


def finished_units(db: DuckDbMemoryDb, experiment_id: str) -> set[str]:
    """Ids of the experiment's units committed with status `ok`."""
    rows = (
        lab_cursor(db)
        .execute(
            "SELECT unit_id FROM lab_units WHERE experiment_id = ? AND status = 'ok'",
            [experiment_id],
        )
        .fetchall()
    )
    return {r[0] for r in rows}


def delete_unit(cur: duckdb.DuckDBPyConnection, experiment_id: str, unit_id: str) -> None:
    """Remove a unit's lab rows (inside the caller's transaction)."""
    for table in ("lab_units", "lab_probe_results", "lab_judge_controls"):
        cur.execute(
            f"DELETE FROM {table} WHERE experiment_id = ? AND unit_id = ?", [experiment_id, unit_id]
        )
    cur.execute(
        "UPDATE llm_calls SET experiment_id = NULL, variant_id = NULL, unit_id = NULL,"
        " stage = NULL WHERE experiment_id = ? AND unit_id = ?",
        [experiment_id, unit_id],
    )


def commit_unit(
    db: DuckDbMemoryDb,
    *,
    experiment_id: str,
    unit_id: str,
    unit: dict[str, Any],
    probes: Sequence[dict[str, Any]],
    controls: Sequence[dict[str, Any]],
    notes: Sequence[CallNote],
) -> None:
    """Write one unit's rows and attribute its ledger rows, in one transaction.

    Rows a previous attempt of the same unit left (an errored unit, or `force`) are replaced.
    """
    with _transaction(db) as cur:
        delete_unit(cur, experiment_id, unit_id)
        insert_arrow(
            cur,
            "lab_units",
            ", ".join(UNIT_SCHEMA.names),
            pa.Table.from_pylist([unit], UNIT_SCHEMA),
        )
        if probes:
            table = pa.Table.from_pylist(list(probes), PROBE_SCHEMA)
            insert_arrow(cur, "lab_probe_results", ", ".join(PROBE_SCHEMA.names), table)
        if controls:
            table = pa.Table.from_pylist(list(controls), CONTROL_SCHEMA)
            insert_arrow(cur, "lab_judge_controls", ", ".join(CONTROL_SCHEMA.names), table)
        if notes:
            rows = pa.Table.from_pylist(
                [
                    {"call_id": n.call_id, "variant_id": n.variant_id, "stage": n.stage}
                    for n in notes
                ],
                _NOTE_SCHEMA,
            )
            cur.register("_lab_notes", rows)
            try:
                cur.execute(
                    "UPDATE llm_calls SET experiment_id = ?, unit_id = ?,"
                    " variant_id = n.variant_id, stage = n.stage"
                    " FROM _lab_notes n WHERE llm_calls.call_id = n.call_id",
                    [experiment_id, unit_id],
                )
            finally:
                cur.unregister("_lab_notes")
