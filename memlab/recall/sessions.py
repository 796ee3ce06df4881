"""Where each recalled row sits in the conversation: its session, its turn order, its speaker.

Windows, session-aware scoring and index expansion need to know, for each row of a corpus
mirror, which session it belongs to and which rows are its neighbours. A message knows its
session through its run; a memory through the first message it cites (a verbatim memory
cites exactly its turn). A memory that cites no stored message is placed by its time: items
stored with the same timestamp count as one session, in insertion order, which is what a
replayed session without messages looks like.

The map is read from the store's documented frames (`messages_df`, `memories_df`,
`summaries_df`) once per data version of the user and cached beside the mirror.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from memlab.db.base import MemoryDb
from memlab.recall.corpus import CorpusIndex

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
        messages = db.messages_df(user_id=user_id)
        codes, uniques = pd.factorize(messages["session_id"], sort=False)
        session_ids = [str(s) for s in uniques]
        at = pd.Index(messages["message_id"])
        names = messages["name"].where(messages["name"].notna(), messages["role"]).tolist()
        memories = db.memories_df(user_id=user_id)
        for text, cited in zip(memories["memory"], memories["source_message_ids"], strict=True):
            for mid in list(cited) if cited is not None else []:
                citing.setdefault(mid, []).append(text)
        frame = db.summaries_df(user_id=user_id)
        summaries = dict(zip(frame["session_id"], frame["summary"], strict=True))
        if corpus == "messages":
            sources = [[i] for i in index.ids]
        else:
            cites = dict(zip(memories["memory_id"], memories["source_message_ids"], strict=True))
            # The frame holds arrays (or None), whose truth value numpy refuses.
            empty: list[str] = []
            sources = [list(c) if (c := cites.get(i)) is not None else empty for i in index.ids]
        first = [s[0] if s else "" for s in sources]
        where = at.get_indexer(first)
        found = where >= 0
        session[found] = codes[where[found]]
        order[found] = where[found]
        for row in np.flatnonzero(found).tolist():
            speaker[row] = names[where[row]]
        missing = np.flatnonzero(~found)
        if missing.size and corpus == "memories":
            # No stored message: items stored at the same time form one session.
            stamps, inverse = np.unique(index.times[missing], return_inverse=True)
            session[missing] = len(session_ids) + inverse
            order[missing] = len(at) + missing
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
