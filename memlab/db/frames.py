"""The pandas frames notebooks read: stable column names, timestamps as aware UTC."""

from __future__ import annotations

import duckdb
import pandas as pd

__all__ = ["FRAME_QUERIES", "frame"]

# Column lists are the documented, stable surface of each frame; add columns, never rename.
FRAME_QUERIES: dict[str, str] = {
    "memories": "SELECT memory_id, user_id, memory, topics, input, source_message_ids, created_at,"
    " updated_at FROM memories {where} ORDER BY user_id, updated_at, seq",
    "events": "SELECT event_id, user_id, memory_id, op, status, before, after, source_message_ids,"
    " cause, reason, created_at FROM memory_events {where} ORDER BY seq",
    "runs": "SELECT r.run_id, r.session_id, r.user_id, r.status, r.created_at,"
    " (SELECT count(*) FROM messages m WHERE m.user_id = r.user_id AND m.run_id = r.run_id)"
    " AS n_messages FROM runs r {where} ORDER BY r.seq",
    "messages": "SELECT m.message_id, m.run_id, m.session_id, m.user_id, m.position, m.role,"
    " m.content, m.name, m.created_at FROM messages m JOIN runs r USING (user_id, run_id)"
    " {where} ORDER BY r.seq, m.position",
    "summaries": "SELECT user_id, session_id, summary, topics, run_ids, updated_at FROM summaries"
    " {where} ORDER BY user_id, updated_at",
    "llm_calls": "SELECT *, model = 'memlab/offline' AS is_baseline FROM llm_calls {where}"
    " ORDER BY created_at",
}

_TIME_COLUMNS = ("created_at", "updated_at")


def frame(cur: duckdb.DuckDBPyConnection, query: str, user_id: str | None) -> pd.DataFrame:
    """Run one of `FRAME_QUERIES`, optionally for one user, as a DataFrame."""
    where, params = ("", []) if user_id is None else ("WHERE user_id = ?", [user_id])
    df = cur.execute(query.format(where=where), params).df()
    for col in _TIME_COLUMNS:
        if col in df.columns:
            df[col] = pd.to_datetime(df[col]).dt.tz_localize("UTC")
    return df
