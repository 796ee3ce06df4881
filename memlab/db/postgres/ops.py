"""Model-proposed memory ops on PostgreSQL: validated and applied in one transaction.

The rules are the DuckDB store's (`memlab.db.store_ops`): an op naming an unknown id, another
user's id, a memory deleted earlier in the batch, or carrying empty text is rejected with its
reason and the others still apply. The rows an op names are locked while the batch runs, so
two processes applying ops to the same memory take turns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from memlab.db.postgres.core import BUMP_SQL, MEMORY_INSERT_COLUMNS, content_hash, utc
from memlab.db.postgres.memories import EVENT_COLUMNS, Cursor, PgMemoriesMixin, copy_rows, event_row
from memlab.db.store_core import check_user
from memlab.db.text import check_op, check_text
from memlab.errors import ConfigError
from memlab.schema import MemoryEvent, MemoryOp, new_id, utcnow

__all__ = ["PgOpsMixin"]


class PgOpsMixin(PgMemoriesMixin):
    """`apply_ops` for the memory manager."""

    def apply_ops(
        self,
        user_id: str,
        ops: Sequence[MemoryOp],
        *,
        cause: str,
        id_prefix: str | None = None,
    ) -> list[MemoryEvent]:
        """Apply a model's memory ops for `user_id` in one transaction; one event per op.

        With `id_prefix`, the add at position `i` names its memory `f"{id_prefix}/{i}"`; a name
        already stored is a `ConfigError` and nothing is written.
        """
        check_user(user_id)
        check_text("cause", cause)
        if id_prefix is not None:
            check_text("id_prefix", id_prefix)
        for i, op in enumerate(ops):
            check_op(op, where=f"ops[{i}]")
        named = [op.memory_id for op in ops if op.memory_id]

        def apply(cur: Cursor) -> list[MemoryEvent]:
            found: dict[str, tuple[str, str]] = {}
            if named:
                cur.execute(
                    "SELECT memory_id, user_id, memory FROM memories"
                    " WHERE memory_id = ANY(%s::text[]) ORDER BY memory_id FOR UPDATE",
                    [named],
                )
                found = {str(r[0]): (str(r[1]), str(r[2])) for r in cur.fetchall()}
            now = utcnow()
            events: list[MemoryEvent] = []
            deleted: set[str] = set()
            added: list[tuple[Any, ...]] = []
            for i, op in enumerate(ops):
                name = None
                if op.op == "add":
                    name = f"{id_prefix}/{i}" if id_prefix is not None else new_id()
                event = _judge(op, user_id, found, deleted, name)
                event = event.model_copy(update={"cause": cause, "created_at": now})
                if event.status == "applied":
                    at = utc(op.at) if op.at is not None else now
                    if op.op == "add":
                        text = op.memory or ""
                        added.append(
                            (name, user_id, text, list(op.topics), op.input,
                             list(op.source_message_ids), at, at, content_hash(text))
                        )  # fmt: skip
                    elif op.op in ("update", "delete"):
                        _write(cur, user_id, op, at)
                    if op.op == "delete" and op.memory_id:
                        deleted.add(op.memory_id)
                events.append(event)
            if added and id_prefix is not None:
                cur.execute(
                    "SELECT memory_id FROM memories WHERE memory_id = ANY(%s::text[]) LIMIT 1",
                    [[row[0] for row in added]],
                )
                taken = cur.fetchone()
                if taken is not None:
                    raise ConfigError(
                        f"memory id {taken[0]!r} is already stored: id_prefix {id_prefix!r} "
                        "was used before; give each extraction its own prefix"
                    )
            copy_rows(cur, "memories", MEMORY_INSERT_COLUMNS, added)
            copy_rows(cur, "memory_events", EVENT_COLUMNS, [event_row(e) for e in events])
            if any(e.status == "applied" and e.op != "noop" for e in events):
                cur.execute(BUMP_SQL, [user_id])
            return events

        return self._pool.atomic(apply, what=f"applying {len(ops)} memory ops for {user_id!r}")


def _judge(
    op: MemoryOp,
    user_id: str,
    found: dict[str, tuple[str, str]],
    deleted: set[str],
    new_memory_id: str | None,
) -> MemoryEvent:
    """The event of one op: applied, or rejected with the reason."""

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


def _write(cur: Cursor, user_id: str, op: MemoryOp, at: Any) -> None:
    """Run an update (an op naming no topics or sources keeps the memory's own) or a delete."""
    if op.op == "update":
        text = op.memory or ""
        cur.execute(
            "UPDATE memories SET memory = %s, topics = coalesce(%s::text[], topics),"
            " input = coalesce(%s, input),"
            " source_message_ids = coalesce(%s::text[], source_message_ids),"
            " updated_at = %s, content_hash = %s WHERE memory_id = %s AND user_id = %s",
            [text, op.topics or None, op.input, op.source_message_ids or None, at,
             content_hash(text), op.memory_id, user_id],
        )  # fmt: skip
    else:
        cur.execute(
            "DELETE FROM memories WHERE memory_id = %s AND user_id = %s", [op.memory_id, user_id]
        )
