"""The `MemoryDb` protocol: what an agent's memory needs from a store, in plain Python types.

It is the whole contract a backend must meet for `Memory`, the manager, the summarizer, the
triggers, the model-call ledger and recall (`memlab.testing.store_suite` checks it). Recall
runs on these methods alone; a store that also implements `memlab.db.RecallIndexStore` gets
the fast path. DataFrames for notebooks (`memories_df`, ...) belong to `DuckDbMemoryDb`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, runtime_checkable

from memlab.schema import (
    LlmCall,
    MemoryEvent,
    MemoryOp,
    Message,
    Run,
    SessionSummary,
    UserMemory,
)

__all__ = ["MemoryDb"]


@runtime_checkable
class MemoryDb(Protocol):
    """A user-scoped store of memories, their history, runs, summaries and model calls.

    Conventions every store follows: a lookup or delete of one id (`get_memory`,
    `get_summary`, `delete_memory`, `delete_summary`) returns the record, or None when the
    user has none with that id (`Memory` turns None into `NotFoundError`); a count or limit
    is a positive `int`, never a `bool`; text that cannot be stored is a `ConfigError`
    naming the field, raised before anything is buffered or written; every read and write
    names one user and sees only that user's data (`clear(all_users=True)` aside); memories
    come by last update (ties: the order they were first stored), messages in conversation
    order (runs as stored, then turn order).
    """

    def flush(self) -> None:
        """Make every accepted write durable."""

    def close(self) -> None:
        """Flush and release the store; a second close does nothing, any other call raises.

        Raises:
            StoreError: (from later calls) the store is closed.
        """

    def add_memory(self, user_id: str, memory: UserMemory, *, cause: str = "api") -> UserMemory:
        """Store one memory; return it as stored, with its id (a caller-chosen id is kept)."""

    def upsert_memories(
        self, user_id: str, memories: Sequence[UserMemory], *, cause: str = "api"
    ) -> list[UserMemory]:
        """Insert or replace (by id) several memories in one transaction; return them stored.

        Raises:
            ConfigError: an id belongs to another user or comes twice; nothing is written.
        """

    def delete_memory(
        self, user_id: str, memory_id: str, *, cause: str = "api"
    ) -> UserMemory | None:
        """Delete one memory of the user and return it; None when the user has no such id."""

    def apply_ops(
        self,
        user_id: str,
        ops: Sequence[MemoryOp],
        *,
        cause: str,
        id_prefix: str | None = None,
    ) -> list[MemoryEvent]:
        """Apply model-proposed ops in order and return one event per op.

        An op that cannot apply (an id the user does not have, another user's id, an empty
        text) gets an event with status "rejected" and its reason; the others still apply.
        With `id_prefix`, the add at position `i` of `ops` names its memory
        `f"{id_prefix}/{i}"` (derived ids, for replays that must name memories the same
        every time); without it, new memories get random ids.
        """

    def clear(self, user_id: str | None = None, *, all_users: bool = False) -> None:
        """Delete one user's memories, runs, messages and summaries, or everyone's.

        The memory history and the model-call ledger stay.

        Raises:
            ConfigError: neither `user_id` nor `all_users=True` was given.
        """

    def get_memory(self, user_id: str, memory_id: str) -> UserMemory | None:
        """One memory of the user, or None."""

    def list_memories(
        self,
        user_id: str,
        *,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[UserMemory]:
        """The user's memories by last update, oldest first: all, or the `limit` oldest or newest.

        The newest `limit` come back still oldest first (agno's `last_n`).
        """

    def count_memories(self, user_id: str) -> int:
        """How many memories the user has."""

    def add_runs(self, runs: Iterable[Run]) -> None:
        """Store runs with their messages, in one transaction."""

    def get_runs(
        self, user_id: str, session_id: str | None = None, *, last_n: int | None = None
    ) -> list[Run]:
        """The user's runs (optionally of one session) in the order stored, with their messages.

        With `last_n`, only the last `last_n` runs, still in order.
        """

    def upsert_summary(self, summary: SessionSummary) -> None:
        """Store a session summary, replacing the session's previous one."""

    def get_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """One session summary, or None."""

    def list_summaries(self, user_id: str) -> list[SessionSummary]:
        """Every session summary of the user, oldest update first."""

    def delete_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """Delete a session summary and return it; None when the session has none."""

    def record_llm_call(self, call: LlmCall) -> None:
        """Append to the model-call ledger (text that cannot be stored is escaped, not refused)."""

    def list_messages(
        self,
        user_id: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[Message]:
        """The user's messages in conversation order: all, or the `limit` oldest or newest.

        Only `roles` (default user and assistant) count, replayed turns only with
        `include_history`, empty texts never: the "messages" corpus of recall. The newest
        `limit` come back still in conversation order.
        """

    def summary_sources(self, user_id: str, session_ids: Sequence[str]) -> dict[str, list[str]]:
        """Ids of the messages each session summary covers, for every session id asked about.

        A summary covers the runs it names, or its whole session when it names none; replayed
        turns are left out; a session without a summary covers nothing.
        """
