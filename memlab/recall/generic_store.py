"""The generic recall path: the `RecallIndexStore` plumbing built on `MemoryDb` methods alone.

Recall asks its store for corpus snapshots, texts, hits by id, session layouts and vectors
(`memlab.db.RecallIndexStore`). `DuckDbMemoryDb` answers from SQL and in-process caches; a
store that implements only `MemoryDb` (a new backend, a thin wrapper) is wrapped by
`index_store` in a `GenericIndexStore`, which answers every call with the store's plain reads
(`list_memories`, `list_messages`, `get_runs`, `list_summaries`). Every strategy goes through
it unchanged, so the results are the fast path's: same hits, same order, same scores.

What it costs: the store cannot say whether anything changed, so every search reads the
user's whole corpus and the mirror diffs it by content (only new or changed texts are indexed
again); vectors are kept in this process, by content hash, for as long as the store object
lives, so a text is still embedded once per embedder.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import weakref
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from memlab.db.base import MemoryDb
from memlab.db.recall_index import MemoryChange, RecallIndexStore, SessionLayout
from memlab.db.rows import naive_utc
from memlab.db.store_embeddings import dim_mismatch
from memlab.errors import ConfigError
from memlab.schema import Message, UserMemory

__all__ = ["GenericIndexStore", "index_store"]

_EPOCH = datetime(1970, 1, 1)
_ALL_ROLES = ("system", "user", "assistant", "tool")
# Above this many ids, one list read is cheaper than a lookup per id.
_MAX_POINT_READS = 16
_TICKS = itertools.count(1)


class _Item(NamedTuple):
    item_id: str
    ts_us: int
    text: str


def _ts_us(value: datetime) -> int:
    return (naive_utc(value) - _EPOCH) // timedelta(microseconds=1)


def _table(items: Sequence[_Item], *, with_text: bool) -> pa.Table:
    """Corpus columns for `items` (see `RecallIndexStore`); the fingerprint is a hash prefix."""
    hashes = [hashlib.sha256(i.text.encode("utf-8")).hexdigest() for i in items]
    columns = {
        "item_id": pa.array([i.item_id for i in items], pa.string()),
        "fingerprint": pa.array([int(h[:16], 16) for h in hashes], pa.uint64()),
        "ts_us": pa.array([i.ts_us for i in items], pa.int64()),
    }
    if with_text:
        columns["text"] = pa.array([i.text for i in items], pa.string())
        columns["content_hash"] = pa.array(hashes, pa.string())
    return pa.table(columns)


def _memory_item(memory: UserMemory) -> _Item:
    return _Item(memory.memory_id or "", _ts_us(memory.updated_at), memory.memory)


def _message_item(message: Message) -> _Item:
    return _Item(message.id, _ts_us(message.created_at), message.content)


class _Vectors:
    """Vectors by embedder and content hash, kept in process for one store."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_embedder: dict[str, dict[str, NDArray[np.float32]]] = {}
        self.dims: dict[str, set[int]] = {}


_VECTORS: weakref.WeakKeyDictionary[MemoryDb, _Vectors] = weakref.WeakKeyDictionary()
_VECTORS_LOCK = threading.Lock()


def _vectors_of(db: MemoryDb) -> _Vectors:
    with _VECTORS_LOCK:
        try:
            return _VECTORS.setdefault(db, _Vectors())
        except TypeError:  # a store that cannot be weakly referenced keeps nothing
            return _Vectors()


class GenericIndexStore:
    """`RecallIndexStore` over any `MemoryDb`, through its plain methods (see the module doc).

    Args:
        db: The store searched. Vectors computed for it are kept as long as it lives.
    """

    def __init__(self, db: MemoryDb) -> None:
        self.db = db
        self._vectors = _vectors_of(db)

    def data_version(self, user_id: str) -> int:
        """A new number on every call: without a version from the store, every search syncs."""
        return next(_TICKS)

    def memory_changes_since(self, user_id: str, version: int) -> list[MemoryChange] | None:
        """Always None: the store does not log its writes, so the mirror diffs a snapshot."""
        return None

    def _items(
        self,
        user_id: str,
        corpus: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
    ) -> list[_Item]:
        if corpus == "memories":
            return [_memory_item(m) for m in self.db.list_memories(user_id)]
        if corpus == "messages":
            chosen = None if roles is None else list(roles)
            messages = self.db.list_messages(user_id, roles=chosen, include_history=include_history)
            return [_message_item(m) for m in messages]
        if corpus == "summaries":
            summaries = sorted(self.db.list_summaries(user_id), key=lambda s: s.session_id)
            return [_Item(s.session_id, _ts_us(s.updated_at), s.summary) for s in summaries]
        raise ConfigError(
            f"unknown recall corpus {corpus!r}; choose 'memories', 'messages' or 'summaries'"
        )

    def corpus_snapshot(
        self,
        user_id: str,
        corpus: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
    ) -> pa.Table:
        """Every item of the corpus: item_id, fingerprint, ts_us (one list read)."""
        items = self._items(user_id, corpus, roles=roles, include_history=include_history)
        return _table(items, with_text=False)

    def corpus_texts(self, user_id: str, corpus: str, item_ids: Sequence[str]) -> pa.Table:
        """The named items with text and content hash, in corpus order (one list read)."""
        wanted = set(item_ids)
        if corpus == "messages":
            # Any message of the user, as the DuckDB store reads them: whatever its role.
            items = [_message_item(m) for m in self._all_messages(user_id)]
        else:
            items = self._items(user_id, corpus)
        return _table([i for i in items if i.item_id in wanted], with_text=True)

    def memory_rows(self, memories: Sequence[UserMemory]) -> pa.Table:
        """`corpus_texts` columns for memories the caller holds (no read)."""
        return _table([_memory_item(m) for m in memories], with_text=True)

    def _all_messages(self, user_id: str) -> list[Message]:
        return [m for run in self.db.get_runs(user_id) for m in run.messages]

    def get_memories_by_ids(self, user_id: str, memory_ids: Sequence[str]) -> list[UserMemory]:
        """The user's memories with these ids, in that order; unknown ids skipped."""
        unique = list(dict.fromkeys(memory_ids))
        if len(unique) <= _MAX_POINT_READS:
            found = {i: m for i in unique if (m := self.db.get_memory(user_id, i)) is not None}
        else:
            found = {m.memory_id or "": m for m in self.db.list_memories(user_id)}
        return [found[i] for i in memory_ids if i in found]

    def get_messages_by_ids(self, user_id: str, message_ids: Sequence[str]) -> list[Message]:
        """The user's messages with these ids, in that order; unknown ids skipped."""
        if not message_ids:
            return []
        found = {m.id: m for m in self._all_messages(user_id)}
        return [found[i] for i in message_ids if i in found]

    def session_layout(self, user_id: str) -> SessionLayout:
        """Sessions, speakers, citations and summaries, from runs, memories and summaries."""
        runs = self.db.get_runs(user_id)
        messages = [(run.session_id, m) for run in runs for m in run.messages]
        memories = self.db.list_memories(user_id)
        return SessionLayout(
            message_ids=[m.id for _, m in messages],
            message_sessions=[s for s, _ in messages],
            speakers=[m.name if m.name is not None else m.role for _, m in messages],
            memory_ids=[m.memory_id or "" for m in memories],
            memory_texts=[m.memory for m in memories],
            memory_sources=[list(m.source_message_ids) for m in memories],
            summaries={s.session_id: s.summary for s in self.db.list_summaries(user_id)},
        )

    def get_embeddings(
        self, embedder: str, content_hashes: Sequence[str], *, dim: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Vectors kept for some of `content_hashes`: (their positions, the vectors).

        Raises:
            ConfigError: a kept vector of `embedder` does not have length `dim`.
        """
        with self._vectors.lock:
            kept = self._vectors.by_embedder.get(embedder, {})
            found = [(p, kept[h]) for p, h in enumerate(content_hashes) if h in kept]
        if not found:
            return np.zeros(0, np.int64), np.zeros((0, dim), np.float32)
        lengths = [len(v) for _, v in found]
        if any(n != dim for n in lengths):
            raise dim_mismatch(embedder, lengths, dim)
        positions = np.array([p for p, _ in found], np.int64)
        return positions, np.stack([v for _, v in found]).astype(np.float32, copy=False)

    def put_embeddings(
        self, embedder: str, content_hashes: Sequence[str], vectors: NDArray[np.float32]
    ) -> int:
        """Keep vectors by content hash; hashes already kept keep theirs."""
        n = len(content_hashes)
        if vectors.ndim != 2 or vectors.shape[0] != n:
            raise ConfigError(f"put_embeddings got {n} hashes but vectors of shape {vectors.shape}")
        rows = np.array(vectors, dtype=np.float32)  # a copy: the caller may reuse its buffer
        with self._vectors.lock:
            kept = self._vectors.by_embedder.setdefault(embedder, {})
            for content_hash, row in zip(content_hashes, rows, strict=True):
                kept.setdefault(content_hash, row)
            if n:
                self._vectors.dims.setdefault(embedder, set()).add(int(rows.shape[1]))
        return n

    def embedding_dims(self, embedder: str) -> list[int]:
        """The distinct vector lengths kept for `embedder`."""
        with self._vectors.lock:
            return sorted(self._vectors.dims.get(embedder, ()))


def index_store(db: MemoryDb) -> RecallIndexStore:
    """The recall plumbing of `db`: its own when it implements `RecallIndexStore`, else generic.

    Every recall module goes through this, so a store gets the same results either way.
    """
    if isinstance(db, RecallIndexStore):
        return db
    return GenericIndexStore(db)
