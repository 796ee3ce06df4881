"""The `RecallIndexStore` side of the PostgreSQL store: what keeps `Memory.recall` interactive.

Recall mirrors a user's corpus in process and ranks there (`memlab.recall.corpus`); this
module gives it the cheap reads it needs, as `DuckDbMemoryDb` does: a data version kept in the
server (one indexed row), the exact memory writes of this process since a version (no read),
a snapshot of (id, fingerprint, timestamp) computed in SQL, texts and hits by id, a user's
session layout in three queries, and vectors by content hash from the `embeddings` table.

A fingerprint is the first 64 bits of the text's SHA-256 (for memories, of the stored
`content_hash`), so `memory_rows` computes the same value in Python without a read. Items
come in DuckDB's order (memories as first stored, messages by run then position, summaries
by session id in byte order), so both stores break ties of score alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from memlab.db.postgres.core import (
    MEMORY_COLUMNS,
    PgCore,
    content_hash,
    memory_from_row,
    utc,
)
from memlab.db.postgres.memories import Cursor
from memlab.db.postgres.sessions import MESSAGE_COLUMNS, message_from_row
from memlab.db.recall_index import SessionLayout
from memlab.db.store_core import check_user
from memlab.db.store_embeddings import dim_mismatch
from memlab.db.store_recall import DEFAULT_ROLES
from memlab.errors import ConfigError
from memlab.schema import Message, UserMemory

__all__ = ["PgRecallMixin"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ROLES = ("system", "user", "assistant", "tool")
_SHA = "encode(sha256(convert_to({}, 'UTF8')), 'hex')"
_FP = "('x' || left({}, 16))::bit(64)::bigint"
_US = "(extract(epoch FROM {}) * 1000000)::bigint"


class _Corpus(NamedTuple):
    source: str
    """FROM clause and the user filter (parameter: the user id)."""
    filters: str
    """Further conditions of the snapshot (parameters: roles, include_history)."""
    id: str
    text: str
    hash: str
    ts: str
    order: str


_MEMORIES = _Corpus(
    "memories t WHERE t.user_id = %s", "", "t.memory_id", "t.memory",
    # A row written by hand (or by an old tool) may lack its hash: compute it then.
    f"coalesce(nullif(t.content_hash, ''), {_SHA.format('t.memory')})", "t.updated_at", "t.seq",
)  # fmt: skip
_MESSAGES = _Corpus(
    "messages t JOIN runs r USING (user_id, run_id) WHERE t.user_id = %s",
    " AND t.role = ANY(%s::text[]) AND (%s OR NOT t.from_history)"
    " AND length(btrim(t.content)) > 0",
    "t.message_id", "t.content", _SHA.format("t.content"), "t.created_at", "r.seq, t.position",
)  # fmt: skip
_SUMMARIES = _Corpus(
    "summaries t WHERE t.user_id = %s", "", "t.session_id", "t.summary",
    _SHA.format("t.summary"), "t.updated_at", 't.session_id COLLATE "C"',
)  # fmt: skip


def _us(value: datetime) -> int:
    return (utc(value) - _EPOCH) // timedelta(microseconds=1)


def _corpus(corpus: str) -> _Corpus:
    found = {"memories": _MEMORIES, "messages": _MESSAGES, "summaries": _SUMMARIES}.get(corpus)
    if found is None:
        raise ConfigError(
            f"unknown recall corpus {corpus!r}; choose 'memories', 'messages' or 'summaries'"
        )
    return found


def _columns(rows: Sequence[Sequence[Any]], *, with_text: bool) -> pa.Table:
    """The corpus table of `RecallIndexStore` from (id, fingerprint, ts_us[, text, hash]) rows."""
    fps = np.array([r[1] for r in rows], np.int64).view(np.uint64)
    columns: dict[str, Any] = {
        "item_id": pa.array([r[0] for r in rows], pa.string()),
        "fingerprint": pa.array(fps, pa.uint64()),
        "ts_us": pa.array([r[2] for r in rows], pa.int64()),
    }
    if with_text:
        columns["text"] = pa.array([r[3] for r in rows], pa.string())
        columns["content_hash"] = pa.array([r[4] for r in rows], pa.string())
    return pa.table(columns)


class PgRecallMixin(PgCore):
    """Corpus snapshots, texts, items by id, session layouts and vectors, for recall."""

    def corpus_snapshot(
        self,
        user_id: str,
        corpus: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
    ) -> pa.Table:
        """Every item of the user's corpus without its text: item_id, fingerprint, ts_us.

        For messages, `roles` (default user and assistant) and `include_history` (replayed
        turns) choose which count, and empty texts never do.
        """
        q = _corpus(corpus)
        params: list[Any] = [check_user(user_id)]
        if corpus == "messages":
            chosen = list(DEFAULT_ROLES if roles is None else roles)
            if not chosen or any(r not in _ROLES for r in chosen):
                raise ConfigError(
                    f"roles must be a non-empty subset of {list(_ROLES)}, got {roles!r}"
                )
            params += [chosen, bool(include_history)]
        sql = (
            f"SELECT {q.id}, {_FP.format(q.hash)}, {_US.format(q.ts)} FROM {q.source}{q.filters}"
            f" ORDER BY {q.order}"
        )
        return _columns(
            self._pool.read(lambda cur: cur.execute(sql, params).fetchall()), with_text=False
        )

    def corpus_texts(self, user_id: str, corpus: str, item_ids: Sequence[str]) -> pa.Table:
        """The named items with their text and content hash (unknown ids left out), in order."""
        q = _corpus(corpus)
        sql = (
            f"SELECT {q.id}, {_FP.format(q.hash)}, {_US.format(q.ts)}, {q.text}, {q.hash}"
            f" FROM {q.source} AND {q.id} = ANY(%s::text[]) ORDER BY {q.order}"
        )
        params = [check_user(user_id), list(item_ids)]
        return _columns(
            self._pool.read(lambda cur: cur.execute(sql, params).fetchall()), with_text=True
        )

    def memory_rows(self, memories: Sequence[UserMemory]) -> pa.Table:
        """`corpus_texts` columns for memories the caller holds, computed without a read."""
        hashes = [content_hash(m.memory) for m in memories]
        return pa.table(
            {
                "item_id": pa.array([m.memory_id for m in memories], pa.string()),
                "fingerprint": pa.array([int(h[:16], 16) for h in hashes], pa.uint64()),
                "ts_us": pa.array([_us(m.updated_at) for m in memories], pa.int64()),
                "text": pa.array([m.memory for m in memories], pa.string()),
                "content_hash": pa.array(hashes, pa.string()),
            }
        )

    def get_memories_by_ids(self, user_id: str, memory_ids: Sequence[str]) -> list[UserMemory]:
        """The user's memories with these ids, in that order; unknown ids skipped."""
        check_user(user_id)
        if not memory_ids:
            return []

        def read(cur: Cursor) -> dict[str, UserMemory]:
            cur.execute(
                f"SELECT {MEMORY_COLUMNS} FROM memories WHERE user_id = %s"
                " AND memory_id = ANY(%s::text[])",
                [user_id, list(set(memory_ids))],
            )
            return {str(r[0]): memory_from_row(r) for r in cur.fetchall()}

        found = self._pool.read(read)
        return [found[i] for i in memory_ids if i in found]

    def get_messages_by_ids(self, user_id: str, message_ids: Sequence[str]) -> list[Message]:
        """The user's messages with these ids, in that order; unknown ids skipped."""
        check_user(user_id)
        if not message_ids:
            return []

        def read(cur: Cursor) -> dict[str, Message]:
            cur.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE user_id = %s"
                " AND message_id = ANY(%s::text[])",
                [user_id, list(set(message_ids))],
            )
            return {str(r[0]): message_from_row(r) for r in cur.fetchall()}

        found = self._pool.read(read)
        return [found[i] for i in message_ids if i in found]

    def session_layout(self, user_id: str) -> SessionLayout:
        """Sessions, speakers, citations and summaries of the user, in one connection."""
        check_user(user_id)

        def read(cur: Cursor) -> SessionLayout:
            cur.execute(
                "SELECT m.message_id, m.session_id, coalesce(m.name, m.role) FROM messages m"
                " JOIN runs r USING (user_id, run_id) WHERE m.user_id = %s"
                " ORDER BY r.seq, m.position",
                [user_id],
            )
            messages = cur.fetchall()
            cur.execute(
                "SELECT memory_id, memory, source_message_ids FROM memories WHERE user_id = %s"
                " ORDER BY updated_at, seq",
                [user_id],
            )
            memories = cur.fetchall()
            cur.execute("SELECT session_id, summary FROM summaries WHERE user_id = %s", [user_id])
            return SessionLayout(
                message_ids=[str(r[0]) for r in messages],
                message_sessions=[str(r[1]) for r in messages],
                speakers=[str(r[2]) for r in messages],
                memory_ids=[str(r[0]) for r in memories],
                memory_texts=[str(r[1]) for r in memories],
                memory_sources=[list(r[2]) for r in memories],  # type: ignore[call-overload]
                summaries={str(r[0]): str(r[1]) for r in cur.fetchall()},
            )

        return self._pool.read(read)

    def get_embeddings(
        self, embedder: str, content_hashes: Sequence[str], *, dim: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """(positions in content_hashes that have a stored vector, those vectors).

        Raises:
            ConfigError: a stored vector of `embedder` does not have length `dim`.
        """
        if not content_hashes:
            return np.zeros(0, np.int64), np.zeros((0, dim), np.float32)

        def read(cur: Cursor) -> list[tuple[Any, ...]]:
            cur.execute(
                "SELECT content_hash, vector FROM embeddings"
                " WHERE embedder = %s AND content_hash = ANY(%s::text[])",
                [embedder, list(set(content_hashes))],
            )
            return cur.fetchall()

        stored = {str(h): v for h, v in self._pool.read(read)}
        positions = [p for p, h in enumerate(content_hashes) if h in stored]
        if not positions:
            return np.zeros(0, np.int64), np.zeros((0, dim), np.float32)
        vectors = [stored[content_hashes[p]] for p in positions]
        lengths = [len(v) for v in vectors]
        if any(n != dim for n in lengths):
            raise dim_mismatch(embedder, lengths, dim)
        return np.array(positions, np.int64), np.array(vectors, np.float32).reshape(-1, dim)
