"""The pandas frames notebooks read, from the PostgreSQL store: the DuckDB store's columns.

The queries are `memlab.db.frames.FRAME_QUERIES`, run on PostgreSQL, so an analysis notebook
reads a production store unchanged: same column names, timestamps as aware UTC.
"""

from __future__ import annotations

import pandas as pd

from memlab.db.frames import FRAME_QUERIES
from memlab.db.postgres.core import PgCore
from memlab.db.postgres.memories import Cursor
from memlab.db.store_core import check_user

__all__ = ["PgFramesMixin"]

_TIME_COLUMNS = ("created_at", "updated_at")


class PgFramesMixin(PgCore):
    """`memories_df`, `events_df`, `runs_df`, `messages_df`, `summaries_df`, `llm_calls_df`."""

    def _frame(self, name: str, user_id: str | None) -> pd.DataFrame:
        where, params = (
            ("", []) if user_id is None else ("WHERE user_id = %s", [check_user(user_id)])
        )
        query = FRAME_QUERIES[name].format(where=where)

        def read(cur: Cursor) -> pd.DataFrame:
            cur.execute(query, params)
            columns = [d.name for d in cur.description or ()]
            return pd.DataFrame(cur.fetchall(), columns=columns)

        df = self._pool.read(read)
        for col in _TIME_COLUMNS:
            if col in df.columns:
                df[col] = pd.to_datetime(df[col], utc=True)
        return df.drop(columns=["seq"], errors="ignore")

    def memories_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Memories, one row each (columns as `DuckDbMemoryDb.memories_df`)."""
        return self._frame("memories", user_id)

    def events_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """The append-only memory history, oldest first."""
        return self._frame("events", user_id)

    def runs_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Runs: run_id, session_id, user_id, status, created_at, n_messages."""
        return self._frame("runs", user_id)

    def messages_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Messages in run order."""
        return self._frame("messages", user_id)

    def summaries_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Summaries: user_id, session_id, summary, topics, run_ids, updated_at."""
        return self._frame("summaries", user_id)

    def llm_calls_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """The LLM ledger: one row per call, columns as in `LlmCall`, plus `is_baseline`."""
        return self._frame("llm_calls", user_id)
