"""In-process mirrors of a user's corpus, kept in step with the store, with indexes on top.

A `CorpusIndex` holds one user's items of one corpus (memories, messages or summaries) as
rows: id, text, content hash, text fingerprint, timestamp and a live flag. Keyword and vector
indexes ("views") are built over the same rows, lazily, the first time a strategy needs them.

Staying correct without paying a database scan per query:

1. The store bumps `data_version(user_id)` after every write (see `StoreCore.changed`). A
   query whose version equals the one the mirror was synced at touches no table.
2. When every change to a user's memories since then is known exactly (adds, model ops,
   edits, deletes; not bulk imports or clears), the store hands them over
   (`memory_changes_since`): removed ids leave the live mask, written memories are appended,
   with no table read.
3. Otherwise the mirror reads a snapshot of (id, fingerprint, timestamp) and diffs it: new
   ids and changed fingerprints are appended as new rows (their texts read in one query),
   rows whose id is gone or whose text changed are marked dead, and timestamps are refreshed.
   When the live rows are an unchanged prefix of the snapshot (the common case: adds) the
   diff is one comparison.
4. Views catch up on the rows appended since they last ran; dead rows drop out through the
   live mask. When dead rows pile up, rows and views are compacted.
5. Hits are read back from the store by id, so even a wrong mirror could not return a deleted
   item. Users never share a mirror.

The store's side of this is `memlab.db.RecallIndexStore`; a store without it is synced
through `memlab.recall.generic_store` (step 3 on every search, same rows).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from memlab.db.base import MemoryDb
from memlab.db.recall_index import MemoryChange, RecallIndexStore
from memlab.recall.base import Corpus
from memlab.recall.generic_store import index_store
from memlab.schema import UserMemory

__all__ = [
    "MAX_CACHED_INDEXES",
    "CorpusIndex",
    "CorpusKey",
    "IndexView",
    "cached_indexes",
    "clear_index_cache",
    "open_index",
]

MAX_CACHED_INDEXES = 64
"""Mirrors kept per store (least recently used dropped first)."""

_COMPACT_MIN_DEAD = 256


@dataclass(frozen=True)
class CorpusKey:
    """Which items a mirror holds: one user's corpus, and for messages which of them."""

    user_id: str
    corpus: Corpus
    roles: tuple[str, ...] = ()
    include_history: bool = False


class IndexView(Protocol):
    """An index over the rows of a `CorpusIndex` (BM25 postings, a vector matrix)."""

    n: int
    """Rows indexed so far; rows `n..` are added by `extend`."""

    def extend(
        self, db: MemoryDb, texts: Sequence[str], hashes: Sequence[str], live: NDArray[np.bool_]
    ) -> None:
        """Index the next rows; on error index none of them."""

    def compact(self, keep: NDArray[np.int64]) -> None:
        """Keep only rows `keep` (sorted; rows at or past `n` are not indexed yet)."""


V = TypeVar("V", bound=IndexView)


class CorpusIndex:
    """The rows of one `CorpusKey`, synced with the store on demand (see the module doc)."""

    def __init__(self, key: CorpusKey) -> None:
        self.key = key
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget every row and view; the next `sync` rebuilds from the store."""
        self.version: int | None = None
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.hashes: list[str] = []
        self.fingerprints = np.zeros(0, np.uint64)
        self.times = np.zeros(0, np.float64)
        """Seconds since the epoch (UTC) of each row's timestamp."""
        self.live = np.zeros(0, np.bool_)
        self._id_array: Any = pa.array([], pa.string())
        self._views: dict[Hashable, IndexView] = {}

    @property
    def n(self) -> int:
        """Rows, dead ones included."""
        return len(self.ids)

    def sync(self, db: RecallIndexStore) -> None:
        """Bring the rows in step with the store (a no-op when its data version is unchanged)."""
        version = db.data_version(self.key.user_id)
        if version == self.version:
            return
        if self.key.corpus == "memories" and self.version is not None:
            # An agent's writes (adds, model ops, edits, deletes) are known exactly to the
            # store: replay them instead of diffing a snapshot, which would also commit the
            # buffered adds.
            changes = db.memory_changes_since(self.key.user_id, self.version)
            if changes is not None:
                self._replay(db, changes)
                self.version = version
                return
        snapshot = db.corpus_snapshot(
            self.key.user_id,
            self.key.corpus,
            roles=self.key.roles or None,
            include_history=self.key.include_history,
        )
        self._apply(db, snapshot)
        self.version = version

    def _apply(self, db: RecallIndexStore, snapshot: pa.Table) -> None:
        ids = snapshot.column("item_id").combine_chunks().cast(pa.string())
        fps = snapshot.column("fingerprint").to_numpy().astype(np.uint64)
        times = snapshot.column("ts_us").to_numpy().astype(np.float64) / 1e6
        live_rows = np.flatnonzero(self.live)
        live_ids = self._id_array.take(pa.array(live_rows))
        if len(live_rows) <= len(ids) and ids.slice(0, len(live_rows)).equals(live_ids):
            rows = np.concatenate((live_rows, np.full(len(ids) - len(live_rows), -1)))
        else:
            where = pc.index_in(ids, value_set=live_ids).fill_null(-1).to_numpy()
            rows = np.where(where >= 0, live_rows[np.maximum(where, 0)], -1)
        known = rows >= 0
        same = known.copy()
        same[known] = self.fingerprints[rows[known]] == fps[known]
        kept = np.zeros(self.n, np.bool_)
        kept[rows[same]] = True
        dead = live_rows[~kept[live_rows]]
        self.times[rows[same]] = times[same]
        added = np.flatnonzero(~same)
        if added.size:
            wanted = ids.take(pa.array(added)).to_pylist()
            self._append(db.corpus_texts(self.key.user_id, self.key.corpus, wanted))
        self.live[dead] = False
        if self.n - int(self.live.sum()) > max(_COMPACT_MIN_DEAD, self.n // 4):
            self._compact()

    def _replay(self, db: RecallIndexStore, changes: Sequence[MemoryChange]) -> None:
        written: dict[str, UserMemory] = {}
        for change in changes:
            if change.removed:
                gone = pa.array(change.removed, pa.string())
                self.live &= ~pc.is_in(self._id_array, value_set=gone).to_numpy(
                    zero_copy_only=False
                )
                for memory_id in change.removed:
                    written.pop(memory_id, None)
            written.update((m.memory_id or "", m) for m in change.appended)
        if written:
            self._append(db.memory_rows(list(written.values())))
        if self.n - int(self.live.sum()) > max(_COMPACT_MIN_DEAD, self.n // 4):
            self._compact()

    def _append(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        ids = table.column("item_id").to_pylist()
        self.ids.extend(ids)
        self.texts.extend(table.column("text").to_pylist())
        self.hashes.extend(table.column("content_hash").to_pylist())
        self.fingerprints = np.concatenate(
            (self.fingerprints, table.column("fingerprint").to_numpy().astype(np.uint64))
        )
        self.times = np.concatenate(
            (self.times, table.column("ts_us").to_numpy().astype(np.float64) / 1e6)
        )
        self.live = np.concatenate((self.live, np.ones(len(ids), np.bool_)))
        self._id_array = pa.concat_arrays(
            [self._id_array, table.column("item_id").combine_chunks().cast(pa.string())]
        )

    def _compact(self) -> None:
        keep = np.flatnonzero(self.live)
        self.ids = [self.ids[i] for i in keep]
        self.texts = [self.texts[i] for i in keep]
        self.hashes = [self.hashes[i] for i in keep]
        self.fingerprints = self.fingerprints[keep]
        self.times = self.times[keep]
        self.live = np.ones(len(keep), np.bool_)
        self._id_array = self._id_array.take(pa.array(keep))
        for view in self._views.values():
            view.compact(keep)

    def drop_views(self, which: Callable[[Any], bool]) -> None:
        """Forget the views whose key `which` accepts (e.g. superseded expanded indexes)."""
        for key in [k for k in self._views if which(k)]:
            del self._views[key]

    def view(self, key: Hashable, factory: Callable[[], V], db: MemoryDb) -> V:
        """The view stored under `key` (made by `factory` on first use), caught up to all rows."""
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = factory()
        if view.n < self.n:
            start = view.n
            view.extend(db, self.texts[start:], self.hashes[start:], self.live[start:])
        return view  # type: ignore[return-value]


_CACHE: weakref.WeakKeyDictionary[Any, OrderedDict[CorpusKey, CorpusIndex]] = (
    weakref.WeakKeyDictionary()
)
_CACHE_LOCK = threading.Lock()


def _cached(db: MemoryDb, key: CorpusKey) -> CorpusIndex:
    with _CACHE_LOCK:
        try:
            entries = _CACHE.setdefault(db, OrderedDict())
        except TypeError:  # a store that cannot be weakly referenced is not cached
            return CorpusIndex(key)
        index = entries.get(key)
        if index is None:
            index = entries[key] = CorpusIndex(key)
            while len(entries) > MAX_CACHED_INDEXES:
                entries.popitem(last=False)
        entries.move_to_end(key)
        return index


def cached_indexes(db: MemoryDb) -> dict[CorpusKey, CorpusIndex]:
    """The in-process mirrors of `db`'s corpora, least recently used first (a copy)."""
    with _CACHE_LOCK:
        return dict(_CACHE.get(db, {}))


def clear_index_cache() -> None:
    """Forget every in-process mirror (the next recall rebuilds from the store)."""
    with _CACHE_LOCK:
        _CACHE.clear()


@contextmanager
def open_index(db: MemoryDb, key: CorpusKey) -> Iterator[CorpusIndex]:
    """The mirror of `key` in `db`, synced, locked for the block (views and scoring inside)."""
    index = _cached(db, key)
    with index.lock:
        try:
            index.sync(index_store(db))
        except BaseException:
            index.reset()  # a failed sync may leave rows half-updated; rebuild next time
            raise
        yield index
