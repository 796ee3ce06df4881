"""Reads for recall: a user's memories, messages or summaries as a corpus of (id, text) items.

Recall indexes a corpus in process and keeps the index in step with the store by diffing a
cheap snapshot (id, fingerprint of the text, timestamp) against what it indexed; the text and
its content hash are read only for new or changed items. Hits are then read back by id, so a
deleted item can never come back from a stale index; memories and messages the store wrote or
read lately are served from its in-process row mirror (`memlab.db.mirror`), the rest by query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import pyarrow as pa

from memlab.db.mirror import RowMirror
from memlab.db.rows import (
    MEMORY_COLUMNS,
    MESSAGE_COLUMNS,
    memory_from_row,
    message_from_row,
    naive_utc,
)
from memlab.db.store_core import StoreCore, check_limit, check_user
from memlab.errors import ConfigError
from memlab.schema import Message, UserMemory

__all__ = ["DEFAULT_ROLES", "RecallMixin"]

DEFAULT_ROLES: tuple[str, ...] = ("user", "assistant")
"""Messages recall runs over unless told otherwise: what was said, not system or tool text."""

_ROLES = ("system", "user", "assistant", "tool")
# Literal IN lists let DuckDB skip most of the table; past this many ids a join is cheaper.
_MAX_INLINE_IDS = 512


class _CorpusSql(NamedTuple):
    source: str
    """FROM clause and the user filter."""
    filters: str
    """Further conditions of the snapshot (which messages count)."""
    id: str
    text: str
    ts: str
    order: str


_MEMORIES = _CorpusSql(
    "memories t WHERE t.user_id = $user", "", "t.memory_id", "t.memory", "t.updated_at", "t.seq"
)
_MESSAGES = _CorpusSql(
    "messages t JOIN runs r USING (user_id, run_id) WHERE t.user_id = $user",
    " AND list_contains($roles, t.role) AND ($history OR NOT t.from_history)"
    " AND length(trim(t.content)) > 0",
    "t.message_id",
    "t.content",
    "t.created_at",
    "r.seq, t.position",
)
_SUMMARIES = _CorpusSql(
    "summaries t WHERE t.user_id = $user",
    "",
    "t.session_id",
    "t.summary",
    "t.updated_at",
    "t.session_id",
)


def _corpus_sql(corpus: str) -> _CorpusSql:
    found = {"memories": _MEMORIES, "messages": _MESSAGES, "summaries": _SUMMARIES}.get(corpus)
    if found is None:
        raise ConfigError(
            f"unknown recall corpus {corpus!r}; choose 'memories', 'messages' or 'summaries'"
        )
    return found


def _check_roles(roles: Sequence[str] | None) -> list[str]:
    chosen = list(DEFAULT_ROLES if roles is None else roles)
    bad = [r for r in chosen if r not in _ROLES]
    if bad or not chosen:
        raise ConfigError(f"roles must be a non-empty subset of {list(_ROLES)}, got {roles!r}")
    return chosen


class RecallMixin(StoreCore):
    """Corpus snapshots, texts and items by id, for the recall indexes."""

    def _corpus_params(
        self, user_id: str, corpus: str, roles: Sequence[str] | None, include_history: bool
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"user": check_user(user_id)}
        if corpus == "messages":
            params["roles"] = _check_roles(roles)
            params["history"] = bool(include_history)
        return params

    def corpus_snapshot(
        self,
        user_id: str,
        corpus: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
    ) -> pa.Table:
        """Every item of the user's corpus, in insertion order, without its text.

        Columns: `item_id` (string), `fingerprint` (uint64, changes when the text changes; an
        in-process value, never stored), `ts_us` (int64 microseconds since the epoch, UTC: a
        memory's or summary's `updated_at`, a message's `created_at`).
        For messages, `roles` (default user and assistant) and `include_history` (replayed
        turns) choose which ones count, and empty texts never do.
        """
        q = _corpus_sql(corpus)
        params = self._corpus_params(user_id, corpus, roles, include_history)
        return (
            self._data_cur()
            .sql(
                f"SELECT {q.id} AS item_id, hash({q.text}) AS fingerprint,"
                f" epoch_us({q.ts}) AS ts_us FROM {q.source}{q.filters} ORDER BY {q.order}",
                params=params,
            )
            .to_arrow_table()
        )

    def memory_rows(self, memories: Sequence[UserMemory]) -> pa.Table:
        """`corpus_texts` columns for memories the caller holds, computed without a table read.

        The fingerprint and hash come from the same DuckDB functions as the snapshot's, so a
        mirror can take these rows for freshly added memories and still diff them later. No
        flush: nothing here reads a table.
        """
        items = pa.table(
            {
                "item_id": pa.array([m.memory_id for m in memories], pa.string()),
                "text": pa.array([m.memory for m in memories], pa.string()),
                "ts": pa.array([naive_utc(m.updated_at) for m in memories], pa.timestamp("us")),
            }
        )
        cur = self._conn.cursor()
        cur.register("_recall_new", items)
        try:
            return cur.sql(
                "SELECT item_id, hash(text) AS fingerprint, epoch_us(ts) AS ts_us, text,"
                " sha256(text) AS content_hash FROM _recall_new"
            ).to_arrow_table()
        finally:
            cur.unregister("_recall_new")

    def corpus_texts(self, user_id: str, corpus: str, item_ids: Sequence[str]) -> pa.Table:
        """The named items of the user with their text (ids it lacks are left out), in order.

        Columns: those of `corpus_snapshot`, plus `text` and `content_hash` (hex SHA-256 of the
        UTF-8 text, the key of the `embeddings` table).
        """
        # Which items count is the snapshot's business: the ids come from it.
        q = _corpus_sql(corpus)
        cur = self._data_cur()
        ids = pa.table({"item_id": pa.array(list(item_ids), pa.string())})
        cur.register("_recall_ids", ids)
        try:
            return cur.sql(
                f"SELECT {q.id} AS item_id, hash({q.text}) AS fingerprint, epoch_us({q.ts}) AS"
                f" ts_us, {q.text} AS text, sha256({q.text}) AS content_hash FROM {q.source}"
                f" AND {q.id} IN (SELECT item_id FROM _recall_ids) ORDER BY {q.order}",
                params={"user": check_user(user_id)},
            ).to_arrow_table()
        finally:
            cur.unregister("_recall_ids")

    def get_memories_by_ids(self, user_id: str, memory_ids: Sequence[str]) -> list[UserMemory]:
        """The user's memories with these ids, in the order given; unknown ids are skipped."""
        found = self._rows_by_ids(
            f"SELECT {MEMORY_COLUMNS} FROM memories WHERE user_id = ? AND memory_id",
            user_id,
            memory_ids,
            self._memory_rows,
        )
        return [memory_from_row(found[i]) for i in memory_ids if i in found]

    def get_messages_by_ids(self, user_id: str, message_ids: Sequence[str]) -> list[Message]:
        """The user's messages with these ids, in the order given; unknown ids are skipped."""
        found = self._rows_by_ids(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE user_id = ? AND message_id",
            user_id,
            message_ids,
            self._message_rows,
        )
        return [message_from_row(found[i]) for i in message_ids if i in found]

    def _rows_by_ids(
        self, head: str, user_id: str, ids: Sequence[str], mirror: RowMirror
    ) -> dict[str, tuple[Any, ...]]:
        """Rows by id: from the in-process mirror, and the ones it lacks from the table.

        Recall reads its hits here several times per question, and a query costs ~2-5 ms:
        the mirror (see `memlab.db.mirror`) holds what the store wrote or read lately, exactly
        as the table has it, so most reads need no query and no flush.
        """
        check_user(user_id)
        unique = list(dict.fromkeys(ids))
        if not unique:
            return {}
        if self.closed:
            self._conn.cursor()  # raises the closed-store error
        with self._buffer_lock:
            version = self.data_version(user_id)
            found, missing = mirror.get(user_id, unique)
        if not missing:
            return found
        cur = self._data_cur()
        if len(missing) <= _MAX_INLINE_IDS:
            marks = ", ".join("?" * len(missing))
            rows = cur.execute(f"{head} IN ({marks})", [user_id, *missing]).fetchall()
        else:
            rows = cur.execute(f"{head} IN (SELECT unnest(?))", [user_id, missing]).fetchall()
        read = [(r[0], tuple(r)) for r in rows]
        with self._buffer_lock:
            # A write that raced the read leaves the mirror as it is rather than stale.
            if self.data_version(user_id) == version:
                mirror.put(user_id, read)
        found.update(read)
        return found

    def list_messages(
        self,
        user_id: str,
        *,
        roles: Sequence[str] | None = None,
        include_history: bool = False,
        order: Literal["oldest", "newest"] = "oldest",
        limit: int | None = None,
    ) -> list[Message]:
        """The user's messages in conversation order: all, the `limit` oldest or newest.

        The same messages as the "messages" corpus of recall (see `corpus_snapshot`); with
        `order="newest"` the newest `limit` come back still in conversation order.
        """
        check_limit(limit)
        params = self._corpus_params(user_id, "messages", roles, include_history)
        direction = "DESC" if order == "newest" else "ASC"
        cols = ", ".join(f"t.{c.strip()}" for c in MESSAGE_COLUMNS.split(","))
        sql = (
            f"SELECT {cols} FROM {_MESSAGES.source}{_MESSAGES.filters}"
            f" ORDER BY r.seq {direction}, t.position {direction}"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = [message_from_row(r) for r in self._data_cur().execute(sql, params).fetchall()]
        return rows[::-1] if order == "newest" else rows

    def summary_sources(self, user_id: str, session_ids: Sequence[str]) -> dict[str, list[str]]:
        """Provenance of session summaries: the ids of the messages of the runs each covers.

        A summary that names no runs covers its whole session. Replayed history turns are left
        out (they cite earlier turns that are listed on their own).
        """
        check_user(user_id)
        wanted = list(dict.fromkeys(session_ids))
        if not wanted:
            return {}
        rows = (
            self._data_cur()
            .execute(
                "SELECT s.session_id, m.message_id FROM summaries s"
                " JOIN runs r ON r.user_id = s.user_id AND (list_contains(s.run_ids, r.run_id)"
                " OR (len(s.run_ids) = 0 AND r.session_id = s.session_id))"
                " JOIN messages m ON m.user_id = r.user_id AND m.run_id = r.run_id"
                " WHERE s.user_id = ? AND s.session_id IN (SELECT unnest(?))"
                " AND NOT m.from_history ORDER BY r.seq, m.position",
                [user_id, wanted],
            )
            .fetchall()
        )
        out: dict[str, list[str]] = {s: [] for s in wanted}
        for session_id, message_id in rows:
            out[session_id].append(message_id)
        return out
