"""`RecallHits`: the hits of one recall, a list that reads as a table in a notebook.

`Memory.recall` returns it. It is a plain `list[RecallHit]` (equality, slicing and iteration
are the list's), with `to_df()` for analysis and a compact HTML table (rank, kind, short id,
score, clipped text, date, short source ids) instead of a one-line pydantic dump.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from memlab.display import clip, html_table, short_date, short_id, short_ids, text_table
from memlab.recall.base import RecallHit

__all__ = ["RecallHits"]

_SOURCES_SHOWN = 3  # source ids a compact row lists before "+N more"

_COLUMNS = ["rank", "kind", "item_id", "score", "text", "source_message_ids", "updated_at", "role"]
_COMPACT = ["rank", "kind", "id", "score", "text", "date", "sources"]


class RecallHits(list[RecallHit]):
    """Recalled items, best first, as `Memory.recall` returns them."""

    def to_df(self, *, compact: bool = False) -> pd.DataFrame:
        """One row per hit, best first.

        Args:
            compact: Short ids, dates and clipped text (what a notebook shows) instead of the
                full values (full ids, the whole text, UTC timestamps).
        """
        if not compact:
            rows: list[dict[str, Any]] = [
                {
                    "rank": i,
                    "kind": h.kind,
                    "item_id": h.item_id,
                    "score": h.score,
                    "text": h.text,
                    "source_message_ids": list(h.source_message_ids),
                    "updated_at": h.updated_at,
                    "role": h.role,
                }
                for i, h in enumerate(self, start=1)
            ]
            frame = pd.DataFrame(rows, columns=_COLUMNS)
            frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True)
            return frame
        return pd.DataFrame(
            [
                {
                    "rank": i,
                    "kind": h.kind if h.role is None else f"{h.kind} ({h.role})",
                    "id": short_id(h.item_id),
                    "score": round(h.score, 3),
                    "text": clip(h.text),
                    "date": short_date(h.updated_at),
                    "sources": _sources(h.source_message_ids),
                }
                for i, h in enumerate(self, start=1)
            ],
            columns=_COMPACT,
        )

    def texts(self) -> list[str]:
        """The recalled texts, best first (what goes into a prompt)."""
        return [h.text for h in self]

    def _repr_html_(self) -> str:
        return html_table(self.to_df(compact=True), caption=f"{len(self)} recalled")

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        # IPython's text form (a terminal, or the text/plain of a saved notebook).
        p.text(text_table(self.to_df(compact=True), caption=f"{len(self)} recalled"))


def _sources(ids: list[str]) -> str:
    shown = short_ids(ids[:_SOURCES_SHOWN])
    more = len(ids) - _SOURCES_SHOWN
    return f"{shown} +{more} more" if more > 0 else shown
