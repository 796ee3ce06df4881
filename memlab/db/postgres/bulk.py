"""Loading a user's whole record into the PostgreSQL store as it was: ids, times and history.

`load_user` is what `export_to_postgres` writes with: memories keep their ids and timestamps,
events, runs and messages keep theirs, and the whole user goes in one transaction. Loading the
same record twice changes nothing (rows already there are kept, memories are replaced by id),
so an export that stopped half-way is simply run again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from memlab.db.postgres.core import BUMP_SQL, MEMORY_INSERT_COLUMNS, PgCore, memory_row, utc
from memlab.db.postgres.memories import EVENT_COLUMNS, Cursor, event_row
from memlab.db.store_core import check_user
from memlab.db.text import check_memory, check_run, check_summary
from memlab.errors import ConfigError
from memlab.schema import MemoryEvent, Run, SessionSummary, UserMemory

__all__ = ["PgBulkMixin"]

_MESSAGE_INSERT = (
    "message_id, run_id, session_id, user_id, position, role, content, name, tool_call_id,"
    " tool_calls, from_history, created_at"
)


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


class PgBulkMixin(PgCore):
    """`load_user`: one user's memories, history, runs and summaries, as they were stored."""

    def load_user(
        self,
        user_id: str,
        *,
        memories: Sequence[UserMemory] = (),
        events: Sequence[MemoryEvent] = (),
        runs: Sequence[Run] = (),
        summaries: Sequence[SessionSummary] = (),
    ) -> None:
        """Write a user's record in one transaction, keeping every id and timestamp.

        Memories are written in the order given (oldest update first keeps the store's
        order); a memory id already stored for this user is replaced, one of another user is
        a `ConfigError`. Events, runs and messages already stored are kept as they are.

        Raises:
            ConfigError: a record names another user, holds text that cannot be stored, or a
                memory id belongs to another user; nothing is written.
        """
        check_user(user_id)
        for i, m in enumerate(memories):
            check_memory(m, where=f"memories[{i}]")
        for i, run in enumerate(runs):
            check_run(run, where=f"runs[{i}]")
        for summary in summaries:
            check_summary(summary)
        others = {e.user_id for e in events} | {r.user_id for r in runs}
        others |= {s.user_id for s in summaries}
        if others - {user_id}:
            raise ConfigError(
                f"load_user({user_id!r}) got records of other users {sorted(others - {user_id})}"
                "; load each user on its own"
            )
        memory_rows = [memory_row(user_id, m) for m in memories]
        event_rows = [event_row(e) for e in events]
        run_rows = [(r.run_id, r.session_id, r.user_id, r.status, utc(r.created_at)) for r in runs]
        message_rows = [
            (m.id, run.run_id, run.session_id, run.user_id, position, m.role, m.content, m.name,
             m.tool_call_id, json.dumps([c.model_dump() for c in m.tool_calls]), m.from_history,
             utc(m.created_at))
            for run in runs
            for position, m in enumerate(run.messages)
        ]  # fmt: skip
        summary_rows = [
            (s.user_id, s.session_id, s.summary, list(s.topics), list(s.run_ids),
             utc(s.updated_at))
            for s in summaries
        ]  # fmt: skip

        def write(cur: Cursor) -> None:
            ids = [row[0] for row in memory_rows]
            cur.execute(
                "SELECT memory_id FROM memories WHERE memory_id = ANY(%s::text[])"
                " AND user_id <> %s LIMIT 1",
                [ids, user_id],
            )
            taken = cur.fetchone()
            if taken is not None:
                raise ConfigError(
                    f"memory id {taken[0]!r} belongs to another user in the target store, not "
                    f"{user_id!r}; nothing was written"
                )
            cur.execute("DELETE FROM memories WHERE memory_id = ANY(%s::text[])", [ids])
            cur.execute(BUMP_SQL, [user_id])
            cur.executemany(
                f"INSERT INTO memories ({MEMORY_INSERT_COLUMNS}) VALUES ({_marks(9)})",
                memory_rows,
            )
            cur.executemany(
                f"INSERT INTO memory_events ({EVENT_COLUMNS}) VALUES ({_marks(11)})"
                " ON CONFLICT DO NOTHING",
                event_rows,
            )
            cur.executemany(
                "INSERT INTO runs (run_id, session_id, user_id, status, created_at)"
                f" VALUES ({_marks(5)}) ON CONFLICT DO NOTHING",
                run_rows,
            )
            cur.executemany(
                f"INSERT INTO messages ({_MESSAGE_INSERT}) VALUES ({_marks(12)})"
                " ON CONFLICT DO NOTHING",
                message_rows,
            )
            cur.executemany(
                "INSERT INTO summaries (user_id, session_id, summary, topics, run_ids, updated_at)"
                f" VALUES ({_marks(6)}) ON CONFLICT (user_id, session_id) DO UPDATE"
                " SET summary = excluded.summary, topics = excluded.topics,"
                " run_ids = excluded.run_ids, updated_at = excluded.updated_at",
                summary_rows,
            )

        self._pool.atomic(write, what=f"loading the record of user {user_id!r}")
