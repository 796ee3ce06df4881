"""`Memory`: the facade an agent holds, in the style of agno's Memory v2.

Differences from agno, each on purpose: runs, messages and summaries live in the database and
survive a restart; every read, delete and clear is scoped to one user; an unknown id is a
`NotFoundError` naming the id and the user; reads sort and limit in SQL; nothing is `eval`'d.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from memlab.arguments import (
    check_flag,
    check_instance,
    check_items,
)
from memlab.display import SessionSummaries
from memlab.errors import ConfigError
from memlab.memory_args import (
    memory_arg,
    no_memory,
    no_summary,
    text_arg,
)
from memlab.memory_base import DEFAULT_USER, Ingest
from memlab.memory_recall import RecallPart
from memlab.memory_runs import RunsPart
from memlab.schema import SessionSummary, UserMemory

__all__ = ["DEFAULT_USER", "Ingest", "Memory"]


class Memory(RunsPart, RecallPart):
    """Long-term and short-term memory of an agent, stored in a `MemoryDb`.

    Args:
        db: A store, a DuckDB file path, or None for an in-memory DuckDB store.
        user_id: The user that calls without `user_id=` act on.
        model: A litellm model string or a configured `LLM`, handed to the manager, the
            summarizer and agentic search unless they have their own; None for no model.
            The default is memlab's offline rule-based baseline.
        manager: How memories are extracted (default: `MemoryManager()`, agno-v2 prompt).
        summarizer: How sessions are summarized (default: `SessionSummarizer()`, full mode).
        summary_trigger: When `add_run` summarizes: a trigger or its name ("never",
            "every_n_runs", "token_threshold", "session_end"); default "never".
        ingest: What `add_run` keeps as long-term memory besides the run itself:
            "messages" (nothing more: recall reads the messages), "verbatim" (every turn
            becomes a memory "Speaker: text" citing its message) or "extract" (the manager
            extracts facts). Default "messages"; `create_user_memories` works in every mode.
        extract_every: With `ingest="extract"`, extract after every run ("run") or once
            over the whole session when it ends ("session").
        ids: How extracted memories are named: "random" (uuid4, the default) or "derived"
            from the user, the run or session, the extraction's and the op's positions
            (`memlab.naming.DerivedIds`), so a replay names them the same every time.

    `Memory` is a `memlab.system.MemorySystem`: the replay lab measures it through
    `aingest`, `aend_session`, `arecall` and `held`, the same methods an agent calls.
    """

    # ----------------------------------------------------------------- user memories
    def add_user_memory(self, memory: UserMemory | str, *, user_id: str | None = None) -> str:
        """Store a fact about the user; return its memory id."""
        return self.db.add_memory(self._uid(user_id), memory_arg(memory)).memory_id or ""

    def add_user_memories(
        self, memories: Iterable[UserMemory | str], *, user_id: str | None = None
    ) -> list[str]:
        """Store many facts in one transaction; return their ids in order."""
        given = check_items("memories", memories, "a list of memories (UserMemory or str)")
        stored = self.db.upsert_memories(self._uid(user_id), [memory_arg(m) for m in given])
        return [m.memory_id or "" for m in stored]

    def replace_user_memory(
        self, memory_id: str, memory: UserMemory | str, *, user_id: str | None = None
    ) -> str:
        """Replace the text (and topics) of an existing memory of the user; return its id."""
        uid = self._uid(user_id)
        old = self.get_user_memory(memory_id, user_id=uid)
        new = memory_arg(memory).model_copy(
            update={"memory_id": memory_id, "created_at": old.created_at}
        )
        new = new.model_copy(update={"updated_at": max(new.updated_at, old.updated_at)})
        self.db.upsert_memories(uid, [new])
        return memory_id

    def delete_user_memory(self, memory_id: str, *, user_id: str | None = None) -> None:
        """Delete one memory of the user.

        Raises:
            NotFoundError: the user has no memory with that id (another user's id included).
        """
        uid = self._uid(user_id)
        if self.db.delete_memory(uid, text_arg("memory_id", memory_id)) is None:
            raise no_memory(uid, memory_id)

    def get_user_memory(self, memory_id: str, *, user_id: str | None = None) -> UserMemory:
        """One memory of the user.

        Raises:
            NotFoundError: the user has no memory with that id.
        """
        uid = self._uid(user_id)
        found = self.db.get_memory(uid, text_arg("memory_id", memory_id))
        if found is None:
            raise no_memory(uid, memory_id)
        return found

    def get_user_memories(self, *, user_id: str | None = None) -> list[UserMemory]:
        """Every memory of the user, least recently updated first."""
        return self.db.list_memories(self._uid(user_id))

    # ----------------------------------------------------------------- session summaries
    def get_session_summary(self, session_id: str, *, user_id: str | None = None) -> SessionSummary:
        """The stored summary of a session.

        Raises:
            NotFoundError: the session has no summary (yet) for that user, as every lookup of
                one id does (`get_user_memory` too); `get_session_summaries()` lists them.
        """
        uid = self._uid(user_id)
        found = self.db.get_summary(uid, text_arg("session_id", session_id))
        if found is None:
            raise no_summary(uid, session_id)
        return found

    def get_session_summaries(self, *, user_id: str | None = None) -> SessionSummaries:
        """Every session summary of the user (a list that shows as a table in a notebook)."""
        return SessionSummaries(self.db.list_summaries(self._uid(user_id)))

    def add_session_summary(self, summary: SessionSummary) -> None:
        """Store a summary written elsewhere (a model call, an import)."""
        hint = "build one with SessionSummary(session_id=..., user_id=..., summary=...)"
        self.db.upsert_summary(check_instance("summary", summary, SessionSummary, hint))

    def delete_session_summary(self, session_id: str, *, user_id: str | None = None) -> None:
        """Delete the summary of a session.

        Raises:
            NotFoundError: the session has no summary for that user.
        """
        uid = self._uid(user_id)
        if self.db.delete_summary(uid, text_arg("session_id", session_id)) is None:
            raise no_summary(uid, session_id)

    # ----------------------------------------------------------------- housekeeping
    def clear(self, *, user_id: str | None = None, all_users: bool = False) -> None:
        """Delete one user's memories, runs and summaries; `all_users=True` clears everyone.

        Unlike agno, a bare `clear()` does not wipe other users: pass `user_id=` or
        `all_users=True`. The event history stays as the audit trail.
        """
        if check_flag("all_users", all_users):
            if user_id is not None:
                raise ConfigError("pass either user_id= or all_users=True to clear(), not both")
            self.db.clear(all_users=True)
        elif user_id is None:
            raise ConfigError("clear() needs user_id=..., or all_users=True to clear every user")
        else:
            self.db.clear(self._uid(user_id))

    def to_dict(self, *, user_id: str | None = None) -> dict[str, Any]:
        """The user's memories, summaries and runs as JSON-ready data."""
        uid = self._uid(user_id)
        return {
            "user_id": uid,
            "memories": [m.model_dump(mode="json") for m in self.db.list_memories(uid)],
            "summaries": [s.model_dump(mode="json") for s in self.db.list_summaries(uid)],
            "runs": [r.model_dump(mode="json") for r in self.db.get_runs(uid)],
        }
