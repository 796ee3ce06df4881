"""From the bench to production: copy users from a DuckDB store to the PostgreSQL store.

`export_to_postgres("results.duckdb", "postgresql://…")` copies every user's (or one user's)
memories, memory history (events), runs with their messages and session summaries, keeping
ids and timestamps, so the same `Memory` configuration picked in the lab runs on PostgreSQL
over the same state. Each user is one transaction, and running the export again changes
nothing, so an interrupted export is simply run again. The model-call ledger and the response
cache stay in the lab's file: they describe the experiment, not the agent's memory.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.db.postgres.store import PostgresMemoryDb
from memlab.db.store_core import check_user
from memlab.errors import ConfigError
from memlab.schema import MemoryEvent

__all__ = ["ExportCounts", "export_to_postgres", "source_users"]


class ExportCounts(BaseModel):
    """What an export copied (rows of the source; rows already in the target are kept)."""

    users: int = 0
    """Users copied."""
    memories: int = 0
    """Memories copied."""
    events: int = 0
    """Memory history events copied."""
    runs: int = 0
    """Runs copied."""
    messages: int = 0
    """Messages of those runs."""
    summaries: int = 0
    """Session summaries copied."""


def source_users(db: DuckDbMemoryDb) -> list[str]:
    """Every user with memories, history, runs or summaries in a DuckDB store, sorted."""
    df = db.sql_df(
        "SELECT DISTINCT user_id FROM (SELECT user_id FROM memories UNION ALL"
        " SELECT user_id FROM memory_events UNION ALL SELECT user_id FROM runs UNION ALL"
        " SELECT user_id FROM summaries) ORDER BY user_id"
    )
    return [str(u) for u in df["user_id"].tolist()]


def _events(db: DuckDbMemoryDb, user_id: str) -> list[MemoryEvent]:
    df = db.events_df(user_id=user_id)
    df = df.astype(object).where(df.notna(), None)
    records = df.to_dict("records")
    for row in records:
        ids = row["source_message_ids"]
        row["source_message_ids"] = [] if ids is None else [str(i) for i in ids]
        row["created_at"] = pd.Timestamp(row["created_at"]).to_pydatetime()
    return [MemoryEvent.model_validate(row) for row in records]


def export_to_postgres(
    source: str | Path | DuckDbMemoryDb,
    dsn: str | PostgresMemoryDb,
    *,
    user_id: str | None = None,
    schema: str = "memlab",
) -> ExportCounts:
    """Copy one user (or every user) of a DuckDB store to a PostgreSQL store.

    Args:
        source: The DuckDB file (opened read-only) or an open store.
        dsn: The PostgreSQL URL, or an open `PostgresMemoryDb`.
        user_id: The user to copy; None copies every user.
        schema: The PostgreSQL schema, when `dsn` is a URL.

    Raises:
        ConfigError: the source has no such user, or is not a file; nothing was written.
        StoreError: a database failed (users copied before it stay copied; run it again).
    """
    if isinstance(source, DuckDbMemoryDb):
        duck, own_source = source, False
    else:
        if not Path(source).is_file():
            raise ConfigError(f"no DuckDB store at {source}: pass the file `memlab replay` wrote")
        duck, own_source = DuckDbMemoryDb(source, read_only=True), True
    target, own_target = (dsn, False) if isinstance(dsn, PostgresMemoryDb) else (None, True)
    try:
        users = source_users(duck)
        if user_id is not None:
            check_user(user_id)
            if user_id not in users:
                raise ConfigError(
                    f"user {user_id!r} has nothing in {duck.path}; its users are "
                    f"{users[:10]}{' ...' if len(users) > 10 else ''}"
                )
            users = [user_id]
        if target is None:
            target = PostgresMemoryDb(str(dsn), schema=schema)
        counts = ExportCounts()
        for user in users:
            memories = duck.list_memories(user)
            events = _events(duck, user)
            runs = duck.get_runs(user)
            summaries = duck.list_summaries(user)
            target.load_user(user, memories=memories, events=events, runs=runs, summaries=summaries)
            counts.users += 1
            counts.memories += len(memories)
            counts.events += len(events)
            counts.runs += len(runs)
            counts.messages += sum(len(r.messages) for r in runs)
            counts.summaries += len(summaries)
        return counts
    finally:
        if own_source:
            duck.close()
        if own_target and target is not None:
            target.close()
