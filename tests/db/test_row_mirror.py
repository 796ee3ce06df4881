"""Reads by id come from the in-process row mirror: they must equal what the table holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from memlab.db import DuckDbMemoryDb
from memlab.db.mirror import RowMirror
from memlab.schema import MemoryOp, Message, Run, ToolCall, UserMemory


@pytest.fixture
def db(tmp_path: Path) -> Iterator[DuckDbMemoryDb]:
    store = DuckDbMemoryDb(tmp_path / "store.duckdb")
    yield store
    store.close()


def _from_table(db: DuckDbMemoryDb, user_id: str, ids: list[str]) -> list[UserMemory]:
    with db._buffer_lock:
        db._memory_rows.drop_user(None)
    return db.get_memories_by_ids(user_id, ids)


def _messages_from_table(db: DuckDbMemoryDb, user_id: str, ids: list[str]) -> list[Message]:
    with db._buffer_lock:
        db._message_rows.drop_user(None)
    return db.get_messages_by_ids(user_id, ids)


def test_every_write_path_leaves_reads_by_id_equal_to_the_table(db: DuckDbMemoryDb) -> None:
    other_tz = timezone(timedelta(hours=5))
    a = db.add_memory("u", UserMemory(memory="buffered", topics=["t"]))
    b, c = db.upsert_memories(
        "u",
        [
            UserMemory(memory="upserted", created_at=datetime(2024, 1, 2, 3, tzinfo=other_tz)),
            UserMemory(memory="naive time", created_at=datetime(2024, 1, 2, 3)),
        ],
    )
    # Replacing keeps the stored created_at: the mirror must not take the new object's.
    replaced = b.model_copy(update={"memory": "replaced", "created_at": c.created_at})
    db.upsert_memories("u", [replaced])
    events = db.apply_ops(
        "u",
        [
            MemoryOp(op="add", memory="op add", topics=["x"], source_message_ids=["m1"]),
            MemoryOp(op="update", memory_id=c.memory_id, memory="op update"),
            MemoryOp(op="delete", memory_id=a.memory_id),
        ],
        cause="test",
    )
    ids = [a.memory_id, b.memory_id, c.memory_id, events[0].memory_id]
    ids = [i for i in ids if i]
    mirrored = db.get_memories_by_ids("u", ids)
    assert [m.memory for m in mirrored] == ["replaced", "op update", "op add"]
    assert mirrored == _from_table(db, "u", ids)
    assert db.get_memories_by_ids("u", ids) == mirrored  # read back into the mirror


def test_deletes_clears_and_raw_sql_are_never_served_from_the_mirror(db: DuckDbMemoryDb) -> None:
    a, b, c = db.upsert_memories("u", [UserMemory(memory=t) for t in ("a", "b", "c")])
    ids = [m.memory_id or "" for m in (a, b, c)]
    assert len(db.get_memories_by_ids("u", ids)) == 3
    db.delete_memory("u", ids[0])
    assert [m.memory for m in db.get_memories_by_ids("u", ids)] == ["b", "c"]
    db.sql_df("DELETE FROM memories WHERE memory = 'b'")
    assert [m.memory for m in db.get_memories_by_ids("u", ids)] == ["c"]
    db.clear("u")
    assert db.get_memories_by_ids("u", ids) == []
    assert db.get_memories_by_ids("someone-else", [ids[2]]) == []


def test_messages_by_id_equal_the_table_and_go_with_a_clear(db: DuckDbMemoryDb) -> None:
    when = datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-3)))
    messages = [
        Message(id="t1", role="user", content="I moved to Lisbon", created_at=when),
        Message(
            id="t2",
            role="assistant",
            content="",
            name="bot",
            tool_calls=[ToolCall(id="c1", name="add_memory", arguments='{"memory": "x"}')],
        ),
        Message(id="t3", role="tool", content="ok", tool_call_id="c1", from_history=True),
    ]
    db.add_runs(
        [
            Run(run_id="r1", session_id="s", user_id="u", messages=messages[:2]),
            Run(run_id="r2", session_id="s", user_id="u", messages=messages[2:]),
        ]
    )
    mirrored = db.get_messages_by_ids("u", ["t3", "t1", "nope", "t2"])
    assert [m.id for m in mirrored] == ["t3", "t1", "t2"]
    assert mirrored == _messages_from_table(db, "u", ["t3", "t1", "nope", "t2"])
    assert mirrored[1].created_at == when.astimezone(UTC)
    assert [r.run_id for r in db.get_runs("u")] == ["r1", "r2"]
    assert [m.position for m in db.messages_df(user_id="u").itertuples()] == [0, 1, 0]
    db.clear("u")
    assert db.get_messages_by_ids("u", ["t1"]) == []


def test_a_second_store_on_the_file_sees_the_same_rows(tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    with DuckDbMemoryDb(path) as one, DuckDbMemoryDb(path) as two:
        m = one.add_memory("u", UserMemory(memory="first"))
        assert two.get_memories_by_ids("u", [m.memory_id or ""]) == [m]
        two.delete_memory("u", m.memory_id or "")
        assert one.get_memories_by_ids("u", [m.memory_id or ""]) == []


def test_the_mirror_drops_least_recently_used_users_past_its_size() -> None:
    mirror = RowMirror(max_rows=3)
    mirror.put("a", [("1", ("1",)), ("2", ("2",))])
    mirror.put("b", [("3", ("3",))])
    assert mirror.get("a", ["1"]) == ({"1": ("1",)}, [])  # a is now the most recent
    mirror.put("c", [("4", ("4",))])
    assert len(mirror) == 3
    assert mirror.get("b", ["3"]) == ({}, ["3"])
    mirror.drop("a", ["1", "9"])
    assert len(mirror) == 2
    mirror.drop_user(None)
    assert len(mirror) == 0


def test_a_replaced_memory_keeps_its_stored_created_at_in_every_read(db: DuckDbMemoryDb) -> None:
    (m,) = db.upsert_memories("u", [UserMemory(memory="a", created_at=datetime(2020, 1, 1))])
    db.list_memories("u", order="newest", limit=5)  # fills the newest-memories cache
    later = datetime(2024, 1, 1, tzinfo=UTC)
    db.upsert_memories("u", [m.model_copy(update={"memory": "b", "created_at": later})])
    stored = datetime(2020, 1, 1, tzinfo=UTC)
    assert db.list_memories("u", order="newest", limit=5)[0].created_at == stored
    assert db.list_memories("u")[0].created_at == stored
    assert db.get_memories_by_ids("u", [m.memory_id or ""])[0].created_at == stored
