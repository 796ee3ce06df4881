"""Model-proposed memory ops and bulk imports: validated, applied in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from memlab.db.connection import registered
from memlab.db.rows import (
    EVENT_COLUMNS,
    MEMORY_COLUMNS,
    memories_table,
    memory_from_row,
    naive_utc,
)
from memlab.db.store_core import StoreCore, check_user, insert_arrow
from memlab.db.store_memories import insert_events
from memlab.db.text import check_op, check_text, check_texts
from memlab.errors import ConfigError
from memlab.schema import MemoryEvent, MemoryOp, new_id, utcnow

__all__ = ["OpsMixin"]


class OpsMixin(StoreCore):
    """`apply_ops` for the memory manager and `import_memories_df` for bulk loads."""

    def apply_ops(
        self,
        user_id: str,
        ops: Sequence[MemoryOp],
        *,
        cause: str,
        id_prefix: str | None = None,
    ) -> list[MemoryEvent]:
        """Apply a model's memory ops for `user_id` in one transaction; return one event per op.

        An op naming an unknown id, another user's id, or carrying empty text is rejected:
        it is recorded in `memory_events` with `status="rejected"` and the reason, and the valid
        ops of the same batch still apply.

        With `id_prefix`, the memory an add at position `i` of `ops` creates is named
        `f"{id_prefix}/{i}"` instead of a random id, so a replay names it the same every time;
        a name already stored is a `ConfigError` and nothing is written.
        """
        check_user(user_id)
        check_text("cause", cause)
        if id_prefix is not None:
            check_text("id_prefix", id_prefix)
        for i, op in enumerate(ops):
            check_op(op, where=f"ops[{i}]")
        named = [op.memory_id for op in ops if op.memory_id]
        self._flush_data()

        def apply(cur: duckdb.DuckDBPyConnection) -> tuple[list[MemoryEvent], list[Any]]:
            # Ownership is checked inside the transaction that writes: a memory deleted by
            # another thread meanwhile either is already gone here (the op is rejected as
            # unknown) or makes this transaction conflict, and the retry sees it gone.
            found = {
                r[0]: (r[1], r[2])
                for r in (
                    cur.execute(
                        "SELECT memory_id, user_id, memory FROM memories"
                        " WHERE memory_id IN (SELECT unnest(?))",
                        [named],
                    ).fetchall()
                    if named  # a batch of adds only (the usual case) reads nothing
                    else []
                )
            }
            events: list[MemoryEvent] = []
            now = utcnow()
            ts = naive_utc(now)
            deleted: set[str] = set()
            added: list[tuple[Any, ...]] = []
            updated: list[str] = []
            for i, op in enumerate(ops):
                name = None
                if op.op == "add":
                    name = f"{id_prefix}/{i}" if id_prefix is not None else new_id()
                event = _check_op(op, user_id, found, deleted, name)
                event = event.model_copy(update={"cause": cause, "created_at": now})
                if event.status == "applied":
                    # A replayed op carries its conversation time; a live one happens now.
                    op_ts = naive_utc(op.at) if op.at is not None else ts
                    if op.op == "add":
                        added.append(
                            (
                                event.memory_id,
                                user_id,
                                op.memory,
                                list(op.topics),
                                op.input,
                                list(op.source_message_ids),
                                op_ts,
                                op_ts,
                            )
                        )
                    else:
                        _apply(cur, user_id, op, op_ts)
                        if op.op == "update" and op.memory_id:
                            updated.append(op.memory_id)
                    if op.op == "delete" and op.memory_id:
                        deleted.add(op.memory_id)
                events.append(event)
            if added:
                # One statement for all adds, in op order, so `seq` follows the ops.
                insert_arrow(cur, "memories", MEMORY_COLUMNS, memories_table(added))
            insert_events(cur, events)
            # Every written row has updated_at = now, so their order is by seq: the updated
            # rows (older) first, then the adds as inserted. Only updated rows need reading
            # back (created_at, and topics or sources the op left as they were).
            rows = (
                cur.execute(
                    f"SELECT {MEMORY_COLUMNS} FROM memories WHERE memory_id IN (SELECT unnest(?))"
                    " ORDER BY updated_at, seq",
                    [updated],
                ).fetchall()
                if updated
                else []
            )
            return events, [*rows, *added]

        events, rows = self._conn.atomic(
            apply, what=f"applying {len(ops)} memory ops for user {user_id!r}"
        )
        applied = [e for e in events if e.status == "applied" and e.op != "noop" and e.memory_id]
        with self._buffer_lock:
            self.changed(
                user_id,
                exact=True,
                removed=[e.memory_id for e in applied if e.memory_id],
                appended=[memory_from_row(r) for r in rows],
            )
            self._memory_rows.put(user_id, [(r[0], tuple(r)) for r in rows])
        return events

    def import_memories_df(
        self, df: pd.DataFrame, *, user_id: str | None = None, cause: str = "import"
    ) -> int:
        """Bulk-add memories from a DataFrame in one transaction; return how many were added.

        Columns: `memory` (required), `user_id` (required unless given as argument), and
        optionally `topics`, `input`, `source_message_ids`, `created_at`, `updated_at`.
        """
        if "memory" not in df.columns:
            raise ConfigError(
                f"import_memories_df needs a 'memory' column; the frame has {list(df.columns)}"
            )
        if user_id is None and "user_id" not in df.columns:
            raise ConfigError(
                "import_memories_df needs a 'user_id' column or the user_id= argument"
            )
        texts = df["memory"].tolist()
        bad = [
            i
            for i, t in zip(df.index, texts, strict=True)
            if not isinstance(t, str) or not t.strip()
        ]
        if bad:
            raise ConfigError(
                f"rows {bad[:10]} of the frame have an empty or non-text 'memory';"
                " nothing was imported"
            )
        users = [user_id] if user_id is not None else df["user_id"].unique().tolist()
        for u in users:
            check_user(u)
        _check_frame_text(df)
        batch = pd.DataFrame({"memory": df["memory"].to_numpy()})
        batch["user_id"] = user_id if user_id is not None else df["user_id"].to_numpy()
        for name in ("topics", "source_message_ids", "input"):
            if name in df.columns:
                batch[name] = df[name].to_numpy()
        for name in ("created_at", "updated_at"):
            if name in df.columns:
                try:
                    stamps = pd.to_datetime(df[name], utc=True, format="ISO8601").dt.tz_localize(
                        None
                    )
                except (ValueError, TypeError) as exc:
                    raise ConfigError(
                        f"column {name!r} holds a value that is not an ISO 8601 time: {exc}; "
                        "nothing was imported"
                    ) from exc
                batch[name] = stamps.to_numpy()

        def pick(name: str, default: str, cast: str) -> str:
            return f"{name}::{cast} AS {name}" if name in batch.columns else f"{default} AS {name}"

        # Ids are made in SQL: uuid4() in Python costs more than the whole insert.
        select = ", ".join(
            [
                "uuid()::VARCHAR AS memory_id",
                "user_id::VARCHAR AS user_id",
                "memory::VARCHAR AS memory",
                pick("topics", "[]::VARCHAR[]", "VARCHAR[]"),
                pick("input", "NULL", "VARCHAR"),
                pick("source_message_ids", "[]::VARCHAR[]", "VARCHAR[]"),
                pick("created_at", "$now", "TIMESTAMP"),
                pick("updated_at", "$now", "TIMESTAMP"),
            ]
        )
        self._flush_data()
        now = naive_utc(utcnow())
        source = self._conn.cursor()

        def load(cur: duckdb.DuckDBPyConnection) -> None:
            cur.execute(
                f"CREATE TEMP TABLE _import AS SELECT {select} FROM _import_src",
                {"now": now} if "$now" in select else {},
            )
            cur.execute(
                f"INSERT INTO memories ({MEMORY_COLUMNS}) SELECT {MEMORY_COLUMNS} FROM _import"
            )
            cur.execute(
                f"INSERT INTO memory_events ({EVENT_COLUMNS}) SELECT uuid()::VARCHAR, user_id,"
                " memory_id, 'add', 'applied', NULL, memory, coalesce(source_message_ids, []),"
                " $cause, NULL, $now FROM _import",
                {"cause": cause, "now": now},
            )
            cur.execute("DROP TABLE _import")

        with registered(source, "_import_src", batch):
            self._conn.atomic(load, what=f"importing {len(batch)} memories")
        self.changed(user_id if user_id is not None or len(users) != 1 else users[0])
        return len(batch)


def _check_frame_text(df: pd.DataFrame) -> None:
    for name in ("memory", "input"):
        if name in df.columns:
            for index, value in zip(df.index, df[name].tolist(), strict=True):
                if isinstance(value, str):
                    check_text(f"row {index!r} column {name!r}", value)
    for name in ("topics", "source_message_ids"):
        if name in df.columns:
            for index, value in zip(df.index, df[name].tolist(), strict=True):
                if value is not None and not isinstance(value, str | float):  # lists, arrays
                    check_texts(f"row {index!r} column {name!r}", [str(v) for v in value])


def _check_op(
    op: MemoryOp,
    user_id: str,
    found: dict[str, tuple[str, str]],
    deleted: set[str],
    new_memory_id: str | None,
) -> MemoryEvent:
    def rejected(reason: str) -> MemoryEvent:
        return MemoryEvent(
            user_id=user_id,
            memory_id=op.memory_id,
            op=op.op,
            after=op.memory,
            source_message_ids=op.source_message_ids,
            status="rejected",
            reason=reason,
        )

    if op.op in ("add", "update") and not (op.memory or "").strip():
        return rejected(f"{op.op} with empty memory text")
    before: str | None = None
    if op.op in ("update", "delete") or (op.op == "noop" and op.memory_id):
        if not op.memory_id:
            return rejected(f"{op.op} without a memory_id")
        owner = found.get(op.memory_id)
        if owner is None:
            return rejected(f"unknown memory id {op.memory_id!r}")
        if owner[0] != user_id:
            return rejected(f"memory id {op.memory_id!r} belongs to another user")
        if op.memory_id in deleted:
            return rejected(f"memory id {op.memory_id!r} was deleted earlier in the same batch")
        before = owner[1]
    memory_id = new_memory_id if op.op == "add" else op.memory_id
    after = None if op.op == "delete" else (op.memory if op.op != "noop" else before)
    return MemoryEvent(
        user_id=user_id,
        memory_id=memory_id,
        op=op.op,
        before=before,
        after=after,
        source_message_ids=op.source_message_ids,
    )


def _apply(cur: duckdb.DuckDBPyConnection, user_id: str, op: MemoryOp, ts: datetime) -> None:
    """Run an update or a delete (adds are inserted together, after the loop)."""
    if op.op == "update":
        cur.execute(
            # An op that names no topics or sources keeps the memory's own.
            "UPDATE memories SET memory = ?, topics = coalesce(?, topics),"
            " input = coalesce(?, input),"
            " source_message_ids = coalesce(?, source_message_ids), updated_at = ?"
            " WHERE memory_id = ? AND user_id = ?",
            [
                op.memory,
                op.topics or None,
                op.input,
                op.source_message_ids or None,
                ts,
                op.memory_id,
                user_id,
            ],
        )
    elif op.op == "delete":
        cur.execute(
            "DELETE FROM memories WHERE memory_id = ? AND user_id = ?", [op.memory_id, user_id]
        )
