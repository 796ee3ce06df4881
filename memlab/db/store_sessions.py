"""Runs with their messages, and session summaries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from memlab.db.connection import registered
from memlab.db.frames import FRAME_QUERIES, frame
from memlab.db.recall_index import SessionLayout
from memlab.db.rows import (
    MESSAGE_COLUMNS,
    message_from_row,
    messages_table,
    naive_utc,
    run_from_row,
    summary_from_row,
)
from memlab.db.store_core import StoreCore, check_limit, check_user
from memlab.db.text import check_run, check_summary, check_text
from memlab.schema import Message, Run, SessionSummary

__all__ = ["SessionsMixin"]

_SUMMARY = "user_id, session_id, summary, topics, run_ids, updated_at"
_RUNS_PER_INSERT = 200


class SessionsMixin(StoreCore):
    """The `runs`, `messages` and `summaries` tables."""

    def add_runs(self, runs: Iterable[Run]) -> None:
        """Store runs with their messages, all in one transaction."""
        runs = list(runs)
        for i, run in enumerate(runs):
            check_user(run.user_id)
            check_run(run, where=f"runs[{i}]")
        self._flush_data()

        messages, message_rows = messages_table(runs)

        def write(cur: duckdb.DuckDBPyConnection) -> None:
            # One statement per table, whatever the number of runs: each statement costs
            # ~0.5 ms and an Arrow registration ~1.5 ms, more than the rows themselves.
            for start in range(0, len(runs), _RUNS_PER_INSERT):
                chunk = runs[start : start + _RUNS_PER_INSERT]
                cur.execute(
                    "INSERT INTO runs (run_id, session_id, user_id, status, created_at) VALUES "
                    + ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk)),
                    [
                        value
                        for run in chunk
                        for value in (
                            run.run_id,
                            run.session_id,
                            run.user_id,
                            run.status,
                            naive_utc(run.created_at),
                        )
                    ],
                )
            if messages.num_rows:
                with registered(cur, "_msgs", messages):
                    cur.execute("INSERT INTO messages SELECT * FROM _msgs")

        if runs:
            self._conn.atomic(write, what=f"storing {len(runs)} runs")
        users = {run.user_id for run in runs}
        with self._buffer_lock:
            for user_id in users:
                self.changed(user_id, memories=False)
            at = 0
            for run in runs:
                n = len(run.messages)
                self._message_rows.put(run.user_id, [(r[0], r) for r in message_rows[at : at + n]])
                at += n

    def get_runs(
        self, user_id: str, session_id: str | None = None, *, last_n: int | None = None
    ) -> list[Run]:
        """Runs of `user_id` (optionally one session) in order, with their messages."""
        check_user(user_id)
        check_limit(last_n, "last_n")
        where, params = "user_id = ?", [user_id]
        if session_id is not None:
            where, params = where + " AND session_id = ?", [*params, session_id]
        sql = (
            f"SELECT run_id, session_id, status, created_at FROM runs WHERE {where}"
            " ORDER BY seq DESC"
        )
        if last_n is not None:
            sql += f" LIMIT {int(last_n)}"
        cur = self._data_cur()
        heads = cur.execute(sql, params).fetchall()[::-1]
        if not heads:
            return []
        by_run: dict[str, list[Message]] = {h[0]: [] for h in heads}
        for row in cur.execute(
            f"SELECT run_id, {MESSAGE_COLUMNS} FROM messages"
            " WHERE user_id = ? AND run_id IN (SELECT unnest(?))"
            " ORDER BY position",
            [user_id, list(by_run)],
        ).fetchall():
            by_run[row[0]].append(message_from_row(row[1:]))
        return [run_from_row(head, user_id, by_run[head[0]]) for head in heads]

    def upsert_summary(self, summary: SessionSummary) -> None:
        """Store (or replace) the summary of one session."""
        check_user(summary.user_id)
        check_summary(summary)

        def write(cur: duckdb.DuckDBPyConnection) -> None:
            cur.execute(
                "DELETE FROM summaries WHERE user_id = ? AND session_id = ?",
                [summary.user_id, summary.session_id],
            )
            cur.execute(
                "INSERT INTO summaries VALUES (?, ?, ?, ?, ?, ?)",
                [
                    summary.user_id,
                    summary.session_id,
                    summary.summary,
                    summary.topics,
                    summary.run_ids,
                    naive_utc(summary.updated_at),
                ],
            )

        self._conn.atomic(write, what=f"storing the summary of session {summary.session_id!r}")
        self.changed(summary.user_id, memories=False)

    def get_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """The summary of one session of `user_id`, or None."""
        check_user(user_id)
        check_text("session_id", session_id)
        row = (
            self._data_cur()
            .execute(
                f"SELECT {_SUMMARY} FROM summaries WHERE user_id = ? AND session_id = ?",
                [user_id, session_id],
            )
            .fetchall()
        )
        return summary_from_row(row[0]) if row else None

    def list_summaries(self, user_id: str) -> list[SessionSummary]:
        """Every session summary of `user_id`, oldest update first."""
        check_user(user_id)
        rows = (
            self._data_cur()
            .execute(
                f"SELECT {_SUMMARY} FROM summaries WHERE user_id = ? ORDER BY updated_at",
                [user_id],
            )
            .fetchall()
        )
        return [summary_from_row(r) for r in rows]

    def delete_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """Delete one session summary and return it; None when there was none (as `get_summary`).

        `Memory.delete_session_summary` turns None into `NotFoundError`.
        """
        check_user(user_id)
        check_text("session_id", session_id)

        def delete(cur: duckdb.DuckDBPyConnection) -> list[Any]:
            return cur.execute(
                f"DELETE FROM summaries WHERE user_id = ? AND session_id = ? RETURNING {_SUMMARY}",
                [user_id, session_id],
            ).fetchall()

        rows = self._conn.atomic(delete, what=f"deleting the summary of session {session_id!r}")
        if not rows:
            return None
        self.changed(user_id, memories=False)
        return summary_from_row(rows[0])

    def session_layout(self, user_id: str) -> SessionLayout:
        """Sessions, speakers, citations and summaries of `user_id` in three column reads.

        What recall's session windows and index expansion need (see `memlab.recall.sessions`),
        read as Arrow columns: building `Run` and `UserMemory` records would cost ten times more.
        """
        check_user(user_id)
        cur = self._data_cur()
        messages = cur.sql(
            "SELECT m.message_id, m.session_id, coalesce(m.name, m.role) FROM messages m"
            " JOIN runs r USING (user_id, run_id) WHERE m.user_id = ? ORDER BY r.seq, m.position",
            params=[user_id],
        ).to_arrow_table()
        memories = cur.sql(
            "SELECT memory_id, memory, source_message_ids FROM memories WHERE user_id = ?"
            " ORDER BY updated_at, seq",
            params=[user_id],
        ).to_arrow_table()
        summaries = cur.execute(
            "SELECT session_id, summary FROM summaries WHERE user_id = ? ORDER BY updated_at",
            [user_id],
        ).fetchall()
        return SessionLayout(
            message_ids=messages.column(0).to_pylist(),
            message_sessions=messages.column(1).to_pylist(),
            speakers=messages.column(2).to_pylist(),
            memory_ids=memories.column(0).to_pylist(),
            memory_texts=memories.column(1).to_pylist(),
            memory_sources=[list(c or ()) for c in memories.column(2).to_pylist()],
            summaries=dict(summaries),
        )

    def runs_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Runs: run_id, session_id, user_id, status, created_at, n_messages."""
        return frame(self._cur(), FRAME_QUERIES["runs"], user_id)

    def messages_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Messages in run order.

        Columns: message_id, run_id, session_id, user_id, position, role, content, name,
        created_at.
        """
        return frame(self._cur(), FRAME_QUERIES["messages"], user_id)

    def summaries_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Summaries: user_id, session_id, summary, topics, run_ids, updated_at."""
        return frame(self._cur(), FRAME_QUERIES["summaries"], user_id)
