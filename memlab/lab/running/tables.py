"""The lab's tables in the store's DuckDB file, and the one transaction that commits a unit.

These tables are not part of the `MemoryDb` protocol (an agent's store has no use for them):
the lab writes them through the DuckDB store's connection, after bringing them to this memlab's
version with its own migrations (`memlab.lab.running.lab_migrations`). Rows are the typed
models of `memlab.lab.running.rows` and `memlab.lab.running.probe_rows`. A unit's rows, and the
attribution of its ledger rows, land in one transaction: a unit is either wholly in the file or
not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from memlab.db.connection import registered
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.columns import LabRow
from memlab.lab.running.lab_migrations import migrate_lab
from memlab.lab.running.ledger import CallNote
from memlab.lab.running.probe_rows import ProbeRow
from memlab.lab.running.rows import ControlRow, ExperimentRow, UnitRow, VariantRow

__all__ = [
    "commit_unit",
    "create_tables",
    "delete_unit",
    "finished_unit_ids",
    "finished_units",
    "lab_cursor",
    "record_experiment",
]

_NOTE_SCHEMA = pa.schema(
    [("call_id", pa.string()), ("variant_id", pa.string()), ("stage", pa.string())]
)


def lab_cursor(db: DuckDbMemoryDb) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the store's file, after its buffered writes are committed."""
    return db.cursor()  # the lab writes through the store's own connection


def create_tables(db: DuckDbMemoryDb) -> None:
    """Create the lab tables, or migrate them to this memlab's version.

    Raises:
        StoreError: a newer memlab wrote the file (the message says to upgrade).
    """
    migrate_lab(lab_cursor(db), path=str(db.path))


@contextmanager
def _transaction(db: DuckDbMemoryDb) -> Iterator[duckdb.DuckDBPyConnection]:
    # The store commits its buffered ledger rows first: the unit's rows are attributed.
    with db.transaction() as cur:
        yield cur


def _insert(cur: duckdb.DuckDBPyConnection, rows: Sequence[LabRow]) -> None:
    # Always through a registered Arrow table: a MAP column does not bind as a parameter.
    if not rows:
        return
    model = type(rows[0])
    columns = ", ".join(model.column_names())
    with registered(cur, "_lab_rows", model.to_arrow(rows)):
        cur.execute(f"INSERT INTO {model.TABLE} ({columns}) SELECT {columns} FROM _lab_rows")


def _upsert_each(cur: duckdb.DuckDBPyConnection, rows: Sequence[LabRow], conflict: str) -> None:
    # One statement per row: an INSERT with ON CONFLICT does not keep the rows' order, and
    # variants are listed in insertion (config) order.
    for row in rows:
        names = row.column_names()
        marks = ", ".join("?" * len(names))
        cur.execute(
            f"INSERT INTO {row.TABLE} ({', '.join(names)}) VALUES ({marks}) {conflict}",
            [getattr(row, name) for name in names],
        )


def record_experiment(
    db: DuckDbMemoryDb, experiment: ExperimentRow, variants: Sequence[VariantRow]
) -> None:
    """Record the experiment and its grid, in one transaction.

    Recording it again updates its config and provenance (a budget changed, say) and keeps
    when it was first recorded and the variants' order.
    """
    with _transaction(db) as cur:
        _upsert_each(
            cur,
            [experiment],
            "ON CONFLICT (experiment_id) DO UPDATE SET"
            " config_json = excluded.config_json, provenance_json = excluded.provenance_json",
        )
        _upsert_each(cur, variants, "ON CONFLICT DO NOTHING")


def finished_units(db: DuckDbMemoryDb, experiment_id: str) -> set[str]:
    """Ids of the experiment's units committed with no error anywhere.

    A unit whose ingest failed, or with any errored probe row (answer, judge) or judge
    control, is not finished: a rerun redoes it, so once the model answers again the file
    holds no error rows. Its good calls come back from the cache.
    """
    return finished_unit_ids(lab_cursor(db), experiment_id)


def finished_unit_ids(cur: duckdb.DuckDBPyConnection, experiment_id: str) -> set[str]:
    """`finished_units` on any cursor of a results file (a read-only one included)."""
    rows = cur.execute(
        f"SELECT unit_id FROM {UnitRow.TABLE} u WHERE experiment_id = $e AND status = 'ok'"
        f" AND NOT EXISTS (SELECT 1 FROM {ProbeRow.TABLE} p WHERE p.experiment_id = $e"
        "  AND p.unit_id = u.unit_id AND p.status = 'error')"
        f" AND NOT EXISTS (SELECT 1 FROM {ControlRow.TABLE} c WHERE c.experiment_id = $e"
        "  AND c.unit_id = u.unit_id AND c.status = 'error')",
        {"e": experiment_id},
    ).fetchall()
    return {r[0] for r in rows}


def delete_unit(cur: duckdb.DuckDBPyConnection, experiment_id: str, unit_id: str) -> None:
    """Remove a unit's lab rows (inside the caller's transaction)."""
    for table in (UnitRow.TABLE, ProbeRow.TABLE, ControlRow.TABLE):
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
    unit: UnitRow,
    probes: Sequence[ProbeRow],
    controls: Sequence[ControlRow],
    notes: Sequence[CallNote],
) -> None:
    """Write one unit's rows and attribute its ledger rows, in one transaction.

    Rows a previous attempt of the same unit left (an errored unit, or `force`) are replaced.
    """
    experiment_id, unit_id = unit.experiment_id, unit.unit_id
    with _transaction(db) as cur:
        delete_unit(cur, experiment_id, unit_id)
        _insert(cur, [unit])
        _insert(cur, probes)
        _insert(cur, controls)
        if notes:
            rows = pa.Table.from_pylist(
                [
                    {"call_id": n.call_id, "variant_id": n.variant_id, "stage": n.stage}
                    for n in notes
                ],
                _NOTE_SCHEMA,
            )
            with registered(cur, "_lab_notes", rows):
                cur.execute(
                    "UPDATE llm_calls SET experiment_id = ?, unit_id = ?,"
                    " variant_id = n.variant_id, stage = n.stage"
                    " FROM _lab_notes n WHERE llm_calls.call_id = n.call_id",
                    [experiment_id, unit_id],
                )
