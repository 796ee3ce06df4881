"""The `RecallIndexStore` protocol: the fast-recall plumbing a store may offer besides `MemoryDb`.

Recall keeps an in-process mirror of each user's corpus with keyword and vector indexes on
top (`memlab.recall.corpus`). A store that can say cheaply what changed (a data version, the
exact memory writes since one), hand over a corpus as Arrow columns, read hits by id and keep
vectors by content hash lets recall stay in step without reading a whole corpus per query.
`DuckDbMemoryDb` implements it; a store that does not (a plain `MemoryDb`) is searched through
the generic path of `memlab.recall.generic_store`, with the same results, more slowly.

Arrow and numpy appear in these signatures on purpose: this is the bulk interface, kept out
of `MemoryDb`, whose methods take and return plain Python types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from memlab.db.shared import MemoryChange
from memlab.schema import Message, UserMemory

__all__ = ["MemoryChange", "RecallIndexStore", "SessionLayout"]


@dataclass(frozen=True)
class SessionLayout:
    """Where a user's items sit in the conversation: what session windows and expansion read.

    The three message lists are aligned (one entry per message); so are the three memory ones.
    """

    message_ids: list[str]
    """Every message of the user (all roles, replayed turns and empty texts too), in
    conversation order: runs in the order they were stored, then turn order."""
    message_sessions: list[str]
    """The session id of each message."""
    speakers: list[str]
    """Who said each message: its `name`, or its role when it has none."""
    memory_ids: list[str]
    """Every memory of the user, oldest update first (as `MemoryDb.list_memories`)."""
    memory_texts: list[str]
    """The text of each memory."""
    memory_sources: list[list[str]]
    """The message ids each memory cites."""
    summaries: dict[str, str]
    """Session id -> the text of its summary."""


@runtime_checkable
class RecallIndexStore(Protocol):
    """Bulk reads and a vector table that keep recall's in-process indexes cheap and in step.

    Conventions: `corpus` is "memories", "messages" or "summaries" (anything else is a
    `ConfigError`); a corpus table has the columns `item_id` (string), `fingerprint` (uint64,
    changes when the text changes; an in-process value compared only with this store's own),
    `ts_us` (int64 microseconds since the epoch, UTC: a memory's or summary's `updated_at`, a
    message's `created_at`), and from `corpus_texts`/`memory_rows` also `text` and
    `content_hash` (hex SHA-256 of the UTF-8 text). Items come in a stable order: messages
    in conversation order, memories with the same timestamp in the order first stored,
    summaries by session id. Recall breaks ties of score and time by it, so two stores that
    agree on it return the same hits.
    """

    def data_version(self, user_id: str) -> int:
        """A number that changes whenever the user's memories, runs or summaries change."""

    def memory_changes_since(self, user_id: str, version: int) -> list[MemoryChange] | None:
        """Every change to the user's memories since `version`, in order; None when unknown."""

    def corpus_snapshot(
        self,
        user_id: str,
        corpus: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
    ) -> pa.Table:
        """Every item of a corpus of the user without its text: item_id, fingerprint, ts_us.

        For messages, `roles` (default user and assistant) and `include_history` choose which
        count, as in `MemoryDb.list_messages`, and empty texts never do.
        """

    def corpus_texts(self, user_id: str, corpus: str, item_ids: Sequence[str]) -> pa.Table:
        """The named items with their text and content hash (unknown ids left out)."""

    def memory_rows(self, memories: Sequence[UserMemory]) -> pa.Table:
        """`corpus_texts` columns for memories the caller holds, without a table read."""

    def get_memories_by_ids(self, user_id: str, memory_ids: Sequence[str]) -> list[UserMemory]:
        """The user's memories with these ids, in that order; unknown ids skipped."""

    def get_messages_by_ids(self, user_id: str, message_ids: Sequence[str]) -> list[Message]:
        """The user's messages with these ids, in that order; unknown ids skipped."""

    def session_layout(self, user_id: str) -> SessionLayout:
        """Sessions, speakers, citations and summaries of the user, in one read."""

    def get_embeddings(
        self, embedder: str, content_hashes: Sequence[str], *, dim: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """(positions in content_hashes that have a stored vector, those vectors).

        Raises:
            ConfigError: a stored vector of `embedder` does not have length `dim`.
        """

    def put_embeddings(
        self, embedder: str, content_hashes: Sequence[str], vectors: NDArray[np.float32]
    ) -> int:
        """Store vectors by content hash in one batch; hashes already stored keep theirs."""

    def embedding_dims(self, embedder: str) -> list[int]:
        """Distinct vector lengths stored for an embedder."""
