"""Merge a shard into the results file: one transaction per shard, idempotent, then delete it.

A shard (see `memlab.lab.running.executors.worker`) holds what a worker committed: lab rows
of whole units, the store rows of their namespaces, their attributed ledger rows and the
cache entries the worker added. Merging attaches the shard read-only and, in one transaction:

- replaces the lab rows of the shard's units (delete, then `INSERT BY NAME`), so a unit
  merged twice is one unit;
- replaces the store rows (memories, events, runs, messages, summaries) of those units'
  namespaces; rows of a namespace whose unit did not commit (a worker killed mid-unit) are
  left out, as a local replay discards them;
- upserts ledger rows by call id; calls of units that did not commit keep their place in
  the ledger (they were paid for) under `superseded-<shard>:<id>`, as `leftovers` renames a
  local run's; the cache, its provenance (`llm_cache_provenance`, entries a worker took from
  `--cache-from`) and embeddings keep the first entry per key.

Every statement works on whole tables of the shard (no statement per unit), so a merge costs
a fixed dozen statements plus what its rows take to copy.

Only then is the shard file deleted: a driver killed between the two merges it again, to the
same rows. A shard that cannot be read (a worker still holds it) is left for a later merge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.leftovers import SUPERSEDED
from memlab.lab.running.probe_rows import ProbeRow
from memlab.lab.running.rows import ControlRow, UnitRow
from memlab.lab.running.tables import lab_cursor
from memlab.llm.cache_provenance import migrate_cache_provenance

__all__ = ["MergedShard", "MergedUnit", "merge_shard", "shard_files"]

_ALIAS = "memlab_shard"
_LAB = (UnitRow.TABLE, ProbeRow.TABLE, ControlRow.TABLE)
_BY_USER = ("memories", "memory_events", "runs", "messages", "summaries")
_PROVENANCE = "llm_cache_provenance"
_FIRST_WINS = ("llm_cache", "embeddings", _PROVENANCE)


@dataclass(frozen=True)
class MergedUnit:
    """A unit a merge brought into the results file, for progress and health warnings."""

    unit_id: str
    status: str
    health: str
    error: str | None
    n_probes: int


@dataclass
class MergedShard:
    """What one merge brought in."""

    units: list[MergedUnit] = field(default_factory=list)
    spent_usd: float = 0.0
    """Cost of the shard's calls that reached a model, committed units or not (they were
    paid); cache hits are free."""
    tokens: int = 0
    """Input plus output tokens of the merged units' calls."""
    cost_usd: float = 0.0
    """Cost of the merged units' calls, cache hits at their original price (progress)."""


def shard_files(shard_dir: Path) -> list[Path]:
    """Every shard file left in `shard_dir` (none when it does not exist)."""
    return sorted(shard_dir.glob("*.duckdb")) if shard_dir.is_dir() else []


def merge_shard(db: DuckDbMemoryDb, shard: Path) -> MergedShard | None:
    """Merge `shard` into `db` in one transaction and delete it; None if it cannot be read.

    Raises:
        StoreError: the results file refused the merge (nothing of the shard was merged).
    """
    cur = lab_cursor(db)
    try:
        cur.execute(f"ATTACH ? AS {_ALIAS} (READ_ONLY)", [str(shard)])
    except duckdb.Error:
        return None  # held by a live worker, or torn before its first checkpoint
    try:
        tables = _shard_columns(cur)
        if UnitRow.TABLE not in tables:
            merged = MergedShard()  # the worker died before it made its tables
        else:
            if _PROVENANCE in tables:  # the results file gets the table before the transaction
                migrate_cache_provenance(cur, path=str(db.path))
            with db.transaction() as tx:
                merged = _merge(tx, tables, tag=hashlib.sha256(shard.name.encode()).hexdigest())
    finally:
        cur.execute(f"DETACH {_ALIAS}")
    for path in (shard, shard.with_name(shard.name + ".wal")):
        path.unlink(missing_ok=True)
    return merged


def _shard_columns(cur: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The shard's tables and their columns, in order, in one catalog query."""
    rows = cur.execute(
        "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns()"
        " WHERE database_name = ? GROUP BY table_name",
        [_ALIAS],
    ).fetchall()
    # The results file numbers its own rows: `seq` is never copied.
    return {table: [c for c in columns if c != "seq"] for table, columns in rows}


def _merge(
    cur: duckdb.DuckDBPyConnection, tables: dict[str, list[str]], *, tag: str
) -> MergedShard:
    units = cur.execute(
        f"SELECT experiment_id, unit_id, status, health, error, n_probes, namespaces"
        f" FROM {_ALIAS}.{UnitRow.TABLE} ORDER BY unit_id"
    ).fetchall()
    # The shard's units replace whatever the file holds of them: their lab rows, and the
    # attribution of their ledger rows (the shard's own calls are upserted below).
    same_unit = "t.experiment_id = s.experiment_id AND t.unit_id = s.unit_id"
    for table in _LAB:
        cur.execute(f"DELETE FROM {table} t USING {_ALIAS}.{UnitRow.TABLE} s WHERE {same_unit}")
    cur.execute(
        "UPDATE llm_calls t SET experiment_id = NULL, variant_id = NULL, unit_id = NULL,"
        f" stage = NULL FROM {_ALIAS}.{UnitRow.TABLE} s WHERE {same_unit}"
    )
    for table in _LAB:
        cols = ", ".join(tables[table])
        cur.execute(f"INSERT INTO {table} BY NAME SELECT {cols} FROM {_ALIAS}.{table}")
    users = sorted({u for row in units for u in row[6] or []})
    for table in _BY_USER:
        if table not in tables:
            continue
        order = " ORDER BY seq" if table in ("memories", "memory_events", "runs") else ""
        cur.execute(f"DELETE FROM {table} WHERE list_contains($users, user_id)", {"users": users})
        cur.execute(
            f"INSERT INTO {table} BY NAME SELECT {', '.join(tables[table])} FROM {_ALIAS}.{table}"
            f" WHERE list_contains($users, user_id){order}",
            {"users": users},
        )
    renamed = ", ".join(
        "CASE WHEN experiment_id IS NULL AND starts_with(call_id, 'lab/')"
        " THEN $tag || call_id ELSE call_id END AS call_id"
        if c == "call_id"
        else c
        for c in tables["llm_calls"]
    )
    cur.execute(
        f"INSERT OR REPLACE INTO llm_calls BY NAME SELECT {renamed} FROM {_ALIAS}.llm_calls",
        {"tag": f"{SUPERSEDED}{tag[:8]}:"},
    )
    for table in _FIRST_WINS:
        if table in tables:
            cur.execute(
                f"INSERT INTO {table} BY NAME SELECT {', '.join(tables[table])}"
                f" FROM {_ALIAS}.{table} ON CONFLICT DO NOTHING"
            )
    merged = MergedShard(
        units=[MergedUnit(r[1], r[2], r[3], r[4], r[5]) for r in units],
    )
    spend = cur.execute(
        "SELECT coalesce(sum(cost_usd) FILTER (WHERE NOT cached), 0),"
        " coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0))"
        " FILTER (WHERE experiment_id IS NOT NULL), 0),"
        " coalesce(sum(cost_usd) FILTER (WHERE experiment_id IS NOT NULL), 0)"
        f" FROM {_ALIAS}.llm_calls",
    ).fetchone()
    if spend is not None:
        merged.spent_usd, merged.tokens, merged.cost_usd = (
            float(spend[0]),
            int(spend[1]),
            float(spend[2]),
        )
    return merged
