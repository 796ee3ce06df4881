"""Index expansion: index an item under extra keys without changing the text it returns.

LongMemEval (Wu et al., 2024) found that indexing a session or turn under keys derived from
it (facts, summaries, dates) improves retrieval while the reader still gets the original
text. Here a row of a corpus mirror can be indexed, for keyword search, under:

- `date`: its time in words ("Thursday 14 December 2023"), so date terms of a question match;
- `speaker`: who said it (a message's speaker name), so "what did Ana say about..." matches
  Ana's turns even when they do not name her;
- `facts`: the text of the memories that cite it (from an extraction ingest);
- `summary`: the summary of its session.

Only the keyword index sees the keys: hits are read back from the store as stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from memlab.errors import ConfigError
from memlab.recall.bm25 import Bm25Index
from memlab.recall.sessions import SessionMap
from memlab.recall.temporal import date_words

__all__ = ["EXPANSION_KEYS", "ExpandedBm25", "check_expand", "expansion_text", "keys_signature"]

EXPANSION_KEYS: tuple[str, ...] = ("date", "speaker", "facts", "summary")
"""The extra keys an item can be indexed under."""

# Keys whose text can change for rows already indexed (a new fact cites an old turn).
_MUTABLE = ("facts", "summary")


def check_expand(expand: Sequence[str] | str) -> tuple[str, ...]:
    """Validate an `expand` option; return it as a sorted tuple.

    Raises:
        ConfigError: a key is not one of `EXPANSION_KEYS`.
    """
    keys = (expand,) if isinstance(expand, str) else tuple(expand)
    bad = [k for k in keys if k not in EXPANSION_KEYS]
    if bad:
        raise ConfigError(f"expand takes keys from {list(EXPANSION_KEYS)}, got {bad!r}")
    return tuple(sorted(set(keys)))


def expansion_text(
    row: int, keys: Sequence[str], times: NDArray[np.float64], sessions: SessionMap | None
) -> str:
    """The extra keys of row `row`, as text to index beside its own."""
    parts: list[str] = []
    if "date" in keys and row < len(times):
        parts.append(date_words(datetime.fromtimestamp(float(times[row]), UTC)))
    if sessions is not None and row < sessions.n:
        if "speaker" in keys and sessions.speaker[row]:
            parts.append(str(sessions.speaker[row]))
        if "facts" in keys:
            for mid in sessions.sources[row]:
                parts.extend(sessions.citing.get(mid, []))
        if "summary" in keys and sessions.session[row] >= 0:
            sid = sessions.session_ids[int(sessions.session[row])]
            parts.append(sessions.summaries.get(sid, ""))
    return " ".join(p for p in parts if p)


def keys_signature(keys: Sequence[str], sessions: SessionMap | None) -> str:
    """What the expanded index depends on beyond each row's own text and time.

    Facts and summaries can change for rows already indexed; when they do the signature
    changes and the expanded index is rebuilt.
    """
    if sessions is None or not any(k in _MUTABLE for k in keys):
        return ""
    digest = hashlib.sha256()
    if "facts" in keys:
        for mid in sorted(sessions.citing):
            digest.update(mid.encode())
            for text in sessions.citing[mid]:
                digest.update(text.encode())
    if "summary" in keys:
        for sid in sorted(sessions.summaries):
            digest.update(f"{sid}\0{sessions.summaries[sid]}".encode())
    return digest.hexdigest()[:16]


class ExpandedBm25(Bm25Index):
    """BM25 postings of each row's text plus its expansion keys (an `IndexView`).

    Args:
        keys_of: Gives the expansion text of a row; the caller points it at the current
            session map before the view catches up on new rows.
        stem: As `Bm25Index`.
    """

    def __init__(self, keys_of: Callable[[int], str], *, stem: bool = True) -> None:
        super().__init__(stem=stem)
        self.keys_of = keys_of

    def extend(
        self, db: object, texts: Sequence[str], hashes: Sequence[str], live: NDArray[np.bool_]
    ) -> None:
        """Index the next rows with their keys."""
        start = self.n
        self.add([f"{text}\n{self.keys_of(start + i)}" for i, text in enumerate(texts)])
