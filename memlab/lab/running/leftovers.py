"""What earlier attempts of a unit left, cleared before the unit is replayed again.

A unit is redone when it never committed (a run killed or stopped half-way), when it
committed with an error, or with `force`. Its earlier attempt left memories, runs and
summaries in its namespaces, which are cleared, and model calls in the ledger, whose ids
the new attempt will derive again (see `memlab.lab.running.ledger`). The ledger keeps every
call ever made, so those rows are not deleted: they are renamed `superseded-<tag>:<id>`,
together with the memory events and the committed result rows that cite them, in one
transaction. The new attempt then names its calls exactly as an uninterrupted run does.
"""

from __future__ import annotations

from collections.abc import Sequence

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.probe_rows import ProbeRow
from memlab.lab.running.rows import ControlRow
from memlab.lab.running.tables import lab_cursor
from memlab.lab.running.unit import UnitPlan
from memlab.schema import new_id

__all__ = ["SUPERSEDED", "discard_leftovers"]

SUPERSEDED = "superseded-"
"""How the renamed ids of an earlier attempt's calls start."""

# Every column that cites a ledger call id, by table.
_CITING = {
    "llm_calls": ("call_id",),
    "memory_events": ("cause",),
    ProbeRow.TABLE: ("answer_call_id", "judge_call_id", "error_call_id"),
    ControlRow.TABLE: ("judge_call_id",),
}


def discard_leftovers(db: DuckDbMemoryDb, plans: Sequence[UnitPlan]) -> None:
    """Clear the namespaces of units about to run and rename their earlier calls' ids."""
    if not plans:
        return
    prefix = f"lab/{plans[0].experiment_id}/"
    cur = lab_cursor(db)
    rows = cur.execute(
        "SELECT DISTINCT user_id FROM runs WHERE starts_with(user_id, ?)"
        " UNION SELECT DISTINCT user_id FROM memories WHERE starts_with(user_id, ?)",
        [prefix, prefix],
    ).fetchall()
    keys = {p.namespace_key for p in plans}
    for (user_id,) in rows:
        if user_id.rsplit("/", 1)[0] in keys:
            db.clear(user_id)
    _supersede_calls(db, prefix, [f"{p.calls_prefix}/" for p in plans])


def _supersede_calls(db: DuckDbMemoryDb, common: str, prefixes: list[str]) -> None:
    tag = f"{SUPERSEDED}{new_id()[:8]}:"
    with db.transaction() as cur:
        for table, columns in _CITING.items():
            for column in columns:
                # The common prefix filters cheaply first; only ids of these units match the
                # list (a call of a unit that is not redone keeps its id).
                cur.execute(
                    f"UPDATE {table} SET {column} = $tag || {column}"
                    f" WHERE starts_with({column}, $common) AND EXISTS (SELECT 1 FROM"
                    f" (SELECT unnest($prefixes) AS p) WHERE starts_with({column}, p))",
                    {"tag": tag, "common": common, "prefixes": prefixes},
                )
