"""What two replays must agree on: every column of every lab table, the attributed ledger and
the stored memories, except wall times, timestamps and a cache hit's own facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.probe_rows import ProbeRow
from memlab.lab.running.rows import ControlRow, ExperimentRow, UnitRow, VariantRow

LAB_TABLES = (ProbeRow, UnitRow, VariantRow, ControlRow, ExperimentRow)
TIMINGS = {
    ProbeRow.TABLE: {"recall_ms", "answer_ms", "judge_ms"},
    UnitRow.TABLE: {"ingest_ms", "finished_at"},
    ExperimentRow.TABLE: {"created_at"},
}
LEDGER_VOLATILE = {"created_at", "latency_ms", "cached", "attempts"}
STORE_TABLES = {
    "memories": {"seq", "created_at", "updated_at"},
    "memory_events": {"seq", "created_at", "event_id"},  # random per run, cited by nothing
    "runs": {"seq", "created_at"},
    "messages": {"created_at"},
    "summaries": {"updated_at"},
}


def _table(
    db: DuckDbMemoryDb, table: str, *, skip: set[str], where: str = ""
) -> list[dict[str, Any]]:
    cur = db.cursor()
    columns = [r[0] for r in cur.execute(f"DESCRIBE {table}").fetchall() if r[0] not in skip]
    rows = cur.execute(f"SELECT {', '.join(columns)} FROM {table} {where} ORDER BY ALL")
    return [dict(zip(columns, r, strict=True)) for r in rows.fetchall()]


def table_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The compared rows of a results file, by table, in a fixed order."""
    with DuckDbMemoryDb(path) as db:
        out = {
            row.TABLE: _table(db, row.TABLE, skip=TIMINGS.get(row.TABLE, set()))
            for row in LAB_TABLES
        }
        out["llm_calls"] = _table(
            db, "llm_calls", skip=LEDGER_VOLATILE, where="WHERE experiment_id IS NOT NULL"
        )
        for table, skip in STORE_TABLES.items():
            out[table] = _table(db, table, skip=skip)
        return out


def assert_same_rows(
    got: dict[str, list[dict[str, Any]]],
    want: dict[str, list[dict[str, Any]]],
    *,
    history: bool = True,
) -> None:
    """Every table of `got` equals `want`'s, and none is empty.

    `history=False` leaves out `memory_events`: a resumed run keeps the events of attempts
    it discarded (the history is append-only), as a local resume does.
    """
    assert set(got) == set(want)
    for table, rows in want.items():
        if table == "memory_events" and not history:
            continue
        assert rows, table  # an empty table would compare equal and prove nothing
        assert len(got[table]) == len(rows), table
        assert got[table] == rows, table
