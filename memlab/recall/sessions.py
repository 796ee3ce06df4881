"""Where each recalled row sits in the conversation: its session, its turn order, its speaker.

Windows, session-aware scoring and index expansion need to know, for each row of a corpus
mirror, which session it belongs to and which rows are its neighbours. A message knows its
session through its run; a memory through the first message it cites (a verbatim memory
cites exactly its turn). A memory that cites no stored message is placed by its time: items
stored with the same timestamp count as one session, in insertion order, which is what a
replayed session without messages looks like.

The map is built from the store's `session_layout` (one bulk read in DuckDB; from runs,
memories and summaries on the generic path) once per data version of the user and cached
beside the mirror.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from memlab.db.base import MemoryDb
from memlab.recall.corpus import CorpusIndex
from memlab.recall.generic_store import index_store

__all__ = ["SessionMap", "session_map"]


@dataclass
class SessionMap:
    """Per mirror row: session code, conversation order, speaker; and neighbour lookup."""

    version: int | None
    n: int
    session: NDArray[np.int64]
    """Session code of each row (-1: none, e.g. a summary)."""
    session_ids: list[str]
    """The session id of each code."""
    order: NDArray[np.int64]
    """Position of each row in the user's conversation (run order, then turn order)."""
    speaker: list[str | None]
    """Who said each row (a message's name or role); None when unknown."""
    sources: list[list[str]]
    """Message ids each row stands for (a message: itself; a memory: what it cites)."""
    citing: dict[str, list[str]] = field(default_factory=dict)
    """Message id -> texts of the memories that cite it (for index expansion)."""
    summaries: dict[str, str] = field(default_factory=dict)
    """Session id -> its summary text (for index expansion and session scoring)."""
    sorted_rows: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Live rows with a session, in (session, order) order."""
    position: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Each row's index in `sorted_rows` (-1: not there)."""

    def neighbours(self, row: int, window: int) -> list[int]:
        """Row `row` and up to `window` rows either side of it in its session, in order."""
        pos = int(self.position[row]) if row < len(self.position) else -1
        if pos < 0 or window <= 0:
            return [row]
        session = self.session[row]
        lo, hi = max(0, pos - window), min(len(self.sorted_rows), pos + window + 1)
        rows = self.sorted_rows[lo:hi]
        return [int(r) for r in rows if self.session[r] == session]

    def adjacent(self, a: int, b: int) -> bool:
        """True when row `b` directly follows row `a` in the same session."""
        pa_, pb = int(self.position[a]), int(self.position[b])
        return pa_ >= 0 and pb == pa_ + 1 and self.session[a] == self.session[b]


_CACHE: weakref.WeakKeyDictionary[CorpusIndex, SessionMap] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def session_map(index: CorpusIndex, db: MemoryDb) -> SessionMap:
    """The session map of a synced mirror (call inside `open_index`), cached per version."""
    with _LOCK:
        found = _CACHE.get(index)
    if found is not None and found.version == index.version and found.n == index.n:
        return found
    built = _build(index, db)
    with _LOCK:
        _CACHE[index] = built
    return built


def _build(index: CorpusIndex, db: MemoryDb) -> SessionMap:
    user_id, corpus = index.key.user_id, index.key.corpus
    n = index.n
    session = np.full(n, -1, np.int64)
    order = np.full(n, -1, np.int64)
    speaker: list[str | None] = [None] * n
    sources: list[list[str]] = [[] for _ in range(n)]
    citing: dict[str, list[str]] = {}
    summaries: dict[str, str] = {}
    session_ids: list[str] = []
    if corpus != "summaries":
        layout = index_store(db).session_layout(user_id)
        code_of: dict[str, int] = {}
        codes = np.array(
            [code_of.setdefault(s, len(code_of)) for s in layout.message_sessions], np.int64
        )
        session_ids = list(code_of)
        at: dict[str, int] = {}
        for i, mid in enumerate(layout.message_ids):
            at.setdefault(mid, i)
        for text, cited in zip(layout.memory_texts, layout.memory_sources, strict=True):
            for mid in cited:
                citing.setdefault(mid, []).append(text)
        summaries = dict(layout.summaries)
        if corpus == "messages":
            sources = [[i] for i in index.ids]
        else:
            cites = dict(zip(layout.memory_ids, layout.memory_sources, strict=True))
            sources = [list(cites.get(i, ())) for i in index.ids]
        where = np.array([at.get(s[0], -1) if s else -1 for s in sources], np.int64)
        found = where >= 0
        session[found] = codes[where[found]]
        order[found] = where[found]
        for row in np.flatnonzero(found).tolist():
            speaker[row] = layout.speakers[where[row]]
        missing = np.flatnonzero(~found)
        if missing.size and corpus == "memories":
            # No stored message: items stored at the same time form one session.
            stamps, inverse = np.unique(index.times[missing], return_inverse=True)
            session[missing] = len(session_ids) + inverse
            order[missing] = len(layout.message_ids) + missing
            session_ids += [f"@{s:.0f}" for s in stamps]
    live = np.flatnonzero(index.live & (session >= 0))
    sorted_rows = live[np.lexsort((order[live], session[live]))].astype(np.int64)
    position = np.full(n, -1, np.int64)
    position[sorted_rows] = np.arange(len(sorted_rows), dtype=np.int64)
    return SessionMap(
        version=index.version,
        n=n,
        session=session,
        session_ids=session_ids,
        order=order,
        speaker=speaker,
        sources=sources,
        citing=citing,
        summaries=summaries,
        sorted_rows=sorted_rows,
        position=position,
    )
