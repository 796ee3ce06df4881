"""`PlainMemoryDb`: a store that offers exactly the `MemoryDb` protocol and nothing more.

It wraps another store (by default an in-memory `DuckDbMemoryDb`) and forwards only the
protocol's methods, so whatever runs on it runs on what any backend must provide: recall takes
its generic path (`memlab.recall.generic_store`), a model keeps its own ledger and cache. Tests
use it to check that the generic path gives the fast path's results, and that code typed
`MemoryDb` does not lean on DuckDB extras; it is also a template for a new backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from memlab.db.base import MemoryDb
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.schema import (
    LlmCall,
    MemoryEvent,
    MemoryOp,
    Message,
    Run,
    SessionSummary,
    UserMemory,
)

__all__ = ["PlainMemoryDb"]


class PlainMemoryDb:
    """A `MemoryDb` that forwards the protocol's methods to `inner` and hides everything else.

    Args:
        inner: The store that holds the data (default: a private `DuckDbMemoryDb(":memory:")`).
            Closing this object closes it.
    """

    def __init__(self, inner: MemoryDb | None = None) -> None:
        self.inner: MemoryDb = DuckDbMemoryDb(":memory:") if inner is None else inner

    def __repr__(self) -> str:
        return f"PlainMemoryDb({self.inner!r})"

    def flush(self) -> None:
        """Make every accepted write durable."""
        self.inner.flush()

    def close(self) -> None:
        """Flush and release the inner store."""
        self.inner.close()

    def add_memory(self, user_id: str, memory: UserMemory, *, cause: str = "api") -> UserMemory:
        """Store one memory; return it as stored."""
        return self.inner.add_memory(user_id, memory, cause=cause)

    def upsert_memories(
        self, user_id: str, memories: Sequence[UserMemory], *, cause: str = "api"
    ) -> list[UserMemory]:
        """Insert or replace several memories in one transaction."""
        return self.inner.upsert_memories(user_id, memories, cause=cause)

    def delete_memory(
        self, user_id: str, memory_id: str, *, cause: str = "api"
    ) -> UserMemory | None:
        """Delete one memory of the user and return it, or None."""
        return self.inner.delete_memory(user_id, memory_id, cause=cause)

    def apply_ops(
        self,
        user_id: str,
        ops: Sequence[MemoryOp],
        *,
        cause: str,
        id_prefix: str | None = None,
    ) -> list[MemoryEvent]:
        """Apply model-proposed ops; one event per op."""
        return self.inner.apply_ops(user_id, ops, cause=cause, id_prefix=id_prefix)

    def clear(self, user_id: str | None = None, *, all_users: bool = False) -> None:
        """Delete one user's data, or everyone's with `all_users=True`."""
        self.inner.clear(user_id, all_users=all_users)

    def get_memory(self, user_id: str, memory_id: str) -> UserMemory | None:
        """One memory of the user, or None."""
        return self.inner.get_memory(user_id, memory_id)

    def list_memories(
        self,
        user_id: str,
        *,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[UserMemory]:
        """The user's memories by last update, oldest first."""
        return self.inner.list_memories(user_id, order=order, limit=limit)

    def count_memories(self, user_id: str) -> int:
        """How many memories the user has."""
        return self.inner.count_memories(user_id)

    def add_runs(self, runs: Iterable[Run]) -> None:
        """Store runs with their messages."""
        self.inner.add_runs(runs)

    def get_runs(
        self, user_id: str, session_id: str | None = None, *, last_n: int | None = None
    ) -> list[Run]:
        """The user's runs in the order stored."""
        return self.inner.get_runs(user_id, session_id, last_n=last_n)

    def upsert_summary(self, summary: SessionSummary) -> None:
        """Store a session summary, replacing the previous one."""
        self.inner.upsert_summary(summary)

    def get_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """One session summary, or None."""
        return self.inner.get_summary(user_id, session_id)

    def list_summaries(self, user_id: str) -> list[SessionSummary]:
        """Every session summary of the user, oldest update first."""
        return self.inner.list_summaries(user_id)

    def delete_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """Delete a session summary and return it, or None."""
        return self.inner.delete_summary(user_id, session_id)

    def record_llm_call(self, call: LlmCall) -> None:
        """Append to the model-call ledger."""
        self.inner.record_llm_call(call)

    def list_messages(
        self,
        user_id: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[Message]:
        """The user's messages in conversation order."""
        return self.inner.list_messages(
            user_id, roles=roles, include_history=include_history, order=order, limit=limit
        )

    def summary_sources(self, user_id: str, session_ids: Sequence[str]) -> dict[str, list[str]]:
        """Ids of the messages each session summary covers."""
        return self.inner.summary_sources(user_id, session_ids)
