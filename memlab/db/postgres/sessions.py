"""Runs with their messages, session summaries, and the messages recall reads, on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from memlab.db.postgres.core import DATA_BUMP_SQL, PgCore, bumped, utc
from memlab.db.postgres.memories import Cursor, copy_rows
from memlab.db.store_core import check_limit, check_user
from memlab.db.store_recall import DEFAULT_ROLES
from memlab.db.text import check_run, check_summary, check_text
from memlab.errors import ConfigError
from memlab.schema import Message, Run, SessionSummary, ToolCall

__all__ = ["MESSAGE_COLUMNS", "PgSessionsMixin", "message_from_row"]

MESSAGE_COLUMNS = (
    "message_id, role, content, created_at, name, tool_call_id, tool_calls, from_history"
)
_SUMMARY = "user_id, session_id, summary, topics, run_ids, updated_at"
_ROLES = ("system", "user", "assistant", "tool")


def message_from_row(row: Sequence[Any]) -> Message:
    """Build a `Message` from a row selected with `MESSAGE_COLUMNS`."""
    mid, role, content, created, name, tool_call_id, tool_calls, from_history = row
    return Message.model_construct(
        id=mid,
        role=role,
        content=content,
        created_at=utc(created),
        name=name,
        tool_call_id=tool_call_id,
        tool_calls=[]
        if tool_calls == "[]"
        else [ToolCall.model_validate(c) for c in json.loads(tool_calls)],
        from_history=from_history,
    )


def _summary(row: Sequence[Any]) -> SessionSummary:
    user_id, session_id, summary, topics, run_ids, updated = row
    return SessionSummary(
        user_id=user_id,
        session_id=session_id,
        summary=summary,
        topics=list(topics),
        run_ids=list(run_ids),
        updated_at=utc(updated),
    )


def _bump(cur: Cursor, user_id: str) -> int:
    cur.execute(DATA_BUMP_SQL, [user_id])
    return bumped(cur)


def _roles(roles: Sequence[str] | None) -> list[str]:
    chosen = list(DEFAULT_ROLES if roles is None else roles)
    bad = [r for r in chosen if r not in _ROLES]
    if bad or not chosen:
        raise ConfigError(f"roles must be a non-empty subset of {list(_ROLES)}, got {roles!r}")
    return chosen


class PgSessionsMixin(PgCore):
    """The `runs`, `messages` and `summaries` tables."""

    def add_runs(self, runs: Iterable[Run]) -> None:
        """Store runs with their messages, all in one transaction."""
        runs = list(runs)
        for i, run in enumerate(runs):
            check_user(run.user_id)
            check_run(run, where=f"runs[{i}]")
        if not runs:
            return
        heads = [(r.run_id, r.session_id, r.user_id, r.status, utc(r.created_at)) for r in runs]
        messages = [
            (m.id, run.run_id, run.session_id, run.user_id, position, m.role, m.content, m.name,
             m.tool_call_id, json.dumps([c.model_dump() for c in m.tool_calls]), m.from_history,
             utc(m.created_at))
            for run in runs
            for position, m in enumerate(run.messages)
        ]  # fmt: skip

        def write(cur: Cursor) -> list[tuple[str, int]]:
            copy_rows(cur, "runs", "run_id, session_id, user_id, status, created_at", heads)
            copy_rows(
                cur,
                "messages",
                "message_id, run_id, session_id, user_id, position, role, content, name,"
                " tool_call_id, tool_calls, from_history, created_at",
                messages,
            )
            return [(u, _bump(cur, u)) for u in users]

        users = sorted({r.user_id for r in runs})
        for user_id, version in self._pool.atomic(write, what=f"storing {len(runs)} runs"):
            self.note_change(user_id, version)

    def get_runs(
        self, user_id: str, session_id: str | None = None, *, last_n: int | None = None
    ) -> list[Run]:
        """Runs of `user_id` (optionally one session) in order, with their messages."""
        check_user(user_id)
        check_limit(last_n, "last_n")
        where, params = "user_id = %s", [user_id]
        if session_id is not None:
            where, params = where + " AND session_id = %s", [*params, session_id]
        query = (
            f"SELECT run_id, session_id, status, created_at FROM runs WHERE {where}"
            " ORDER BY seq DESC"
        )
        if last_n is not None:
            query += f" LIMIT {int(last_n)}"

        def read(cur: Cursor) -> list[Run]:
            cur.execute(query, params)
            heads = cur.fetchall()[::-1]
            if not heads:
                return []
            by_run: dict[str, list[Message]] = {str(h[0]): [] for h in heads}
            cur.execute(
                f"SELECT run_id, {MESSAGE_COLUMNS} FROM messages"
                " WHERE user_id = %s AND run_id = ANY(%s::text[]) ORDER BY position",
                [user_id, list(by_run)],
            )
            for row in cur.fetchall():
                by_run[str(row[0])].append(message_from_row(row[1:]))
            return [
                Run(
                    run_id=str(r),
                    session_id=str(s),
                    user_id=user_id,
                    status=st,
                    created_at=utc(c),  # type: ignore[arg-type]
                    messages=by_run[str(r)],
                )
                for r, s, st, c in heads
            ]

        return self._pool.read(read)

    def list_messages(
        self,
        user_id: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[Message]:
        """The user's messages in conversation order (see `MemoryDb.list_messages`)."""
        check_user(user_id)
        check_limit(limit)
        chosen = _roles(roles)
        direction = "DESC" if order == "newest" else "ASC"
        cols = ", ".join(f"t.{c.strip()}" for c in MESSAGE_COLUMNS.split(","))
        query = (
            f"SELECT {cols} FROM messages t JOIN runs r USING (user_id, run_id)"
            " WHERE t.user_id = %s AND t.role = ANY(%s::text[]) AND (%s OR NOT t.from_history)"
            f" AND length(btrim(t.content)) > 0 ORDER BY r.seq {direction}, t.position {direction}"
        )
        if limit is not None:
            query += f" LIMIT {int(limit)}"

        def read(cur: Cursor) -> list[Message]:
            cur.execute(query, [user_id, chosen, bool(include_history)])
            return [message_from_row(r) for r in cur.fetchall()]

        rows = self._pool.read(read)
        return rows[::-1] if order == "newest" else rows

    def upsert_summary(self, summary: SessionSummary) -> None:
        """Store (or replace) the summary of one session."""
        check_user(summary.user_id)
        check_summary(summary)

        def write(cur: Cursor) -> int:
            cur.execute(
                f"INSERT INTO summaries ({_SUMMARY}) VALUES (%s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (user_id, session_id) DO UPDATE SET summary = excluded.summary,"
                " topics = excluded.topics, run_ids = excluded.run_ids,"
                " updated_at = excluded.updated_at",
                [summary.user_id, summary.session_id, summary.summary, list(summary.topics),
                 list(summary.run_ids), utc(summary.updated_at)],
            )  # fmt: skip
            return _bump(cur, summary.user_id)

        version = self._pool.atomic(
            write, what=f"storing the summary of session {summary.session_id!r}"
        )
        self.note_change(summary.user_id, version)

    def get_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """The summary of one session of `user_id`, or None."""
        check_user(user_id)
        check_text("session_id", session_id)

        def read(cur: Cursor) -> SessionSummary | None:
            cur.execute(
                f"SELECT {_SUMMARY} FROM summaries WHERE user_id = %s AND session_id = %s",
                [user_id, session_id],
            )
            row = cur.fetchone()
            return _summary(row) if row else None

        return self._pool.read(read)

    def list_summaries(self, user_id: str) -> list[SessionSummary]:
        """Every session summary of `user_id`, oldest update first."""
        check_user(user_id)

        def read(cur: Cursor) -> list[SessionSummary]:
            cur.execute(
                f"SELECT {_SUMMARY} FROM summaries WHERE user_id = %s"
                " ORDER BY updated_at, session_id",
                [user_id],
            )
            return [_summary(r) for r in cur.fetchall()]

        return self._pool.read(read)

    def delete_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """Delete one session summary and return it; None when there was none."""
        check_user(user_id)
        check_text("session_id", session_id)

        def delete(cur: Cursor) -> tuple[SessionSummary, int] | None:
            cur.execute(
                "DELETE FROM summaries WHERE user_id = %s AND session_id = %s"
                f" RETURNING {_SUMMARY}",
                [user_id, session_id],
            )
            row = cur.fetchone()
            return (_summary(row), _bump(cur, user_id)) if row else None

        done = self._pool.atomic(delete, what=f"deleting the summary of session {session_id!r}")
        if done is None:
            return None
        self.note_change(user_id, done[1])
        return done[0]

    def summary_sources(self, user_id: str, session_ids: Sequence[str]) -> dict[str, list[str]]:
        """Ids of the messages each session summary covers (see `MemoryDb.summary_sources`)."""
        check_user(user_id)
        wanted = list(dict.fromkeys(session_ids))
        if not wanted:
            return {}

        def read(cur: Cursor) -> list[tuple[Any, ...]]:
            cur.execute(
                "SELECT s.session_id, m.message_id FROM summaries s"
                " JOIN runs r ON r.user_id = s.user_id AND (r.run_id = ANY(s.run_ids)"
                " OR (cardinality(s.run_ids) = 0 AND r.session_id = s.session_id))"
                " JOIN messages m ON m.user_id = r.user_id AND m.run_id = r.run_id"
                " WHERE s.user_id = %s AND s.session_id = ANY(%s::text[])"
                " AND NOT m.from_history ORDER BY r.seq, m.position",
                [user_id, wanted],
            )
            return cur.fetchall()

        out: dict[str, list[str]] = {s: [] for s in wanted}
        for session_id, message_id in self._pool.read(read):
            out[str(session_id)].append(str(message_id))
        return out
