"""How a `Memory` names the memories its extractions add: random ids, or derived ones.

An agent's memory gives each new memory a random id (uuid4), unique in any store. The replay
lab asks for derived ids instead (`Memory(ids="derived")`): a memory is named from the user,
the run or session its extraction served, the extraction's position among the extractions of
that run, and the op's position in the model's answer. Two replays of a conversation then
store the same ids, and result rows that cite them compare equal column by column. Event ids
in `memory_events` stay random either way: the history keeps the events of every attempt,
and no result row cites them.
"""

from __future__ import annotations

import threading
from typing import Literal

__all__ = ["DerivedIds", "IdMode"]

IdMode = Literal["random", "derived"]
"""How new memories are named: `random` (uuid4) or `derived` (see `DerivedIds`)."""


class DerivedIds:
    """Hands out the id prefix of each extraction: `<user>/<source>/x<n>`.

    `source` is `run:<run id>`, `session:<session id>`, `task` (a memory task) or `direct`
    (messages given without a run or session); `n` counts the extractions of that source by
    this object, so extracting the same run twice names the second batch `x1`. The store
    names the memory of the add at position `i` of the answer `<prefix>/<i>`.

    The count lives in this object: a second `Memory` that extracts the same run into the
    same store again would repeat a name, which the store refuses (`ConfigError`) rather
    than overwrite; the lab clears a unit's namespaces before it replays it again.
    """

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()  # agents call one Memory from several threads

    def prefix(
        self,
        user_id: str,
        *,
        run_id: str | None = None,
        session_id: str | None = None,
        task: bool = False,
    ) -> str:
        """The prefix of the next extraction for `user_id` from this run, session or task."""
        if task:
            source = "task"
        elif run_id is not None:
            source = f"run:{run_id}"
        elif session_id is not None:
            source = f"session:{session_id}"
        else:
            source = "direct"
        base = f"{user_id}/{source}"
        with self._lock:
            n = self._counts.get(base, 0)
            self._counts[base] = n + 1
        return f"{base}/x{n}"
