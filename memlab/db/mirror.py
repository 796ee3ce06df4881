"""An in-process copy of recently written or read rows, so recall reads hits without a query.

Recall ranks ids in its own index and reads the chosen rows back by id, several times per
question, and a query per read would be most of a recall-only replay's time. The store keeps
the rows it writes (and the ones a read had to fetch) here, per user and by id, in the exact
form a `SELECT` returns, so a hit is built by the same row converter and comes out identical.
The mirror is a subset of the table, never a guess: every write path updates it
(`StoreCore.changed` drops what a change it cannot describe touched), a row missing here is
read from the table, and the least recently used users are dropped past `max_rows`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["RowMirror"]

Row = tuple[Any, ...]


class RowMirror:
    """Rows by (user, id), least recently used users dropped first. Not thread-safe.

    The caller (`SharedFile`) holds the store's buffer lock around every call.

    Args:
        max_rows: How many rows to keep in all; a user with more than this is not kept.
    """

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self._users: OrderedDict[str, dict[str, Row]] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def get(self, user_id: str, ids: Sequence[str]) -> tuple[dict[str, Row], list[str]]:
        """The rows of `ids` held here, and the ids that are not (to read from the table)."""
        rows = self._users.get(user_id)
        if rows is None:
            return {}, list(ids)
        self._users.move_to_end(user_id)
        found: dict[str, Row] = {}
        missing: list[str] = []
        for item_id in ids:
            row = rows.get(item_id)
            if row is None:
                missing.append(item_id)
            else:
                found[item_id] = row
        return found, missing

    def put(self, user_id: str, rows: Iterable[tuple[str, Row]]) -> None:
        """Keep (id, row) pairs of `user_id`, replacing rows held under the same ids."""
        mine = self._users.get(user_id)
        if mine is None:
            mine = self._users[user_id] = {}
        else:
            self._users.move_to_end(user_id)
        before = len(mine)
        mine.update(rows)
        self._size += len(mine) - before
        while self._size > self.max_rows and self._users:
            _, dropped = self._users.popitem(last=False)
            self._size -= len(dropped)

    def drop(self, user_id: str, ids: Iterable[str]) -> None:
        """Forget the rows of `ids` (deleted or changed in a way this copy does not know)."""
        mine = self._users.get(user_id)
        if mine is None:
            return
        for item_id in ids:
            if mine.pop(item_id, None) is not None:
                self._size -= 1

    def drop_user(self, user_id: str | None) -> None:
        """Forget every row of `user_id`, or of every user when None."""
        if user_id is None:
            self._users.clear()
            self._size = 0
            return
        mine = self._users.pop(user_id, None)
        if mine is not None:
            self._size -= len(mine)
