"""The `MemoryDb` protocol: what `Memory` needs from a store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import NDArray

from memlab.db.store_core import MemoryChange
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
    naming the field, raised before anything is buffered or written.
    """

    path: str

    def flush(self) -> None:
        """Make every accepted write durable."""

    def close(self) -> None:
        """Flush and release the store."""

    def add_memory(self, user_id: str, memory: UserMemory, *, cause: str = "api") -> UserMemory:
        """Store one memory; return it with its id."""

    def upsert_memories(
        self, user_id: str, memories: Sequence[UserMemory], *, cause: str = "api"
    ) -> list[UserMemory]:
        """Insert or replace several memories in one transaction."""

    def import_memories_df(
        self, df: pd.DataFrame, *, user_id: str | None = None, cause: str = "import"
    ) -> int:
        """Bulk-add memories from a DataFrame."""

    def delete_memory(
        self, user_id: str, memory_id: str, *, cause: str = "api"
    ) -> UserMemory | None:
        """Delete one memory of the user and return it; None when the user has no such id."""

    def apply_ops(self, user_id: str, ops: Sequence[MemoryOp], *, cause: str) -> list[MemoryEvent]:
        """Apply model-proposed ops, rejecting invalid ones with a recorded reason."""

    def clear(self, user_id: str | None = None, *, all_users: bool = False) -> None:
        """Delete one user's data, or everyone's with `all_users=True`."""

    def get_memory(self, user_id: str, memory_id: str) -> UserMemory | None:
        """One memory of the user, or None."""

    def list_memories(
        self,
        user_id: str,
        *,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[UserMemory]:
        """The user's memories by last update."""

    def count_memories(self, user_id: str) -> int:
        """How many memories the user has."""

    def add_runs(self, runs: Iterable[Run]) -> None:
        """Store runs with their messages."""

    def get_runs(
        self, user_id: str, session_id: str | None = None, *, last_n: int | None = None
    ) -> list[Run]:
        """The user's runs in order."""

    def upsert_summary(self, summary: SessionSummary) -> None:
        """Store or replace a session summary."""

    def get_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """One session summary, or None."""

    def list_summaries(self, user_id: str) -> list[SessionSummary]:
        """Every session summary of the user."""

    def delete_summary(self, user_id: str, session_id: str) -> SessionSummary | None:
        """Delete a session summary and return it; None when the session has none."""

    def record_llm_call(self, call: LlmCall) -> None:
        """Append to the model-call ledger."""

    def memories_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Memories as a DataFrame."""

    def events_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """The memory event history as a DataFrame."""

    def runs_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Runs as a DataFrame."""

    def messages_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Messages as a DataFrame."""

    def summaries_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """Session summaries as a DataFrame."""

    def llm_calls_df(self, *, user_id: str | None = None) -> pd.DataFrame:
        """The model-call ledger as a DataFrame."""

    # Recall: corpora, items by id, and the embeddings table (see memlab.recall).
    def data_version(self, user_id: str) -> int:
        """A number that changes whenever the user's memories, runs or summaries change."""

    def corpus_snapshot(
        self,
        user_id: str,
        corpus: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
    ) -> pa.Table:
        """Every item of a corpus of the user: item_id, fingerprint (of the text), ts_us."""

    def memory_changes_since(self, user_id: str, version: int) -> list[MemoryChange] | None:
        """Exactly known changes to the user's memories since `version`, else None."""

    def memory_rows(self, memories: Sequence[UserMemory]) -> pa.Table:
        """`corpus_texts` columns for memories the caller holds, without a table read."""

    def corpus_texts(self, user_id: str, corpus: str, item_ids: Sequence[str]) -> pa.Table:
        """item_id, text and content_hash (hex SHA-256) of the named items."""

    def get_memories_by_ids(self, user_id: str, memory_ids: Sequence[str]) -> list[UserMemory]:
        """The user's memories with these ids, in that order; unknown ids skipped."""

    def get_messages_by_ids(self, user_id: str, message_ids: Sequence[str]) -> list[Message]:
        """The user's messages with these ids, in that order; unknown ids skipped."""

    def list_messages(
        self,
        user_id: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[Message]:
        """The user's messages in conversation order (the recall "messages" corpus)."""

    def summary_sources(self, user_id: str, session_ids: Sequence[str]) -> dict[str, list[str]]:
        """Ids of the messages each session summary covers."""

    def get_embeddings(
        self, embedder: str, content_hashes: Sequence[str], *, dim: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """(positions in content_hashes that have a stored vector, those vectors)."""

    def put_embeddings(
        self, embedder: str, content_hashes: Sequence[str], vectors: NDArray[np.float32]
    ) -> int:
        """Store vectors by content hash in one batch; stored hashes keep theirs."""

    def embedding_dims(self, embedder: str) -> list[int]:
        """Distinct vector lengths stored for an embedder."""

    def delete_embeddings(self, embedder: str) -> int:
        """Drop an embedder's stored vectors; return how many."""
